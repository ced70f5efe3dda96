"""A researcher's view: headless Chromium searches the articles table of `newscrawler serve`
and sees the CLI's count.

Uses Debian's Chromium and chromedriver (``apt-get install chromium chromium-driver``,
done by ``.ci/run``) through Selenium; nothing downloads a browser. Skips when either is
absent.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import count
from tests.conftest import import_sample, serving

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytest.importorskip("datasette", reason="datasette is not installed")
if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
    pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is absent (apt-get install chromium "
                "chromium-driver)", allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture()
def served(tmp_path: Path, manifest: dict[str, Any]) -> Iterator[tuple[str, Path]]:
    """``newscrawler serve`` on a free 127.0.0.1 port over the sample archive: the
    articles table's URL and the archive's path."""
    db = import_sample(tmp_path, manifest)
    with serving(db) as (url, _):
        yield url, db


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium from Debian, a throwaway profile, no network of its own."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-sync",
                     "--window-size=1280,1600", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_search_box_shows_the_cli_count(served: tuple[str, Path], browser: Any,
                                        tmp_path: Path) -> None:
    url, db = served
    browser.get(url)
    box = WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.ID, "_search")))
    box.clear()
    box.send_keys("kadına")
    box.submit()
    WebDriverWait(browser, 30).until(lambda d: "_search=" in d.current_url)
    heading = WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "h3"))).text
    browser.save_screenshot(str(tmp_path / "articles-kadina.png"))
    shown = re.match(r"([\d,]+) rows?\b", heading)
    assert shown, heading
    with sqlite3.connect(db) as conn:
        expected = count(conn, "kadına")
    assert expected > 0
    assert int(shown.group(1).replace(",", "")) == expected
    assert 'search matches "kadına"' in heading
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert len(rows) == expected
    assert (tmp_path / "articles-kadina.png").stat().st_size > 0
