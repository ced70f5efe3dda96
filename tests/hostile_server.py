"""A hostile news site on 127.0.0.1: a real threaded HTTP server that misbehaves on purpose.

Usage::

    with serve("block") as site:                # one mode per server instance
        run_cli("crawl", SITE, "--db", db, "--base-url", site.origin, env=site.env)

``serve(mode, *, articles=10, **options)`` starts the server on a free port and yields a
:class:`HostileSite`. It also writes the profile ``hostile`` (``SITE``) into a temporary
folder: pass ``env=site.env`` (it sets ``NEWSCRAWLER_SITES_DIR``) and ``--base-url
site.origin``. The profile's discovery is the feed ``/rss.xml``, the sitemap
``/sitemap.xml`` and the listing ``/``; articles live at ``/haber-<n>-<id>`` (ids from
5001), match ``article_pattern`` and are ordinary Turkish articles (title, date, four
paragraphs), each with its own text.

The site: ``site.origin``, ``site.env``, ``site.article_paths`` (in order),
``site.log`` (``(monotonic time, path, status)`` per request, in arrival order),
``site.hits(path)`` (requests for one path), ``site.options``, ``site.release()``
(let stalled requests go).

Modes (``MODES``; add one with ``@mode("name")``: a function ``(site, path) ->
Reply | None`` that answers a request or returns None for the normal page). With the
option ``good_first=True`` any mode answers an article's first request with the good page
and only later requests (a recrawl) with its misbehaviour:

- ``normal``: the site as it should be.
- ``block``: every article page is HTTP 200 with the same small block page; option
  ``block`` picks the wording: ``turkish`` ("Erişim engellendi", default), ``english``
  ("Access denied"), ``captcha`` (a reCAPTCHA form, "robot olmadığınızı"),
  ``challenge`` (a Cloudflare-like "Just a moment..." challenge).
- ``block-all``: every page but robots.txt (feeds, sitemaps, listings too) is the block
  page, as behind a challenge that covers the whole site.
- ``block-after-good``: ``block`` with ``good_first=True`` (a second crawl meets only
  block pages).
- ``429`` / ``503``: article requests get that status with ``Retry-After`` (option
  ``retry_after``: seconds, default 2; a string is sent as it is; ``"date+N"`` sends the
  HTTP date N seconds after the answer) from the first article request until ``window``
  seconds later (default: ``retry_after``, or N); afterwards normal.
- ``canonical-root``: every article's ``<link rel="canonical">`` points to ``/``.
- ``removed``: article pages are a short 200 page "Bu haber yayından kaldırılmıştır."
  (not an article: the validate step drops it).
- ``empty``: article pages are an empty 200 ``text/html``.
- ``binary``: article pages are random bytes (with NULs) labelled ``text/html``.
- ``pdf``: article pages are a small PDF (``application/pdf``).
- ``redirect-cycle``: ``/haber-1-5001`` -> ``...?r=1`` -> ``/haber-1-5001`` (302, forever).
- ``offsite-redirect``: article pages redirect (302) to the same path on
  ``http://localhost:PORT`` (another host name, still this server: no network).
- ``redirect-home``: article pages redirect (302) to ``/``, as sites do with removed
  articles.
- ``robots-disallow``: robots.txt disallows everything.
- ``crawl-delay``: robots.txt says ``Crawl-delay: N`` (option ``crawl_delay``, default 1).
- ``sitemap-bomb``: ``/sitemap.xml`` is a sitemap index pointing to
  ``/sitemap-bomb.xml.gz``, a ~0.3 MB gzip file that inflates to ``bomb_mb`` MiB (default
  256) of XML; built once per process in a temporary file.
- ``gzip-bomb``: article pages are sent ``Content-Encoding: gzip`` and inflate to
  ``bomb_mb`` MiB each.
- ``stall``: the first ``stall_after`` article requests (default 3) are answered; the
  others hang until the server stops or ``site.release()`` is called.
"""

from __future__ import annotations

import atexit
import email.utils
import gzip
import os
import random
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SITE = "hostile"
PROFILE = """name = "hostile"
title = "Kuzey Ege Postası (test)"
base_url = "http://127.0.0.1:1/"
article_pattern = '^/[a-z0-9]+(?:-[a-z0-9]+)*-\\d+/?$'
language = "tr"

[discovery]
feeds = ["/rss.xml"]
sitemaps = ["/sitemap.xml"]
listings = ["/"]
"""

PLACES = ["Ayvalık", "Bergama", "Dikili", "Edremit", "Burhaniye", "Gömeç", "Havran",
          "Balya", "İvrindi", "Savaştepe", "Sındırgı", "Susurluk", "Bigadiç", "Kepsut",
          "Manyas", "Erdek", "Marmara", "Bandırma", "Gönen", "Altıeylül"]
TOPICS = ["zeytin hasadı", "sahil temizliği", "kütüphane açılışı", "su kesintisi",
          "köy yolu asfaltı", "halk koşusu", "çocuk tiyatrosu", "pazar yeri",
          "fidan dikimi", "sağlık taraması"]

BLOCK_PAGES = {
    "turkish": """<html lang="tr"><head><meta charset="utf-8"><title>Erişim engellendi</title>
</head><body><article><h1>Erişim engellendi</h1>
<p>Güvenlik nedeniyle bu sayfaya erişiminiz geçici olarak engellenmiştir. Lütfen daha sonra
tekrar deneyiniz.</p>
<p>Bir hata olduğunu düşünüyorsanız site yöneticisi ile iletişime geçiniz ve aşağıdaki olay
kimliğini bildiriniz. Olay kimliği: 7f3a-19c2-bb01. Teşekkür ederiz.</p>
</article></body></html>""",
    "english": """<html lang="en"><head><meta charset="utf-8"><title>Access denied</title>
</head><body><article><h1>Access denied</h1>
<p>You don't have permission to access this page on this server. Your request was blocked by
our security service because it looked automated.</p>
<p>If you think this is a mistake, contact the site owner and quote the reference number
below. Reference #18.2f3a.1700000000.</p>
</article></body></html>""",
    "captcha": """<html lang="tr"><head><meta charset="utf-8"><title>Güvenlik doğrulaması</title>
</head><body><article><h1>Güvenlik doğrulaması</h1>
<p>Devam etmek için lütfen robot olmadığınızı doğrulayın. Bu kontrol sitemizi otomatik
isteklerden korumak içindir ve yalnızca birkaç saniye sürer.</p>
<p>Doğrulama tamamlandığında istediğiniz sayfaya yönlendirileceksiniz. Teşekkür ederiz, iyi
okumalar dileriz.</p>
<form action="/dogrula" method="post"><div class="g-recaptcha" data-sitekey="6Lc-test"></div>
<button>Gönder</button></form></article></body></html>""",
    "challenge": """<html lang="en-US"><head><meta charset="utf-8"><title>Just a moment...</title>
</head><body><div class="main-wrapper"><div class="main-content"><h1>Just a moment...</h1>
<h2 id="challenge-running">Checking if the site connection is secure</h2>
<p>Enable JavaScript and cookies to continue. This site needs to review the security of
your connection before proceeding, which usually takes a few seconds of your time.</p>
<form id="challenge-form" class="cf-challenge" action="/?__cf_chl_f_tk=abc" method="POST">
<input type="hidden" name="md" value="x"></form>
<p>Performance &amp; security by Cloudflare. Ray ID: 8a1b2c3d4e5f6a7b</p></div></div>
</body></html>""",
}

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass
class Reply:
    """One answer: status, extra headers and body (Content-Length is added)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None  # stream this file as the body instead


Mode = Callable[["HostileSite", str], Reply | None]
MODES: dict[str, Mode] = {}


def mode(name: str) -> Callable[[Mode], Mode]:
    """Register a mode under ``name``."""
    def register(fn: Mode) -> Mode:
        MODES[name] = fn
        return fn
    return register


class HostileSite:
    """One running hostile site: its origin, options, request log and pages."""

    def __init__(self, mode_name: str, articles: int, options: dict[str, Any]) -> None:
        if mode_name not in MODES:
            raise ValueError(f"unknown mode {mode_name!r}; known: {', '.join(sorted(MODES))}")
        self.mode = mode_name
        self.options = options
        self.origin = ""
        self.port = 0
        self.article_paths = [f"/haber-{n}-{5000 + n}" for n in range(1, articles + 1)]
        self.log: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.released = threading.Event()
        self.state: dict[str, Any] = {}
        self.request = threading.local()  # .host: the Host header of the current request
        self.sites_dir = Path(tempfile.mkdtemp(prefix="hostile-sites-"))
        (self.sites_dir / f"{SITE}.toml").write_text(PROFILE, "utf-8")

    @property
    def env(self) -> dict[str, str]:
        """Environment for ``run_cli``: the folder holding the ``hostile`` profile."""
        return {"NEWSCRAWLER_SITES_DIR": str(self.sites_dir)}

    def hits(self, path: str) -> int:
        """How many requests asked for ``path``."""
        with self.lock:
            return sum(1 for _, p, _ in self.log if p == path)

    def release(self) -> None:
        """Let stalled requests finish (they answer 503)."""
        self.released.set()

    def is_article(self, path: str) -> bool:
        return path in self.article_paths

    # --- the normal site -------------------------------------------------------------

    def article_html(self, path: str, *, canonical: str | None = None) -> bytes:
        """The good page of the article at ``path``."""
        n = self.article_paths.index(path) + 1
        place, topic = PLACES[(n - 1) % len(PLACES)], TOPICS[(n - 1) % len(TOPICS)]
        title = f"{place}'da {topic} için {n}. gün"
        href = canonical if canonical is not None else f"{self.origin}{path}"
        day = 1 + (n - 1) % 27
        paras = [
            f"{place} Belediyesi, ilçede {topic} çalışmalarının {n}. gününde yüzlerce "
            f"vatandaşın katılımıyla yeni bir program başlattığını duyurdu.",
            f"Program kapsamında {n * 3} mahallede ekipler sabah saatlerinden itibaren "
            f"görev yaptı; vatandaşlar çalışmalara büyük ilgi gösterdi ve destek verdi.",
            f"Belediye Başkanı, {place} halkına teşekkür ederek {topic} konusunda "
            f"gelecek ay {n + 2} yeni proje daha hayata geçireceklerini söyledi.",
            f"Çalışmaların {n % 5 + 2} hafta boyunca süreceği, ayrıntılı programın "
            f"belediyenin duyuru panolarında yayımlanacağı bildirildi.",
        ]
        body = "".join(f"<p>{p}</p>\n" for p in paras)
        return f"""<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">
<title>{title} - Kuzey Ege Postası</title>
<link rel="canonical" href="{href}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2025-10-{day:02d}T10:00:00+03:00">
</head><body><header><a href="/">Kuzey Ege Postası</a></header>
<main><article><h1>{title}</h1>
<time datetime="2025-10-{day:02d}T10:00:00+03:00">{day:02d}.10.2025 10:00</time>
<div class="haber-detay">
{body}</div></article></main></body></html>""".encode()

    def normal(self, path: str) -> Reply:
        """The page a well-behaved server would send for ``path``."""
        o = self.origin
        if path in ("/", "/index.html"):
            links = "".join(f'<li><a href="{p}">Haber {i}</a></li>'
                            for i, p in enumerate(self.article_paths, 1))
            return Reply(body=(f'<html lang="tr"><head><meta charset="utf-8"><title>Kuzey Ege '
                               f'Postası</title></head><body><ul class="haber-listesi">{links}'
                               f"</ul></body></html>").encode())
        if path == "/rss.xml":
            items = "".join(f"<item><title>Haber</title><link>{o}{p}</link></item>"
                            for p in self.article_paths)
            return Reply(body=(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
                               f"<channel><title>Kuzey Ege</title>{items}</channel></rss>"
                               ).encode(), content_type="application/rss+xml; charset=utf-8")
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{o}{p}</loc></url>" for p in self.article_paths)
            return Reply(body=('<?xml version="1.0" encoding="utf-8"?><urlset xmlns='
                               '"http://www.sitemaps.org/schemas/sitemap/0.9">'
                               f"{urls}</urlset>").encode(),
                         content_type="application/xml; charset=utf-8")
        if path == "/robots.txt":
            return Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
        if self.is_article(path):
            return Reply(body=self.article_html(path))
        return Reply(404, b"<html><body><h1>404</h1></body></html>")


# --- modes ------------------------------------------------------------------------------


@mode("normal")
def _normal(site: HostileSite, path: str) -> Reply | None:
    return None


def _block_reply(site: HostileSite) -> Reply:
    return Reply(body=BLOCK_PAGES[site.options.get("block", "turkish")].encode())


@mode("block")
def _block(site: HostileSite, path: str) -> Reply | None:
    return _block_reply(site) if site.is_article(path) else None


@mode("block-all")
def _block_all(site: HostileSite, path: str) -> Reply | None:
    return None if path == "/robots.txt" else _block_reply(site)


@mode("block-after-good")
def _block_after_good(site: HostileSite, path: str) -> Reply | None:
    if site.is_article(path) and site.counts[path] > 1:
        return _block_reply(site)
    return None


def _rate_limited(site: HostileSite, path: str, status: int) -> Reply | None:
    if not site.is_article(path):
        return None
    retry_after = site.options.get("retry_after", 2)
    seconds = (float(retry_after) if isinstance(retry_after, int | float)
               else float(retry_after[5:]) if str(retry_after).startswith("date+") else 3600)
    window = float(site.options.get("window", seconds))
    if str(retry_after).startswith("date+"):
        retry_after = http_date(seconds)
    with site.lock:
        start = site.state.setdefault("limited_since", time.monotonic())
    if time.monotonic() - start >= window:
        return None
    return Reply(status, b"<html><body>Too many requests</body></html>",
                 headers={"Retry-After": str(retry_after)})


@mode("teaser-after-good")
def _teaser_after_good(site: HostileSite, path: str) -> Reply | None:
    """The article's first paragraph and a paywall line, after its full page once."""
    if not (site.is_article(path) and site.counts[path] > 1):
        return None
    page = site.article_html(path).decode()
    head, _, rest = page.partition('<div class="haber-detay">\n')
    first = rest.split("\n", 1)[0]
    return Reply(body=(f'{head}<div class="haber-detay">\n{first}\n<p>Haberin devamını '
                       "okumak için abone olun.</p>\n</div></article></main></body></html>"
                       ).encode())


@mode("429")
def _429(site: HostileSite, path: str) -> Reply | None:
    return _rate_limited(site, path, 429)


@mode("503")
def _503(site: HostileSite, path: str) -> Reply | None:
    return _rate_limited(site, path, 503)


def http_date(seconds_from_now: float) -> str:
    """An HTTP date ``seconds_from_now`` in the future (for ``retry_after``)."""
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


@mode("canonical-root")
def _canonical_root(site: HostileSite, path: str) -> Reply | None:
    if site.is_article(path):
        return Reply(body=site.article_html(path, canonical=f"{site.origin}/"))
    return None


@mode("removed")
def _removed(site: HostileSite, path: str) -> Reply | None:
    if not site.is_article(path):
        return None
    return Reply(body='<html lang="tr"><head><meta charset="utf-8"><title>Kuzey Ege Postası'
                      '</title></head><body><p>Bu haber yayından kaldırılmıştır.</p>'
                      "</body></html>".encode())


@mode("empty")
def _empty(site: HostileSite, path: str) -> Reply | None:
    return Reply(body=b"") if site.is_article(path) else None


@mode("binary")
def _binary(site: HostileSite, path: str) -> Reply | None:
    if not site.is_article(path):
        return None
    rng = random.Random(path)
    return Reply(body=b"\x00" + bytes(rng.getrandbits(8) for _ in range(4096)))


@mode("pdf")
def _pdf(site: HostileSite, path: str) -> Reply | None:
    return Reply(body=PDF, content_type="application/pdf") if site.is_article(path) else None


@mode("redirect-cycle")
def _redirect_cycle(site: HostileSite, path: str) -> Reply | None:
    base = urlsplit(path).path
    if not site.is_article(base):
        return None
    target = base if "?" in path else f"{base}?r=1"
    return Reply(302, b"", headers={"Location": f"{site.origin}{target}"})


@mode("offsite-redirect")
def _offsite_redirect(site: HostileSite, path: str) -> Reply | None:
    if not site.is_article(path) or site.request.host.startswith("localhost"):
        return None
    return Reply(302, b"", headers={"Location": f"http://localhost:{site.port}{path}"})


@mode("redirect-home")
def _redirect_home(site: HostileSite, path: str) -> Reply | None:
    if not site.is_article(path):
        return None
    return Reply(302, b"", headers={"Location": "/"})


@mode("robots-disallow")
def _robots_disallow(site: HostileSite, path: str) -> Reply | None:
    if path == "/robots.txt":
        return Reply(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    return None


@mode("crawl-delay")
def _crawl_delay(site: HostileSite, path: str) -> Reply | None:
    if path == "/robots.txt":
        delay = site.options.get("crawl_delay", 1)
        return Reply(body=f"User-agent: *\nCrawl-delay: {delay}\nAllow: /\n".encode(),
                     content_type="text/plain")
    return None


_BOMBS: dict[int, Path] = {}
_BOMB_LOCK = threading.Lock()


@atexit.register
def _remove_bombs() -> None:
    for path in _BOMBS.values():
        path.unlink(missing_ok=True)


def gzip_bomb(megabytes: int, *, head: bytes = b"", tail: bytes = b"") -> Path:
    """A gzip file inflating to ``head`` + ``megabytes`` MiB of spaces + ``tail``.

    Built once per process (streamed, constant memory) and cached in a temporary file.
    """
    with _BOMB_LOCK:
        key = hash((megabytes, head, tail))
        if key in _BOMBS and _BOMBS[key].exists():
            return _BOMBS[key]
        fd, name = tempfile.mkstemp(prefix=f"bomb-{megabytes}m-", suffix=".gz")
        chunk = b" " * (1 << 20)
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb",
                                                       compresslevel=9, mtime=0) as gz:
            gz.write(head)
            for _ in range(megabytes):
                gz.write(chunk)
            gz.write(tail)
        _BOMBS[key] = Path(name)
        return _BOMBS[key]


@mode("sitemap-bomb")
def _sitemap_bomb(site: HostileSite, path: str) -> Reply | None:
    if path == "/sitemap.xml":
        return Reply(body=(f'<?xml version="1.0"?><sitemapindex><sitemap><loc>{site.origin}'
                           "/sitemap-bomb.xml.gz</loc></sitemap></sitemapindex>").encode(),
                     content_type="application/xml")
    if path == "/sitemap-bomb.xml.gz":
        urls = "".join(f"<url><loc>{site.origin}{p}</loc></url>" for p in site.article_paths)
        bomb = gzip_bomb(int(site.options.get("bomb_mb", 256)),
                         head=f'<?xml version="1.0"?><urlset>{urls}'.encode(),
                         tail=b"</urlset>")
        return Reply(file=bomb, content_type="application/x-gzip")
    return None


@mode("gzip-bomb")
def _gzip_bomb(site: HostileSite, path: str) -> Reply | None:
    if not site.is_article(path):
        return None
    bomb = gzip_bomb(int(site.options.get("bomb_mb", 256)), head=b"<html><body><p>")
    return Reply(file=bomb, headers={"Content-Encoding": "gzip"})


@mode("stall")
def _stall(site: HostileSite, path: str) -> Reply | None:
    if not site.is_article(path):
        return None
    with site.lock:
        served = site.state.setdefault("served", set())
        if len(served) < int(site.options.get("stall_after", 3)) or path in served:
            served.add(path)
            return None
    site.released.wait(timeout=600)
    return Reply(503, b"", headers={"Retry-After": "1"})


# --- the server ---------------------------------------------------------------------------


class HostileHandler(BaseHTTPRequestHandler):
    """Answer through the site's mode, else with the normal page."""

    server_version = "hostile/1.0"
    protocol_version = "HTTP/1.0"

    def __init__(self, *args: Any, site: HostileSite, **kwargs: Any) -> None:
        self.site = site
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_GET(self) -> None:
        site = self.site
        raw = self.path
        path = urlsplit(raw).path or "/"
        with site.lock:
            site.counts[path] += 1
        site.request.host = self.headers.get("Host") or ""
        key = raw if site.mode == "redirect-cycle" else path
        first = site.counts[path] == 1 and site.is_article(path)
        if first and site.options.get("good_first"):
            reply = site.normal(path)
        else:
            reply = MODES[site.mode](site, key) or site.normal(path)
        with site.lock:
            site.log.append((time.monotonic(), path, reply.status))
        try:
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        size = reply.file.stat().st_size if reply.file is not None else len(reply.body)
        self.send_header("Content-Length", str(size))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.file is not None:
            with reply.file.open("rb") as fh:
                shutil.copyfileobj(fh, self.wfile)
        else:
            self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 makes bursts of connects wait 1 s (SYN retry)


@contextmanager
def serve(mode_name: str = "normal", *, articles: int = 10,
          **options: Any) -> Iterator[HostileSite]:
    """Run a hostile site in ``mode_name`` on a free 127.0.0.1 port; yield it."""
    site = HostileSite(mode_name, articles, options)
    httpd = _Server(("127.0.0.1", 0), partial(HostileHandler, site=site))
    site.port = httpd.server_address[1]
    site.origin = f"http://127.0.0.1:{site.port}"
    thread = threading.Thread(target=httpd.serve_forever, name=f"hostile-{mode_name}",
                              daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.release()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
        shutil.rmtree(site.sites_dir, ignore_errors=True)
