"""Throughput of Turkish text cleaning, folding and date parsing (issue 3's floors).

Usage, from the repository root in the project's virtualenv:

    python bench/text_bench.py                  # generated text and dates (~1 min)
    python bench/text_bench.py --mb 4 --dates 100000 --repeat 5
    python bench/text_bench.py --corpus ../shared/corpus   # also the real corpora there
    python bench/text_bench.py --quick          # 0.3 MB, 5,000 dates, no corpus (CI)

Measures, on text this script generates itself (seeded: every run sees the same mix):

- ``clean_text`` MB/s on raw paragraphs, ``fold`` (``archive.fold.fold``) MB/s on the
  cleaned paragraphs, and clean + fold together (``fold(clean_text(p))``, what the crawl
  does to every paragraph before it is indexed) MB/s on the raw ones;
- the same per kind of paragraph (plain, HTML whitespace, NBSP, entities, mojibake...),
  so the figure for any other mix can be worked out (the mix is ``KINDS``, as data;
  mojibake and C1 controls go through ftfy, ~1-3 MB/s, and set the overall figure);
- ``parse_date`` strings/s on a mix of what Turkish sites print (numeric day-first,
  month names in any case, labels, relative dates, ISO metadata, RSS dates, URLs).

MB is 10**6 bytes of UTF-8 input. Every chunk of ~50,000 characters is timed
``--repeat`` times and its fastest pass counts (the 2-core machines are shared and vary
+-25% run to run; the minimum is the figure without the neighbours). When
``ttc3600-sample`` and ``tr-financial-news`` are found under ``--corpus`` (default
``../shared/corpus``; skipped when absent), their texts are measured too, line by line.
Floors (issue 3, "Done when"): clean + fold >= 10 MB/s, parse_date >= 50,000 strings/s.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from archive.fold import fold
from newscrawler.text.clean import clean_text, turkish_upper
from newscrawler.text.dates import ISTANBUL, parse_date

CLEAN_FOLD_FLOOR_MB_S = 10.0
DATES_FLOOR_PER_S = 50_000
#: The fetch time relative dates resolve against.
NOW = datetime(2025, 11, 16, 15, 0, tzinfo=ISTANBUL)

# --- generated paragraphs ------------------------------------------------------------------

WORDS = """
belediye belediyesi belediyesinin başkan başkanı başkanlığı vali valilik kaymakam meclis
üyesi üyeleri toplantı toplantısında karar kararı proje projesi projenin yatırım yatırımı
mahalle mahallesinde sokak caddesi cadde yol yolu köprü köprüsü park parkı otopark sahil
su suyu kesinti kesintisi elektrik doğalgaz ulaşım otobüs metro tramvay vapur iskele
okul okulu öğrenci öğrenciler öğretmen çocuk çocuğu çocukların aile ailesi kadın kadına
erkek yaşlı genç gençler sağlık hastane hastanesi doktor hemşire ambulans itfaiye yangın
yangını deprem sel yağmur yağış kar fırtına rüzgâr hava sıcaklık derece ısı ışık
polis jandarma ekip ekipler olay olayı kaza kazası yaralı hayatını kaybetti gözaltı
mahkeme dava savcılık ifade tutuklandı serbest bırakıldı açıklama açıklamada bildirdi
söyledi belirtti vurguladı ifade etti dedi kaydetti ekledi şehir şehri ilçe ilçesi köy
köyü bölge bölgesi merkez merkezi tarım çiftçi üretim hasat zeytin üzüm incir pamuk
fiyat fiyatı lira milyon bin yüzde artış düşüş ekonomi esnaf pazar pazarı market
kültür sanat festival festivali konser sergi tiyatro müze kütüphane spor kulüp maç
takım gol şampiyon lig sezon antrenman stadyum vatandaş vatandaşlar halk çalışma
çalışmaları hizmet hizmeti yeni büyük küçük önemli ilk son bugün yarın dün hafta ay yıl
için ile ve da de bu şu o bir çok daha en gibi kadar sonra önce göre karşı üzere
""".split()
PLACES = """
İzmir İstanbul Ankara Bursa Manisa Aydın Muğla Denizli Balıkesir Çanakkale Uşak Iğdır
Şırnak Ağrı Kırşehir Çiğli Karşıyaka Bornova Buca Konak Bayraklı Karabağlar Gaziemir
Menemen Torbalı Ödemiş Tire Bergama Çeşme Urla Seferihisar Dikili Kemalpaşa Aliağa
""".split()
SUFFIXES = ["’de", "’da", "’te", "’ta", "’nin", "’nın", "’e", "’a", "’den", "’dan", "'de", "'ye"]
NAMES = ["Ahmet Yılmaz", "Ayşe Şahin", "Mehmet Öztürk", "Fatma Çelik", "İbrahim Doğan",
         "Gülşen Aydın", "Hüseyin Kılıç", "Şükrü Güneş", "Özlem Çağlar", "Ümit Işık"]


def sentence(rng: random.Random) -> str:
    """One Turkish news sentence: words, a place with a suffix, a number, a quote."""
    words = rng.choices(WORDS, k=rng.randint(7, 18))
    words.insert(rng.randrange(len(words)), rng.choice(PLACES) + rng.choice(SUFFIXES))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 950)}")
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    text = " ".join(words)
    text = text[0].upper() + text[1:] if text[0] not in "iı" else turkish_upper(text[0]) + text[1:]
    if rng.random() < 0.25:
        return f"“{text}” dedi."
    return text + rng.choice([".", ".", ".", "!", "?"])


def paragraph(rng: random.Random) -> str:
    """Two to six sentences (~200-1,100 bytes)."""
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def _sprinkle(text: str, rng: random.Random, pieces: Sequence[str], n: int) -> str:
    """Put ``n`` of ``pieces`` at random spaces or inside words."""
    chars = list(text)
    for _ in range(n):
        chars.insert(rng.randrange(1, len(chars)), rng.choice(pieces))
    return "".join(chars)


def _html_whitespace(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(words))
        words[i] = words[i] + rng.choice(["\n      ", "  ", "\t", "\r\n  "])
    return "\n        " + " ".join(words) + "  \n    "


def _nbsp(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(words) - 1)
        words[i] += "\u00a0"
    long = [i for i, w in enumerate(words) if len(w) > 8 and w.isalpha()]
    for i in rng.sample(long, min(2, len(long))):
        words[i] = words[i][:4] + "\u00ad" + words[i][4:]
    return " ".join(words).replace("\u00a0 ", "\u00a0")


def _invisible(text: str, rng: random.Random) -> str:
    text = _sprinkle(text, rng, ["\u200b", "\u2060", "\u200e", "\ufeff", "\u202f"], 3)
    return text + rng.choice([" 1.250 ₺ oldu.", " 👏", " Fiyatı 49,90 ₺."])


def _entities(text: str, rng: random.Random) -> str:
    for plain, escaped in rng.sample([("ç", "&ccedil;"), ("ö", "&ouml;"), ("ü", "&uuml;"),
                                      ("İ", "&#304;"), ("ş", "&amp;#351;"), ("ı", "&#305;"),
                                      (" ve ", " &amp; "), ("“", "&quot;")], 3):
        text = text.replace(plain, escaped, 2)
    return text


def _utf8_mojibake(text: str, rng: random.Random) -> str:
    broken = text.encode("utf-8").decode("cp1252", "replace")
    if rng.random() < 0.2:
        broken = broken.encode("utf-8").decode("cp1252", "replace")  # twice
    return broken


def _cp1254_as_cp1252(text: str, rng: random.Random) -> str:
    return text.encode("cp1254", "replace").decode("cp1252", "replace")


def _c1_controls(text: str, rng: random.Random) -> str:
    # cp1252 punctuation read as Latin-1: ’ “ ” – as U+0092 U+0093 U+0094 U+0096
    return text.translate(str.maketrans({"’": "\x92", "“": "\x93", "”": "\x94", "–": "\x96"}))


#: Kinds of paragraph, their share of a generated crawl (by count) and how they are made.
KINDS: list[tuple[str, float, Callable[[str, random.Random], str]]] = [
    ("plain", 0.64, lambda text, rng: text),
    ("html whitespace", 0.15, _html_whitespace),
    ("NBSP, soft hyphen", 0.08, _nbsp),
    ("zero-width, ₺, emoji", 0.04, _invisible),
    ("entities", 0.04, _entities),
    ("UTF-8 mojibake", 0.02, _utf8_mojibake),
    ("cp1254 read as cp1252", 0.015, _cp1254_as_cp1252),
    ("C1 controls", 0.015, _c1_controls),
]


def generate_paragraphs(megabytes: float, seed: int) -> list[tuple[str, str]]:
    """(kind, raw paragraph) pairs, about ``megabytes`` MB of UTF-8 in all."""
    rng = random.Random(seed)
    names = [name for name, _, _ in KINDS]
    weights = [share for _, share, _ in KINDS]
    makers = {name: make for name, _, make in KINDS}
    out: list[tuple[str, str]] = []
    size = 0
    while size < megabytes * 1e6:
        kind = rng.choices(names, weights)[0]
        raw = makers[kind](paragraph(rng), rng)
        out.append((kind, raw))
        size += len(raw.encode("utf-8"))
    return out


# --- generated dates -------------------------------------------------------------------------

MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
          "Ekim", "Kasım", "Aralık"]
ABBR = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"]
EN_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"]
TR_WD = ["Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"]
EN_WD = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
#: What the crawl hands parse_date (visible bylines, metadata, feeds, URL paths), by kind.
DATE_FORMATS: list[tuple[str, str]] = [
    ("numeric", "{d:02d}/{m:02d}/{y}"),
    ("numeric", "{d:02d}.{m:02d}.{y} {H:02d}:{M:02d}"),
    ("numeric", "{d:02d}.{m:02d}.{y} - {H:02d}:{M:02d}"),
    ("numeric", "{H:02d}:{M:02d} - {d:02d}/{m:02d}/{y}"),
    ("month names", "{d} {month} {y} {weekday}"),
    ("month names", "{d} {MONTH} {y}"),
    ("month names", "{d} {abbr} {y}"),
    ("month names", "{d} {ascii_month} {y}"),
    ("month names", "{weekday}, {d} {month} {y} {H:02d}:{M:02d}"),
    ("labels", "Güncelleme: {d:02d}.{m:02d}.{y} {H:02d}:{M:02d}"),
    ("labels", "Son Güncelleme: {d} {month} {y} {H:02d}:{M:02d}"),
    ("labels", "Yayınlanma: {d:02d}.{m:02d}.{y} {H:02d}:{M:02d} | "
               "Güncelleme: {d:02d}.{m:02d}.{y} 23:{M:02d}"),
    ("labels", "Yayın Tarihi: {d:02d}.{m:02d}.{y}"),
    ("labels", "Eklenme: {d:02d}.{m:02d}.{y} {H:02d}:{M:02d}"),
    ("ISO metadata", "{y}-{m:02d}-{d:02d}T{H:02d}:{M:02d}:00+03:00"),
    ("ISO metadata", "{y}-{m:02d}-{d:02d}T{H:02d}:{M:02d}:00Z"),
    ("RSS", "{en_wd}, {d:02d} {en_abbr} {y} {H:02d}:{M:02d}:00 GMT"),
    ("RSS", "{tr_wd}, {d:02d} {abbr} {y} {H:02d}:{M:02d}:00 +0300"),
    ("URL path", "{y}/{m:02d}/{d:02d}"),  # what the extractor takes out of a URL
    ("relative", "{n} saat önce"),
    ("relative", "{n} dakika önce"),
    ("relative", "yarım saat önce"),
    ("relative", "Az önce"),
    ("relative", "Dün {H:02d}:{M:02d}"),
    ("relative", "Bugün {H:02d}:{M:02d}"),
    ("relative", "{n} gün önce"),
]


def generate_dates(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` (kind, date string) pairs in the formats of DATE_FORMATS, from 2010 on."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        y, m, d = rng.randint(2010, 2025), rng.randint(1, 12), rng.randint(1, 28)
        weekday = rng.randrange(7)
        kind, pattern = rng.choice(DATE_FORMATS)
        out.append((kind, pattern.format(
            d=d, m=m, y=y, H=rng.randint(0, 22), M=rng.randint(0, 59), n=rng.randint(1, 23),
            month=MONTHS[m - 1], MONTH=turkish_upper(MONTHS[m - 1]), abbr=ABBR[m - 1],
            ascii_month=MONTHS[m - 1].translate(ASCII), weekday=WEEKDAYS[weekday],
            tr_wd=TR_WD[weekday], en_wd=EN_WD[weekday], en_abbr=EN_ABBR[m - 1],
        )))  # fmt: skip
    return out


# --- corpora ---------------------------------------------------------------------------------


#: C1 controls or UTF-8 read as cp1252: paragraphs that send clean_text to ftfy.
MOJIBAKE_HINT = re.compile("[\x80-\x9f]|Ã|Ä[°±Ÿž]|Å[Ÿž]|â€")


def corpus_paragraphs(root: Path) -> dict[str, list[str]]:
    """Paragraphs (lines) of the real corpora found under ``root``, by corpus name."""
    found: dict[str, list[str]] = {}
    ttc = root / "ttc3600-sample"
    if ttc.is_dir():
        texts = [f.read_text("utf-8-sig") for f in sorted(ttc.glob("*/*.txt"))]
        found["ttc3600-sample"] = [line for t in texts for line in t.splitlines() if line.strip()]
    fin = root / "tr-financial-news" / "raw"
    if fin.is_dir():
        lines = []
        for f in sorted(fin.glob("*.json")):
            record = json.loads(f.read_text("utf-8"))
            lines.append(record["title"])
            lines += [line for line in record["content"].splitlines() if line.strip()]
        found["tr-financial-news"] = lines
    return found


# --- measuring -------------------------------------------------------------------------------


#: Texts are timed in chunks of about this many characters, each chunk ``--repeat`` times.
CHUNK_CHARS = 50_000


def _chunks(texts: Sequence[str]) -> list[Sequence[str]]:
    """``texts`` cut into runs of about CHUNK_CHARS characters."""
    chunks: list[Sequence[str]] = []
    start = size = 0
    for i, text in enumerate(texts, 1):
        size += len(text)
        if size >= CHUNK_CHARS:
            chunks.append(texts[start:i])
            start, size = i, 0
    if start < len(texts):
        chunks.append(texts[start:])
    return chunks


def best_seconds(fn: Callable[[str], object], texts: Sequence[str], repeat: int) -> float:
    """Seconds ``fn`` takes over ``texts``: the fastest of ``repeat`` passes, chunk by chunk.

    Taking the minimum per short chunk rather than per long pass leaves out most of
    what other processes on the machine cost us.
    """
    total = 0.0
    for chunk in _chunks(texts):
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            for text in chunk:
                fn(text)
            best = min(best, time.perf_counter() - start)
        total += best
    return total


def clean_then_fold(text: str) -> str:
    """What the crawl does to a paragraph before indexing it."""
    return fold(clean_text(text))


def parse_one_date(raw: str) -> object:
    """parse_date against the fixed fetch time."""
    return parse_date(raw, now=NOW)


def text_rates(texts: Sequence[str], repeat: int) -> tuple[float, float, float]:
    """MB/s of clean_text (raw), fold (cleaned) and clean + fold (raw) over ``texts``."""
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    cleaned = [clean_text(t) for t in texts]
    clean_s = best_seconds(clean_text, texts, repeat)
    fold_s = best_seconds(fold, cleaned, repeat)
    both_s = best_seconds(clean_then_fold, texts, repeat)
    return size / clean_s, size / fold_s, size / both_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=8.0, help="MB of paragraphs to generate")
    parser.add_argument("--dates", type=int, default=200_000, help="date strings to generate")
    parser.add_argument("--repeat", type=int, default=5,
                        help="passes over each chunk; the fastest counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"),
                        help="folder holding ttc3600-sample/ and tr-financial-news/")
    parser.add_argument("--quick", action="store_true",
                        help="0.3 MB, 5,000 dates, one pass, no corpus (for CI)")
    args = parser.parse_args()
    if args.quick:
        args.mb, args.dates, args.repeat = 0.3, 5000, 1

    generated = generate_paragraphs(args.mb, args.seed)
    texts = [raw for _, raw in generated]
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"generated: {len(texts):,} paragraphs, {size:.1f} MB (seed {args.seed})")
    clean_mb, fold_mb, both_mb = text_rates(texts, args.repeat)
    print(f"  clean_text        {clean_mb:7.1f} MB/s")
    print(f"  fold              {fold_mb:7.1f} MB/s")
    verdict = "ok" if both_mb >= CLEAN_FOLD_FLOOR_MB_S else "BELOW THE FLOOR"
    floor = f"(floor {CLEAN_FOLD_FLOOR_MB_S:.0f}: {verdict})"
    print(f"  clean + fold      {both_mb:7.1f} MB/s   {floor}")
    print("  by kind (share of paragraphs): clean + fold MB/s")
    for name, share, _ in KINDS:
        kind_texts = [raw for kind, raw in generated if kind == name]
        kind_mb = sum(len(t.encode("utf-8")) for t in kind_texts) / 1e6
        rate = kind_mb / best_seconds(clean_then_fold, kind_texts, args.repeat)
        print(f"    {name:<24} {share:5.1%}  {rate:7.1f}")

    for name, lines in ({} if args.quick else corpus_paragraphs(args.corpus)).items():
        size = sum(len(t.encode("utf-8")) for t in lines) / 1e6
        clean_mb, fold_mb, both_mb = text_rates(lines, args.repeat)
        broken = sum(len(t.encode("utf-8")) for t in lines if MOJIBAKE_HINT.search(t)) / 1e6
        print(f"{name}: {len(lines):,} paragraphs, {size:.2f} MB "
              f"({broken / size:.0%} of it in paragraphs with C1 controls or mojibake)")
        print(f"  clean_text {clean_mb:.1f} MB/s, fold {fold_mb:.1f} MB/s, "
              f"clean + fold {both_mb:.1f} MB/s")

    generated_dates = generate_dates(args.dates, args.seed)
    dates = [raw for _, raw in generated_dates]
    unparsed = sum(parse_date(d, now=NOW) is None for d in dates)
    rate = len(dates) / best_seconds(parse_one_date, dates, args.repeat)
    verdict = "ok" if rate >= DATES_FLOOR_PER_S else "BELOW THE FLOOR"
    print(f"parse_date: {len(dates):,} strings in {len(DATE_FORMATS)} formats, "
          f"{unparsed} unparsed")
    print(f"  {rate:,.0f} strings/s   (floor {DATES_FLOOR_PER_S:,}: {verdict})")
    print("  by kind (formats): strings/s")
    for kind in dict.fromkeys(kind for kind, _ in DATE_FORMATS):
        kind_dates = [raw for k, raw in generated_dates if k == kind]
        kind_rate = len(kind_dates) / best_seconds(parse_one_date, kind_dates, args.repeat)
        formats = sum(k == kind for k, _ in DATE_FORMATS)
        print(f"    {kind:<24} ({formats})  {kind_rate:9,.0f}")


if __name__ == "__main__":
    main()
