"""The trailing headline list and the credit line, split off blocks and plain-text dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawler.extract.blocks import Block, Link
from newscrawler.text.split import Headline, Split, is_credit, split_blocks, split_text_dump

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
CREDIT = "Hibya Haber Ajansı"
SEED_TITLE = "İzmir'de toplumsal cinsiyet eşitliği için STK buluşması"
SEED_FIRST_HEADLINE = "Ankara’da öğrenciler “Öğrenci Adım Adım Gelişim Programı”na katıldı"
SEED_LAST_HEADLINE = "Minik öğrenciden Başkan Kocagöz’e “Gençliğe Hitabe” sürprizi"

P1 = ("Karşıyaka Belediyesi, kadına yönelik şiddetle mücadele kapsamında mahallelerde "
      "bilgilendirme toplantıları düzenledi.")
P2 = ("Toplantılara katılan uzmanlar, destek hatları ve başvuru yolları hakkında bilgi verdi; "
      "etkinlikler ay sonuna kadar sürecek.")
P3 = "Belediye, katılımın beklenenin üzerinde olduğunu açıkladı."
TRAILING = (
    Link("Bornova'da yeni park açıldı", "https://x.com.tr/bornova-park-2"),
    Link("Buca'da su kesintisi yapılacak", "https://x.com.tr/buca-su-3"),
    Link("Çiğli'de caz konseri düzenlendi", "https://x.com.tr/cigli-konser-4"),
)


def seed_text() -> str:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"no seed dump in {SEEDS}")
    return files[0].read_text("utf-8")


def headlines(links: tuple[Link, ...]) -> list[Headline]:
    return [Headline(i, link.title, link.url) for i, link in enumerate(links, 1)]


# --- plain-text dumps (the seed) ----------------------------------------------------------


def check_seed_split(dump_split: Split) -> None:
    paragraphs = dump_split.paragraphs
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("İzmir Büyükşehir Belediyesi Kadın ve Aile")
    assert paragraphs[-1].endswith("konuları öne çıktı.")
    titles = [h.title for h in dump_split.headlines]
    assert len(titles) == 19
    assert titles[0] == SEED_FIRST_HEADLINE and titles[-1] == SEED_LAST_HEADLINE
    assert [h.position for h in dump_split.headlines] == list(range(1, 20))
    assert all(h.url is None for h in dump_split.headlines)
    body = "\n".join(paragraphs)
    assert not any(t in body for t in titles) and CREDIT not in body


def test_seed_dump_with_credit_line() -> None:
    dump = split_text_dump(seed_text(), [CREDIT])
    assert dump.title == SEED_TITLE
    assert dump.date_raw == "16/11/2025"
    assert dump.split.credit == CREDIT
    check_seed_split(dump.split)


def test_seed_dump_credit_found_without_the_profile() -> None:
    dump = split_text_dump(seed_text())
    assert dump.split.credit == CREDIT  # "... Haber Ajansı" is an agency credit pattern
    check_seed_split(dump.split)


def test_seed_dump_without_its_credit_line() -> None:
    text = "\n".join(line for line in seed_text().splitlines() if line.strip() != CREDIT)
    dump = split_text_dump(text, [CREDIT])
    assert dump.title == SEED_TITLE and dump.date_raw == "16/11/2025"
    assert dump.split.credit is None
    check_seed_split(dump.split)


def test_seed_dump_with_crlf_and_blank_lines() -> None:
    text = seed_text().replace("\n", "\r\n\r\n")
    dump = split_text_dump(text, [CREDIT])
    assert dump.title == SEED_TITLE
    check_seed_split(dump.split)


def test_dump_without_date_line_or_list() -> None:
    dump = split_text_dump(f"Başlık burada\n{P1}\n{P2}\n")
    assert dump == split_text_dump(f"Başlık burada\n\n{P1}\n\n{P2}")
    assert dump.date_raw is None
    assert dump.split == Split([P1, P2], None, [], 0)


def test_dump_short_final_lines_below_three_stay_in_body() -> None:
    dump = split_text_dump(f"Başlık\n{P1}\n{P2}\nBir kısa satır\nİkinci kısa satır")
    assert dump.split.headlines == []
    assert dump.split.paragraphs[-1] == "İkinci kısa satır"


def test_empty_dump() -> None:
    assert split_text_dump("  \n").title == ""


# --- blocks ---------------------------------------------------------------------------------


def test_trailing_list_outside_the_article() -> None:
    blocks = [Block("p", P1), Block("p", P2), Block("p", CREDIT),
              Block("links", "Diğer Haberler", TRAILING, in_article=False)]
    assert split_blocks(blocks, [CREDIT]) == Split([P1, P2], CREDIT, headlines(TRAILING), 1)


def test_trailing_list_inside_the_article_and_later_blocks_ignored() -> None:
    blocks = [Block("p", P1), Block("h", "Ara başlık"), Block("p", P2),
              Block("links", "Diğer Haberler", TRAILING),
              Block("p", "Bu haber 1.234 kez okundu"),
              Block("links", "", (Link("Başka bir liste başlığı", "https://x.com.tr/y"),) * 3,
                    in_article=False)]
    result = split_blocks(blocks)
    assert result.paragraphs == [P1, "Ara başlık", P2]
    assert result.headlines == headlines(TRAILING)
    assert result.removed == 2


def test_inline_box_mid_body_is_removed_but_not_the_list() -> None:
    inline = Block("links", "İLGİLİ HABER", (Link("Ceyhan'da pamuk fiyatları düştü", "https://x.com.tr/c"),))
    blocks = [Block("p", P1), inline, Block("p", P2), Block("p", P3),
              Block("links", "Benzer Haberler", TRAILING, in_article=False)]
    result = split_blocks(blocks)
    assert result.paragraphs == [P1, P2, P3]
    assert result.headlines == headlines(TRAILING)
    assert result.removed == 1


def test_inline_box_at_the_end_is_the_list_when_nothing_follows() -> None:
    link = Link("Ceyhan'da pamuk fiyatları düştü", "https://x.com.tr/c")
    blocks = [Block("p", P1), Block("p", P2), Block("links", "İLGİLİ HABER", (link,))]
    assert split_blocks(blocks).headlines == [Headline(1, link.title, link.url)]


def test_inline_box_at_the_end_gives_way_to_a_real_list() -> None:
    link = Link("Ceyhan'da pamuk fiyatları düştü", "https://x.com.tr/c")
    blocks = [Block("p", P1), Block("p", P2), Block("links", "İLGİLİ HABER", (link,)),
              Block("links", "Diğer Haberler", TRAILING, in_article=False)]
    assert split_blocks(blocks).headlines == headlines(TRAILING)


def test_run_of_one_link_paragraphs_is_one_list() -> None:
    runs = [Block("links", "", (link,)) for link in TRAILING]
    result = split_blocks([Block("p", P1), Block("p", P2), *runs])
    assert result.paragraphs == [P1, P2]
    assert result.headlines == headlines(TRAILING)
    assert result.removed == 3


def test_menus_and_tag_lists_are_not_headlines() -> None:
    tags = Block("links", "", (Link("İzmir", "https://x.com.tr/t/izmir"),
                               Link("Kadın", "https://x.com.tr/t/kadin"),
                               Link("STK", "https://x.com.tr/t/stk")), in_article=False)
    result = split_blocks([Block("p", P1), Block("p", P2), tags,
                           Block("links", "", TRAILING, in_article=False)])
    assert result.headlines == headlines(TRAILING)


def test_blocks_after_the_article_are_never_body() -> None:
    blocks = [Block("p", P1), Block("p", P2),
              Block("p", "Yorumlar kısmında uzun bir metin var ve bu metin makalenin parçası "
                         "değildir, çünkü bölgenin dışındadır.", in_article=False)]
    assert split_blocks(blocks).paragraphs == [P1, P2]


def test_short_plain_lines_at_the_end_are_a_list_without_urls() -> None:
    lines = ["Bornova'da yeni park açıldı", "Buca'da su kesintisi yapılacak",
             "Çiğli'de caz konseri düzenlendi"]
    result = split_blocks([Block("p", P1), Block("p", P2), Block("p", CREDIT),
                           *(Block("p", t) for t in lines)], [CREDIT])
    assert result == Split([P1, P2], CREDIT, [Headline(i, t, None) for i, t in
                                               enumerate(lines, 1)], 4)


def test_list_items_at_the_end_stay_in_body() -> None:
    items = [Block("li", "Ayşe Kaya"), Block("li", "Mehmet Demir"), Block("li", "Zeynep Ak")]
    result = split_blocks([Block("p", P1), Block("p", "Ödül alan öğrenciler şunlar:"), *items])
    assert result.headlines == []
    assert result.paragraphs[-3:] == ["Ayşe Kaya", "Mehmet Demir", "Zeynep Ak"]


@pytest.mark.parametrize("credit", ["HİBYA HABER AJANSI", "hibya haber ajansı", "(AA)", "DHA",
                                    "İHA", "Kaynak: Valilik", "Demirören Haber Ajansı"])
def test_credit_lines(credit: str) -> None:
    result = split_blocks([Block("p", P1), Block("p", P2), Block("p", credit)], [CREDIT])
    assert result.credit == credit and result.paragraphs == [P1, P2]


def test_credit_only_as_the_last_block() -> None:
    result = split_blocks([Block("p", P1), Block("p", CREDIT), Block("p", P2)], [CREDIT])
    assert result.credit is None and result.paragraphs == [P1, CREDIT, P2]


@pytest.mark.parametrize("line", ["Toplantı sona erdi.", "Ajans haberine göre yağış sürecek ve "
                                  "sıcaklıklar mevsim normallerinin altında seyredecek."])
def test_not_credits(line: str) -> None:
    assert not is_credit(line, [CREDIT])


def test_no_blocks() -> None:
    assert split_blocks([]) == Split([], None, [], 0)


def test_heading_paragraph_and_one_link_paragraphs_make_one_list() -> None:
    blocks = [Block("p", P1), Block("p", P2), Block("p", "Son Dakika"),
              *(Block("links", "", (link,)) for link in TRAILING)]
    split = split_blocks(blocks, [CREDIT])
    assert split.paragraphs == [P1, P2]
    assert split.headlines == headlines(TRAILING)


def test_a_short_last_line_that_is_no_list_heading_stays_in_the_body() -> None:
    blocks = [Block("p", P1), Block("p", "Fotoğraflar haberin içinde"),
              Block("links", "", TRAILING)]
    assert split_blocks(blocks).paragraphs == [P1, "Fotoğraflar haberin içinde"]


DUMP = """Ödemiş'te süt üreticilerine destek
16/11/2025
Ödemiş Belediyesi, ilçedeki süt üreticilerine yem ve ekipman desteği verdi.

Başkan, "Üreticimizin yanında olmaya devam edeceğiz" dedi.
{last}
{credit}

{heading}Tire'de kiraz hasadı başladı
Bayındır'da çiçek fuarı kapılarını açtı
Kiraz'da yayla yolu yenilendi
Torbalı'da yeni kreş hizmete girdi
"""


@pytest.mark.parametrize(("last", "credit", "heading", "want_credit"), [
    ("Destekler yıl boyunca sürecek.", "Hibya Haber Ajansı", "", "Hibya Haber Ajansı"),
    ("Destekler yıl boyunca sürecek.", "Haber Merkezi", "", "Haber Merkezi"),
    ("Destekler yıl boyunca sürecek.", "Hibya Haber Ajansı - 16.11.2025", "",
     "Hibya Haber Ajansı - 16.11.2025"),
    ("Destekler yıl boyunca sürecek.", "Hibya Haber Ajansı", "DİĞER HABERLER\n",
     "Hibya Haber Ajansı"),
    # no credit: the list is the last paragraph; a headline-like last body line stays
    ('Okyay, "Hep birlikte başaracağız"', "", "", None),
])
def test_a_dump_keeps_its_body_its_credit_and_its_list_apart(
        last: str, credit: str, heading: str, want_credit: str | None) -> None:
    dump = split_text_dump(DUMP.format(last=last, credit=credit, heading=heading),
                           ["Hibya Haber Ajansı"])
    assert dump.split.credit == want_credit
    assert [h.title for h in dump.split.headlines] == [
        "Tire'de kiraz hasadı başladı", "Bayındır'da çiçek fuarı kapılarını açtı",
        "Kiraz'da yayla yolu yenilendi", "Torbalı'da yeni kreş hizmete girdi"]
    assert dump.split.paragraphs[-1] == last
