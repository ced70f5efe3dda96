"""A generated news site whose pages look like real ones, at a chosen size.

``make_realistic_site(folder, n, size="small" | "large", origin=...)`` writes ``n``
distinct article pages, a sitemap, robots.txt and a site profile (``realistic``) into
``folder/site`` and ``folder/sites``, for bench/crawl_bench.py and the crawl tests that
need real work per page. Deterministic: the same arguments give the same bytes.

Real Turkish news pages weigh 70-460 KB, mostly markup around a 3-6 KB article: inline
scripts (analytics, ads, JSON-LD), inline CSS, SVG icons, a menu and a footer of 50-200
links. ``large`` pages (50-170 KB) have all of that; ``small`` pages (~7 KB) keep a short
head, menu and footer. Every page has its own title, byline, date, lead, body paragraphs
and a "Diğer Haberler" list of other articles of the site, so nothing is dropped as a
duplicate and the template learner sees only the site's real template.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = (
    "belediye meclis mahalle sakinleri toplantı proje yol çalışma okul öğrenci park etkinlik "
    "festival konser sergi kütüphane ulaşım otobüs hattı sefer su kanal tarım üretici "
    "kooperatif pazar esnaf sahil temizlik gönüllü spor kulüp maç şampiyon valilik kaymakam "
    "hastane doktor sağlık ocak kış yağmur sel uyarı meteoroloji sıcaklık rüzgar liman gemi "
    "balıkçı av sezon zeytin hasat fındık çay fiyat maliyet enerji elektrik doğalgaz kesinti "
    "arıza ekip müdahale itfaiye yangın orman köy muhtar imza kampanya bağış yardım aile "
    "çocuk kadın gençlik merkez kurs eğitim sınav üniversite rektör akademisyen araştırma "
    "müze kazı tarihi eser restorasyon cami kilise köprü tünel inşaat ihale bütçe vergi "
    "vatandaş şikayet talep dilekçe mahkeme dava karar savcılık jandarma polis operasyon "
    "trafik kaza yaralı ambulans otoyol kavşak sinyalizasyon bisiklet yaya kaldırım "
    "ağaç fidan dikim çevre atık geri dönüşüm plastik deniz kirlilik denetim ceza ruhsat"
).split()
SECTIONS = ("gundem", "yerel", "ekonomi", "spor", "saglik", "egitim", "kultur", "asayis")
AUTHORS = ("Ayşe Yılmaz", "Mehmet Kaya", "Zeynep Demir", "Ali Çelik", "Elif Şahin",
           "Hasan Öztürk", "Fatma Aydın", "Mustafa Arslan")
MONTHS = ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos",
          "Eylül", "Ekim", "Kasım", "Aralık")
PROFILE = """name = "realistic"
title = "Gerçekçi Haber"
base_url = "http://127.0.0.1:8765/"
article_pattern = '^/[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*-\\d+$'
language = "tr"

[discovery]
sitemaps = ["/sitemap.xml"]
"""
_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")


def article_path(i: int) -> str:
    """The URL path of article ``i`` (1-based), the same on every page that links it."""
    rng = random.Random(i * 7919)
    words = [rng.choice(WORDS) for _ in range(4)]
    slug = "-".join(words).translate(_ASCII)
    return f"/{SECTIONS[i % len(SECTIONS)]}/{slug}-{100000 + i}"


def headline(i: int) -> str:
    """The title of article ``i``."""
    rng = random.Random(i * 104729)
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 9))]
    return f"{' '.join(words).capitalize()} ({i})"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!"))


def _paragraph(rng: random.Random, i: int, p: int) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(2, 5))]
    sentences.insert(rng.randrange(len(sentences) + 1),
                     f"Toplantıya {i * 13 + p} kişi katıldı.")
    return " ".join(sentences)


def _script(rng: random.Random, kb: int) -> str:
    """About ``kb`` KB of inline JavaScript that looks like an ad or analytics bundle."""
    parts = []
    size = 0
    n = 0
    while size < kb * 1024:
        n += 1
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))
        body = ";".join(f"var {name}{k}=window.{name}{k}||[];{name}{k}.push({{slot:'div-gpt-"
                        f"ad-{rng.randint(1000, 9999)}-{k}',sizes:[[300,250],[728,90]],"
                        f"targeting:{{sec:'{rng.choice(SECTIONS)}',pos:{k}}}}})"
                        for k in range(8))
        chunk = f"function {name}{n}(e,t){{{body};return e&&t?e[t]:null}}\n"
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


def _style(rng: random.Random, kb: int) -> str:
    """About ``kb`` KB of inline CSS."""
    parts = []
    size = 0
    while size < kb * 1024:
        cls = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))
        chunk = (f".{cls}{{display:flex;margin:{rng.randint(0, 24)}px auto;padding:"
                 f"{rng.randint(0, 16)}px;color:#{rng.randint(0, 0xFFFFFF):06x};font-size:"
                 f"{rng.randint(11, 22)}px}}.{cls}:hover{{opacity:.{rng.randint(5, 9)}}}\n")
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


_ICON = ('<svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">'
         '<path d="M18 2h-3a5 5 0 0 0-5 5v3H7v4h3v8h4v-8h3l1-4h-4V7a1 1 0 0 1 1-1h3z"/>'
         '<path d="M23 3a10.9 10.9 0 0 1-3.14 1.53 4.48 4.48 0 0 0-7.86 3v1A10.66 10.66 0 0 1 '
         '3 4s-4 9 5 13a11.64 11.64 0 0 1-7 2c9 5 20 0 20-11.5a4.5 4.5 0 0 0-.08-.83A7.72 7.72 '
         '0 0 0 23 3z"/></svg>')


def _menu(rng: random.Random, links: int) -> str:
    items = []
    for k in range(links):
        section = SECTIONS[k % len(SECTIONS)]
        items.append(f'<li class="menu-item"><a href="/{section}?sayfa={k}">'
                     f"{section.capitalize()} {k}</a></li>")
    return ('<header class="site-header"><div class="logo"><a href="/">Gerçekçi Haber</a>'
            f'</div><nav class="main-menu"><ul>{"".join(items)}</ul></nav></header>')


def _footer(links: int) -> str:
    items = "".join(f'<li><a href="/kurumsal/sayfa-{k}">Kurumsal sayfa {k}</a></li>'
                    for k in range(links))
    return ('<footer class="site-footer"><ul class="footer-links">' + items + "</ul>"
            "<p>© 2025 Gerçekçi Haber. Tüm hakları saklıdır. Haberlerin izinsiz "
            "kullanılması yasaktır.</p></footer>")


def page_html(i: int, n: int, *, size: str, seed: int = 11) -> str:
    """The HTML of article ``i`` of ``n`` (``size`` "small" or "large")."""
    large = size == "large"
    rng = random.Random(seed * 1_000_003 + i)
    title = headline(i)
    day, hour = 1 + i % 28, 6 + i % 16
    month = 1 + (i // 28) % 12
    iso = f"2025-{month:02d}-{day:02d}T{hour:02d}:{i % 60:02d}:00+03:00"
    author = AUTHORS[i % len(AUTHORS)]
    lead = _sentence(rng) + " " + _sentence(rng)
    paragraphs = [_paragraph(rng, i, p) for p in range(rng.randint(6, 12) if large
                                                        else rng.randint(3, 5))]
    others = [j for j in (rng.randint(1, n) for _ in range(12 if large else 5)) if j != i]
    related = "".join(f'<li><a href="{article_path(j)}">{headline(j)}</a></li>'
                      for j in others)
    body_parts = []
    for p, text in enumerate(paragraphs):
        body_parts.append(f"<p>{text}</p>")
        if large and p % 3 == 2:
            body_parts.append(f'<div class="ad-slot" id="ad-{p}"><script>'
                              f"googletag.cmd.push(function(){{googletag.display('ad-{p}')}})"
                              "</script></div>")
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": iso, "author": {"@type": "Person", "name": author},
          "publisher": {"@type": "Organization", "name": "Gerçekçi Haber"}}
    head = [
        '<!doctype html><html lang="tr"><head><meta charset="utf-8">',
        f"<title>{title} - Gerçekçi Haber</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{lead[:150]}">',
        f'<meta property="og:title" content="{title}">',
        '<meta property="og:type" content="article">',
        f'<meta property="article:published_time" content="{iso}">',
        f'<link rel="canonical" href="{article_path(i)}">',
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
    ]
    if large:
        target_kb = rng.randint(50, 170)
        script_kb = max(8, int(target_kb * rng.uniform(0.45, 0.65)))
        style_kb = max(4, int(target_kb * rng.uniform(0.08, 0.15)))
        head.append(f"<style>{_style(rng, style_kb)}</style>")
        head.append(f"<script>{_script(rng, script_kb // 2)}</script>")
        head.append('<script async src="/static/ads.js"></script>')
    head.append("</head>")
    side = ""
    if large:
        most_read = "".join(f'<li><a href="{article_path(rng.randint(1, n))}">'
                            f"{headline(rng.randint(1, n))}</a></li>" for _ in range(10))
        side = (f'<aside class="sidebar"><div class="widget"><h3>Çok Okunanlar</h3>'
                f"<ol>{most_read}</ol></div><div class=\"widget weather\">{_ICON * 6}"
                "<span>Hava durumu: parçalı bulutlu</span></div></aside>")
    share = ('<div class="share">' + "".join(f'<a href="#" class="share-{k}">{_ICON}</a>'
                                             for k in range(4 if large else 1)) + "</div>")
    tags = "".join(f'<a href="/etiket/{t}" rel="tag">{t}</a>'
                   for t in sorted({rng.choice(WORDS) for _ in range(4)}))
    article = (
        f'<main class="container"><div class="breadcrumb"><a href="/">Ana Sayfa</a> › '
        f'<a href="/{SECTIONS[i % len(SECTIONS)]}">{SECTIONS[i % len(SECTIONS)].capitalize()}'
        f'</a></div><article class="news-detail"><h1 class="title">{title}</h1>'
        f'<h2 class="spot">{lead}</h2><div class="byline"><span class="author">{author}</span>'
        f' <time datetime="{iso}">{day} {MONTHS[month - 1]} 2025 {hour:02d}:{i % 60:02d}'
        f"</time></div>{share}<div class=\"news-body\">{''.join(body_parts)}</div>"
        f'<div class="tags">{tags}</div></article>'
        f'<section class="related"><h3>Diğer Haberler</h3><ul>{related}</ul></section>'
        f"{side}</main>"
    )
    tail = ""
    if large:
        tail = f"<script>{_script(rng, script_kb - script_kb // 2)}</script>"
    return "".join(head) + "<body>" + _menu(rng, 120 if large else 20) + article + _footer(
        60 if large else 10) + tail + "</body></html>"


def make_realistic_site(folder: Path, n: int, *, size: str = "small",
                        origin: str = "http://127.0.0.1:8765") -> Path:
    """Write ``n`` pages, a sitemap (URLs under ``origin``), robots.txt and the profile
    under ``folder``; returns ``folder``.

    A page's file is its URL path plus ``.html`` (``/gundem/x-100001`` is
    ``site/gundem/x-100001.html``): nginx serves it with ``try_files $uri.html``,
    ``newscrawler.sample_server`` finds it by itself. ``origin="{{ORIGIN}}"`` leaves the
    sitemap to ``sample_server``, which fills in its own port.
    """
    if size not in ("small", "large"):
        raise ValueError(f"size must be small or large, not {size!r}")
    site = folder / "site"
    site.mkdir(parents=True, exist_ok=True)
    (folder / "sites").mkdir(exist_ok=True)
    (folder / "sites" / "realistic.toml").write_text(PROFILE, encoding="utf-8")
    locs = []
    for i in range(1, n + 1):
        path = site / (article_path(i).lstrip("/") + ".html")
        path.parent.mkdir(exist_ok=True)
        path.write_text(page_html(i, n, size=size), encoding="utf-8")
        locs.append(f"<url><loc>{origin}{article_path(i)}</loc></url>")
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{"".join(locs)}</urlset>', encoding="utf-8")
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return folder
