"""A hostile HTTP server on 127.0.0.1: it writes raw bytes, as a misbehaving server would.

Each path names a behaviour: redirects to ``javascript:`` and ``data:``, tarpits that
drip a byte at a time, endless headers, compression bombs and malformed feeds. The
server stops dripping as soon as the client hangs up, and never for longer than
``MAX_DRIP_SECONDS``, so a test that fails leaves no thread running for long.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

MAX_DRIP_SECONDS = 20.0
DRIP_INTERVAL = 0.02
BOMB_BYTES = 50_000_000  # inflated size of the gzip bomb; about 50 KB on the wire
_BOMB = gzip.compress(b"\0" * BOMB_BYTES, compresslevel=9)

ARTICLE = (
    b"<html><head><title>A story</title></head><body><article><h1>A story</h1>"
    + b"".join(
        b"<p>Paragraph %d of a perfectly ordinary article about the council budget, "
        b"which tells readers what was decided and why it matters to them.</p>" % i
        for i in range(8)
    )
    + b"</article></body></html>"
)


def _head(status: str, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _feed(*links: str) -> bytes:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'
    ).encode()


class _Handler(socketserver.BaseRequestHandler):
    server: HostileServer._Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        request = b""
        while b"\r\n\r\n" not in request:
            data = sock.recv(65536)
            if not data:
                return
            request += data
        path = request.split(b" ", 2)[1].decode("latin-1")
        base = self.server.base
        with contextlib.suppress(OSError):  # the client hung up, as a tarpit's should
            self._answer(sock, path, base)

    def _answer(self, sock: socket.socket, path: str, base: str) -> None:
        if path == "/robots.txt":
            sock.sendall(_head("404 Not Found", "Content-Length: 0"))
        elif path == "/article":
            sock.sendall(
                _head("200 OK", "Content-Type: text/html", f"Content-Length: {len(ARTICLE)}")
                + ARTICLE
            )
        elif path in ("/to-javascript", "/to-data", "/to-long", "/to-file"):
            target = {
                "/to-javascript": "javascript:alert(document.cookie)",
                "/to-data": "data:text/html,<script>alert(1)</script>",
                "/to-long": base + "/article?" + "a" * 100_000,
                "/to-file": "file:///etc/passwd",
            }[path]
            sock.sendall(_head("302 Found", f"Location: {target}", "Content-Length: 0"))
        elif path == "/loop":
            sock.sendall(_head("302 Found", "Location: /loop", "Content-Length: 0"))
        elif path == "/tarpit-body":
            sock.sendall(_head("200 OK", "Content-Type: text/html", "Content-Length: 100000"))
            _drip(sock, b"<p>slow</p>")
        elif path == "/tarpit-headers":
            sock.sendall(b"HTTP/1.1 200 OK\r\n")
            _drip(sock, b"X-Slow: a\r\n")
        elif path == "/endless-headers":
            sock.sendall(b"HTTP/1.1 200 OK\r\n")
            deadline = time.monotonic() + MAX_DRIP_SECONDS
            while time.monotonic() < deadline:
                sock.sendall(b"X-Endless: " + b"a" * 1000 + b"\r\n")
        elif path == "/gzip-bomb":
            sock.sendall(
                _head(
                    "200 OK",
                    "Content-Type: text/html",
                    "Content-Encoding: gzip",
                    f"Content-Length: {len(_BOMB)}",
                )
                + _BOMB
            )
        elif path == "/bad-gzip":
            body = b"this is not gzip at all"
            sock.sendall(
                _head("200 OK", "Content-Encoding: gzip", f"Content-Length: {len(body)}") + body
            )
        elif path == "/zstd":
            head = _head("200 OK", "Content-Encoding: zstd", "Content-Length: 4")
            sock.sendall(head + b"\0\0\0\0")
        elif path == "/feed-malformed":
            body = b"<?xml version='1.0'?><rss><channel><title>" + b"\xff\xfe<<<&&" * 100
            sock.sendall(_head("200 OK", "Content-Type: application/rss+xml") + body)
        elif path == "/feed-hostile":
            body = _feed(
                base + "/article?" + "x" * 100_000,
                "javascript:alert(1)",
                base + "/to-javascript",
                base + "/article",
            )
            sock.sendall(
                _head("200 OK", "Content-Type: application/rss+xml", f"Content-Length: {len(body)}")
                + body
            )
        else:
            sock.sendall(_head("404 Not Found", "Content-Length: 0"))


def _drip(sock: socket.socket, unit: bytes) -> None:
    """Send ``unit`` a byte at a time, forever (up to ``MAX_DRIP_SECONDS``)."""
    deadline = time.monotonic() + MAX_DRIP_SECONDS
    while time.monotonic() < deadline:
        for byte in unit:
            sock.sendall(bytes([byte]))
            time.sleep(DRIP_INTERVAL)


class HostileServer:
    """The server, started by the ``hostile_server`` fixture."""

    class _Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        base = ""

    def __init__(self) -> None:
        self._server = self._Server(("127.0.0.1", 0), _Handler)
        host, port = self._server.server_address[:2]
        self.base = f"http://{host!s}:{port}"
        self._server.base = self.base
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
