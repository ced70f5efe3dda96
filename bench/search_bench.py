"""Search latency on a large synthetic archive: median and 95th percentile per query type.

Builds (once, then reuses) an archive of synthetic Turkish news articles through
``Archive.save_articles`` in crawl-sized batches, then times ``archive.search`` (ranking,
exact-letter preference and snippets included) for each query type: a word as typed, a
phrase, an expanded inflected word, a very common word, an ASCII-typed word, a rare word,
and a few combinations. Prints the build time, the file size and a table.

    python bench/search_bench.py [--articles 100000] [--runs 50] [--db PATH] [--rebuild]
                                 [--optimize] [--cli-runs 20] [--body-words 400]
                                 [--fast-build] [--compare] [--floors] [--identity N]
                                 [--quick]

A million articles (goal 3b's second point) fit the disk with short bodies and build in
minutes with ``--fast-build``:

    python bench/search_bench.py --articles 1000000 --body-words 80 --fast-build --cli-runs 0

``--fast-build`` inserts the generated rows with ``executemany`` in transactions of
10,000 and then builds the full-text index once with ``Archive.rebuild_index`` (the
documented way to index rows inserted outside ``save_articles``): the same articles and
search index as ``save_articles`` gives (its index merged, as ``Archive.optimize`` leaves
it), without stories, headlines or places, which no query here uses. Without it the
archive is written the way a crawl writes it, by ``save_articles`` in batches of
``--batch`` (100), leaving the unmerged index a crawl leaves.

The last lines are one verdict per goal: every query's p95 against 20 ms (100,000
articles) or 60 ms (1,000,000), and ``newscrawler search`` median wall time against 60 ms.

``--compare`` times each query twice, alternately: with the single FTS5 MATCH (as before
``archive.phraserank``) and with the phrase-by-phrase ranking of narrow filters.
``--floors`` prints, instead of the usual table, each query's CPU time (steadier than wall
time on a shared machine) beside two figures of FTS5 alone: counting the whole MATCH (what
walking every match costs) and counting each of its phrases alone (what bm25 reads before
it ranks anything: no search ranked by FTS5's bm25 costs less).
``--identity N`` first searches ``N`` random queries under mostly narrow filters both ways
and prints how many differ (hits, their order, ranks, snippets, counts: must be 0).

It also times ``newscrawler search`` end to end (a new process each time: imports, opening
the archive, the search, printing) against ``python -c pass`` (goal of issue 11: ≤ 60 ms
at 100,000 articles, with pandas installed or not). ``--quick``: 1,000 articles in a
temporary archive, 2 runs each (seconds; no goal).

The articles (~3.5 KB of body each) come from a seeded generator: a few hundred real
news words and place names, each occurrence inflected by the rules of ``archive.inflect``,
verbs in the past tense, function words, a long tail of made-up words in vowel harmony,
UPPERCASE titles, one article in twelve typed without Turkish letters. The words the
queries use are planted at fixed document frequencies (``şirket`` in ~70% of articles,
``piyasa`` ~60%, ``belediye`` ~19%, ``zeytinyağı`` in ~20 articles), so the figures do not
depend on anything outside this file. The archive is cached under the temp folder, keyed
by the article count and the generator version; ``--rebuild`` makes a fresh one (needed to
see the effect of a schema change on the index size).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from archive import Archive, count, phraserank, search
from archive.inflect import inflections, stems

#: Bump when the generator changes: cached archives are keyed by it.
GENERATOR_VERSION = 1

# Words planted at a fixed document frequency (share of articles), with how many times
# they occur in an article that has them (1..n, inflected).
PLANTED: dict[str, tuple[float, int]] = {
    "şirket": (0.70, 4),
    "piyasa": (0.60, 4),
    "belediye": (0.15, 4),
    "çocuk": (0.10, 3),
    "kadın": (0.08, 3),
    "ışık": (0.03, 2),
    "şehir": (0.12, 3),
    "zeytinyağı": (0.0002, 2),
}
# Fixed phrases planted at a document frequency.
PHRASES: dict[str, float] = {
    "su kesintisi": 0.02,
    "kadına şiddet": 0.01,
    "Büyükşehir Belediyesi": 0.05,
}

NOUNS = """
hükümet bakan meclis vali kaymakam muhtar başkan yönetim karar toplantı açıklama konu
proje yatırım bütçe ekonomi enflasyon faiz dolar euro borsa hisse fiyat zam maaş emekli
işçi memur esnaf çiftçi üretici tüketici ihracat ithalat banka kredi vergi gelir gider
sanayi fabrika tarım hasat ürün pazar market mağaza alışveriş turizm otel tatil sezon
yol köprü tünel otoban trafik kaza sürücü araç otomobil otobüs minibüs kamyon tren metro
tramvay vapur liman havalimanı uçak sefer yolcu bilet istasyon durak hat güzergah
okul öğrenci öğretmen üniversite sınav ders eğitim kurs burs mezun veli sınıf kampüs
hastane doktor hemşire hasta tedavi ameliyat aşı sağlık ilaç eczane ambulans acil
polis jandarma asayiş operasyon gözaltı tutuklama mahkeme hakim savcı dava duruşma ceza
yangın itfaiye deprem sel fırtına yağmur kar dolu rüzgar hava sıcaklık iklim kuraklık
baraj kesinti elektrik doğalgaz altyapı kanalizasyon çalışma ihale inşaat konut bina
site daire kira ev mahalle sokak cadde meydan park bahçe orman deniz göl nehir dağ
köy kasaba ilçe vatandaş halk seçmen seçim parti milletvekili aday kampanya oy sandık
festival konser tiyatro sergi sinema film müze kitap yazar şair sanatçı müzik kültür
maç takım futbol basketbol voleybol gol oyuncu teknik antrenman lig kupa şampiyon
taraftar stat transfer hakem turnuva madalya sporcu kulüp başkanlık yönetici
teknoloji internet telefon yazılım uygulama dijital yapay zeka bilgisayar veri güvenlik
gazeteci haber basın televizyon radyo gazete dergi röportaj program yayın
hayvan köpek kedi kuş balık tarla bağ zeytin üzüm incir pamuk buğday fındık çay
aile anne baba kardeş bebek genç yaşlı kişi insan grup ekip komisyon kurul dernek vakıf
sorun çözüm talep şikayet tepki eleştiri destek yardım bağış kampanya hizmet proje
dönem süre yıl ay hafta gün saat sabah akşam gece tarih kez oran miktar sayı rakam
""".split()

ADJECTIVES = """
yeni büyük küçük önemli yerel genel ulusal uluslararası ekonomik siyasi sosyal kültürel
güçlü zayıf hızlı yavaş ilk son özel resmi ortak toplam yüksek düşük ağır hafif kolay
zor uzun kısa sıcak soğuk güzel kötü iyi eski temiz kirli açık kapalı tarihi modern
""".split()

VERBS = """
oldu öldü yaptı açıkladı söyledi belirtti bildirdi ifade etti kaydetti vurguladı
gerçekleştirdi düzenlendi başladı tamamlandı yaralandı kurtarıldı gözaltına alındı
tutuklandı toplandı karar verdi onaylandı reddedildi arttı azaldı yükseldi düştü geriledi
açıldı kapandı ziyaret etti katıldı sordu yanıtladı uyardı çağrı yaptı duyurdu
hedefliyor bekleniyor planlanıyor sürüyor devam ediyor olacak yapılacak açılacak
""".split()

FUNCTION = """
ve bir bu da de için ile ama çok daha en gibi olarak kadar sonra önce ancak ise
her ya veya hem şu o ilgili göre karşı üzere yeniden bile artık henüz hâlâ yine
""".split()

PLACES = """
İzmir Ankara İstanbul Bursa Antalya Manisa Aydın Muğla Denizli Balıkesir Çanakkale Uşak
Iğdır Şırnak Kars Van Erzurum Trabzon Rize Samsun Ordu Konya Kayseri Eskişehir Edirne
Buca Konak Bornova Karşıyaka Çiğli Bayraklı Gaziemir Torbalı Menemen Ödemiş Tire Bergama
Çeşme Urla Seferihisar Dikili Foça Kemalpaşa Narlıdere Balçova Karabağlar Güzelbahçe
""".split()

_VOWELS = "aeıioöuü"
_FRONT = "eiöü"
_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜâîû", "cgiosuCGIOSUaiu")
_UPPER = str.maketrans("iı", "İI")


def _apostrophe_forms(place: str) -> list[str]:
    """``İzmir'de``, ``Buca'nın``...: a place name with a few case suffixes."""
    last = next(ch for ch in reversed(place.lower()) if ch in _VOWELS or ch == "ı")
    front = last in _FRONT or last == "i"
    a = "e" if front else "a"
    i = {"e": "i", "i": "i", "ö": "ü", "ü": "ü", "o": "u", "u": "u"}.get(last, "ı")
    ends_vowel = place[-1].lower() in _VOWELS
    voiceless = place[-1].lower() in "fstkçşhp"
    d = "t" if voiceless else "d"
    gen = ("n" if ends_vowel else "") + i + "n"
    dat = ("y" if ends_vowel else "") + a
    return [place, f"{place}'{d}{a}", f"{place}'{d}{a}n", f"{place}'{gen}", f"{place}'{dat}"]


def natural_forms(word: str) -> list[str]:
    """Inflected forms of ``word`` as a writer would spell them (no ASCII-typing twins,
    ``çocuğu`` rather than ``çocuku``), the word first."""
    roots = stems(word)
    forms = [f for f in inflections(word) if any(f.startswith(r) for r in roots)]
    if len(roots) > 1 and roots[1] != word[:-1] and len(roots[1]) == len(word):
        # softened stem (çocuk -> çocuğ): drop the unsoftened forms before a vowel
        forms = [
            f
            for f in forms
            if not (f.startswith(word) and f[len(word) : len(word) + 1] in tuple(_VOWELS))
        ]
    return forms


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    """Made-up words of 2-4 syllables in vowel harmony: the long tail of the vocabulary."""
    consonants = "bcçdfgğhjklmnprsştvyz"
    back, front = "aıou", "eiöü"
    words: dict[str, None] = {}
    while len(words) < n:
        vowels = back if rng.random() < 0.5 else front
        syllables = []
        for _ in range(rng.randint(2, 4)):
            c = rng.choice(consonants if syllables else consonants.replace("ğ", ""))
            coda = rng.choice("rnlkmst") if rng.random() < 0.4 else ""
            syllables.append(c + rng.choice(vowels) + coda)
        words["".join(syllables)] = None
    return list(words)


class Generator:
    """Seeded synthetic Turkish articles (title ~8 words, body ~3.5 KB)."""

    BODY_WORDS = 400  # ~3.5 KB of UTF-8 Turkish

    def __init__(self, seed: int = 20251116) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        planted = set(PLANTED)
        # Inflected forms of each noun: the bare word most often, then the rest by rank.
        tokens: list[str] = []
        weights: list[float] = []
        nouns = [w for w in dict.fromkeys(NOUNS) if w not in planted]
        rng.shuffle(nouns)
        for rank, noun in enumerate(nouns, 1):
            forms = natural_forms(noun)
            for k, form in enumerate(forms):
                tokens.append(form)
                share = 0.35 if k == 0 else 0.65 / len(forms) / (1 + k / 8)
                weights.append(share / (rank + 20))
        noun_mass = 0.40 / sum(weights)
        weights = [w * noun_mass for w in weights]
        for word_list, mass in ((ADJECTIVES, 0.08), (FUNCTION, 0.22)):
            harmonic = sum(1.0 / r for r in range(1, len(word_list) + 1))
            for rank, word in enumerate(word_list, 1):
                tokens.append(word)
                weights.append(mass / rank / harmonic)
        places = [form for place in PLACES for form in _apostrophe_forms(place)]
        for form in places:
            tokens.append(form)
            weights.append(0.06 / len(places))
        tail = _pseudo_words(rng, 60000)
        harmonic = sum(1.0 / r for r in range(1, len(tail) + 1))
        for rank, word in enumerate(tail, 1):
            tokens.append(word)
            weights.append(0.24 / rank / harmonic)
        self.tokens = tokens
        total = 0.0
        self.cum: list[float] = []
        for w in weights:
            total += w
            self.cum.append(total)
        self.verbs = VERBS
        self.planted = {
            word: (share, most, natural_forms(word)) for word, (share, most) in PLANTED.items()
        }

    def _planted_form(self, forms: list[str]) -> str:
        rng = self.rng
        return forms[0] if rng.random() < 0.4 else rng.choice(forms)

    def words(self, n: int) -> list[str]:
        """``n`` background words."""
        return self.rng.choices(self.tokens, cum_weights=self.cum, k=n)

    def article(self, n: int) -> dict[str, Any]:
        """The ``n``-th article record."""
        rng = self.rng
        words = self.words(self.BODY_WORDS)
        extra: list[str] = []
        for _word, (share, most, forms) in self.planted.items():
            if rng.random() < share:
                extra += [self._planted_form(forms) for _ in range(rng.randint(1, most))]
        for phrase, share in PHRASES.items():
            if rng.random() < share:
                extra.append(phrase)
        for token in extra:
            words[rng.randrange(len(words))] = token
        # Sentences of 6-16 words ending in a verb; paragraphs of 3-5 sentences.
        sentences = []
        pos = 0
        while pos < len(words):
            size = rng.randint(6, 16)
            chunk = [*words[pos : pos + size], rng.choice(self.verbs)]
            pos += size
            first = chunk[0]
            chunk[0] = first[:1].translate(_UPPER).upper() + first[1:]
            if len(chunk) > 8 and rng.random() < 0.5:
                chunk[len(chunk) // 2] += ","
            sentences.append(" ".join(chunk) + ".")
        paragraphs = []
        while sentences:
            take = rng.randint(3, 5)
            paragraphs.append(" ".join(sentences[:take]))
            sentences = sentences[take:]
        body = "\n\n".join(paragraphs)
        title_words = self.words(rng.randint(4, 8))
        if extra and rng.random() < 0.6:
            title_words.insert(rng.randrange(len(title_words)), rng.choice(extra))
        title_words.append(rng.choice(self.verbs))
        title = " ".join(title_words)
        title = title[:1].translate(_UPPER).upper() + title[1:]
        if rng.random() < 0.15:
            title = title.translate(_UPPER).upper()
        if rng.random() < 1 / 12:  # typed on a keyboard without Turkish letters
            title, body = title.translate(_ASCII), body.translate(_ASCII)
        day = date(2023, 1, 1) + timedelta(days=rng.randrange(1050))
        clock = f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"
        return {
            "url": f"https://haber{n % 5}.example/{day.isoformat()}/haber-{n}",
            "site": f"site{n % 5}",
            "title": title,
            "body": body,
            "published_at": f"{day.isoformat()}T{clock}:00+03:00",
            "fetched_at": f"{day.isoformat()}T23:59:00+03:00",
            "language": "tr",
        }

    def articles(self, n: int) -> Iterator[dict[str, Any]]:
        """``n`` article records."""
        for i in range(n):
            yield self.article(i)


def default_db(articles: int, body_words: int = 400, fast: bool = False) -> Path:
    """The cached archive for ``articles`` articles (of ``body_words`` words, built by
    ``fast_build`` when ``fast``)."""
    folder = Path(tempfile.gettempdir()) / "newscrawler-bench"
    variant = "" if body_words == 400 else f"-w{body_words}"
    variant += "-fast" if fast else ""
    return folder / f"search-{articles}{variant}-g{GENERATOR_VERSION}.db"


def _fresh_partial(path: Path) -> Path:
    """The file a build writes before it becomes ``path``, any leftover of it removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    return partial


def build(path: Path, articles: int, batch: int) -> tuple[float, float]:
    """Build the archive at ``path``; returns (generation seconds, save seconds)."""
    partial = _fresh_partial(path)
    gen = Generator()
    generating = saving = 0.0
    with Archive(partial) as archive:
        records = gen.articles(articles)
        done = 0
        while done < articles:
            t0 = time.perf_counter()
            chunk = [next(records) for _ in range(min(batch, articles - done))]
            t1 = time.perf_counter()
            archive.save_articles(chunk)
            t2 = time.perf_counter()
            generating += t1 - t0
            saving += t2 - t1
            done += len(chunk)
            if done % 10000 == 0:
                print(f"  {done:>7} articles saved ({saving:.0f} s)", file=sys.stderr, flush=True)
        archive.fill_spellings()  # as a finished crawl leaves the archive
    os.replace(partial, path)
    return generating, saving


#: Rows per transaction of ``fast_build``.
FAST_CHUNK = 10_000


def fast_build(path: Path, articles: int) -> tuple[float, float]:
    """Build the archive at ``path`` by inserting rows and indexing them once (see the
    module docstring); returns (generation seconds, insert and index seconds)."""
    from archive.connection import transaction
    from archive.fold import fold
    from archive.hashing import content_hash

    partial = _fresh_partial(path)
    gen = Generator()
    generating = saving = 0.0
    with Archive(partial) as archive:
        conn = archive.conn
        # An archive whose schema stores the folded text beside the text (version 7 and
        # before) indexes those columns: fill them as save_articles does.
        folded = "body_fold" in {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
        columns = ["url", "site", "title", "body", "published_at", "fetched_at", "language",
                   "first_seen_at", "last_seen_at", "content_hash"]
        columns += ["title_fold", "body_fold"] if folded else []
        insert = (f"INSERT INTO articles ({', '.join(columns)}) "
                  f"VALUES ({', '.join('?' for _ in columns)})")
        records = gen.articles(articles)
        done = 0
        while done < articles:
            t0 = time.perf_counter()
            rows = []
            for record in (next(records) for _ in range(min(FAST_CHUNK, articles - done))):
                title, body = record["title"], record["body"]
                row = [record["url"], record["site"], title, body, record["published_at"],
                       record["fetched_at"], record["language"], record["fetched_at"],
                       record["fetched_at"], content_hash(title, body)]
                rows.append([*row, fold(title), fold(body)] if folded else row)
            t1 = time.perf_counter()
            with transaction(conn):
                conn.executemany(insert, rows)
            generating += t1 - t0
            saving += time.perf_counter() - t1
            done += len(rows)
            if done % 100_000 == 0:
                print(f"  {done:>8} articles inserted ({generating + saving:.0f} s)",
                      file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        archive.rebuild_index()
        saving += time.perf_counter() - t0
        print(f"  index built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    os.replace(partial, path)
    return generating, saving


#: (label, query, search keyword arguments)
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("word, as typed", "belediyesinin", {"expand": False}),
    ("phrase", '"su kesintisi"', {}),
    ("expanded word", "belediye", {}),
    ("expanded word (softening)", "çocuk", {}),
    ("expanded word (vowel drop)", "şehir", {}),
    ("very common word (~70%)", "şirket", {}),
    ("common word, ASCII-typed", "piyasa", {}),
    ("ASCII-typed Turkish word", "isik", {}),
    ("Turkish letters (exact rank)", "Işık", {}),
    ("rare word", "zeytinyağı", {}),
    ("two words AND", "kadın belediye", {}),
    ("two common words AND", "şirket piyasa", {}),
    ("OR and exclusion", "kadın OR çocuk -şirket", {}),
    ("prefix", "belediye*", {}),
    ("short prefix", "bel*", {}),
    ("title:", "title:belediye", {}),
    ("very common word, 5th page", "şirket", {"offset": 80}),
    ("common word + site filter", "şirket", {"site": "site1"}),
    ("common word + date filter", "şirket", {"since": "2025-01-01"}),
    ("common word + one day", "şirket", {"since": "2024-06-01", "until": "2024-06-01"}),
    ("common word + site + 3 days", "şirket",
     {"site": "site3", "since": "2024-06-01", "until": "2024-06-03"}),
    (
        "common word + site + month",
        "şirket",
        {"site": "site2", "since": "2024-06", "until": "2024-06"},
    ),
]


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def measure(
    archive: Archive, runs: int, warmup: int
) -> Iterator[tuple[str, str, int, float, float]]:
    """(label, query, matches, median ms, p95 ms) per query."""
    for label, q, kwargs in QUERIES:
        for _ in range(warmup):
            search(archive, q, **kwargs)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            search(archive, q, **kwargs)
            times.append((time.perf_counter() - t0) * 1000)
        counted = {k: v for k, v in kwargs.items() if k != "offset"}
        matches = count(archive, q, **counted)
        yield label, q, matches, statistics.median(times), percentile(times, 95)


def cpu_ms(run: Any, runs: int) -> tuple[float, float]:
    """Median and p95 CPU milliseconds of ``runs`` calls of ``run`` (after one untimed)."""
    run()
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        run()
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times), percentile(times, 95)


def measure_floors(
    archive: Archive, runs: int
) -> Iterator[tuple[str, str, float, float, float, float, float, int]]:
    """(label, query, search CPU p50 and p95 ms, CPU ms of counting the whole MATCH, CPU ms
    of counting each of its phrases alone, CPU ms of the MATCH's bm25 for one article,
    phrases) per query. FTS5's bm25 counts each phrase's articles over the whole index
    before it ranks: its bm25 of one article (found by ``rowid =``) is the least any search
    ranked by it costs, merges of a prefix's lists included (one for the walk, one for the
    count); counting each phrase alone is that count plus SQLite stepping every match; the
    whole MATCH's count is what walking every match costs."""
    from archive.query import fts_phrases
    from archive.search import _plan

    conn = archive.conn
    sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    for label, q, kwargs in QUERIES:
        p50, p95 = cpu_ms(lambda q=q, kwargs=kwargs: search(archive, q, **kwargs), runs)
        query, match, expander = _plan(q, kwargs.get("expand", True))
        texts = fts_phrases(query, expander).texts
        whole, _ = cpu_ms(lambda match=match: conn.execute(sql, [match]).fetchone(), 3)
        each, _ = cpu_ms(lambda texts=texts: [conn.execute(sql, [t]).fetchone() for t in texts], 3)
        first = conn.execute(f"{sql.replace('count(*)', 'rowid')} LIMIT 1", [match]).fetchone()
        one = f"{sql.replace('count(*)', 'bm25(articles_fts, 3.0, 1.0)')} AND rowid = ?"
        bm25_one = 0.0
        if first:
            params = [match, first[0]]
            bm25_one, _ = cpu_ms(
                lambda one=one, params=params: conn.execute(one, params).fetchone(), 3)
        yield label, q, p50, p95, whole, each, bm25_one, len(texts)


@contextlib.contextmanager
def single_match() -> Iterator[None]:
    """Searches inside rank a narrow filter's matches with the single FTS5 MATCH, as before
    ``archive.phraserank`` (the reference it is compared with)."""
    saved = phraserank.applies
    phraserank.applies = lambda conn, phrases: False
    try:
        yield
    finally:
        phraserank.applies = saved


def measure_compare(
    archive: Archive, runs: int, warmup: int
) -> Iterator[tuple[str, str, float, float, float, float]]:
    """(label, query, p50 and p95 ms with the single MATCH, the same with
    ``archive.phraserank``) per query, the two timed alternately run by run."""
    for label, q, kwargs in QUERIES:
        for _ in range(warmup):
            search(archive, q, **kwargs)
            with single_match():
                search(archive, q, **kwargs)
        old, new = [], []
        for _ in range(runs):
            with single_match():
                t0 = time.perf_counter()
                search(archive, q, **kwargs)
                old.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            search(archive, q, **kwargs)
            new.append((time.perf_counter() - t0) * 1000)
        yield (label, q, statistics.median(old), percentile(old, 95), statistics.median(new),
               percentile(new, 95))


def random_cases(n: int, seed: int = 11) -> list[tuple[str, dict[str, Any]]]:
    """``n`` random queries (planted and common words, prefixes, phrases, OR, exclusions,
    ``title:``), most under filters narrow enough for ``archive.phraserank``."""
    rng = random.Random(seed)
    words = [*PLANTED, *NOUNS[:60], *PLACES[:10], *(w[:3] + "*" for w in NOUNS[:30]),
             *(f'"{p}"' for p in PHRASES), "belediye*", "bel*", "isik", "sirket",
             "su", "göl", "öldü", "şu", "çin"]  # look-alike checks (archive.lookalike)
    cases = []
    for _ in range(n):
        q = " ".join(rng.choice(["", "", "", "OR ", "-", "title:"]) + rng.choice(words)
                     for _ in range(rng.randint(1, 3))).replace(" OR -", " -")
        day = date(2023, 1, 1) + timedelta(days=rng.randrange(1050))
        span = rng.choice([0, 0, 1, 3, 10, 30, 300])
        kwargs: dict[str, Any] = {"since": day.isoformat(),
                                  "until": (day + timedelta(days=span)).isoformat()}
        if span >= 10 or rng.random() < 0.3:
            kwargs["site"] = f"site{rng.randrange(5)}"
        if rng.random() < 0.2:
            kwargs["offset"] = rng.randrange(40)
        cases.append((q, kwargs))
    return cases


def identity(archive: Archive, n: int) -> tuple[int, int, int, int]:
    """(queries, those ranked by ``archive.phraserank``, hits, queries whose hits or count
    differ) over ``random_cases(n)``, searched with it and with the single MATCH."""
    differ = hits = ranked = 0
    rank = phraserank.ranked
    calls: list[int] = []

    def counted_rank(*args: Any, **kwargs: Any) -> list[tuple[int, float]]:
        calls.append(1)
        return rank(*args, **kwargs)

    for q, kwargs in random_cases(n):
        counted = {k: v for k, v in kwargs.items() if k != "offset"}
        calls.clear()
        phraserank.ranked = counted_rank
        try:
            new = (search(archive, q, **kwargs), count(archive, q, **counted))
        finally:
            phraserank.ranked = rank
        with single_match():
            old = (search(archive, q, **kwargs), count(archive, q, **counted))
        ranked += bool(calls)
        hits += len(new[0])
        differ += new != old
    return n, ranked, hits, differ


#: Queries timed through the command line.
CLI_QUERIES = ("zeytinyağı", "belediye", "şirket")


def timed_runs(commands: list[list[str]], runs: int) -> list[tuple[list[float], list[float]]]:
    """(wall ms, CPU ms) of ``runs`` runs of each command, interleaved round by round
    after one untimed round. CPU time (user + system of the child) moves less than wall
    time when other processes share the machine."""
    import resource

    found: list[tuple[list[float], list[float]]] = [([], []) for _ in commands]
    # bytecode written on the untimed round, as an installed package has it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for i in range(runs + 1):
        for command, (walls, cpus) in zip(commands, found, strict=True):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True, env=env)
            wall = (time.perf_counter() - started) * 1000
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i:
                walls.append(wall)
                cpus.append((after.ru_utime - before.ru_utime
                             + after.ru_stime - before.ru_stime) * 1000)
    return found


#: Goal 3 of issue 11: p95 of every query (ms) at 100,000 and 1,000,000 articles, and the
#: wall time of ``newscrawler search`` at 100,000.
P95_GOALS = {100_000: 20.0, 1_000_000: 60.0}
CLI_GOAL_MS = 60.0


def query_verdict(articles: int, worst: tuple[float, str]) -> str:
    """The one-line verdict of goal 3b for the worst p95 (ms, query label)."""
    goal = P95_GOALS.get(articles)
    p95, label = worst
    if goal is None:
        return (f"goal 3b (p95 <= 20 ms at 100,000, <= 60 ms at 1,000,000 articles): not "
                f"judged at {articles:,} articles; worst p95 {p95:.1f} ms ({label})")
    return (f"goal 3b (p95 <= {goal:.0f} ms for every query at {articles:,} articles): "
            f"{'MET' if p95 <= goal else 'NOT MET'}, worst p95 {p95:.1f} ms ({label})")


def time_cli(path: Path, runs: int, articles: int) -> None:
    """Print median and p95 wall time and median CPU time of ``newscrawler search``, of the
    same through click (``python -m newscrawler.cli``) and of ``python -c pass``, run
    interleaved; the verdict."""
    script = Path(sys.executable).with_name("newscrawler")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newscrawler.cli"]
    pandas = "installed" if _installed("pandas") else "not installed"
    print(f"\ncommand line: {Path(command[0]).name} search QUERY --db ... ({runs} runs each, "
          f"interleaved; pandas {pandas}; hyperfine "
          f"{'is' if shutil.which('hyperfine') else 'is not'} here for a second opinion)")
    labels = ["python -c pass", *(f"newscrawler search {q}" for q in CLI_QUERIES),
              f"  {CLI_QUERIES[0]} through click (cli.py)"]
    commands = [[sys.executable, "-c", "pass"],
                *([*command, "search", q, "--db", str(path)] for q in CLI_QUERIES),
                [sys.executable, "-m", "newscrawler.cli", "search", CLI_QUERIES[0], "--db",
                 str(path)]]
    medians = []
    for label, (walls, cpus) in zip(labels, timed_runs(commands, runs), strict=True):
        medians.append(statistics.median(walls))
        print(f"{label:<40} wall median {medians[-1]:6.1f} ms  p95 {percentile(walls, 95):6.1f}"
              f" ms  CPU median {statistics.median(cpus):6.1f} ms")
    judged = "" if articles == 100_000 else f" (the goal is set at 100,000, not {articles:,})"
    pass_ms = medians[0]
    print(f"goal 3a (newscrawler search <= {CLI_GOAL_MS:.0f} ms wall at 100,000 articles, "
          f"pandas {pandas}){judged}: "
          + "; ".join(f"{word} {ms:.0f} ms {'MET' if ms <= CLI_GOAL_MS else 'NOT MET'}"
                      for word, ms in zip(CLI_QUERIES, medians[1:], strict=False))
          + f"; python -c pass {pass_ms:.0f} ms (search/pass {medians[1] / pass_ms:.1f}x)")


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="archive size")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per query")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per query first")
    parser.add_argument(
        "--batch",
        type=int,
        default=100,
        help="articles per save_articles call (the crawler's ARCHIVE_BATCH_SIZE)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        help="archive file to build or reuse (default: a cached file under the temp folder)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the archive again")
    parser.add_argument(
        "--optimize",
        action="store_true",
        help="merge the index segments first (Archive.optimize; a crawl does not do it)",
    )
    parser.add_argument("--cli-runs", type=int, default=20,
                        help="runs of `newscrawler search` end to end per query (0: none)")
    parser.add_argument("--body-words", type=int, default=400,
                        help="words of body per article (400: ~3.5 KB; 80 for a million "
                        "articles on a small disk)")
    parser.add_argument("--fast-build", action="store_true",
                        help="insert the rows and index them once instead of save_articles "
                        "in batches (see the module docstring)")
    parser.add_argument("--compare", action="store_true",
                        help="time each query with the single FTS5 MATCH and with "
                        "archive.phraserank, alternately, instead of the usual table")
    parser.add_argument("--floors", action="store_true",
                        help="instead of the usual table, each query's CPU time beside what "
                             "FTS5 alone costs: counting the whole MATCH, and counting each "
                             "of its phrases (the least bm25 reads before it ranks)")
    parser.add_argument("--identity", type=int, default=0, metavar="N",
                        help="compare N random queries under narrow filters, searched with "
                        "archive.phraserank and with the single MATCH (0: none)")
    parser.add_argument("--quick", action="store_true",
                        help="1,000 articles in a temporary archive, 2 runs (for CI)")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.runs, args.warmup, args.cli_runs = 1000, 2, 1, 2
        args.identity = args.identity or 20
        with tempfile.TemporaryDirectory() as tmp:
            args.db = Path(tmp) / "quick.db"
            run(args)
        return
    run(args)


def run(args: argparse.Namespace) -> None:
    """Build or reuse the archive, then time every query."""
    Generator.BODY_WORDS = args.body_words
    path = args.db or default_db(args.articles, args.body_words, args.fast_build)
    if args.rebuild or not path.exists():
        print(f"building {args.articles} articles into {path} ...", file=sys.stderr)
        started = time.perf_counter()
        if args.fast_build:
            generating, saving = fast_build(path, args.articles)
            how = "inserted in transactions of 10,000 and indexed once"
        else:
            generating, saving = build(path, args.articles, args.batch)
            how = f"save_articles in batches of {args.batch}"
        print(
            f"built in {time.perf_counter() - started:.0f} s: generated in {generating:.1f} s, "
            f"saved in {saving:.1f} s ({args.articles / saving:,.0f} articles/s, {how})"
        )
    else:
        print(f"reusing {path} (pass --rebuild for a fresh one)")
    started = time.perf_counter()
    with Archive(path) as archive:
        if archive.migrated:
            print(
                f"migrated to schema {archive.migrated[-1]} in "
                f"{time.perf_counter() - started:.1f} s"
            )
        if args.optimize:
            started = time.perf_counter()
            archive.optimize()
            print(f"optimized the index in {time.perf_counter() - started:.1f} s")
        conn = archive.conn
        n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        body = conn.execute("SELECT avg(length(CAST(body AS BLOB))) FROM articles").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the file itself
        size = path.stat().st_size / 1e6
        print(
            f"archive: {n:,} articles, body {body / 1024:.1f} KB avg, file {size:,.0f} MB "
            f"({size / n * 1000:.1f} MB per 1,000 articles)"
        )
        if args.identity:
            started = time.perf_counter()
            queries, ranked, hits, differ = identity(archive, args.identity)
            print(f"identity: {queries} random queries, {ranked} of them ranked phrase by "
                  f"phrase, {hits:,} hits: {differ} differ between archive.phraserank and "
                  f"the single MATCH "
                  f"({time.perf_counter() - started:.0f} s)\n")
        print(f"timing: {args.warmup} warm-up + {args.runs} runs each, limit 20, snippets on\n")
        worst = (0.0, "")
        if not args.runs:
            pass
        elif args.floors:
            print(f"{'query type':<30} {'query':<26} {'CPU p50':>8} {'p95':>6} "
                  f"{'MATCH count':>11} {'phrase counts':>13} {'bm25 of one':>11} "
                  f"{'phrases':>7}")
            for label, q, p50, p95, whole, each, one, phrases in measure_floors(
                    archive, args.runs):
                print(f"{label:<30} {q:<26} {p50:>8.1f} {p95:>6.1f} {whole:>11.1f} "
                      f"{each:>13.1f} {one:>11.1f} {phrases:>7}", flush=True)
                worst = max(worst, (p95, label))
        elif args.compare:
            print(f"{'query type':<30} {'query':<26} {'single MATCH p50':>16} {'p95':>6} "
                  f"{'phraserank p50':>14} {'p95':>6}")
            for label, q, old50, old95, new50, new95 in measure_compare(
                    archive, args.runs, args.warmup):
                print(f"{label:<30} {q:<26} {old50:>16.1f} {old95:>6.1f} {new50:>14.1f} "
                      f"{new95:>6.1f}", flush=True)
                worst = max(worst, (new95, label))
        else:
            print(f"{'query type':<30} {'query':<26} {'matches':>8} {'median ms':>10} "
                  f"{'p95 ms':>8}")
            for label, q, matches, median, p95 in measure(archive, args.runs, args.warmup):
                print(f"{label:<30} {q:<26} {matches:>8,} {median:>10.1f} {p95:>8.1f}",
                      flush=True)
                worst = max(worst, (p95, label))
    if args.cli_runs:
        time_cli(path, args.cli_runs, n)
    if args.runs:  # --runs 0 (an identity check alone) times nothing: no verdict
        print(query_verdict(n, worst))


if __name__ == "__main__":
    main()
