"""Places (#10): the gazetteer, the tagger, the labelled-set floors, the archive and the CLI."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from newscrawler.places.gazetteer import gazetteer, resolve_place
from newscrawler.places.tagger import tag_places
from tests.conftest import import_sample, rows, run_cli

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))


def pairs(title: str, body: str, credit: str | None = None,
          region: str | None = None) -> list[tuple[str, str | None]]:
    return [(p.province, p.district) for p in tag_places(title, body, credit, region)]


# --- gazetteer ------------------------------------------------------------------------------


def test_gazetteer_has_81_provinces_and_973_districts() -> None:
    g = gazetteer()
    assert len(g.provinces) == 81
    assert sum(len(d) for d in g.districts.values()) == 973
    assert sum(d.count("Merkez") for d in g.districts.values()) == 51
    counts = {p: len(d) for p, d in g.districts.items()}
    assert (counts["İstanbul"], counts["İzmir"], counts["Ankara"], counts["Konya"]) == (
        39, 30, 25, 31)
    assert (counts["Bayburt"], counts["Hakkari"], counts["Artvin"], counts["Aksaray"]) == (
        3, 5, 9, 8)
    assert sorted(int(p) for p in g.plates.values()) == list(range(1, 82))


def test_gazetteer_names_are_unique_within_a_province_and_official() -> None:
    g = gazetteer()
    for province, districts in g.districts.items():
        assert len(set(districts)) == len(districts), province
        assert not set(districts) & set(g.provinces) - {province}, province
    for name in ("Afyonkarahisar", "Kahramanmaraş", "Şanlıurfa", "Iğdır", "Diyarbakır"):
        assert name in g.provinces
    assert "Eyüpsultan" in g.districts["İstanbul"] and "Eyüp" not in g.districts["İstanbul"]
    assert {"Efeler", "Şehzadeler", "Onikişubat", "Ortahisar"} <= {
        d for ds in g.districts.values() for d in ds}
    assert (REPO / "newscrawler/places/data/PROVENANCE.md").read_text("utf-8").count("6360")


def test_resolve_place_any_case_and_ascii() -> None:
    assert resolve_place("izmir") == resolve_place("IZMIR") == resolve_place("İzmir") == [
        ("İzmir", None)]
    assert resolve_place("eyupsultan") == [("İstanbul", "Eyüpsultan")]
    assert resolve_place("Afyon") == [("Afyonkarahisar", None)]


# --- tagger ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "body", "want"), [
    ("Kaza", "KONYA (İHA) – Konya'nın Ereğli ilçesinde kaza oldu.", [("Konya", "Ereğli")]),
    ("Yağış", "ANKARA, (DHA) - Kentte yağış etkili oldu.", [("Ankara", None)]),
    ("Yangın", "MUĞLA'NIN Bodrum ilçesinde yangın çıktı.", [("Muğla", "Bodrum")]),
    ("Hasat", "Hibya Haber Ajansı - Manisa'nın Akhisar ilçesinde hasat başladı.",
     [("Manisa", "Akhisar")]),
    ("DİYARBAKIR'DA SEL", "Sel evleri vurdu. IĞDIR'da da kar var.",
     [("Diyarbakır", None), ("Iğdır", None)]),
    ("Okul", "Bornova'daki ve Karşıyaka’ya yakın okul, Bornovada açıldı.",
     [("İzmir", "Bornova"), ("İzmir", "Karşıyaka")]),
])
def test_datelines_suffixes_and_capitals(title: str, body: str, want: list[Any]) -> None:
    assert pairs(title, body) == want


def test_dateline_outranks_the_body() -> None:
    got = tag_places("Öğretmenler geldi", "VAN (İHA) – İstanbul'dan gelen öğretmenler "
                     "köyleri gezdi.\nİstanbul'a dönüş İstanbul üzerinden olacak.")
    assert [(p.province, p.found_in) for p in got] == [("Van", "dateline"), ("İstanbul", "lead")]


def test_shared_district_needs_its_province() -> None:
    assert pairs("Yenişehir'de su kesintisi", "Kesinti 6 saat sürecek.") == []
    assert pairs("Yenişehir'de su kesintisi", "Mersin'in Yenişehir ilçesinde kesinti.") == [
        ("Mersin", "Yenişehir")]
    assert pairs("Gölbaşı", "ANKARA (DHA) - Gölbaşı Belediyesi gölü temizledi.") == [
        ("Ankara", "Gölbaşı")]


def test_words_and_surnames_need_a_place_cue() -> None:
    assert pairs("Açıklama", "Mehmet Kozan açıklama yaptı. Çay molası verildi.") == []
    assert pairs("Kesinti", "Ceyhan ilçesinde su kesintisi var.") == [("Adana", "Ceyhan")]
    assert pairs("Hasat", "Kozan'da narenciye hasadı başladı.") == [("Adana", "Kozan")]
    assert pairs("Bayram", "Samsun'da 19 Mayıs kutlandı. Aralık'ta yeniden buluşulacak.") == [
        ("Samsun", None)]


def test_clubs_and_the_government_are_not_places() -> None:
    assert pairs("Bursaspor kazandı", "Bursaspor, Trabzonspor'u 2-1 yendi.") == []
    assert pairs("Karşıyaka kaybetti", "Karşıyaka ligde deplasmanda kaybetti. Maç 3-1 "
                 "bitti.") == []
    assert pairs("Ankara'nın tutumu net", "Ankara ile Washington görüştü. Ankara yönetimi "
                 "açıklama yaptı.") == []


def test_streets_neighbourhoods_and_universities_named_for_a_place_are_not_it() -> None:
    assert pairs("Evde yangın", "ESKİŞEHİR (İHA) – Odunpazarı ilçesi Çankaya Mahallesi'nde "
                 "bir evde yangın çıktı.") == [("Eskişehir", "Odunpazarı")]
    assert pairs("Evde yangın", "Manisa'nın Yunusemre ilçesi Karşıyaka Mahallesi'nde bir "
                 "evde yangın çıktı.") == [("Manisa", "Yunusemre")]
    assert pairs("Kaza", "Samsun'un İlkadım ilçesi Kadıköy Mahallesi'nde kaza oldu.") == [
        ("Samsun", "İlkadım")]
    assert pairs("Rektör atandı", "Gaziosmanpaşa Üniversitesine yeni rektör atandı.") == []
    assert pairs("Yol çalışması", "Bornova Belediyesi, İzmir Caddesi'nde çalışma yaptı.") == [
        ("İzmir", "Bornova")]
    # A province's own university is in it; the district itself still counts.
    assert pairs("Mezuniyet", "Ankara Üniversitesi'nde mezuniyet töreni yapıldı.") == [
        ("Ankara", None)]
    assert pairs("Kaza", "Kadıköy'de kaza oldu.") == [("İstanbul", "Kadıköy")]


def test_footballers_and_clubs_named_for_a_place_are_not_it() -> None:
    assert pairs("Maç sonucu", "Oğuz Aydın iki gol attı.") == []
    assert pairs("Adana Demirspor kazandı", "Adana Demirspor deplasmanda 2-1 kazandı.") == []
    assert pairs("Adana'da maç", "Adana Demirspor, Adana'da oynadı.") == [("Adana", None)]


def test_region_is_only_a_default() -> None:
    assert pairs("Konser", "Belediye konser verdi.", region="İzmir") == [("İzmir", None)]
    assert pairs("Konser", "Bursa'da konser verildi.", region="İzmir") == [("Bursa", None)]


def test_each_pair_once_most_salient_first() -> None:
    got = pairs("Buca'da park", "İZMİR (Hibya) – Buca Belediyesi park açtı. Buca'da "
                "Karşıyaka'dan gelenler de vardı.\nBuca'daki park büyük.")
    assert got == [("İzmir", "Buca"), ("İzmir", "Karşıyaka")]
    assert len(got) == len(set(got))


# --- the labelled set -----------------------------------------------------------------------


def test_labelled_set_meets_the_floors() -> None:
    from eval_places import HELDOUT, LABELLED, evaluate

    labelled = [json.loads(line) for line in LABELLED.read_text("utf-8").splitlines()]
    assert len(labelled) >= 60
    assert len(Counter(r["credit"] for r in labelled)) >= 6  # İHA, DHA, AA, ANKA, Hibya, local
    for path in (LABELLED, HELDOUT):
        scores = evaluate(path)
        assert scores["primary_accuracy"] >= 0.95, path
        assert scores["province_precision"] >= 0.90 and scores["province_recall"] >= 0.90
        assert scores["district_precision"] >= 0.85 and scores["district_recall"] >= 0.85


# --- archive, profiles, commands ------------------------------------------------------------


def test_store_writes_and_replaces_places(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    record = {"url": "https://x.example/1", "site": "x", "title": "t", "body": "b",
              "places": [{"province": "İzmir", "district": "Bornova", "found_in": "dateline"},
                         {"province": "Manisa", "district": None, "found_in": "body"}]}
    with Archive(db) as archive:
        archive.save_articles([record])
        archive.save_articles([{**record, "body": "b2",
                                "places": [{"province": "Muğla", "district": "Bodrum",
                                            "found_in": "title"}]}])
        archive.save_articles([{k: v for k, v in record.items() if k != "places"} | {
            "body": "b3"}])  # no places: the archive keeps what it has
    assert rows(db, "SELECT article_id, rank, province, district, found_in FROM places") == [
        {"article_id": 1, "rank": 1, "province": "Muğla", "district": "Bodrum",
         "found_in": "title"}]


def test_profile_region_is_a_province(tmp_path: Path) -> None:
    from newscrawler.profiles import ProfileError, parse_profile

    base = 'base_url = "https://x.example/"\narticle_pattern = "^/a"\n'
    assert parse_profile(base + 'region = "İzmir"\n', tmp_path / "x.toml").region == "İzmir"
    for typed in ("izmir", "IZMIR"):  # typed as --place takes it, kept as the official name
        assert parse_profile(base + f'region = "{typed}"\n', tmp_path / "x.toml").region == "İzmir"
    with pytest.raises(ProfileError, match="region must be a province name"):
        parse_profile(base + 'region = "Bornova"\n', tmp_path / "x.toml")  # a district
    with pytest.raises(ProfileError, match="region must be a province name"):
        parse_profile(base + 'region = "Izmirr"\n', tmp_path / "x.toml")


def test_extract_prints_places(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Bornova'da park</title></head><body><article><h1>Bornova'da "
        "yeni park açıldı</h1><p>İZMİR (Hibya) – Bornova Belediyesi yeni parkı hizmete "
        "açtı. Parkta çocuk oyun alanları ve yürüyüş yolları bulunuyor, açılışa yüzlerce "
        "kişi katıldı.</p><p>Belediye başkanı açılışta konuştu ve yeni projeleri anlattı, "
        "Manisa'dan gelen konuklar da törene katıldı.</p></article></body></html>",
        encoding="utf-8")
    result = run_cli("extract", str(page))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["places"] == [
        {"province": "İzmir", "district": "Bornova"}, {"province": "Manisa", "district": None}]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    return import_sample(tmp_path_factory.mktemp("places"), manifest)


def test_import_tags_the_sample_site(sample_db: Path) -> None:
    datelined = rows(sample_db, "SELECT a.url, p.province, p.district FROM places AS p JOIN "
                     "articles AS a ON a.id = p.article_id WHERE p.found_in = 'dateline' "
                     "AND p.rank = 1 ORDER BY a.url")
    assert {(r["province"], r["district"]) for r in datelined} >= {
        ("İzmir", "Bornova"), ("İzmir", "Buca"), ("İzmir", "Gaziemir"), ("İzmir", "Menemen")}
    untagged = rows(sample_db, "SELECT count(*) AS n FROM articles WHERE id NOT IN "
                    "(SELECT article_id FROM places)")
    assert untagged == [{"n": 0}]  # region = "İzmir" covers the rest


def test_search_and_export_by_place(sample_db: Path, tmp_path: Path) -> None:
    about = run_cli("search", "--place", "bornova", "--db", str(sample_db), "--format", "json")
    assert about.returncode == 0, about.stderr
    titles = [h["title"] for h in json.loads(about.stdout)]
    assert titles and all("Bornova" in t or "Karşıyaka" in t for t in titles)
    same = run_cli("search", "--place", "BORNOVA", "--db", str(sample_db), "--format", "json")
    assert json.loads(same.stdout) == json.loads(about.stdout)
    worded = run_cli("search", "yaşlı", "--place", "Bornova", "--db", str(sample_db),
                     "--format", "json")
    assert [h["title"] for h in json.loads(worded.stdout)] == [
        "Bornova’da yaşlılara evde bakım hizmeti genişletildi"]
    nothing = run_cli("search", "--place", "Hakkari", "--db", str(sample_db))
    assert nothing.returncode == 0 and "no articles about 'Hakkari'" in nothing.stderr
    missing = run_cli("search", "--db", str(sample_db))
    assert missing.returncode == 2 and "Missing argument" in missing.stderr
    for command in ("search", "export"):  # a typo is an error, never "no articles"
        typo = run_cli(command, "--place", "Izmirr", "--db", str(sample_db))
        assert typo.returncode == 2 and "did you mean İzmir?" in typo.stderr, typo.stderr
        assert typo.stderr.count("\n") == 1 and not typo.stdout
    alias = run_cli("search", "--place", "Antep", "--db", str(sample_db))
    assert alias.returncode == 0 and "no articles about 'Gaziantep'" in alias.stderr

    out = tmp_path / "izmir.jsonl"
    exported = run_cli("export", "--place", "izmir", "--format", "jsonl", "-o", str(out),
                       "--db", str(sample_db))
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert records and all("İzmir" in r["provinces"] for r in records)
    table = tmp_path / "places.csv"
    assert run_cli("export", "--table", "places", "-o", str(table), "--db",
                   str(sample_db)).returncode == 0
    header = table.read_text("utf-8").splitlines()[0]
    assert header == ("article_id,article_url,site,published_date,published_at,"
                      "published_at_utc,rank,province,district,found_in")
    runs = run_cli("export", "--table", "runs", "--place", "izmir", "--db", str(sample_db))
    assert runs.returncode == 2 and "--place" in runs.stderr


def test_crawl_tags_through_the_pipeline(crawled_sample: dict[str, Any]) -> None:
    db = crawled_sample["db"]
    assert crawled_sample["result"].returncode == 0, crawled_sample["result"].stderr
    found = rows(db, "SELECT p.province, p.district, p.found_in FROM places AS p JOIN articles "
                 "AS a ON a.id = p.article_id WHERE a.url LIKE '%-100028' ORDER BY p.rank")
    assert found[0] == {"province": "İzmir", "district": "Bornova", "found_in": "dateline"}
    stats = json.loads(rows(db, "SELECT stats FROM crawl_runs")[0]["stats"])
    assert stats["places/tagged"] == rows(db, "SELECT count(*) AS n FROM articles")[0]["n"]


def test_pipeline_switches_off() -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from newscrawler.pipelines.places import PlacesPipeline

    with pytest.raises(NotConfigured):
        PlacesPipeline.from_crawler(get_crawler(settings_dict={"PLACES_TAGGING": False}))


def test_place_names_inside_person_names_are_not_places() -> None:
    body = "Vali Yardımcısı Mehmet Denizli ve Müdür Hatay Aksoy törene katıldı."
    assert tag_places("Tören yapıldı", body) == []
    cued = tag_places("Tören", "Denizli Büyükşehir Belediyesi Başkanı ile Ayşe Bolu'da buluştu.")
    assert [p.province for p in cued] == ["Denizli", "Bolu"]  # a cue or a suffix still counts


def test_a_suffixed_name_takes_the_first_suffix_of_the_rules_that_leaves_a_name() -> None:
    # The suffixes are looked up by length (issue 11); the answer must stay the first suffix,
    # in the rules' order, whose stem is a name, as a plain loop over them gives.
    from newscrawler.places import tagger

    names = gazetteer().names
    suffixes = tagger._suffixes()

    def first_in_order(word: str) -> tuple[str, int, str] | None:
        for suffix in suffixes:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) >= 3 and stem in names:
                return stem, 1, suffix
        return None

    words = {f"{name}{suffix}" for name in names if " " not in name for suffix in suffixes}
    checked = 0
    for word in sorted(words):
        token = tagger._Token(word, True, False, 0, len(word), "")
        if word in names:
            continue  # a name as it is, not a suffixed one
        assert tagger._match([token], 0) == first_in_order(word), word
        checked += 1
    assert checked > 20000
