"""Site profiles: bundled ones load, user folders override, bad files say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawler.profiles import UnknownSiteError, all_profiles, get_profile, load_profile


def test_bundled_profiles() -> None:
    profiles = all_profiles()
    assert {"hibya", "sample"} <= set(profiles)
    hibya = profiles["hibya"]
    assert hibya.base_url == "https://www.hibya.com/"
    assert hibya.feeds == ("/rss.xml",)
    assert "Hibya Haber Ajansı" in hibya.credit
    assert hibya.is_article_url("https://www.hibya.com/izmirde-stk-bulusmasi-412345")
    assert not hibya.is_article_url("https://www.hibya.com/rss.xml")
    assert not hibya.is_article_url("https://www.hibya.com/kategori/yerel-haberler")


def test_user_folder_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hibya.toml").write_text(
        'name = "hibya"\nbase_url = "http://127.0.0.1:1"\narticle_pattern = "-\\\\d+$"\n')
    monkeypatch.setenv("NEWSCRAWLER_SITES_DIR", str(tmp_path))
    assert get_profile("hibya").base_url == "http://127.0.0.1:1/"


def test_unknown_site_lists_known_ones() -> None:
    with pytest.raises(UnknownSiteError, match=r"known sites: .*hibya"):
        get_profile("yok")


@pytest.mark.parametrize("text, message", [
    ('name = "x"\narticle_pattern = "a"\n', "lacks the key 'base_url'"),
    ('base_url = "http://x/"\narticle_pattern = "("\n', "not a valid regex"),
    ('base_url = "http://x/"\narticle_pattern = "a"\n[selectors]\nbaslik = "h1"\n',
     r"line 4: unknown \[selectors\] key 'baslik'; known keys: title, date"),
])
def test_bad_profiles(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_profile(path)


# A hand-written profile of an older PHP site: the pattern has \? so it sees the query.
QUERY_PROFILE = """name = "bakircay"
base_url = "http://bakircay.example/"
article_pattern = '^/(?:news\\.php\\?id=\\d+|index\\.php\\?page=haber&id=\\d+|\\?p=\\d+)$'
"""


@pytest.mark.parametrize("url, expected", [
    ("http://bakircay.example/news.php?id=101", True),
    ("http://bakircay.example/news.php?id=101&utm_source=x&utm_medium=manset", True),
    ("http://bakircay.example/news.php?fbclid=IwAR0&id=101&gclid=9", True),
    ("http://bakircay.example/news.php?id=101#yorumlar", True),
    ("http://bakircay.example/index.php?page=haber&id=77", True),
    ("http://bakircay.example/?p=123", True),
    ("http://bakircay.example/?p=123&utm_campaign=rss", True),
    ("http://bakircay.example/kategori.php?id=3", False),
    ("http://bakircay.example/index.php?page=kategori&id=3", False),
    ("http://bakircay.example/news.php?id=101&sayfa=2", False),  # another page of it
    ("http://bakircay.example/news.php", False),
    ("http://bakircay.example/news.php?id=abc", False),
    ("http://bakircay.example/?cat=3", False),
    ("http://bakircay.example/", False),
])
def test_is_article_url_matches_path_and_query(url: str, expected: bool,
                                               tmp_path: Path) -> None:
    path = tmp_path / "bakircay.toml"
    path.write_text(QUERY_PROFILE, "utf-8")
    assert load_profile(path).is_article_url(url) is expected


@pytest.mark.parametrize("url, expected", [
    ("https://www.hibya.com/izmirde-stk-bulusmasi-412345", True),
    ("https://www.hibya.com/izmirde-stk-bulusmasi-412345?utm_source=x", True),
    ("https://www.hibya.com/izmirde-stk-bulusmasi-412345?id=3", True),  # query not looked at
    ("https://www.hibya.com/?p=412345", False),
])
def test_is_article_url_without_a_query_pattern_matches_the_path(url: str,
                                                                 expected: bool) -> None:
    assert get_profile("hibya").is_article_url(url) is expected
