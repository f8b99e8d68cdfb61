"""The HTTP fetcher, robots.txt and feeds, against a real server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import attrs
import pytest

from newsarchive.errors import FetchError, MissingDependencyError
from newsarchive.fetch.feeds import parse_feed
from newsarchive.fetch.http import FetchOptions, HttpFetcher, parse_retry_after
from scrape_server import Reply, ScrapeServer, page, scrape_server

__all__ = ["scrape_server"]

FAST = FetchOptions(
    timeout_seconds=1.0,
    retries=2,
    backoff_seconds=0.5,
    max_retry_wait_seconds=3.0,
    per_host_interval_seconds=0.0,
    user_agent="GazetteWatcher/2.0 (+mailto:news@example.test)",
)


class Sleeps(list[float]):
    """Records the waits a fetcher asks for, without waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fetcher(sleeps: Sleeps) -> Iterator[HttpFetcher]:
    with HttpFetcher(FAST, sleep=sleeps) as client:
        yield client


def test_fetch_returns_body_status_headers_and_sends_user_agent(
    fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.html("/a", b"<p>hello</p>")

    response = fetcher.fetch(url)

    assert (response.status, response.body, response.final_url) == (200, b"<p>hello</p>", url)
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert response.redirects == ()
    assert scrape_server.hits("/a")[0].headers["user-agent"] == FAST.user_agent
    assert response.fetched_at.tzinfo is not None


def test_redirect_chain_is_followed_and_recorded(
    fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    scrape_server.route("/old", Reply(status=301, headers={"Location": "/older"}))
    scrape_server.route(
        "/older", Reply(status=302, headers={"Location": scrape_server.url("/new")})
    )
    scrape_server.html("/new", b"<p>new</p>")

    response = fetcher.fetch(scrape_server.url("/old"))

    assert response.final_url == scrape_server.url("/new")
    assert [(r.status, r.url, r.location) for r in response.redirects] == [
        (301, scrape_server.url("/old"), scrape_server.url("/older")),
        (302, scrape_server.url("/older"), scrape_server.url("/new")),
    ]


def test_redirect_loop_is_a_fetch_error(fetcher: HttpFetcher, scrape_server: ScrapeServer) -> None:
    scrape_server.route("/loop", Reply(status=302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError, match="Too many redirects"):
        fetcher.fetch(scrape_server.url("/loop"))


def test_429_is_retried_after_the_retry_after_delay(
    fetcher: HttpFetcher, scrape_server: ScrapeServer, sleeps: Sleeps
) -> None:
    url = scrape_server.route(
        "/busy", Reply(status=429, headers={"Retry-After": "2"}), Reply(body=b"<p>ok</p>")
    )

    response = fetcher.fetch(url)

    assert response.status == 200 and response.attempts == 2
    assert sleeps == [2.0]


def test_retry_after_wait_is_capped(
    fetcher: HttpFetcher, scrape_server: ScrapeServer, sleeps: Sleeps
) -> None:
    url = scrape_server.route(
        "/busy", Reply(status=503, headers={"Retry-After": "86400"}), Reply(body=b"ok")
    )
    assert fetcher.fetch(url).status == 200
    assert sleeps == [FAST.max_retry_wait_seconds]


def test_5xx_backs_off_exponentially_then_returns_the_error(
    fetcher: HttpFetcher, scrape_server: ScrapeServer, sleeps: Sleeps
) -> None:
    url = scrape_server.route("/broken", Reply(status=500, body=b"oops"))

    response = fetcher.fetch(url)

    assert response.status == 500 and response.attempts == 3
    assert sleeps == [0.5, 1.0]
    assert len(scrape_server.hits("/broken")) == 3


def test_4xx_is_not_retried(fetcher: HttpFetcher, scrape_server: ScrapeServer) -> None:
    url = scrape_server.route("/gone", Reply(status=410))
    assert fetcher.fetch(url).status == 410
    assert len(scrape_server.hits("/gone")) == 1


def test_slow_response_times_out(scrape_server: ScrapeServer, sleeps: Sleeps) -> None:
    url = scrape_server.route("/slow", Reply(body=b"late", delay_seconds=0.6))
    options = FetchOptions(
        timeout_seconds=0.2, retries=1, backoff_seconds=0.0, per_host_interval_seconds=0.0
    )
    with (
        HttpFetcher(options, sleep=sleeps) as client,
        pytest.raises(FetchError, match="Timed out") as caught,
    ):
        client.fetch(url)
    assert caught.value.url == url and caught.value.status is None
    assert len(scrape_server.hits("/slow")) == 2


def test_huge_body_is_refused(scrape_server: ScrapeServer, sleeps: Sleeps) -> None:
    url = scrape_server.route("/huge", Reply(body=b"x" * 200_000))
    options = FetchOptions(max_body_bytes=100_000, per_host_interval_seconds=0.0)
    with HttpFetcher(options, sleep=sleeps) as client, pytest.raises(FetchError, match="too large"):
        client.fetch(url)


def test_body_larger_than_declared_is_refused(scrape_server: ScrapeServer, sleeps: Sleeps) -> None:
    # No Content-Length: the limit is enforced while reading.
    url = scrape_server.route("/stream", Reply(body=b"y" * 50_000, chunked=True))
    options = FetchOptions(max_body_bytes=10_000, per_host_interval_seconds=0.0, retries=0)
    with HttpFetcher(options, sleep=sleeps) as client, pytest.raises(FetchError, match="too large"):
        client.fetch(url)


def test_connection_refused_is_a_fetch_error(fetcher: HttpFetcher, sleeps: Sleeps) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="robots.txt is unreachable") as caught:
        fetcher.fetch(f"http://127.0.0.1:{port}/x")
    assert caught.value.status is None
    with (
        HttpFetcher(attrs.evolve(FAST, respect_robots=False), sleep=sleeps) as client,
        pytest.raises(FetchError, match="Could not fetch") as caught,
    ):
        client.fetch(f"http://127.0.0.1:{port}/x")
    assert caught.value.status is None


@pytest.mark.parametrize("url", ["ftp://example.test/x", "file:///etc/passwd", "example.test"])
def test_non_http_urls_are_refused(fetcher: HttpFetcher, url: str) -> None:
    with pytest.raises(FetchError, match="Not an http"):
        fetcher.fetch(url)


def test_redirect_to_a_non_http_url_is_refused(
    fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    scrape_server.route("/r", Reply(status=302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match="Not an http"):
        fetcher.fetch(scrape_server.url("/r"))


def test_extra_and_conditional_headers_are_sent(
    fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.route("/c", Reply(body=b"x", etag='"v1"'))
    response = fetcher.fetch(url, headers={"If-None-Match": '"v1"', "Cookie": "consent=yes"})
    assert response.status == 304 and response.is_not_modified
    assert scrape_server.hits("/c")[0].headers["cookie"] == "consent=yes"


def test_per_host_interval_spaces_requests(scrape_server: ScrapeServer, sleeps: Sleeps) -> None:
    scrape_server.html("/p", b"x")
    options = FetchOptions(per_host_interval_seconds=5.0)
    with HttpFetcher(options, sleep=sleeps) as client:
        client.fetch(scrape_server.url("/p"))
        client.fetch(scrape_server.url("/p"))
    # robots.txt, then the page, then the page again: each waits for the previous one.
    assert len(sleeps) == 2 and all(4.0 < s <= 5.0 for s in sleeps)


# -- robots.txt ----------------------------------------------------------------------------


def test_robots_disallow_is_respected(fetcher: HttpFetcher, scrape_server: ScrapeServer) -> None:
    scrape_server.route(
        "/robots.txt",
        Reply(
            body=b"User-agent: GazetteWatcher\nDisallow: /private/\n\nUser-agent: *\nAllow: /\n",
            content_type="text/plain",
        ),
    )
    scrape_server.html("/private/x", b"secret")
    scrape_server.html("/public", b"open")

    with pytest.raises(FetchError, match="robots.txt disallows"):
        fetcher.fetch(scrape_server.url("/private/x"))
    assert fetcher.fetch(scrape_server.url("/public")).status == 200
    assert scrape_server.hits("/private/x") == []
    assert len(scrape_server.hits("/robots.txt")) == 1


def test_redirect_into_a_disallowed_path_is_refused(
    fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    scrape_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    scrape_server.route("/r", Reply(status=302, headers={"Location": "/private/y"}))
    with pytest.raises(FetchError, match="robots.txt disallows"):
        fetcher.fetch(scrape_server.url("/r"))


def test_missing_robots_allows_everything(
    fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    scrape_server.route("/robots.txt", Reply(status=404))
    scrape_server.html("/a", b"x")
    assert fetcher.fetch(scrape_server.url("/a")).status == 200


def test_failing_robots_disallows_everything(
    fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    scrape_server.route("/robots.txt", Reply(status=503))
    scrape_server.html("/a", b"x")
    with pytest.raises(FetchError, match="robots.txt answered HTTP 503"):
        fetcher.fetch(scrape_server.url("/a"))
    assert scrape_server.hits("/a") == []


def test_robots_can_be_ignored(scrape_server: ScrapeServer, sleeps: Sleeps) -> None:
    scrape_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n"))
    scrape_server.html("/a", b"x")
    options = FetchOptions(respect_robots=False, per_host_interval_seconds=0.0)
    with HttpFetcher(options, sleep=sleeps) as client:
        assert client.fetch(scrape_server.url("/a")).status == 200
    assert scrape_server.hits("/robots.txt") == []


def test_crawl_delay_raises_the_host_interval(scrape_server: ScrapeServer, sleeps: Sleeps) -> None:
    scrape_server.route("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 7\n"))
    scrape_server.html("/a", b"x")
    options = FetchOptions(per_host_interval_seconds=0.0, max_crawl_delay_seconds=30)
    with HttpFetcher(options, sleep=sleeps) as client:
        client.fetch(scrape_server.url("/a"))
        client.fetch(scrape_server.url("/a"))
    # The robots.txt request, then each page request, waits the crawl delay.
    assert len(sleeps) == 2 and all(6.0 < s <= 7.0 for s in sleeps)


# -- Retry-After ---------------------------------------------------------------------------


def test_parse_retry_after() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now)
        == 30.0
    )
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    )
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# -- feeds ---------------------------------------------------------------------------------


def test_rss_links_are_resolved_and_deduplicated() -> None:
    entries = parse_feed(page("feed.rss"), url="http://example.test/rss.xml")
    assert [e.url for e in entries] == [
        "http://example.test/news/budget?utm_source=rss",
        "http://example.test/news/storm",
        "http://example.test/live/election",
    ]
    assert entries[0].title == "Council approves budget"


def test_atom_alternate_link_is_used() -> None:
    entries = parse_feed(page("feed.atom"), url="http://example.test/atom.xml")
    assert [e.url for e in entries] == ["http://example.test/news/bridge"]


def test_json_feed_items() -> None:
    entries = parse_feed(
        page("feed.json"),
        url="https://example.test/feed.json",
        content_type="application/feed+json",
    )
    assert [e.url for e in entries] == [
        "https://example.test/news/one",
        "https://example.test/news/two",
    ]


@pytest.mark.parametrize(
    "body", [b"<html><body>not a feed</body></html>", b'{"items": 3}', b"{broken json", b""]
)
def test_unreadable_feeds_are_fetch_errors(body: bytes) -> None:
    with pytest.raises(FetchError, match="Not a readable feed"):
        parse_feed(body, url="http://example.test/feed")


# -- without the scrape extra ----------------------------------------------------------------


@pytest.mark.parametrize("module", ["httpx", "protego"])
def test_fetcher_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependencyError, match=r"newsarchive\[scrape\]"):
        HttpFetcher(FAST)


@pytest.mark.parametrize("module", ["trafilatura", "htmldate"])
def test_extraction_without_the_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    from newsarchive.fetch.extract import extract_article

    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependencyError, match=r"newsarchive\[scrape\]"):
        extract_article("<p>x</p>", "http://example.test/")


def test_importing_newsarchive_loads_no_scraping_dependency() -> None:
    code = (
        "import sys, newsarchive, newsarchive.scrape.scraper, newsarchive.cli.scrape; "
        "print(sorted(m for m in ('httpx', 'trafilatura', 'htmldate', 'feedparser', 'protego', "
        "'charset_normalizer', 'lxml') if m in sys.modules))"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": src},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"
