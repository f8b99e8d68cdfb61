"""A scriptable HTTP server on 127.0.0.1 for the scraping tests.

Each path has a list of canned replies served in order; the last one repeats.
Every request is recorded, so tests can assert what was asked (conditional
headers, User-Agent, how often a page was fetched).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import attrs
import pytest

PAGES = Path(__file__).parent / "data" / "pages"


def page(name: str) -> bytes:
    """Return the bytes of ``tests/data/pages/<name>``."""
    return (PAGES / name).read_bytes()


@attrs.frozen(kw_only=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = attrs.field(factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay_seconds: float = 0.0
    # Answer 304 when the request's If-None-Match equals this ETag.
    etag: str | None = None
    # Send the body in chunks without a Content-Length.
    chunked: bool = False


@attrs.frozen
class Request:
    path: str
    headers: Mapping[str, str]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that hang up (timeouts, refused bodies) are part of the tests.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class ScrapeServer:
    """The server plus its routing table, started by the ``scrape_server`` fixture."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server._next(self.path, headers)
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                status = reply.status
                body = reply.body
                if reply.etag and headers.get("if-none-match") == reply.etag:
                    status, body = 304, b""
                try:
                    self.send_response(status)
                    if reply.content_type and status != 304:
                        self.send_header("Content-Type", reply.content_type)
                    if reply.etag:
                        self.send_header("ETag", reply.etag)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if reply.chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    else:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if reply.chunked:
                        for start in range(0, len(body), 4096):
                            chunk = body[start : start + 4096]
                            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Reply) -> str:
        """Serve ``replies`` in order at ``path`` (the last repeats); return the full URL."""
        with self._lock:
            self.routes[path] = list(replies)
        return self.url(path)

    def html(self, path: str, *bodies: bytes, **kwargs: object) -> str:
        """Serve HTML bodies in order at ``path``."""
        return self.route(path, *(Reply(body=b, **kwargs) for b in bodies))  # type: ignore[arg-type]

    def hits(self, path: str) -> list[Request]:
        """Requests for ``path``, whatever their query string (unless ``path`` has one)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path == path or ("?" not in path and r.path.split("?")[0] == path)
            ]

    def _next(self, path: str, headers: Mapping[str, str]) -> Reply:
        with self._lock:
            self.requests.append(Request(path, headers))
            replies = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
            if not replies:
                return Reply(status=404, body=b"<html><title>Not here</title></html>")
            return replies.pop(0) if len(replies) > 1 else replies[0]


@pytest.fixture
def scrape_server() -> Iterator[ScrapeServer]:
    """A running :class:`ScrapeServer` that allows all robots."""
    server = ScrapeServer()
    server.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    canonical: str | None = None,
    layout: str = "classic",
    extra_head: str = "",
    charset: str = "utf-8",
) -> str:
    """Build a news page. ``layout`` changes the markup but not the article."""
    head = f'<meta charset="{charset}"><title>{title} | Example Gazette</title>'
    head += '<meta property="og:site_name" content="Example Gazette">'
    head += '<meta name="author" content="Ada Reporter">'
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    head += extra_head
    body_paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    if layout == "classic":
        body = (
            '<div id="top"><a href="/">Home</a> <a href="/world">World</a> '
            '<a href="/sport">Sport</a></div>'
            f'<div class="main"><article><h1>{title}</h1>'
            f'<p class="byline">By Ada Reporter</p>{body_paras}</article></div>'
            '<div class="footer"><p>Copyright Example Gazette. All rights reserved.</p></div>'
        )
    else:
        body = (
            '<header class="site-header"><nav><ul><li><a href="/">Front page</a></li>'
            '<li><a href="/world">World news</a></li><li><a href="/culture">Culture</a>'
            "</li></ul></nav></header>"
            '<main><div class="layout-grid"><aside class="promo"><h3>Most read</h3><ul>'
            '<li><a href="/a">Something else happened</a></li></ul></aside>'
            f'<section class="story"><header><h1 class="headline">{title}</h1>'
            '<span class="byline">By Ada Reporter</span></header>'
            f'<div class="story-body">{body_paras}</div></section></div></main>'
            "<footer><small>Copyright Example Gazette. All rights reserved.</small></footer>"
        )
    return f'<!doctype html><html lang="en"><head>{head}</head><body>{body}</body></html>'


STORY = [
    "The city council voted on Tuesday night to approve a new budget after a debate "
    "that lasted well past midnight and drew hundreds of residents to the hall.",
    "Critics said the plan would raise property taxes for most households, while "
    "supporters pointed to new money for schools, libraries and road repairs.",
    "The mayor is expected to sign the measure next week, her office said in a statement "
    "released shortly after the vote.",
    "Several council members said they would keep pressing for changes to the plan "
    "before the next fiscal year begins in the spring.",
]
