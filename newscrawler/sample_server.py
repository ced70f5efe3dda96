"""A real HTTP server for the bundled sample site (and any folder laid out like it).

``/x`` serves ``ROOT/x``, else ``ROOT/x.html``, else ``ROOT/x/index.html``; ``/x?q`` serves
``ROOT/x@q`` (or ``.html``) when there is one, else what ``/x`` serves (``/news.php?id=101``:
``ROOT/news.php@id=101.html``; ``/?p=5``: ``ROOT/@p=5.html``). The text
``{{ORIGIN}}`` in served text files becomes ``http://127.0.0.1:PORT``, so feeds and
sitemaps carry absolute URLs of the running server. ``ROOT/_headers.json`` maps a path to
the ``Content-Type`` to send (a page in windows-1254 declared only in its ``<meta>``, for
instance); ``ROOT/_status.json`` maps a path to an HTTP status to answer. Files whose name
starts with ``_`` are never served.
"""

from __future__ import annotations

import json
import mimetypes
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

SAMPLE_ROOT = Path(__file__).with_name("sample_site")
TEXT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
              ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


class SiteHandler(BaseHTTPRequestHandler):
    """Serve one folder as a web site, read-only."""

    server_version = "newscrawler-sample/1.0"

    def __init__(self, *args: Any, root: Path, **kwargs: Any) -> None:
        self.root = root
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the crawler logs what it fetches."""

    def _resolve(self, path: str) -> Path | None:
        rel = unquote(path).lstrip("/")
        if any(part.startswith((".", "_")) for part in Path(rel).parts):
            return None
        base = (self.root / rel).resolve()
        if self.root.resolve() not in (base, *base.parents):
            return None
        for candidate in (base, base.with_name(base.name + ".html"), base / "index.html"):
            if candidate.is_file():
                return candidate
        return None

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, *, head: bool) -> None:
        path = urlsplit(self.path).path or "/"
        overrides = _json(self.root / "_status.json")
        if path in overrides:
            self._send(int(overrides[path]), b"", "text/plain", head)
            return
        query = urlsplit(self.path).query
        file = (self._resolve(f"{path.rstrip('/')}/@{query}" if path.endswith("/") else
                              f"{path}@{query}") if query else None) or self._resolve(path)
        if file is None:
            self._send(404, b"<html><body><h1>404</h1><p>Sayfa bulunamadi.</p></body></html>",
                       "text/html; charset=utf-8", head)
            return
        body = file.read_bytes()
        ctype = _json(self.root / "_headers.json").get(path) or TEXT_TYPES.get(file.suffix)
        if ctype is None:
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix in TEXT_TYPES:
            host = self.headers.get("Host") or "127.0.0.1"
            body = body.replace(b"{{ORIGIN}}", f"http://{host}".encode("ascii"))
        self._send(200, body, ctype, head)

    def _send(self, status: int, body: bytes, ctype: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


class _IPv6Server(ThreadingHTTPServer):
    """The threading server on an IPv6 address (``::1``)."""

    address_family = socket.AF_INET6


@contextmanager
def serve(root: Path = SAMPLE_ROOT, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` on ``host`` (a free port by default) in a thread; yield its origin."""
    server = _IPv6Server if ":" in host else ThreadingHTTPServer
    httpd = server((host, port), partial(SiteHandler, root=root))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="sample-site", daemon=True)
    thread.start()
    try:
        yield f"http://{f'[{host}]' if ':' in host else host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def main() -> None:
    """``python -m newscrawler.sample_server [PORT]``: serve the sample site until Ctrl-C."""
    import sys
    import time

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    with serve(port=port) as origin:
        print(f"serving the sample site at {origin}/ (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
