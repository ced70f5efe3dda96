"""A generated news site of N article pages for scale tests and bench/scale_bench.py.

``make_site(folder, n)`` writes the pages, a sitemap and a site profile (``gen``) into
``folder``; serve ``folder / "site"`` with ``newscrawler.sample_server.serve`` and point
``NEWSCRAWLER_SITES_DIR`` at ``folder / "sites"``. Each article links to three others, so
workers discover the same URLs from several pages (the shared duplicate filter's work);
every body is unique (no template lines, no duplicate texts).
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = ("belediye meclis mahalle sakinleri toplantı proje yol çalışma okul öğrenci park "
         "etkinlik festival konser sergi kütüphane ulaşım otobüs hattı sefer su kanal tarım "
         "üretici kooperatif pazar esnaf sahil temizlik gönüllü spor kulüp maç şampiyon").split()
PROFILE = """name = "gen"
title = "Üretilmiş site"
base_url = "http://127.0.0.1:8765/"
article_pattern = '^/haber/\\d+$'
language = "tr"

[discovery]
sitemaps = ["/sitemap.xml"]
"""


def _body(i: int, rng: random.Random) -> list[str]:
    paragraphs = []
    for p in range(4):
        words = [rng.choice(WORDS) for _ in range(rng.randint(18, 30))]
        paragraphs.append(f"Haber {i} paragraf {p + 1}: " + " ".join(words).capitalize()
                          + f" ve {i * 7 + p} kişi katıldı.")
    return paragraphs


def make_site(folder: Path, n: int, *, seed: int = 12) -> Path:
    """Write a site of ``n`` articles under ``folder/site`` and its profile under
    ``folder/sites``; returns ``folder``."""
    rng = random.Random(seed)
    site = folder / "site"
    (site / "haber").mkdir(parents=True, exist_ok=True)
    (folder / "sites").mkdir(exist_ok=True)
    (folder / "sites" / "gen.toml").write_text(PROFILE, encoding="utf-8")
    urls = []
    for i in range(1, n + 1):
        links = "".join(f'<li><a href="/haber/{rng.randint(1, n)}">Diğer haber</a></li>'
                        for _ in range(3))
        body = "".join(f"<p>{p}</p>" for p in _body(i, rng))
        day = 1 + i % 28
        (site / "haber" / f"{i}.html").write_text(
            f"<!doctype html><html lang=tr><head><meta charset=utf-8><title>Haber {i}</title>"
            f'<meta property="article:published_time" content="2025-11-{day:02d}T10:00:00+03:00">'
            f"</head><body><article><h1>Haber {i}: {rng.choice(WORDS)} gündemi</h1>{body}"
            f"</article><aside><ul>{links}</ul></aside></body></html>", encoding="utf-8")
        urls.append(f"<url><loc>{{{{ORIGIN}}}}/haber/{i}</loc></url>")
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{"".join(urls)}</urlset>', encoding="utf-8")
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return folder
