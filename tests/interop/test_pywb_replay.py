"""Pages fetched from 127.0.0.1, exported as WARC, replayed by pywb byte for byte.

Needs pywb (installed into a venv of its own, see ``webarchive_tools``); skipped when
it cannot be installed. Both ways into a pywb collection are checked: ``wb-manager add``
(pywb indexes the WARC itself) and our own ``newsarchive cdxj`` index beside the WARC.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from webarchive_tools import run_tool, tools_bin

from newsarchive import Archive
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.interop.cdxj import write_cdxj
from newsarchive.interop.warc import export_warc, import_warc, iter_records
from newsarchive.interop.warc._format import NOT_MODIFIED_PROFILE, REENCODED_HEADER
from newsarchive.models import Capture
from newsarchive.scrape import fetch_pages
from scrape_server import STORY, Reply, ScrapeServer, article_html, scrape_server

__all__ = ["scrape_server"]

FAST = FetchOptions(retries=0, per_host_interval_seconds=0.0, respect_robots=False)


@attrs.frozen
class Served:
    """A page as the test server sent it: the bytes (before gzip) and their type."""

    path: str
    body: bytes
    content_type: str


def _pages() -> list[tuple[Served, Reply]]:
    utf8 = article_html("Café council approves budget", STORY).encode("utf-8")
    latin = article_html("Zoë's café reopens", STORY, charset="iso-8859-1").encode("latin-1")
    zipped = article_html("Gzip edition", STORY).encode("utf-8")
    confirmed = article_html("Page that stays the same", STORY).encode("utf-8")
    utf8_type, latin_type = "text/html; charset=utf-8", "text/html; charset=ISO-8859-1"
    return [
        (
            Served("/utf8", utf8, utf8_type),
            Reply(body=utf8, content_type=utf8_type, headers={"X-Served-By": "Rig-7"}),
        ),
        (Served("/latin", latin, latin_type), Reply(body=latin, content_type=latin_type)),
        (
            Served("/gzip", zipped, utf8_type),
            Reply(
                body=gzip.compress(zipped, mtime=0),
                content_type=utf8_type,
                headers={"Content-Encoding": "gzip"},
            ),
        ),
        (
            Served("/etag", confirmed, utf8_type),
            Reply(body=confirmed, content_type=utf8_type, etag='"v1"'),
        ),
    ]


def _next_second() -> None:
    # pywb names mementos to the second: the 304 must come in a later second.
    time.sleep(1.05 - datetime.now(UTC).microsecond / 1e6)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Wayback:
    """A pywb root folder; :meth:`start` runs ``wayback`` there once collections are set."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> str:
        port = _free_port()
        process = subprocess.Popen(
            [str(tools_bin() / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.processes.append(process)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            if process.poll() is not None:
                assert process.stderr is not None
                pytest.fail(f"wayback exited: {process.stderr.read().decode()[-2000:]}")
            try:
                _get(base + "/")
                return base
            except OSError:
                time.sleep(0.1)
        pytest.fail("wayback did not start")


@pytest.fixture
def wayback(tmp_path: Path) -> Iterator[Wayback]:
    tools_bin()  # skip early when pywb cannot be installed
    (tmp_path / "pywb").mkdir()
    server = Wayback(tmp_path / "pywb")
    yield server
    for process in server.processes:
        process.terminate()
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()


@attrs.frozen
class Fetched:
    pages: list[Served]
    urls: dict[str, str]
    captures: dict[str, list[Capture]]
    warc: Path


def _fetch_and_export(tmp_path: Path, server: ScrapeServer) -> Fetched:
    """Fetch every page, the ETag and UTF-8 pages again a second later; export as WARC."""
    pages = _pages()
    urls = {served.path: server.route(served.path, reply) for served, reply in pages}
    with Archive.open(tmp_path / "archive") as archive, HttpFetcher(FAST) as fetcher:
        results = fetch_pages(archive, list(urls.values()), fetcher=fetcher)
        assert [r.outcome for r in results] == ["new"] * 4
        _next_second()
        # The same page again: a 304, and an unchanged 200 (an identical-payload revisit).
        again, same = fetch_pages(archive, [urls["/etag"], urls["/utf8"]], fetcher=fetcher)
        assert (again.outcome, again.http_status) == ("not-modified", 304)
        assert (same.outcome, same.http_status) == ("unchanged", 200)
        warc = tmp_path / "news.warc.gz"
        with warc.open("wb") as stream:
            report = export_warc(archive, stream, filename=warc.name)
        captures = {path: archive.captures(url) for path, url in urls.items()}
    assert (report.captures, report.responses, report.revisits) == (6, 4, 2)
    return Fetched([served for served, _ in pages], urls, captures, warc)


def test_exported_responses_are_the_bytes_and_headers_served(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    fetched = _fetch_and_export(tmp_path, scrape_server)
    served = {fetched.urls[p.path]: p for p in fetched.pages}
    with fetched.warc.open("rb") as stream:
        records = list(iter_records(stream))
    responses = [r for r in records if r.type == "response"]
    assert sorted(r.target_uri or "" for r in responses) == sorted(served)
    for record in responses:
        page = served[record.target_uri or ""]
        assert record.payload == page.body
        assert record.payload_digest == _sha1(page.body)
        assert record.http_header("Content-Type") == page.content_type
        assert record.header(REENCODED_HEADER) is None
        names = [name for name, _ in record.http_headers or ()]
        # As the server wrote them; the wire encodings are undone in the payload.
        assert "Content-Type" in names and "content-type" not in names
        assert "Content-Encoding" not in names
    lines = {c.metadata.get("status_line") for cs in fetched.captures.values() for c in cs}
    assert lines == {"HTTP/1.1 200 OK", "HTTP/1.1 304 Not Modified"}
    [utf8] = [r for r in responses if r.target_uri == fetched.urls["/utf8"]]
    assert utf8.http_header("X-Served-By") == "Rig-7"
    [revisit] = [r for r in records if r.header("WARC-Profile") == NOT_MODIFIED_PROFILE]
    [same] = [r for r in records if r.type == "revisit" and r is not revisit]
    assert (same.target_uri, same.http_status) == (fetched.urls["/utf8"], 200)
    assert (same.header("WARC-Profile") or "").endswith("/identical-payload-digest")
    assert revisit.target_uri == fetched.urls["/etag"]
    assert revisit.payload_digest == _sha1(served[fetched.urls["/etag"]].body)
    others = [r for r in records if r.type in ("metadata", "conversion")]
    assert others and all((r.target_uri or "").startswith("urn:") for r in others)
    assert all(r.header("WARC-Refers-To") for r in others)

    with Archive.open(tmp_path / "copy") as copy:
        report = import_warc(copy, [fetched.warc])
        assert not report.problems
        for url, page in served.items():
            kept = [copy.served_html(c) for c in copy.captures(url)]
            assert kept[0] is not None and kept[0][0] == page.body


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_pywb_replays_each_capture_as_the_bytes_served(
    tmp_path: Path, scrape_server: ScrapeServer, wayback: Wayback
) -> None:
    fetched = _fetch_and_export(tmp_path, scrape_server)
    warc, urls, captures = fetched.warc, fetched.urls, fetched.captures
    root = wayback.root
    run_tool("wb-manager", "init", "added", cwd=root)
    run_tool("wb-manager", "add", "added", str(warc), cwd=root)
    run_tool("wb-manager", "init", "indexed", cwd=root)
    shutil.copy(warc, root / "collections" / "indexed" / "archive" / warc.name)
    with (root / "collections" / "indexed" / "indexes" / "index.cdxj").open("w") as out:
        write_cdxj([warc], out)
    base = wayback.start()

    for collection in ("added", "indexed"):
        for served in fetched.pages:
            url = urls[served.path]
            for capture in captures[served.path]:
                stamp = capture.captured_at.strftime("%Y%m%d%H%M%S")
                status, headers, body = _get(f"{base}/{collection}/{stamp}id_/{url}")
                where = f"{collection} {served.path} {capture.http_status} at {stamp}"
                assert status == 200, where
                assert body == served.body, where
                assert headers["Content-Type"] == served.content_type, where
            _, _, timemap = _get(f"{base}/{collection}/timemap/link/{url}")
            mementos = [line for line in timemap.decode().splitlines() if "memento" in line]
            assert len(mementos) == len(captures[served.path]), (collection, timemap)
