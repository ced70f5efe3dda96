"""`export` tables and formats researchers load with defaults: the README's pandas (and R) lines
run for real, Turkish-locale Excel CSV, xlsx read back cell by cell and within Excel's limits,
one date rule and one list rule in every format, and contradictory options refused."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive import Archive
from archive.export import (
    ARTICLE_COLUMNS,
    HEADLINE_COLUMNS,
    NOTE_COLUMN,
    RUN_COLUMNS,
    article_records,
    iter_articles,
    write_xlsx,
)
from archive.export import xlsx as xlsx_module
from newscrawler.cli import main
from tests.conftest import REPO, import_sample, rows, run_cli

pd = pytest.importorskip("pandas")
openpyxl = pytest.importorskip("openpyxl")

DATES = ("published_date", "published_at", "published_at_utc")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    """The sample site imported (real pages: day-only and timed dates, headlines, tags), plus
    hand-made articles of a second site (+02:00 from 2015, a 40,000-character body, a title
    that looks like a formula) and two crawl runs."""
    db = import_sample(tmp_path_factory.mktemp("formats"), manifest)
    with Archive(db) as store:
        store.save_articles([
            {"url": "https://ege.example/eski", "site": "ege", "title": "=1+1 Işık yazısı",
             "body": "Eski haber. " + "ş" * 40_000, "published_at": "2015-03-01T09:30:00+02:00",
             "date_precision": "minute", "author": "Ayşe Yılmaz", "category": "Gündem",
             "tags": ["tarih; eski", "İzmir"], "fetched_at": "2025-11-16T12:00:00+03:00",
             "headlines": [{"position": 1, "title": "Kemeraltı’nda yangın", "url": None}]},
            {"url": "https://ege.example/gun", "site": "ege", "title": "Günlük haber 😀",
             "body": "Sadece gün belli.", "published_at": "2025-11-20",
             "date_precision": "day", "category": "Spor",
             "fetched_at": "2025-11-21T08:00:00+03:00"},
        ])  # fmt: skip
        run = store.start_run("sample")
        store.finish_run(run, status="failed", reason="nothing fetched: 3 errors",
                         stats={"downloader/request_count": 3, "fetch/errors": 3,
                                "elapsed_time_seconds": 1.26})
        store.start_run("ege")  # still running
    return db


def export(db: Path, *args: str) -> str:
    """``newscrawler export --db DB ARGS`` in this process; its stdout."""
    result = CliRunner().invoke(main, ["export", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def readme_block(language: str) -> str:
    """The first ```language block of the README's Exporting section."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text[text.index("## Exporting"):]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found, f"no {language} block in the README's Exporting section"
    return found.group(1)


@pytest.fixture(scope="module")
def readme_files(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's export commands, run as written (plus --db) in a fresh folder."""
    folder = tmp_path_factory.mktemp("readme")
    commands = [line.split("#")[0].strip() for line in readme_block("sh").splitlines()]
    assert len(commands) >= 5
    for command in commands:
        argv = command.split(" ")[1:]
        target = None
        if ">" in argv:
            target, argv = argv[argv.index(">") + 1], argv[:argv.index(">")]
        argv = [a.strip('"') for a in argv]
        result = run_cli(*argv[:1], "--db", str(sample_db), *argv[1:], cwd=folder)
        assert result.returncode == 0, (command, result.stderr)
        if target:
            (folder / target).write_text(result.stdout, "utf-8")
    return folder


def test_readme_pandas_lines_run(readme_files: Path, monkeypatch: pytest.MonkeyPatch,
                                 sample_db: Path) -> None:
    monkeypatch.chdir(readme_files)
    names: dict[str, Any] = {}
    exec(readme_block("python"), names)  # the README's lines, as a reader pastes them
    df = names["df"]
    assert len(df) == rows(sample_db, "SELECT count(*) AS n FROM articles")[0]["n"]
    assert str(names["day"].dtype).startswith("datetime64")
    assert str(names["utc"].dtype).startswith("datetime64") and "UTC" in str(names["utc"].dtype)
    assert names["day"].notna().sum() == (df.published_date != "").sum() > 0
    assert names["utc"].notna().sum() == (df.published_at != "").sum() > 0
    # +02:00 (2015) and +03:00 in one column: the UTC column still parses
    assert {at[-6:] for at in df.published_at if at} >= {"+02:00", "+03:00"}
    # text stays text where a column is empty in every row read (README's options)
    assert str(df.updated_at.dtype) in ("object", "str") and "" in set(df.updated_at)
    assert str(names["kadina"].published_at.dtype) in ("object", "str")
    eski = df[df.site == "ege"].iloc[0]
    assert names["tags"][eski.name] == ["tarih; eski", "İzmir"]
    assert len(names["kadina"]) > 0 and list(names["kadina"].columns) == list(ARTICLE_COLUMNS)
    assert len(names["headlines"]) == rows(sample_db, "SELECT count(*) AS n FROM headlines")[0]["n"]


def test_readme_r_lines_run(readme_files: Path) -> None:
    if not shutil.which("Rscript"):
        pytest.skip("Rscript is not installed")
    script = readme_block("r").replace("lapply(df$tags, jsonlite::fromJSON)",
                                       "if (requireNamespace('jsonlite')) "
                                       "lapply(df$tags, jsonlite::fromJSON)")
    script += ('\nstopifnot(sum(!is.na(day)) > 0, sum(!is.na(utc)) > 0,'
               '\n  sum(!is.na(utc)) == sum(df$published_at_utc != ""))\n'
               'cat(format(utc[!is.na(utc)][1], "%H:%M"), "\\n")\n')
    result = subprocess.run(["Rscript", "-e", script], cwd=readme_files, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_jsonl_dtypes_are_the_same_for_two_subsets(sample_db: Path) -> None:
    subsets = [pd.read_json(io.StringIO(export(sample_db, "--format", "jsonl", *args)),
                            lines=True)
               for args in (["--query", "belediye"], ["--since", "2025-11"])]
    assert set(subsets[0].id) != set(subsets[1].id)
    # pandas reads an ``_at`` column as datetimes only when it has one offset: the first
    # subset mixes +02:00 (2015) and +03:00, so published_at stays text there (documented;
    # published_at_utc is the column for times)
    assert str(subsets[0].published_at.dtype) != str(subsets[1].published_at.dtype)
    same = [c for c in ARTICLE_COLUMNS if c not in ("published_at", "updated_at")]
    assert subsets[0][same].dtypes.to_dict() == subsets[1][same].dtypes.to_dict()
    for subset in subsets:
        assert str(pd.to_datetime(subset.published_at_utc).dtype).endswith("UTC]")
    # every text column reads as text, even where the subset has no author at all
    one_site = pd.read_json(io.StringIO(export(sample_db, "--format", "jsonl", "--site", "ege",
                                               "--columns", "id,author,credit,tags")),
                            lines=True)
    every = pd.read_json(io.StringIO(export(sample_db, "--format", "jsonl",
                                            "--columns", "id,author,credit,tags")), lines=True)
    assert one_site.dtypes.to_dict() == every.dtypes.to_dict()


def test_dates_and_lists_are_the_same_in_every_format(sample_db: Path, tmp_path: Path) -> None:
    text = export(sample_db, "--format", "jsonl")
    records = [json.loads(line) for line in text.splitlines()]
    table = list(csv.DictReader(io.StringIO(export(sample_db), newline="")))
    excel = list(csv.DictReader(io.StringIO(export(sample_db, "--excel").lstrip("\ufeff"),
                                            newline=""), delimiter=";"))
    export(sample_db, "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True)["articles"]
    cells = list(sheet.iter_rows(values_only=True))
    header = list(cells[0])
    assert header == [*ARTICLE_COLUMNS, NOTE_COLUMN]
    for record, row, excel_row, xrow in zip(records, table, excel, cells[1:], strict=True):
        xl = dict(zip(header, xrow, strict=True))
        for name in (*DATES, "tags", "headlines"):
            value = record[name]
            as_text = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
            assert row[name] == excel_row[name] == as_text, name
            assert (xl[name] or "") == as_text, name
        day, at, utc = (record[name] for name in DATES)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", day) or (day == at == utc == "")
        assert at == "" or (at.startswith(day + "T") and re.search(r"[+-]\d\d:\d\d$", at))
        assert (at == "") == (utc == "") and (utc == "" or utc.endswith("Z"))
        assert isinstance(record["tags"], list) and isinstance(record["headlines"], list)
    assert any(r["published_at"] == "" and r["published_date"] for r in records)  # day only


def test_excel_csv_is_bom_semicolon_crlf(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "excel.csv"
    result = run_cli("export", "--db", str(sample_db), "--excel", "-o", str(target))
    assert result.returncode == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;url;site;")
    assert raw.count(b"\r\n") >= rows(sample_db, "SELECT count(*) AS n FROM articles")[0]["n"]
    assert not re.search(rb"[^\r]\n(?=\d+;http)", raw)  # every row starts after a CRLF
    with target.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    assert table[0] == list(ARTICLE_COLUMNS)
    assert all(len(row) == len(ARTICLE_COLUMNS) for row in table)
    assert "Ayşe Yılmaz" in [row[ARTICLE_COLUMNS.index("author")] for row in table]


def test_other_delimiter(sample_db: Path) -> None:
    text = export(sample_db, "--delimiter", "tab", "--columns", "id,site,title")
    assert text.splitlines()[0] == "id\tsite\ttitle" and "\r\n" not in text


def test_xlsx_read_back_cell_by_cell(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "articles.xlsx"
    result = run_cli("export", "--db", str(sample_db), "--format", "xlsx", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "cut" in result.stderr  # the 40,000-character body
    assert zipfile.ZipFile(target).testzip() is None
    cells = list(openpyxl.load_workbook(target, read_only=True)["articles"]
                 .iter_rows(values_only=True))
    records = [json.loads(line) for line in export(sample_db, "--format", "jsonl").splitlines()]
    assert len(cells) == len(records) + 1
    for record, row in zip(records[:3] + records[-2:], cells[1:4] + cells[-2:], strict=True):
        for name, value in zip(ARTICLE_COLUMNS, row[:-1], strict=True):
            expected = record[name]
            if isinstance(expected, list):
                expected = json.dumps(expected, ensure_ascii=False)
            if name in (row[-1] or "").split(", "):  # cut to Excel's limit: a prefix
                assert expected.startswith(value) and len(value) == 32_767, name
                continue
            assert (value if value is not None else "") == expected, name
    eski = next(dict(zip(cells[0], row, strict=True)) for row in cells
                if row[ARTICLE_COLUMNS.index("url")] == "https://ege.example/eski")
    assert eski["title"] == "=1+1 Işık yazısı"  # text, not a formula
    assert len(eski["body"]) == 32_767 and eski[NOTE_COLUMN] == "body"


def test_xlsx_past_the_row_limit_goes_on_in_a_new_sheet(sample_db: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS", 11)  # header + 10 rows a sheet
    target = tmp_path / "split.xlsx"
    with Archive(sample_db) as store, target.open("wb") as fh:
        result = write_xlsx(article_records(iter_articles(store)), fh, ("id", "title"))
    n = rows(sample_db, "SELECT count(*) AS n FROM articles")[0]["n"]
    assert (result.rows, result.sheets) == (n, -(-n // 10))
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames[:2] == ["articles", "articles 2"]
    ids = []
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        assert values[0] == ("id", "title", NOTE_COLUMN) and len(values) <= 11
        ids += [row[0] for row in values[1:]]
    assert ids == list(range(1, n + 1))


def test_headlines_table_has_one_row_per_headline(sample_db: Path) -> None:
    table = list(csv.DictReader(io.StringIO(export(sample_db, "--table", "headlines"),
                                            newline="")))
    stored = rows(sample_db, "SELECT h.*, a.url AS article_url, a.site FROM headlines h "
                             "JOIN articles a ON a.id = h.article_id "
                             "ORDER BY h.article_id, h.position")
    assert len(table) == len(stored) > 0
    assert list(table[0]) == list(HEADLINE_COLUMNS)
    for row, want in zip(table, stored, strict=True):
        assert (row["article_id"], row["article_url"], row["site"], row["position"],
                row["title"], row["url"]) == (str(want["article_id"]), want["article_url"],
                                              want["site"], str(want["position"]),
                                              want["title"], want["url"] or "")
    articles = {r["id"]: r for r in csv.DictReader(io.StringIO(export(sample_db),
                                                               newline=""))}
    for row in table:
        assert all(row[d] == articles[row["article_id"]][d] for d in DATES)
    only = export(sample_db, "--table", "headlines", "--site", "ege", "--format", "jsonl")
    assert [json.loads(line)["title"] for line in only.splitlines()] == ["Kemeraltı’nda yangın"]


def test_runs_table(sample_db: Path) -> None:
    runs = [json.loads(line)
            for line in export(sample_db, "--table", "runs", "--format", "jsonl").splitlines()]
    assert [list(r) for r in runs[:1]] == [list(RUN_COLUMNS)]
    assert [(r["site"], r["status"]) for r in runs] == [("sample", "failed"), ("ege", "running")]
    failed, running = runs
    assert (failed["reason"], failed["duration_seconds"], failed["requests"],
            failed["fetch_errors"], failed["articles_new"]) == (
        "nothing fetched: 3 errors", 1.3, 3, 3, 0)
    assert failed["started_at"].endswith("Z") and failed["finished_at"].endswith("Z")
    assert (running["finished_at"], running["duration_seconds"]) == ("", None)
    frame = pd.read_csv(io.StringIO(export(sample_db, "--table", "runs")))
    assert str(frame.duration_seconds.dtype) == "float64"
    assert str(pd.to_datetime(frame.started_at).dtype).endswith("UTC]")


def test_columns_choose_and_order(sample_db: Path) -> None:
    text = export(sample_db, "--columns", "title,id,published_date,title", "--site", "ege")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["title", "id", "published_date"]  # in the order given, once each
    assert [(row[0], row[2]) for row in table[1:]] == [("=1+1 Işık yazısı", "2015-03-01"),
                                                       ("Günlük haber 😀", "2025-11-20")]


def test_author_and_category_filters(sample_db: Path) -> None:
    by_author = export(sample_db, "--format", "jsonl", "--author", "ayse yilmaz")
    assert [json.loads(line)["url"] for line in by_author.splitlines()] == [
        "https://ege.example/eski"]
    by_category = export(sample_db, "--format", "jsonl", "--category", "SPOR", "--site", "ege")
    assert [json.loads(line)["url"] for line in by_category.splitlines()] == [
        "https://ege.example/gun"]


CONTRADICTIONS = [
    (["--excel", "--format", "jsonl"], "--excel writes a CSV for Excel"),
    (["--excel", "--format", "xlsx"], "--excel writes a CSV for Excel"),
    (["--delimiter", ";", "--format", "jsonl"], "--delimiter is for CSV"),
    (["--delimiter", "|", "--format", "xlsx"], "--delimiter is for CSV"),
    (["--excel", "--delimiter", ","], "--excel writes ';' between cells"),
    (["--delimiter", "ab"], "is not one character"),
    (["--table", "runs", "--query", "kadın"], "--table runs takes only --site"),
    (["--table", "runs", "--since", "2025"], "--table runs takes only --site"),
    (["--columns", "id,nope"], "no column 'nope' in the articles table; its columns: id,url"),
    (["--table", "headlines", "--columns", "body"],
     "no column 'body' in the headlines table; its columns: article_id,article_url"),
    (["--site", "yok"], "no articles from site 'yok'; its sites: ege, sample"),
]


@pytest.mark.parametrize("args, message", CONTRADICTIONS,
                         ids=[" ".join(c[0]) for c in CONTRADICTIONS])
def test_contradictory_options_exit_2_in_one_line(sample_db: Path, tmp_path: Path,
                                                  args: list[str], message: str) -> None:
    target = tmp_path / "out"
    result = run_cli("export", "--db", str(sample_db), *args, "-o", str(target))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert not target.exists()


@pytest.mark.parametrize("name, kind", [("articles.xlsx", "xlsx"), ("a.JSONL", "jsonl"),
                                        ("a.ndjson", "jsonl"), ("a.tsv", "tsv"),
                                        ("a.csv", "csv"), ("a.txt", "csv")])
def test_the_output_name_chooses_the_format(sample_db: Path, tmp_path: Path, name: str,
                                            kind: str) -> None:
    target = tmp_path / name
    result = run_cli("export", "--db", str(sample_db), "--columns", "id,site,title",
                     "-o", str(target))
    assert result.returncode == 0, result.stderr
    if kind == "xlsx":
        rows = list(openpyxl.load_workbook(target, read_only=True)["articles"]
                    .iter_rows(values_only=True))
        assert rows[0] == ("id", "site", "title", NOTE_COLUMN)
        return
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first == {"jsonl": first if first.startswith('{"id": ') else None,
                     "tsv": "id\tsite\ttitle", "csv": "id,site,title"}[kind]


def test_format_given_wins_over_the_output_name(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    result = run_cli("export", "--db", str(sample_db), "--format", "csv", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("id,url,")


@pytest.mark.parametrize("args", [["--excel"], ["--delimiter", ";"]])
def test_csv_options_with_an_xlsx_name_exit_2(sample_db: Path, tmp_path: Path,
                                              args: list[str]) -> None:
    target = tmp_path / "a.xlsx"
    result = run_cli("export", "--db", str(sample_db), *args, "-o", str(target))
    assert result.returncode == 2
    assert f"is for CSV, but {target} ends in .xlsx (xlsx): name the file .csv" \
        in result.stderr
    assert not target.exists()


def test_an_empty_output_name_is_a_usage_error(sample_db: Path) -> None:
    result = run_cli("export", "--db", str(sample_db), "-o", "")
    assert result.returncode == 2
    assert "Invalid value for -o: an empty name: give a file (-o articles.csv)" in result.stderr


def test_excel_alone_and_with_format_csv_are_fine(sample_db: Path) -> None:
    assert export(sample_db, "--excel", "--format", "csv").startswith("\ufeffid;")
    assert export(sample_db, "--excel", "--delimiter", ";").startswith("\ufeffid;")


def test_excel_csv_has_decimal_commas_and_no_formulas(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with Archive(db) as archive:
        archive.save_articles([
            {"url": "https://ege.example/buz-1", "site": "ege", "title": "-20 derecede buz tuttu",
             "body": "Kars'ta hava sıcaklığı gece eksi 20 dereceye düştü, göl buz tuttu.",
             "published_at": "2025-01-14T08:00:00+03:00"},
            {"url": "https://ege.example/hesap-2", "site": "ege", "title": "=1+1 İzmir",
             "body": "@hibya hesabından yapılan paylaşım çok ilgi gördü ve konuşuldu.",
             "published_at": "2025-01-14T09:00:00+03:00"}])
        run = archive.start_run("ege")
        archive.finish_run(run, status="finished", reason="2 new")
    titles = run_cli("export", "--db", str(db), "--excel", "--columns", "title,body")
    assert titles.returncode == 0, titles.stderr
    table = list(csv.reader(io.StringIO(titles.stdout.lstrip("\ufeff"), newline=""),
                            delimiter=";"))
    assert table[1:] == [["'-20 derecede buz tuttu", table[1][1]],
                         ["'=1+1 İzmir", "'@hibya hesabından yapılan paylaşım çok ilgi gördü "
                          "ve konuşuldu."]]
    runs = run_cli("export", "--db", str(db), "--excel", "--table", "runs")
    assert runs.returncode == 0, runs.stderr
    (row,) = csv.DictReader(io.StringIO(runs.stdout.lstrip("\ufeff"), newline=""),
                            delimiter=";")
    assert re.fullmatch(r"\d+,\d+|\d+", row["duration_seconds"]), row["duration_seconds"]
    plain = run_cli("export", "--db", str(db), "--columns", "title")
    assert plain.stdout.splitlines()[1:] == ["-20 derecede buz tuttu", "=1+1 İzmir"]
