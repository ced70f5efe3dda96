"""Saved pages in the layouts Turkish sites use: what the body must and must not contain.

Each page in ``tests/fixtures/pages`` is invented text in a real layout. ``extract_page``
plus ``split_blocks`` must give the body (first and last sentence), none of the trailing
headlines or page furniture, the trailing list with absolute URLs, and the metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newscrawler.extract.page import Extracted, extract_page
from newscrawler.text.split import Split, split_blocks

PAGES = Path(__file__).with_name("fixtures") / "pages"
CREDITS = ("Hibya Haber Ajansı",)


@dataclass(frozen=True)
class Page:
    """What one saved page must give."""

    file: str
    url: str
    title: str
    first: str  # the body starts with this
    last: str  # ... and ends with this
    headlines: list[tuple[str, str]]
    must_not: tuple[str, ...] = ()
    author: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    site_name: str | None = None
    dates: tuple[tuple[str, str], ...] = ()  # (source, raw) candidates that must be present
    credit: str | None = None
    canonical: str | None = None
    must: tuple[str, ...] = ()  # passages the body holds as written (order, paragraph breaks)
    one_list: str | None = None  # the trailing list is one links block with this heading


EGE = "https://www.egepostasi.com.tr"
KG = "https://www.karadenizgundem.com"
PE = "https://www.pamukkaleekspres.com"
AHM = "https://www.afyonhabermerkezi.com"
DHA = "https://www.doguhaberajansi.com"
MP = "https://www.mezopotamyapostasi.com"
CASES = [
    Page(
        "wordpress_related.html",
        f"{EGE}/2025/09/14/manisada-uzum-hasadi-rekorla-kapandi/",
        title="Manisa'da üzüm hasadı rekorla kapandı",
        first="Manisa Ovası'nda bu yıl kuru üzüm hasadı,",
        last="ihracat sezonu ekim ayında başlıyor.",
        headlines=[
            ("Akhisar'da zeytin hasadı hazırlığı başladı",
             f"{EGE}/2025/09/12/akhisarda-zeytin-hasadi-hazirligi/"),
            ("Sarıgöl'de bağ bozumu şenliği renkli görüntülere sahne oldu",
             f"{EGE}/2025/09/11/sarigolde-bag-bozumu-senligi/"),
            ("Kırkağaç'ta kavun üreticileri kooperatif kurdu",
             f"{EGE}/2025/09/10/kirkagacta-kavun-ureticileri/"),
            ("Soma'da tarım fuarına yoğun ilgi", f"{EGE}/2025/09/09/soma-da-tarim-fuari/"),
        ],
        must_not=("İlgili Haberler", "Paylaş", "Facebook", "REKLAM", "Etiketler", "Önceki Haber",
                  "Salihli'de yol", "İzmir Körfezi'nde", "yorum", "Fotoğraf:", "Yazar:",
                  "Tüm hakları saklıdır"),
        author="Selin Aydoğan",
        category="Ekonomi",
        tags=["Manisa", "üzüm", "tarım"],
        site_name="Ege Postası",
        dates=(("meta", "2025-09-14T08:15:00+03:00"), ("time", "2025-09-14T11:40:00+03:00"),
               ("time", "14 Eylül 2025"), ("url", "2025/09/14")),
        canonical=f"{EGE}/2025/09/14/manisada-uzum-hasadi-rekorla-kapandi/",
    ),
    Page(
        "haber_scripti.html",
        f"{KG}/yerel/trabzonda-heyelan-riski-tasiyan-yamaclar-bosaltildi-41877.html",
        title="Trabzon'da heyelan riski taşıyan yamaçlar boşaltıldı",
        first="Of ilçesinde yoğun yağışların ardından kayma başlayan yamaçtaki 14 ev",
        last="uyarısının hafta sonuna kadar sürdüğünü duyurdu.",
        headlines=[
            ("Sürmene'de balıkçılar hamsi sezonunu açtı",
             f"{KG}/yerel/surmene-de-balikcilar-sezonu-acti-41860.html"),
            ("Akçaabat'ta köfte festivaline binlerce kişi katıldı",
             f"{KG}/yerel/akcaabat-ta-kofte-festivali-41862.html"),
            ("Maçka'da yüksek kesimlere mevsimin ilk karı düştü",
             f"{KG}/yerel/macka-da-kar-yagisi-41865.html"),
            ("Uzungöl'de otel doluluğu yüzde 90'a ulaştı",
             f"{KG}/yerel/uzungol-de-otel-doluluk-41866.html"),
            ("Vakfıkebir ekmeği coğrafi işaret belgesiyle tescillendi",
             f"{KG}/yerel/vakfikebir-de-ekmek-41868.html"),
        ],
        must_not=("Diğer Haberler", "SON DAKİKA", "Rize'de sel", "Paylaş", "Etiketler",
                  "Önceki Haber", "Sonraki Haber", "Yorumlar", "Çok Okunanlar",
                  "Giresun'da fındık", "Yayınlanma:", "Murat Kalkavan", "Anasayfa"),
        author="Murat Kalkavan",
        category="Yerel",
        tags=["Trabzon", "heyelan"],
        site_name="Karadeniz Gündem",
        dates=(("byline", "Yayınlanma: 16.11.2025 - 14:32"),
               ("byline", "Güncelleme: 16.11.2025 - 15:10")),
        canonical=f"{KG}/yerel/trabzonda-heyelan-riski-tasiyan-yamaclar-bosaltildi-41877.html",
    ),
    Page(
        "agency_jsonld.html",
        "https://www.hibya.com/bursada-kent-bostanlari-projesine-yogun-ilgi-812344",
        title="Bursa'da kent bostanları projesine yoğun ilgi",
        first="Nilüfer Belediyesi'nin kent bostanları projesinde ilk hasat,",
        last="üreticilerin ürünleri sergilendi.",
        headlines=[
            ("Mudanya'da sahil yolu yenilendi",
             "https://www.hibya.com/mudanyada-sahil-yolu-yenilendi-812301"),
            ("İnegöl'de mobilya fuarı kapılarını açtı",
             "https://www.hibya.com/inegolde-mobilya-fuari-basladi-812298"),
            ("Gemlik'te zeytin üreticilerine yeni destek paketi",
             "https://www.hibya.com/gemlikte-zeytin-uretimi-812287"),
        ],
        must_not=("Hibya Haber Ajansı", "HİBYA", "Gündem", "12 Kasım 2025"),
        author="Hibya Haber Ajansı",
        category="Yerel Yönetimler",
        tags=["Bursa", "kent bostanı", "Nilüfer"],
        site_name="Hibya Haber Ajansı",
        dates=(("json-ld", "2025-11-12T09:05:00+03:00"), ("json-ld", "2025-11-12T10:20:00+03:00"),
               ("byline", "12 Kasım 2025 Çarşamba 09:05")),
        credit="Hibya Haber Ajansı",
        canonical="https://www.hibya.com/bursada-kent-bostanlari-projesine-yogun-ilgi-812344",
    ),
    Page(
        "amp_page.html",
        "https://www.anadoluekspres.com/amp/eskisehir/eskisehirde-tramvay-hatti-uzatiliyor-h5521.html",
        title="Eskişehir'de tramvay hattı uzatılıyor",
        first="Eskişehir Büyükşehir Belediyesi, tramvay hattını",
        last="çalışmaların gece saatlerinde yapılacağını söyledi.",
        headlines=[
            ("Odunpazarı'nda cam festivali başladı",
             "https://www.anadoluekspres.com/eskisehir/odunpazari-nda-cam-festivali-h5510.html"),
            ("Porsuk Çayı'nda bahar temizliği yapıldı",
             "https://www.anadoluekspres.com/eskisehir/porsuk-cayi-temizlik-h5507.html"),
            ("Sivrihisar'da kale kazısında yeni buluntular",
             "https://www.anadoluekspres.com/eskisehir/sivrihisar-ta-kale-kazisi-h5499.html"),
        ],
        must_not=("Reklam", "Bunlar da ilginizi çekebilir", "Gündem", "Deniz Arslan"),
        author="Deniz Arslan, Ece Tunç",
        category="Eskişehir",
        site_name="Anadolu Ekspres",
        dates=(("json-ld", "2025-10-03T16:45:00+03:00"), ("meta", "2025-10-03T16:45:00+03:00"),
               ("time", "2025-10-03T16:45"), ("time", "03.10.2025 16:45")),
        canonical="https://www.anadoluekspres.com/eskisehir/eskisehirde-tramvay-hatti-uzatiliyor-h5521.html",
    ),
    Page(
        "inline_box.html",
        "https://cukurovapostasi.com/haber/adana-da-pamuk-hasadinda-makine-donemi/30412",
        title="Adana'da pamuk hasadında makine dönemi",
        first="Çukurova'da pamuk hasadı, bu yıl",
        last="ilk haftasında tamamlanması bekleniyor.",
        headlines=[
            ("Yüreğir'de narenciye hasadı başladı",
             "https://cukurovapostasi.com/haber/yuregir-de-narenciye-hasadi/30401"),
            ("Karataş'ta balıkçılar yeni sezondan umutlu",
             "https://cukurovapostasi.com/haber/karatas-ta-balikcilar/30398"),
            ("Pozantı'da elma festivali düzenlendi",
             "https://cukurovapostasi.com/haber/pozanti-da-elma-festivali/30395"),
        ],
        must_not=("İLGİLİ HABER", "Ceyhan'da pamuk fiyatları", "Kozan'da mevsimlik",
                  "Benzer Haberler", "Güncelleme"),
        author="Hakan Yüksel",
        category="Tarım",
        site_name="Çukurova Postası",
        dates=(("meta", "2025-10-21T07:30:00Z"),
               ("byline", "21 Ekim 2025, 10:30 — Güncelleme: 21 Ekim 2025, 12:05")),
        canonical="https://cukurovapostasi.com/haber/adana-da-pamuk-hasadinda-makine-donemi/30412",
    ),
    Page(
        "no_heading_list.html",
        "https://www.serhathaber.com/kars-ta-kasar-egitimi-h2240.html",
        title="Kars'ta kaşar peyniri üreticilerine coğrafi işaret eğitimi",
        first="Kars Ticaret ve Sanayi Odası, kaşar peyniri",
        last="katılımcılara sertifika verildi.",
        headlines=[
            ("Ardahan'da yayla balı hasadı başladı",
             "https://www.serhathaber.com/ardahan-da-bal-hasadi-h2231.html"),
            ("Iğdır kayısısı Avrupa pazarına açılıyor",
             "https://www.serhathaber.com/igdir-da-kayisi-ihracati-h2228.html"),
            ("Sarıkamış'ta kayak sezonu hazırlıkları sürüyor",
             "https://www.serhathaber.com/sarikamis-ta-kayak-sezonu-h2226.html"),
            ("Ani Ören Yeri'nde ziyaretçi rekoru kırıldı",
             "https://www.serhathaber.com/ani-oren-yeri-ziyaretci-h2220.html"),
        ],
        must_not=("05 Ağustos 2025", "Serhat Haber"),
        tags=["Kars", "kaşar", "coğrafi işaret"],
        site_name="Serhat Haber",
        dates=(("byline", "05 Ağustos 2025 Salı"),),
    ),
    Page(
        "sidebar_prevnext.html",
        "https://www.doguekspres.com/van-golunde-inci-kefali-gocu-basladi-6615",
        title="Van Gölü'nde inci kefali göçü başladı",
        first="Van Gölü havzasında yaşayan inci kefalinin",
        last="Bendimahi Şelalesi çevresinde yoğunluk oluşturdu.",
        headlines=[
            ("Hakkari'de yüksek kesimlerde kar etkili oldu",
             "https://www.doguekspres.com/hakkari-de-kar-6630"),
            ("Bitlis'te Nemrut Krater Gölü yolu açıldı",
             "https://www.doguekspres.com/bitlis-te-nemrut-6628"),
            ("Ağrı'da yayla göçü için hazırlıklar başladı",
             "https://www.doguekspres.com/agri-da-yayla-6627"),
            ("Muş lalesi koruma altına alındı", "https://www.doguekspres.com/mus-ta-lale-6625"),
        ],
        must_not=("Son Dakika", "Muş'ta 4,1", "Önceki Haber", "Sonraki Haber", "En Çok Okunan",
                  "Van kahvaltısı", "Popüler", "Özalp'ta baraj", "Editör", "Ana Sayfa"),
        author="Rojda Bingöl",
        category="Çevre",
        site_name="Doğu Ekspres",
        dates=(("byline", "Güncelleme: 02.05.2025 - 09:14"),),
    ),
    Page(
        "br_layout.html",
        "http://www.sinopyildiz.com.tr/haber.asp?id=9920",
        title="Sinop'ta balıkçı barınağı genişletiliyor",
        first="Sinop Merkez'deki balıkçı barınağının kapasitesini",
        last="balık satış reyonları da yapılacak.",
        headlines=[
            ("Boyabat'ta kiraz ağaçları çiçek açtı", "http://www.sinopyildiz.com.tr/haber.asp?id=9912"),
            ("Gerze'de sahil temizliği yapıldı", "http://www.sinopyildiz.com.tr/haber.asp?id=9908"),
            ("Ayancık'ta orman yangını tatbikatı düzenlendi",
             "http://www.sinopyildiz.com.tr/haber.asp?id=9905"),
            ("Türkeli'de yeni sağlık ocağı hizmete girdi",
             "http://www.sinopyildiz.com.tr/haber.asp?id=9901"),
        ],
        must_not=("Diğer Haberler", "ANKET", "nükleer", "GÜNDEM", "Copyright"),
        site_name="Sinop Yıldız Gazetesi",
        dates=(("byline", "12.03.2024 11:20"),),
    ),
    Page(
        "wordpress_news_theme.html",
        f"{PE}/2025/12/02/denizlide-termal-turizme-yeni-tesis/",
        title="Denizli'de termal turizme yeni tesis",
        first="Pamukkale ilçesine bağlı Karahayıt Mahallesi'nde",
        last="yatırımın ilçe için önemli bir adım olduğunu söyledi.",
        headlines=[
            ("Pamukkale travertenlerine kasımda ziyaretçi akını",
             f"{PE}/2025/12/01/pamukkale-travertenleri-ziyaretci/"),
            ("Hierapolis'te kazı sezonu yeni buluntularla kapandı",
             f"{PE}/2025/11/29/hierapolis-kazi-sezonu/"),
            ("Buldan dokuma festivali için hazırlıklar başladı",
             f"{PE}/2025/11/27/buldan-dokuma-festivali/"),
        ],
        must_not=("İLGİLİ HABER", "Karahayıt'ta otel doluluğu", "REKLAM", "Fotoğraf:",
                  "Tesisin inşaatı sürüyor", "bültenimize", "Abone ol", "Haberin Devamı",
                  "Etiketler", "Önceki Haber", "Yorumlar", "hayırlı olsun", "Çok Okunanlar",
                  "Honaz", "Facebook", "WhatsApp", "Yazar:", "Tüm hakları saklıdır"),
        must=("\n\nYeni istihdam alanı\n\nTesisin açılmasıyla",
              "Kaplıca havuzları ve kapalı yüzme alanı\n\nFizik tedavi ve rehabilitasyon merkezi"
              "\n\nKongre salonu ve toplantı odaları\n\nBelediye Başkanı"),
        author="Canan Oral",
        category="Turizm",
        tags=["Denizli", "termal turizm"],
        site_name="Pamukkale Ekspres",
        dates=(("meta", "2025-12-02T09:10:00+03:00"), ("url", "2025/12/02")),
        canonical=f"{PE}/2025/12/02/denizlide-termal-turizme-yeni-tesis/",
    ),
    Page(
        "haber_scripti_son_dakika.html",
        f"{AHM}/ekonomi/afyon-da-kaymak-denetimi-9915",
        title="Afyon'da kaymak üreticilerine hijyen denetimi",
        first="İl Tarım ve Orman Müdürlüğü ekipleri,",
        last="denetimlerin yıl boyunca süreceğini söyledi.",
        headlines=[
            ("Sandıklı'da mineralli su ihracatı yüzde 20 arttı",
             f"{AHM}/ekonomi/sandikli-da-mineralli-su-ihracati-9911"),
            ("Bolvadin'de gölet çevresi yeniden düzenlendi",
             f"{AHM}/gundem/bolvadin-de-golet-yenilendi-9908"),
            ("Emirdağ'da arpa hasadı erken başladı", f"{AHM}/gundem/emirdag-da-hasat-9904"),
            ("Dinar'da hayvan pazarı yeniden açıldı",
             f"{AHM}/ekonomi/dinar-da-hayvan-pazari-9899"),
        ],
        must_not=("Son Dakika", "Gündem", "Sinanpaşa", "İscehisar", "18.06.2025", "kaymak\n"),
        author="Emre Kılıç",
        category="Ekonomi",
        tags=["kaymak", "denetim"],
        site_name="Afyon Haber Merkezi",
        dates=(("json-ld", "2025-06-18T11:05:00+03:00"), ("byline", "18.06.2025 11:05")),
        one_list="Son Dakika",
    ),
    Page(
        "agency_chunked.html",
        f"{DHA}/gundem/van-da-kar-nedeniyle-48-mahalle-yolu-kapandi-77125",
        title="Van'da kar nedeniyle 48 mahalle yolu ulaşıma kapandı",
        first="Van'da etkili olan yoğun kar yağışı ve tipi nedeniyle 48 mahalle yolu",
        last="ağır tonajlı araçların geçişine kontrollü olarak izin veriliyor.",
        headlines=[
            ("Hakkari'de çığ tehlikesine karşı uyarı yapıldı",
             f"{DHA}/gundem/hakkari-de-cig-tehlikesi-77120"),
            ("Bitlis'te okullar kar nedeniyle bir gün tatil edildi",
             f"{DHA}/gundem/bitlis-te-okullar-tatil-77118"),
            ("Muradiye Şelalesi soğuk havada kısmen dondu",
             f"{DHA}/gundem/muradiye-selalesi-dondu-77115"),
        ],
        must_not=("REKLAM", "Başkale yolunda karla", "Fotoğraf: DHA", "Son Haberler", "Erzurum",
                  "Kars kaşarı", "Serhat Aksoy", "14.01.2026", "(DHA)"),
        must=("Kent genelinde iki gündür", "Yetkililer, Gürpınar", "Meteoroloji, kar yağışının"),
        author="Serhat Aksoy",
        category="Gündem",
        site_name="Doğu Haber Ajansı",
        dates=(("meta", "2026-01-14T08:40:00+03:00"),),
        credit="(DHA)",
    ),
    Page(
        "amp_gallery.html",
        f"{MP}/amp/mardin/mardinde-tas-evler-restore-ediliyor-h3312.html",
        title="Mardin'de taş evler restore ediliyor",
        first="Artuklu'da tescilli 36 taş ev, cephe sağlıklaştırma projesi",
        last="esnafa yeni iş olanakları doğacağını belirtti.",
        headlines=[
            ("Midyat'ta telkari ustaları yeni nesle eğitim veriyor",
             f"{MP}/mardin/midyat-telkari-h3301.html"),
            ("Dara Antik Kenti'nde kazılar yeniden başladı",
             f"{MP}/mardin/dara-antik-kenti-h3296.html"),
            ("Savur'da bağ bozumu şenlikle kutlandı", f"{MP}/mardin/savur-bag-h3290.html"),
        ],
        must_not=("Restore edilen kapılardan", "Reklam", "Bunlar da ilginizi", "Ana Sayfa",
                  "Mezopotamya Postası"),
        author="Zelal Acar",
        category="Mardin",
        tags=["Mardin", "restorasyon", "taş ev"],
        site_name="Mezopotamya Postası",
        dates=(("json-ld", "2025-09-09T13:20:00+03:00"),),
        canonical=f"{MP}/mardin/mardinde-tas-evler-restore-ediliyor-h3312.html",
    ),
    Page(
        "jsonld_body_only.html",
        "https://www.trakyamanset.com/spor/edirne-de-kirkpinar-hazirliklari-5515",
        title="Edirne'de Kırkpınar hazırlıkları başladı",
        first="Edirne Belediyesi, 665. Tarihi Kırkpınar Yağlı Güreşleri",
        last="hazırlıkların haziran ayının ilk haftasında tamamlanacağını söyledi.",
        headlines=[],  # the page shows no region to follow: the list is not guessed
        must_not=("Yükleniyor", "İlgili Haberler", "Kırkpınar ağalığı"),
        must=("başladı.\n\nEkipler tribünlerin",),
        author="Okan Yurt",
        category="Spor",
        site_name="Trakya Manşet",
        dates=(("json-ld", "2026-05-04T10:00:00+03:00"),),
    ),
]


def extracted(case: Page) -> tuple[Extracted, Split]:
    html = (PAGES / case.file).read_text("utf-8")
    ex = extract_page(html, case.url)
    return ex, split_blocks(ex.blocks, CREDITS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_body(case: Page) -> None:
    ex, split = extracted(case)
    body = "\n\n".join(split.paragraphs)
    assert ex.is_article and ex.reason is None
    assert body.startswith(case.first), body[:200]
    assert body.endswith(case.last), body[-200:]
    for title, _ in case.headlines:
        assert title not in body
    for text in case.must_not:
        assert text not in body, text
    for text in case.must:
        assert text in body, text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_headlines_and_credit(case: Page) -> None:
    _, split = extracted(case)
    assert [(h.title, h.url) for h in split.headlines] == case.headlines
    assert [h.position for h in split.headlines] == list(range(1, len(case.headlines) + 1))
    assert split.credit == case.credit


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_metadata(case: Page) -> None:
    ex, _ = extracted(case)
    got = (ex.title, ex.author, ex.category, ex.tags, ex.site_name, ex.language or "tr")
    assert got == (case.title, case.author, case.category, case.tags, case.site_name, "tr")
    assert ex.url == case.url and ex.canonical_url == case.canonical
    found = {(d.source, d.raw) for d in ex.date_candidates}
    assert set(case.dates) <= found, sorted(found)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_blocks_are_clean(case: Page) -> None:
    ex, _ = extracted(case)
    assert ex.blocks and all(b.kind in ("p", "h", "li", "links") for b in ex.blocks)
    for block in ex.blocks:
        assert block.text == " ".join(block.text.split())
        assert block.text or block.kind == "links"
        for link in block.links:
            assert link.url is not None and link.url.startswith("http"), link
    flags = [b.in_article for b in ex.blocks]
    assert flags == sorted(flags, reverse=True)  # the region first, then what follows


@pytest.mark.parametrize("case", [c for c in CASES if c.one_list], ids=lambda c: c.file)
def test_one_link_paragraphs_under_a_heading_are_one_list(case: Page) -> None:
    ex, _ = extracted(case)
    lists = [b for b in ex.blocks if b.kind == "links"]
    assert [(b.text, [x.title for x in b.links]) for b in lists] == [
        (case.one_list, [t for t, _ in case.headlines])]


def test_fixture_pages_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in PAGES.glob("*.html")}
    assert len(sizes) >= 6 and max(sizes.values()) < 10_000, sizes
    assert {c.file for c in CASES} == set(sizes)
