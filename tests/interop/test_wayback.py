from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from newsarchive import Archive
from newsarchive.errors import FetchError, InputError
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.interop import wayback as wayback_module
from newsarchive.interop.wayback import backfill, parse_cdx, parse_timestamp

URL = "https://news.example.com/2017/06/storm"


def article(title: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}</article></body></html>"
    ).encode()


FIRST = article(
    "Storm nears coast",
    "A storm is heading for the coast, forecasters said on Monday morning.",
    "Residents were told to prepare for strong winds and rain.",
)
SECOND = article(
    "Storm hits coast",
    "The storm hit the coast on Monday afternoon, bringing strong winds.",
    "Two people were injured by falling trees, police said.",
)
THIRD = article(
    "Storm hits coast, two dead",
    "The storm hit the coast on Monday afternoon, bringing strong winds.",
    "Two people died after trees fell on their cars.",
)

# The CDX rows the server lists, as the Wayback Machine's CDX API writes them.
CDX_ROWS = [
    ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
    ["com,example,news)/2017/06/storm", "20170605080000", URL, "text/html", "200", "AAAA", "900"],
    ["com,example,news)/2017/06/storm", "20170605140000", URL, "text/html", "200", "BBBB", "950"],
    ["com,example,news)/2017/06/storm", "20170605150000", URL, "text/html", "200"],  # short
    ["com,example,news)/2017/06/storm", "2017-06-05", URL, "text/html", "200", "XXXX", "1"],
    # The text went back to the first state: same digest, so no fetch is needed.
    ["com,example,news)/2017/06/storm", "20170605180000", URL, "text/html", "200", "AAAA", "900"],
    # Listed at 20170606, but replay redirects to the neighbouring capture.
    ["com,example,news)/2017/06/storm", "20170606000000", URL, "text/html", "200", "CCCC", "990"],
    # A memento the service cannot serve.
    ["com,example,news)/2017/06/storm", "20170607000000", URL, "text/html", "200", "DDDD", "990"],
]
MEMENTOS = {"20170605080000": FIRST, "20170605140000": SECOND, "20170606000105": THIRD}
REDIRECTS = {"20170606000000": "20170606000105"}


class WaybackServer:
    """A CDX API and id_ replay on 127.0.0.1, recording every request and its time."""

    def __init__(self) -> None:
        self.requests: list[tuple[float, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.requests.append((time.monotonic(), self.path))
                status, headers, body = server.answer(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path)
        if parts.path == "/cdx/search/cdx":
            query = parse_qs(parts.query)
            assert query["output"] == ["json"] and query["collapse"] == ["digest"]
            assert query["filter"] == ["statuscode:200"] and query["url"] == [URL]
            low, high = query.get("from", ["0"])[0], query.get("to", ["99999999999999"])[0]
            rows = [CDX_ROWS[0]] + [
                r for r in CDX_ROWS[1:] if not r[1].isdigit() or low <= r[1] <= high
            ]
            text = json.dumps(rows).replace("],", "],\n")
            return 200, {"Content-Type": "application/json"}, text.encode()
        if parts.path.startswith("/web/"):
            stamp, _, original = parts.path[len("/web/") :].partition("id_/")
            assert original == URL
            if stamp in REDIRECTS:
                target = f"/web/{REDIRECTS[stamp]}id_/{original}"
                return 302, {"Location": target}, b""
            if stamp in MEMENTOS:
                when = parse_timestamp(stamp).strftime("%a, %d %b %Y %H:%M:%S GMT")
                return (
                    200,
                    {"Content-Type": "text/html; charset=utf-8", "Memento-Datetime": when},
                    MEMENTOS[stamp],
                )
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def paths(self) -> list[str]:
        return [path for _, path in self.requests if path != "/robots.txt"]


@pytest.fixture
def wayback() -> Iterator[WaybackServer]:
    server = WaybackServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


def run(archive: Archive, wayback: WaybackServer, **kwargs: object):  # type: ignore[no-untyped-def]
    return backfill(archive, URL, wayback_url=wayback.base, interval_seconds=0.0, **kwargs)  # type: ignore[arg-type]


def test_backfill_saves_each_distinct_memento_at_its_time(
    archive: Archive, wayback: WaybackServer
) -> None:
    # A capture taken later by the scheduler: backfilled versions go before it.
    archive.save(
        URL,
        text="The storm has passed.",
        captured_at=datetime(2017, 6, 8, tzinfo=UTC),
        source="fetch",
    )
    progress: list[tuple[int, int]] = []
    report = run(archive, wayback, on_progress=lambda d, t: progress.append((d, t)))
    assert [(r.timestamp, r.status) for r in report.results] == [
        ("20170605080000", "saved"),
        ("20170605140000", "saved"),
        ("20170605180000", "saved"),
        ("20170606000000", "saved"),
        ("20170607000000", "failed"),
    ]
    assert progress[-1] == (5, 5)
    assert len(report.cdx_problems) == 2
    assert not report.ok
    # One problem per unreadable CDX line, then per memento that failed.
    assert [p.url for p in report.problems] == [None, None, report.results[-1].memento_url]
    captures = archive.captures(URL)
    assert [(c.captured_at.strftime("%Y%m%d%H%M%S"), c.source, c.version) for c in captures] == [
        ("20170605080000", "wayback", 1),
        ("20170605140000", "wayback", 2),
        ("20170605180000", "wayback", 3),
        ("20170606000105", "wayback", 4),
        ("20170608000000", "fetch", 5),
    ]
    history = archive.history(URL)
    assert history[0].text == history[2].text
    assert history[2].reverted_to == 1
    assert "forecasters said" in history[0].text
    assert "Two people died" in history[3].text
    assert history[4].text == "The storm has passed."
    first = captures[0]
    assert first.fetched_url == URL
    assert first.metadata["wayback"]["memento_url"] == f"{wayback.base}/web/20170605080000id_/{URL}"
    assert archive.raw_html(first) == FIRST.decode()
    # Kept as the bytes served, as is the capture saved again from them (same digest).
    assert archive.served_html(first) == (FIRST, "utf-8")
    reused = next(c for c in captures if c.metadata["wayback"]["timestamp"] == "20170605180000")
    assert archive.served_html(reused) == (FIRST, "utf-8")


def test_no_payload_is_fetched_twice(archive: Archive, wayback: WaybackServer) -> None:
    report = run(archive, wayback)
    fetched = [p for p in wayback.paths() if p.startswith("/web/")]
    assert fetched == [
        f"/web/20170605080000id_/{URL}",
        f"/web/20170605140000id_/{URL}",
        f"/web/20170606000000id_/{URL}",
        f"/web/20170606000105id_/{URL}",
        f"/web/20170607000000id_/{URL}",
    ]
    assert report.fetches == 5  # the CDX query and four mementos; the redirect is one fetch


def test_second_run_fetches_nothing_new(archive: Archive, wayback: WaybackServer) -> None:
    run(archive, wayback)
    before = len(archive.captures(URL))
    wayback.requests.clear()
    again = run(archive, wayback)
    assert [r.status for r in again.results] == ["skipped"] * 4 + ["failed"]
    assert len(archive.captures(URL)) == before
    assert [p.split("?")[0] for p in wayback.paths()] == [
        "/cdx/search/cdx",
        f"/web/20170607000000id_/{URL}",
    ]


def test_redirected_memento_is_saved_at_the_time_served(
    archive: Archive, wayback: WaybackServer
) -> None:
    report = run(archive, wayback)
    redirected = report.results[3]
    assert redirected.captured_at == datetime(2017, 6, 6, 0, 1, 5, tzinfo=UTC)
    capture = archive.captures(URL)[3]
    assert capture.metadata["wayback"]["replayed_url"].endswith(f"/web/20170606000105id_/{URL}")


def test_time_range_is_sent_to_the_cdx_api(archive: Archive, wayback: WaybackServer) -> None:
    report = run(
        archive,
        wayback,
        from_at=datetime(2017, 6, 5, 12, tzinfo=UTC),
        to_at=datetime(2017, 6, 5, 23, tzinfo=UTC),
    )
    assert [r.timestamp for r in report.results] == ["20170605140000", "20170605180000"]
    cdx = next(p for p in wayback.paths() if p.startswith("/cdx/"))
    assert "from=20170605120000" in cdx and "to=20170605230000" in cdx
    # The second memento repeats nothing fetched earlier in this run: both are fetched.
    assert len([p for p in wayback.paths() if p.startswith("/web/")]) == 2


def test_requests_are_spaced_by_the_interval(
    archive: Archive, wayback: WaybackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request after the first waits out the interval, on a clock that moves only
    while the fetcher sleeps (so the requests themselves take no time)."""
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    fetcher = functools.partial(wayback_module.HttpFetcher, sleep=sleep, clock=lambda: now[0])
    monkeypatch.setattr(wayback_module, "HttpFetcher", fetcher)
    backfill(archive, URL, wayback_url=wayback.base, interval_seconds=0.05)
    requests = [path for _, path in wayback.requests]
    assert len([p for p in requests if p != "/robots.txt"]) == 6
    assert slept == [pytest.approx(0.05)] * (len(requests) - 1)


def test_cdx_api_error_raises(archive: Archive) -> None:
    server = WaybackServer()
    server.answer = lambda path: (503, {}, b"busy")  # type: ignore[method-assign]
    server.thread.start()
    try:
        options = FetchOptions(retries=0, per_host_interval_seconds=0)
        with pytest.raises(FetchError, match="503"), HttpFetcher(options) as fetcher:
            backfill(archive, URL, wayback_url=server.base, fetcher=fetcher)
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def test_parse_cdx_accepts_the_common_shapes() -> None:
    table = json.dumps(CDX_ROWS[:3])
    rows, problems = parse_cdx(table)
    assert [r.timestamp for r in rows] == ["20170605080000", "20170605140000"] and not problems
    lines = (
        "com,example)/ 20170101000000 https://example.com/ text/html 200 ABC 10\n"
        '{"urlkey": "com,example)/", "timestamp": "20170102000000", '
        '"url": "https://example.com/", "mime": "text/html", "status": "200", "digest": "D"}\n'
        "garbage\n"
        "{broken json\n"
    )
    rows, problems = parse_cdx(lines)
    assert [(r.timestamp, r.digest) for r in rows] == [
        ("20170101000000", "ABC"),
        ("20170102000000", "D"),
    ]
    assert [str(p) for p in problems] == [
        "CDX line 3: 1 fields, expected 7",
        "CDX line 4: not valid JSON",
    ]
    assert parse_cdx("") == ([], [])


def test_parse_timestamp() -> None:
    assert parse_timestamp("20170605") == datetime(2017, 6, 5, tzinfo=UTC)
    assert parse_timestamp("20170605080910") == datetime(2017, 6, 5, 8, 9, 10, tzinfo=UTC)
    with pytest.raises(InputError):
        parse_timestamp("20171305000000")


def test_cli_backfill(tmp_path: Path, wayback: WaybackServer) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    location = str(tmp_path / "cli-archive")
    args = [
        "--archive",
        location,
        "backfill",
        URL,
        "--wayback-url",
        wayback.base,
        "--interval",
        "0",
        "--from",
        "2017-06-05",
        "--to",
        "2017-06-06T12:00Z",
    ]
    result = CliRunner().invoke(cli, [*args, "--json"])
    # Two CDX lines are malformed: reported, and the exit code says so.
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [m["status"] for m in data["mementos"]] == ["saved"] * 4
    assert len(data["cdx_problems"]) == 2
    assert "4 saved (4 new versions)" in result.stderr
    again = CliRunner().invoke(cli, args)
    assert "0 saved (0 new versions), 4 already archived" in again.stderr
