"""Profiles are validated: a broken file is reported with its line and never stops the other
sites; unknown keys and wrong types are errors; two files with one name are an error."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawler.profiles import (
    _CHECKS,
    _NOT_KEYS,
    ProfileError,
    Selectors,
    SiteProfile,
    all_profiles,
    get_profile,
    load_profile,
    profile_problems,
)
from tests.conftest import REPO, run_cli

GOOD = 'name = "{name}"\nbase_url = "http://127.0.0.1:1/"\narticle_pattern = "-\\\\d+$"\n'


def write(folder: Path, file: str, text: str) -> Path:
    path = folder / file
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def sites_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user profile folder named by NEWSCRAWLER_SITES_DIR."""
    folder = tmp_path / "sites"
    folder.mkdir()
    monkeypatch.setenv("NEWSCRAWLER_SITES_DIR", str(folder))
    return folder


def problem_of(tmp_path: Path, text: str) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, "x.toml", text))
    return info.value


def test_bundled_profiles_are_all_valid() -> None:
    assert profile_problems() == []
    assert {"aa", "haberturk", "hibya", "ntv", "sample"} <= set(all_profiles())


def test_broken_toml_names_file_and_line_and_spares_the_others(sites_dir: Path) -> None:
    path = write(sites_dir, "kirik.toml", 'name = "kirik"\nbase_url = "http://x/\n')
    assert {"hibya", "sample"} <= set(all_profiles())  # before: the TOML error stopped all
    [problem] = profile_problems()
    assert problem.name == "kirik" and problem.path == path and problem.line == 2
    assert str(problem).startswith(f"{path}, line 2: not valid TOML: ")
    with pytest.raises(ProfileError, match="line 2: not valid TOML"):
        get_profile("kirik")
    assert get_profile("hibya").name == "hibya"


@pytest.mark.parametrize("extra, line, message", [
    ('[discovery]\nsitemap = ["/sitemap.xml"]\n', 5,
     "unknown [discovery] key 'sitemap'; known keys: feeds, sitemaps, listings, listing_links,"
     " listing_next"),
    ('feeds = ["/rss"]\n', 4, "unknown top-level key 'feeds'; known keys: name, title, "),
    ('[selector]\ntitle = "h1"\n', 4, "unknown top-level key 'selector'"),
    ('[selectors]\nbaslik = "h1"\n', 5, "unknown [selectors] key 'baslik'; known keys: title,"),
])
def test_unknown_keys_are_errors_listing_the_known_ones(tmp_path: Path, extra: str, line: int,
                                                         message: str) -> None:
    error = problem_of(tmp_path, GOOD.format(name="x") + extra)
    assert error.line == line
    assert message in error.problem


@pytest.mark.parametrize("setting, message", [
    ('title = 3', "title must be a string, got 3"),
    ('credit = ["AA", 1]', "credit must be a list of strings"),
    ('download_delay = "abc"', "download_delay must be a number ≥ 0, got 'abc'"),
    ('download_delay = -1', "download_delay must be a number ≥ 0"),
    ('download_delay = nan', "download_delay must be a number ≥ 0"),
    ('download_delay = true', "download_delay must be a number ≥ 0"),
    ('language = ["tr"]', "language must be a string"),
])
def test_top_level_types_are_checked(tmp_path: Path, setting: str, message: str) -> None:
    error = problem_of(tmp_path, GOOD.format(name="x") + setting + "\n")
    assert error.line == 4
    assert message in error.problem


@pytest.mark.parametrize("text, line, message", [
    ('name = "x"\nbase_url = "notaurl"\narticle_pattern = "a"\n', 2,
     "base_url must be an http:// or https:// URL, got 'notaurl'"),
    ('name = "x"\nbase_url = "ftp://x.com/"\narticle_pattern = "a"\n', 2, "base_url must be"),
    ('name = "x"\nbase_url = "http://x/"\narticle_pattern = "("\n', 3,
     "article_pattern is not a valid regex"),
    ('name = "x y"\nbase_url = "http://x/"\narticle_pattern = "a"\n', 1, "name must be"),
    ('name = "x"\nbase_url = "http://x/"\narticle_pattern = "a"\ndiscovery = "y"\n', 4,
     "discovery must be a table"),
    ('name = "x"\nbase_url = "http://x/"\narticle_pattern = "a"\n[discovery]\nfeeds = 3\n', 5,
     "feeds must be a list of strings"),
    ('name = "x"\nbase_url = "http://x/"\narticle_pattern = "a"\n[discovery]\n'
     'listing_links = "ul["\n', 5, "listing_links is not a valid CSS selector"),
    ('name = "x"\nbase_url = "http://x/"\narticle_pattern = "a"\n[selectors]\n'
     'body = ["p"]\n', 5, "body must be a string"),
    ('name = "x"\nbase_url = "http://x/"\narticle_pattern = "a"\n[selectors]\n'
     'date = ".tarih >>"\n', 5, "date is not a valid CSS selector"),
    ('name = "x"\narticle_pattern = "a"\n', None, "lacks the key 'base_url'"),
])
def test_values_are_checked(tmp_path: Path, text: str, line: int | None, message: str) -> None:
    error = problem_of(tmp_path, text)
    assert error.line == line
    assert message in error.problem


def test_a_single_string_stands_for_a_list(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "x.toml", GOOD.format(name="x")
                                 + '[discovery]\nsitemaps = "/sitemap.xml"\n'))
    assert profile.sitemaps == ("/sitemap.xml",)
    assert profile.base_url == "http://127.0.0.1:1/"


def test_every_profile_field_has_a_type_check() -> None:
    """A new key is one new field: its annotation must be one the loader can check."""
    for cls in (SiteProfile, Selectors):
        for f in dataclasses.fields(cls):
            if f.name not in _NOT_KEYS:
                assert str(f.type) in _CHECKS, (cls.__name__, f.name, f.type)


def test_two_files_with_one_name_are_an_error_naming_both(sites_dir: Path) -> None:
    first = write(sites_dir, "a.toml", GOOD.format(name="ikiz"))
    second = write(sites_dir, "b.toml", GOOD.format(name="ikiz"))
    [problem] = profile_problems()
    assert str(first) in problem.problem and str(second) in problem.problem
    assert problem.line == 1
    assert "ikiz" not in all_profiles()
    with pytest.raises(ProfileError, match="two profiles are named 'ikiz'"):
        get_profile("ikiz")


def test_user_folder_still_overrides_a_bundled_profile(sites_dir: Path) -> None:
    write(sites_dir, "mine.toml", GOOD.format(name="hibya"))
    assert profile_problems() == []
    assert get_profile("hibya").base_url == "http://127.0.0.1:1/"


def test_a_broken_override_never_falls_back_to_the_bundled_profile(sites_dir: Path) -> None:
    write(sites_dir, "hibya.toml", GOOD.format(name="hibya") + "[discovery]\nsitemap = []\n")
    with pytest.raises(ProfileError, match="unknown \\[discovery\\] key 'sitemap'"):
        get_profile("hibya")
    assert "hibya" not in all_profiles()


# --- the commands --------------------------------------------------------------------------

def test_sites_lists_a_broken_profile_and_exits_0(tmp_path: Path) -> None:
    folder = tmp_path / "sites"
    folder.mkdir()
    path = write(folder, "kirik.toml", GOOD.format(name="kirik") + "[discovery]\nsitemap = []\n")
    env = {"NEWSCRAWLER_SITES_DIR": str(folder)}
    table = run_cli("sites", env=env)
    assert table.returncode == 0, table.stderr
    assert "hibya" in table.stdout
    line = next(x for x in table.stdout.splitlines() if x.startswith("kirik"))
    assert "BROKEN" in line and f"{path}, line 5: unknown [discovery] key 'sitemap'" in line
    listed = json.loads(run_cli("sites", "--format", "json", env=env).stdout)
    broken = next(p for p in listed if p["name"] == "kirik")
    assert broken["broken"] is True and broken["line"] == 5 and broken["profile"] == str(path)
    assert next(p for p in listed if p["name"] == "hibya")["broken"] is False
    asked = run_cli("sites", "kirik", env=env)
    assert asked.returncode == 2 and "line 5" in asked.stdout + asked.stderr
    assert run_cli("sites", "hibya", env=env).returncode == 0
    unknown = run_cli("sites", "yok", env=env)
    assert unknown.returncode == 2 and "unknown site 'yok'" in unknown.stderr


def test_crawl_of_a_broken_profile_exits_2_with_the_problem(tmp_path: Path) -> None:
    folder = tmp_path / "sites"
    folder.mkdir()
    write(folder, "kirik.toml", 'name = "kirik"\nbase_url = [\n')
    result = run_cli("crawl", "kirik", "--db", str(tmp_path / "x.db"),
                     env={"NEWSCRAWLER_SITES_DIR": str(folder)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [error] = [x for x in result.stderr.splitlines() if x.startswith("Error:")]
    assert "kirik.toml, line 2" in error and "not valid TOML" in error
    assert not (tmp_path / "x.db").exists()


def test_scrapy_list_survives_a_broken_profile(tmp_path: Path) -> None:
    folder = tmp_path / "sites"
    folder.mkdir()
    write(folder, "kirik.toml", "name = \n")
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO,
                            capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ,
                                 "NEWSCRAWLER_SITES_DIR": str(folder)})
    assert result.returncode == 0, result.stderr
    assert {"hibya", "sample"} <= set(result.stdout.split())


@pytest.mark.parametrize("pattern", ["", "  "])
def test_an_empty_article_pattern_is_an_error(tmp_path: Path, pattern: str) -> None:
    error = problem_of(tmp_path, f'name = "x"\nbase_url = "http://127.0.0.1:1/"\n'
                                 f'article_pattern = "{pattern}"\n')
    assert error.line == 3
    assert error.problem.startswith("article_pattern is empty: it would take every page")
