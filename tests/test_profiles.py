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
