"""The built site on 127.0.0.1 as GitHub Pages serves it, and Debian's Chromium to read it: shared
by the browser tests (tests/test_browser.py) and `make bench` (tools/bench.py), so that both
measure the same thing.

The server compresses text with gzip, as GitHub Pages does, so that page weights and load times
are those of the published site. Chromium comes from Debian (`apt-get install -y chromium`):
Playwright drives it by its path and never downloads a browser.
"""

from __future__ import annotations

import gzip
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# No update checks or other traffic of Chromium's own, which would count as requests off the site.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
COMPRESSIBLE = ("text/", "javascript", "json", "svg", "xml")


class Handler(SimpleHTTPRequestHandler):
    """Files from a directory, text gzip-compressed for clients that accept it; no access log."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and accepts and any(k in kind for k in COMPRESSIBLE)):
            return super().send_head()  # and redirects a directory's address without its "/"
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free port of 127.0.0.1; yields the base URL, ending in "/"."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def launch_chromium(playwright):
    """Debian's Chromium, headless, started by Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
