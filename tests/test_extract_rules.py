"""One rule of ``extract_page`` per test, on tiny hand-written pages."""

from __future__ import annotations

from newscrawler.extract.blocks import Block, Link
from newscrawler.extract.fields import strip_site_suffix
from newscrawler.extract.page import extract_page
from newscrawler.profiles import Selectors, SiteProfile
from newscrawler.text.dates import DateCandidate

URL = "https://www.egepostasi.com.tr/gundem/izmirde-yeni-park-1001"
P1 = ("Karşıyaka Belediyesi, Bostanlı sahilinde yeni bir park alanını hizmete açtı ve "
      "açılışa çok sayıda vatandaş katıldı.")
P2 = ("Parkta çocuk oyun alanları, bisiklet yolu ve yürüyüş parkuru bulunuyor; alan gece "
      "saatlerinde de aydınlatılacak.")
P3 = "Belediye Başkanı, yeni parkların yıl sonuna kadar diğer mahallelerde de açılacağını söyledi."
RELATED = [("Bornova'da kültür merkezi açıldı", "/gundem/bornova-kultur-1000"),
           ("Buca'da yol çalışması tamamlandı", "/gundem/buca-yol-999"),
           ("Çiğli'de bisiklet yolu uzatılıyor", "/gundem/cigli-bisiklet-998")]


def related_ul(items: list[tuple[str, str]] = RELATED) -> str:
    return "<ul>" + "".join(f'<li><a href="{u}">{t}</a></li>' for t, u in items) + "</ul>"


def page(body: str, head: str = "") -> str:
    return f'<html lang="tr"><head>{head}</head><body>{body}</body></html>'


def article(*paras: str, extra: str = "") -> str:
    return '<div class="haber-metni">' + "".join(f"<p>{p}</p>" for p in paras) + extra + "</div>"


def absolute(items: list[tuple[str, str]]) -> tuple[Link, ...]:
    return tuple(Link(t, "https://www.egepostasi.com.tr" + u) for t, u in items)


def test_blocks_of_a_plain_article_and_the_list_after_it() -> None:
    html = page(article(P1, P2) + "<h3>Diğer Haberler</h3>" + related_ul()
                + "<footer><p>© 2025 Ege Postası</p></footer>")
    ex = extract_page(html, URL)
    assert ex.blocks == [Block("p", P1), Block("p", P2),
                         Block("links", "Diğer Haberler", absolute(RELATED), in_article=False)]
    assert ex.is_article and ex.reason is None


def test_subheadings_and_ordinary_lists_in_the_body() -> None:
    body = article(P1, extra=f"<h2>Parkta neler var?</h2><ul><li>Oyun alanı</li><li>Kafe</li>"
                             f"</ul><p>{P2}</p>")
    ex = extract_page(page(body), URL)
    assert [(b.kind, b.text) for b in ex.blocks] == [
        ("p", P1), ("h", "Parkta neler var?"), ("li", "Oyun alanı"), ("li", "Kafe"), ("p", P2)]


def test_br_br_splits_paragraphs_single_br_does_not() -> None:
    body = (f'<div id="haberMetni">{P1}<br><br>{P2}<br>devamı aynı paragrafta.'
            f"<br />\n<br />{P3}</div>")
    ex = extract_page(page(body), URL)
    assert [b.text for b in ex.blocks] == [P1, f"{P2} devamı aynı paragrafta.", P3]


def test_whitespace_collapsed_empty_blocks_dropped() -> None:
    body = article(f"  {P1[:40]}\n\t  {P1[40:]}  ", "&nbsp;", " ", P2)
    texts = [b.text for b in extract_page(page(body), URL).blocks]
    assert texts == [" ".join(P1.split()), P2]


def test_scripts_styles_hidden_ads_and_share_bars_are_not_text() -> None:
    body = article(P1, extra=(
        "<script>var x = 'gizli';</script><style>p{color:red}</style>"
        '<div style="display: none"><p>Görünmeyen uzun bir metin burada duruyor.</p></div>'
        '<div class="reklam-alani">REKLAM</div>'
        '<div class="social-share"><a href="#">Paylaş</a></div>'
        "<figure><img src='a.jpg'><figcaption>Fotoğraf altı yazısı</figcaption></figure>"
        f"<p>{P2}</p>"))
    assert [b.text for b in extract_page(page(body), URL).blocks] == [P1, P2]


def test_base_href_makes_links_absolute() -> None:
    html = page(article(P1, P2) + '<div class="related">' + related_ul() + "</div>",
                head='<base href="https://cdn.egepostasi.com.tr/">')
    links = extract_page(html, URL).blocks[-1].links
    assert links[0].url == "https://cdn.egepostasi.com.tr/gundem/bornova-kultur-1000"


def test_furniture_boxes_after_the_article_are_skipped() -> None:
    html = page(
        '<div class="main">' + article(P1, P2)
        + '<div class="box"><h3>Çok Okunanlar</h3>' + related_ul(RELATED[:3]) + "</div>"
        + '<div class="pager"><a href="/a" rel="prev">Önceki Haber</a> '
          '<a href="/b" rel="next">Sonraki Haber</a></div>'
        + '<div class="box"><h3>Son Dakika</h3>' + related_ul(RELATED) + "</div>"
        + "</div>"
        + '<aside class="sidebar"><h3>Popüler</h3>' + related_ul() + "</aside>")
    after = [b for b in extract_page(html, URL).blocks if not b.in_article]
    assert after == [Block("links", "Son Dakika", absolute(RELATED), in_article=False)]


def test_walk_after_the_article_ends_at_the_first_headline_list() -> None:
    html = page(article(P1, P2) + related_ul() + "<p>Sonraki kutudaki metin.</p>" + related_ul())
    after = [b for b in extract_page(html, URL).blocks if not b.in_article]
    assert after == [Block("links", "", absolute(RELATED), in_article=False)]


def test_title_sources_and_site_suffix() -> None:
    head = "<title>Yeni park açıldı | Ege Postası</title>"
    ex = extract_page(page(article(P1, P2), head), URL)
    assert ex.title == "Yeni park açıldı" and ex.site_name == "Ege Postası"
    head += '<meta property="og:title" content="Yeni park açıldı - Ege Postası">'
    head += '<meta property="og:site_name" content="Ege Postası">'
    assert extract_page(page(article(P1, P2), head), URL).title == "Yeni park açıldı"
    h1 = page("<h1>Bostanlı'ya yeni park</h1>" + article(P1, P2), "<title>Başka başlık</title>")
    assert extract_page(h1, URL).title == "Bostanlı'ya yeni park"


def test_strip_site_suffix_separators() -> None:
    names = ["Ege Postası", "egepostasi.com.tr", "egepostasi"]
    for title in ("Park açıldı - Ege Postası", "Park açıldı | EGE POSTASI",
                  "Park açıldı – Ege Postası", "Park açıldı — egepostasi.com.tr",
                  "Ege Postası | Park açıldı", "Park açıldı :: Ege Postası"):
        assert strip_site_suffix(title, names) == "Park açıldı", title
    assert strip_site_suffix("İzmir - Manisa yolu açıldı", names) == "İzmir - Manisa yolu açıldı"


def test_date_candidates_and_their_sources() -> None:
    head = ('<meta property="article:published_time" content="2025-11-16T10:00:00+03:00">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2025-11-16T10:00:00+03:00", '
            '"dateModified": "2025-11-16T12:00:00+03:00"}'
            "</script>")
    body = ("<h1>Yeni park</h1><div class='detay'><span>Yayın: 16.11.2025 10:00</span> "
            "<span>Güncelleme: 16.11.2025 12:00</span></div>"
            + article(P1, P2) + "<ul>" + "".join(
                f'<li><a href="/x{i}">Başka bir haberin başlığı {i}</a> '
                f'<time datetime="2025-10-0{i}">{i} Ekim 2025</time></li>' for i in range(1, 4))
            + "</ul>")
    ex = extract_page(page(body, head), "https://x.com.tr/2025/11/16/yeni-park/")
    assert ex.date_candidates == [
        DateCandidate("json-ld", "2025-11-16T10:00:00+03:00", "published"),
        DateCandidate("json-ld", "2025-11-16T12:00:00+03:00", "updated"),
        DateCandidate("meta", "2025-11-16T10:00:00+03:00", "published"),
        DateCandidate("byline", "Yayın: 16.11.2025 10:00"),
        DateCandidate("byline", "Güncelleme: 16.11.2025 12:00"),
        DateCandidate("url", "2025/11/16"),
    ]


def test_profile_selectors_override_the_generic_choices() -> None:
    profile = SiteProfile(
        "ege", "Ege Postası", "https://www.egepostasi.com.tr/", r"-\d+$",
        selectors=Selectors(title=".baslik", date=".zaman", body=".metin",
                            headlines=".liste", author=".muhabir b", category=".kat",
                            tags=".etiket"))
    html = page(
        '<div class="baslik">Profilden başlık</div><span class="zaman">16 Kasım 2025</span>'
        '<div class="muhabir">Haber: <b>Ayşe Kaya</b></div><span class="kat">Yaşam</span>'
        f'<div class="icerik"><div class="metin"><p>{P1}</p><p>{P2}</p></div>'
        '<div class="liste">' + related_ul() + "</div></div>"
        '<p class="etiket"><a href="/t/park">park</a> <a href="/t/izmir">İzmir</a></p>'
        "<h3>Başka Liste</h3>" + related_ul(RELATED[:1] * 3),
        head='<meta property="og:title" content="Meta başlık"><meta name="author" content="X">')
    ex = extract_page(html, URL, profile)
    assert (ex.title, ex.author, ex.category, ex.tags) == (
        "Profilden başlık", "Ayşe Kaya", "Yaşam", ["park", "İzmir"])
    assert DateCandidate("byline", "16 Kasım 2025") in ex.date_candidates
    assert ex.blocks == [Block("p", P1), Block("p", P2),
                         Block("links", "", absolute(RELATED), in_article=False)]
    assert ex.site_name == "Ege Postası"


def test_not_articles() -> None:
    home = page("<h1>Ege Postası</h1>" + "".join(
        f'<div class="card"><a href="/h{i}">Manşet haberinin başlığı {i}</a></div>'
        for i in range(20)), head='<meta property="og:type" content="website">')
    ex = extract_page(home, "https://www.egepostasi.com.tr/")
    assert not ex.is_article and ex.reason
    stub = extract_page(page(article("Kısa bir metin.")), URL)
    assert (stub.is_article, stub.reason) == (False, "no article body")
    web = page(article("Kısa bir metin."), '<meta property="og:type" content="website">')
    assert extract_page(web, URL).reason == "og:type website and no article body"
    empty = extract_page("", URL)
    assert (empty.is_article, empty.blocks, empty.title) == (False, [], None)


def test_json_ld_body_keeps_a_script_rendered_article() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Park",'
            f' "articleBody": "{P1} {P2}"}}</script>')
    ex = extract_page(page("<div id='app'></div>", head), URL)
    assert ex.is_article and ex.json_ld_body == f"{P1} {P2}"


def test_listing_page_with_teasers_is_not_an_article() -> None:
    teasers = "".join(
        f'<div class="item"><h3><a href="/h{i}">Manşet haberinin başlığı numara {i}</a></h3>'
        f"<p>{P1}</p></div>" for i in range(8))
    ex = extract_page(page(f'<div class="haber-listesi">{teasers}</div>'), URL)
    assert (ex.is_article, ex.reason) == (False, "region is a list of teasers (a listing page?)")


def test_article_with_a_long_list_inside_its_container_is_an_article() -> None:
    items = [(f"Diğer bir haberin oldukça uzun başlığı {i}", f"/gundem/h-{i}") for i in range(25)]
    ex = extract_page(page(article(P1, P2, extra="<h3>Diğer Haberler</h3>" + related_ul(items))),
                      URL)
    assert ex.is_article and ex.blocks[-1].links[-1].title.endswith("24")


def test_profile_body_matching_nested_elements_is_walked_once() -> None:
    profile = SiteProfile("ege", "Ege Postası", "https://www.egepostasi.com.tr/", r"-\d+$",
                          selectors=Selectors(body=".haber-metni, .haber-metni p"))
    ex = extract_page(page(article(P1, P2)), URL, profile)
    assert [b.text for b in ex.blocks] == [P1, P2]


def test_a_header_box_holding_the_headline_again_is_no_lead() -> None:
    """A category heading in an ``<h1>``, then the story's header box (its own ``<h1>``,
    agency and date), the description being the title: the box is no lead."""
    title = "Tokat'ta fide ön kuluçka merkezi açıldı"
    html = page(
        '<div class="kategori"><h1>TOKAT HABERLERİ</h1></div>'
        f'<div class="ust"><div class="satir"><h1>{title}</h1><span>DHA</span>'
        "<span>24 Aralık 2016 - 14:06</span><span>Son Güncelleme : 24 Aralık 2016 - 14:06"
        "</span></div></div>"
        '<div class="haber-metni">'
        "<p>TOKAT,(DHA)-TOKAT'ta teknopark bünyesinde öğrencilerin projelerini geliştirip "
        "şirket kurabilecekleri fide ön kuluçka merkezi açıldı. Açılışa vali katıldı.</p>"
        "<p>Merkezde öğrencilere danışmanlık ve ofis desteği verilecek, projeler için "
        "yatırımcılarla buluşmalar düzenlenecek.</p></div>",
        head=f'<meta name="description" content="{title}">')
    ex = extract_page(html, "https://haber.example/tokat-kulucka-1", None)
    first = ex.blocks[0].text
    assert first.startswith("TOKAT,(DHA)"), first
