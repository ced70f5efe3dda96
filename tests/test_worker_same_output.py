"""The extraction worker's cheaper steps give what the plain ones gave, value for value.

Issue 11: a large page's CPU in the worker was cut without changing any output. Each
rewritten step is checked here against the straightforward form it replaced (the
whole worker's answer on many pages: ``bench/worker_bench.py --dump`` / ``--compare``).
"""

from __future__ import annotations

import hashlib
import random
import re
from array import array
from pathlib import Path
from urllib.parse import urljoin
from zlib import crc32

import pytest
from lxml import etree

from archive import hashing, minhash, stories
from archive.fold import fold
from archive.foldmany import encode_cp1254, fold_line, fold_lines
from newscrawler.extract import datelines, fields, metadata, region, walker
from newscrawler.extract.dom import (
    absolute_url,
    collapse,
    parse_html,
    strip_invisible,
    text_content,
)
from newscrawler.extract.fold import fold_key

FIXTURES = Path(__file__).parent / "fixtures"
_WORD_RE = re.compile(r"[^\W_]+")


def _plain_shingles(body_fold: str, k: int = stories.SHINGLE_WORDS) -> frozenset[int]:
    """The shingles as first written: regex words, one join and encode a shingle."""
    found: set[int] = set()
    for paragraph in body_fold.split("\n"):
        words = _WORD_RE.findall(paragraph)
        if not words:
            continue
        if len(words) <= k:
            found.add(crc32(" ".join(words).encode()))
            continue
        for i in range(len(words) - k + 1):
            found.add(crc32(" ".join(words[i : i + k]).encode()))
    return frozenset(found)


def _plain_band_keys(sig: list[int]) -> list[int]:
    """The band keys as first written: each value's bytes one by one."""
    keys = []
    for band in range(stories.BANDS):
        values = sig[band * stories.ROWS : (band + 1) * stories.ROWS]
        data = band.to_bytes(2, "big") + b"".join(v.to_bytes(4, "big") for v in values)
        keys.append(int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big",
                                   signed=True))
    return keys


_PIECES = ["bir", "iki", "uc", "dort", "bes", "12", "2025", "a_b", "_x_", "ışık", "çiğ",
           "жи", "x\u0301", "'", ",", ".", "-", " ", "  ", "\t", "\u00a0", "\n", "\n\n",
           "K", "ǅ", "١٢", "e\u200b"]


def _texts(n: int, seed: int = 7) -> list[str]:
    """Random texts of words, digits, underscores, punctuation and odd letters."""
    rng = random.Random(seed)
    texts = ["", "\n", "bir", "bir iki uc dort", "bir iki uc dort bes\n\nalti yedi"]
    for _ in range(n):
        texts.append("".join(rng.choice(_PIECES) + rng.choice(" ,.\n")
                             for _ in range(rng.randint(1, 80))))
    return texts


def test_shingles_are_the_plain_ones_in_the_same_order() -> None:
    for text in _texts(400):
        for body in (text, fold(text)):
            # the same set, built in the same order: the stored array keeps its order
            assert list(stories.shingles(body)) == list(_plain_shingles(body)), body


def test_prints_are_the_plain_ones() -> None:
    for text in _texts(150, seed=11):
        body = fold(text) * 3
        found, keys = stories.prints(body)
        plain = _plain_shingles(body)
        assert list(found) == list(array("I", plain))
        sig = minhash.signature(list(plain), stories.NUM_PERM, stories.SEED)
        assert minhash.signature(found, stories.NUM_PERM, stories.SEED) == sig
        assert keys == (tuple(_plain_band_keys(sig)) if len(plain) >= stories.MIN_SHINGLES
                        else ())


def test_band_keys_of_short_and_full_signatures() -> None:
    rng = random.Random(3)
    for length in (0, 1, 2, 63, 64):
        sig = [rng.randrange(1 << 32) for _ in range(length)]
        assert stories.band_keys(sig) == _plain_band_keys(sig)


def _pages() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.htm*") if p.is_file())


#: The XPath expressions as they were before their tests were reordered.
_OLD_SHORT_TEXT = etree.XPath(
    f".//text()[string-length(normalize-space(.)) >= 6]"
    f"[string-length(normalize-space(.)) <= {datelines.MAX_LOOSE_LINE}][not(ancestor::a)]")
_OLD_BARE_TEXT = etree.XPath(
    f".//text()[string-length(.) >= {region.MIN_PARAGRAPH}][not(ancestor::p or ancestor::a)]"
    f"[string-length(normalize-space(.)) >= {region.MIN_PARAGRAPH}]")


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_reordered_xpath_filters_find_the_same_nodes(page: Path) -> None:
    root = parse_html(page.read_bytes().decode("utf-8", "replace"))
    strip_invisible(root)
    for el in [root, *root.iter("body", "main", "article", "div")][:40]:
        assert datelines._SHORT_TEXT(el) == _OLD_SHORT_TEXT(el)
        assert region._BARE_TEXT(el) == _OLD_BARE_TEXT(el)
        for xpath, old in _OLD_PATHS:
            assert xpath(el) == old(el)


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_one_walk_finds_the_elements_metadata_read_in_four(page: Path) -> None:
    root = parse_html(page.read_bytes().decode("utf-8", "replace"))
    for el in [root, *root.iter("head", "body", "svg")][:10]:
        found = metadata._head_elements(el)
        assert found["meta"] == list(el.iter("meta"))
        assert found["link"] == list(el.iter("link"))
        assert found["script"] == list(el.iterfind(".//script[@type]"))
        title = el.find(".//title")
        assert found["title"] == ([] if title is None else [title])


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_text_serializer_reads_what_text_content_reads(page: Path) -> None:
    root = parse_html(page.read_bytes().decode("utf-8", "replace"))
    for el in root.iter():  # every node, scripts, entities and odd markup included
        assert text_content(el) == el.text_content()
    strip_invisible(root)
    for el in root.iter():
        assert text_content(el) == el.text_content()


def test_text_serializer_on_odd_text() -> None:
    html = ("<div>a&amp;b &#x130;zmir<span>\u00ad\u200b</span>\U0001f600<br>"
            "<!-- c --><?pi x?>&nbsp;<p> &foo; <b>x</b>y</p>tail</div><p></p>")
    root = parse_html(html)
    nodes = list(root.iter())
    assert any(isinstance(n.tag, str) and n.tag == "p" for n in nodes)
    for el in nodes:
        assert text_content(el) == el.text_content()


#: Each XPath asked as ``descendant::`` now, and its ``.//`` form before.
_OLD_PATHS = [
    (datelines._CLASSED, etree.XPath(".//*[@class or @id]")),
    (fields._CLASSED, etree.XPath(".//*[@class or @id]")),
    (fields.rel_links, etree.XPath(".//a[@rel]")),
    (walker._LINK_TEXT, etree.XPath(".//a[@href]//text()")),
]


def test_root_paths_join_as_urljoin_joins_them() -> None:
    rng = random.Random(5)
    bases = ["http://x.com.tr/haber/a-1", "https://X.com/a/b/", "HTTP://h:80/q?z#f",
             "http:/nohost", "file:///tmp/a.html", "https://[::1]/a", "http://a\tb.com/x",
             "ftp://h/a", "", "https://h", "https://h.com/a;p?q"]
    pieces = [*"/./..?#;:ab %[]@Ş-_=&X\t\n", "/..", "/.", "//", "?#", "#?"]
    for _ in range(20000):
        base = rng.choice(bases)
        href = "/" + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        href = rng.choice(["", " ", "\n"]) + href + rng.choice(["", " "])
        try:
            expected: str | type = urljoin(base, href.strip())
        except ValueError:
            expected = ValueError
        absolute_url.cache_clear()
        try:
            got: str | type = absolute_url(base, href)
        except ValueError:
            got = ValueError
        assert got == expected, (base, href)


_NON_WORD = re.compile(r"[\W_]+")


def test_fold_key_is_the_regex_one() -> None:
    for text in _texts(600, seed=13):
        for piece in (text, *text.split("\n")):
            fold_key.cache_clear()
            assert fold_key(piece) == _NON_WORD.sub(" ", fold(piece)).strip(), piece


_DATE_PIECES = ["16", "2025", "Kasım", "kasım", "KASIM", "Eylül", "eylul", "Sept", "sept.",
                "may", "Haziran", "16,", "3", "gün", "önce", "saat", "dakika", "-", "/", ".",
                ":", "T", "10:00", "2025-11-16", "16.11.2025", "16.11.25", "١٢", "(83)", "a",
                "123", "2 saat önce", "Mart 5, 2024"]


def test_date_search_only_where_a_date_can_start() -> None:
    rng = random.Random(17)
    for _ in range(20000):
        text = rng.choice(["", " ", "\n"]).join(
            rng.choice(_DATE_PIECES) for _ in range(rng.randint(0, 7)))
        assert datelines._date_in(text) == (datelines.DATE_RE.search(text) is not None), text


_LINE_PIECES = [*_DATE_PIECES, "Güncelleme:", "güncelleme", "GÜNCELLEME", "Yayın", "yayin",
                 "Pazar", "pazartesi", "Cuma", "saat", "Saat:", "on", "at", "ve", "Ali",
                 "Çelik", "xsaat", "saatx", "2025x", "x16", "Kasımda", "|", ",", "_", "ſon",
                 "November", "nov.", "16,2025", "١٢ Kasım ٢٠٢٥", "  ", "\u00a0"]


def test_dates_removed_from_their_first_digit() -> None:
    rng = random.Random(19)
    for _ in range(20000):
        text = rng.choice(["", " ", "\n"]).join(
            rng.choice(_LINE_PIECES) for _ in range(rng.randint(0, 8)))
        assert datelines._without_dates(text) == datelines.DATE_RE.sub(" ", text), text


def test_paragraph_score_counts_commas_as_the_regex_found_them() -> None:
    comma = re.compile(r"[,،]")
    for text in [*_texts(300, seed=23), "a,،,b", "،،", "x\u060d,y", "a，b"]:
        for piece in (text, text * 4):
            plain = 1.0 + len(comma.findall(piece)) + min(len(piece) // 100, 3)
            assert region.paragraph_score(piece) == plain, piece


def test_fold_line_by_line_is_the_whole_fold() -> None:
    odd = ["Σ", "ΑΣ", "σ", "İ", "I\u0307", "\u0301", "ǅ", "ß", "é", "E\u0301", "’", "\u00ad",
           "😀", "ﬁ", "K", "Ⅻ", "\r", "\u2028", "ŞİŞLİ", "Ǆ"]
    rng = random.Random(29)
    texts = _texts(300, seed=31)
    pieces = [*odd, " ", "\n", "a", "\n\n"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
              for _ in range(3000)]
    for text in texts:
        fold_line.cache_clear()
        assert fold_lines(text) == fold(text), text
        assert fold_lines(text) == fold(text), text  # read back from the remembered lines
    for text in texts[:300]:
        assert stories.prints(fold_lines(hashing.nfc(text))) == stories.body_prints(text), text


def test_cp1254_encoding_is_the_codecs() -> None:
    from newscrawler.text import clean  # noqa: F401 (registers the classes' error handler)

    for text in [*_texts(200, seed=37), "İzmir’de ₺ Ж", "\udc80", "Ş\u0301"]:
        for errors in ("strict", "replace", "newscrawler-classes"):
            try:
                expected: bytes | None = text.encode("cp1254", errors)
            except UnicodeEncodeError:
                expected = None
            try:
                got: bytes | None = encode_cp1254(text, errors)
            except UnicodeEncodeError:
                got = None
            assert got == expected, (text, errors)


def _plain_signature(hashes: list[int], num_perm: int, seed: int) -> list[int]:
    """MinHash values as the scheme says (archive.minhash), one value at a time."""
    a, b = minhash.permutations(num_perm, seed)
    out = [minhash.EMPTY] * num_perm
    mask = (1 << 32) - 1
    for h in hashes:
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & mask
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & mask
        h ^= h >> 16
        for k in range(num_perm):
            out[k] = min(out[k], (int(a[k]) * h + int(b[k])) & mask)
    return out


def test_signature_is_the_plain_one() -> None:
    rng = random.Random(19)
    for size in (1, 2, 7, 100, 450):
        hashes = [rng.randrange(1 << 32) for _ in range(size)]
        plain = _plain_signature(hashes, stories.NUM_PERM, stories.SEED)
        assert minhash.signature(hashes, stories.NUM_PERM, stories.SEED) == plain
        assert minhash.signature(array("I", hashes), stories.NUM_PERM, stories.SEED) == plain


def test_a_worker_warms_up_before_its_first_page() -> None:
    """A worker builds what its first page needs (numpy for the stories' prints, the
    pattern caches) while the crawl starts, without being sent a page."""
    import time

    from newscrawler.extract.pool import ExtractionPool, Steps, imported
    from newscrawler.profiles import get_profile

    pool = ExtractionPool(1, get_profile("sample"), Steps(
        clean=True, split=True, places=True, template=True, archive=True, stories=True))
    try:
        pool.start()
        deadline = time.monotonic() + 30
        while not pool.call(imported, "numpy")[0]:
            assert time.monotonic() < deadline, "the worker never imported numpy"
            time.sleep(0.05)
    finally:
        pool.close()


def test_collapsed_is_split_and_join() -> None:
    rng = random.Random(11)
    pieces = ["Vali", "konuştu.", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2009", "\u3000",
              "\x1c", "\x85", "\u2028", "\u00ad", "a", "Ş", "😀", "\r\n"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert hashing._collapsed(text) == " ".join(text.split()), repr(text)
    for page in _pages()[:20]:
        text = page.read_bytes().decode("utf-8", "replace")
        assert hashing._collapsed(text) == " ".join(text.split())


def test_collapse_is_split_and_join() -> None:
    rng = random.Random(12)
    pieces = ["Vali", "konuştu.", " ", "  ", "\n", "\t", "\u00a0", "\u2009", "\u3000", "\x1c",
              "\x85", "\u2028", "\u00ad", "\u200b", "a", "Ş", "😀", "\r\n"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert collapse(text) == " ".join(text.split()), repr(text)
    node = parse_html("<p>Vali konuştu</p>").xpath("//p/text()")[0]
    assert type(collapse(node)) is str  # a text node's string is not kept: it holds its page


_PLAIN_REL_LINKS = etree.XPath("descendant::a[@rel]")


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_rel_links_are_the_ones_a_predicate_finds(page: Path) -> None:
    root = parse_html(page.read_bytes().decode("utf-8", "replace"))
    for el in [root, *root.iter("body", "main", "article", "div", "a")][:40]:
        assert fields.rel_links(el) == _PLAIN_REL_LINKS(el)


def test_rel_links_on_odd_links() -> None:
    root = parse_html(
        '<div><a rel="tag" href="/a">1</a><a REL="Author">2</a><a rel>3</a><a rel="">4</a>'
        '<a rel="x" rel="y">5</a><a href="/b">6</a><p rel="tag"><a rel="tag"><a rel="nofollow">'
        '7</a></a></p><A Rel="tag">8</A></div>')
    for el in root.iter():
        assert fields.rel_links(el) == _PLAIN_REL_LINKS(el)
    assert [a.text_content() for a in fields.rel_links(root)] == [
        "1", "2", "3", "4", "5", "", "7", "8"]


#: ``turkish_lower`` as first written: this table, then ``str.lower``.
TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def test_turkish_lower_and_boilerplate_fold_are_the_translating_ones() -> None:
    from newscrawler.text import clean

    rng = random.Random(7)
    alphabet = "aIiİıÇçĞğÖöŞşÜüÂâÎîÛûKkÅ'’‘`´ʼ \u00a0\tx.-ΣǅẞﬁI\u0307"
    samples = ["", "IĞDIR'da İZMİR Işık", "ÇAĞRI’YA", "  Sayfa\u00a0`1´  "]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
                for _ in range(3000)]
    for s in samples:
        lowered = s.translate(TR_LOWER).lower()
        assert clean.turkish_lower(s) == lowered
        assert clean._fold(s) == hashing.collapse_whitespace(lowered.translate(clean._ASCII_FOLD))


def _plain_is_cta(line: str) -> bool:
    """``is_cta`` as first written: the heading separator always searched for."""
    from newscrawler.text import cta

    if len(line) > cta.CTA_MAX_CHARS:
        return False
    key = fold_key(line)
    if not key:
        return False
    run, heading = cta._patterns()
    if run.fullmatch(key):
        return True
    parts = cta._HEADING_SEPARATOR.split(line.strip(" \t•·*-"), maxsplit=1)
    return (len(parts) == 2 and bool(parts[1].strip())
            and heading.fullmatch(fold_key(parts[0])) is not None)


def test_cta_lines_without_a_separator_are_not_split() -> None:
    from newscrawler.text.cta import is_cta

    rng = random.Random(5)
    words = ["İLGİLİ", "HABER", "Haberlerimizi", "Google'da", "takip", "edin", "Vali", "köprüyü",
             "açtı", "WhatsApp", "kanalımıza", "katılın", "Sıcak", "Gelişme", "DİĞER", "haberler"]
    separators = [":", " - ", "»", "›", ">", "|", "–", "—", "-", "\u00a0-\u00a0", " ", " ", " "]
    lines = ["İLGİLİ HABER: Vali köprüyü açtı", "Haberlerimizi Google'da Takip Edin",
             "SICAK GELİŞME – Yol kapandı", "Vali köprüyü açtı"]
    lines += [f"İLGİLİ HABER{sep}Vali köprüyü açtı" for sep in separators]
    for _ in range(2000):
        parts = [rng.choice(words) for _ in range(rng.randrange(1, 8))]
        line = "".join(p + rng.choice(separators) for p in parts)
        lines.append(line.strip(rng.choice(["", " "])))
    for line in lines:
        assert is_cta(line) == _plain_is_cta(line), line
    assert sum(map(is_cta, lines)) > 5
