"""Fetching from a hostile server: every request ends, alone, with one clear failure."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_server import BOMB_BYTES, HostileServer, hostile_server

from newsarchive import Archive
from newsarchive.cli import cli
from newsarchive.errors import FetchError
from newsarchive.fetch.http import FetchOptions, HttpFetcher

__all__ = ["hostile_server"]

FAST = FetchOptions(
    timeout_seconds=1.0, retries=0, per_host_interval_seconds=0.0, respect_robots=False
)


class SteppingClock:
    """A clock that moves ``step`` seconds each time it is read: socket reads count time."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


@pytest.fixture
def fetcher() -> Iterator[HttpFetcher]:
    with HttpFetcher(FAST, sleep=lambda _: None) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-javascript", "Not an http(s) URL: javascript:alert(document.cookie)"),
        ("/to-data", "Not an http(s) URL: data:text/html"),
        ("/to-file", "Not an http(s) URL: file:///etc/passwd"),
        ("/to-long", "URL too long: 100"),
        ("/loop", "Too many redirects"),
    ],
)
def test_a_redirect_off_the_web_or_round_in_circles_is_refused_before_it_is_followed(
    fetcher: HttpFetcher, hostile_server: HostileServer, path: str, message: str
) -> None:
    with pytest.raises(FetchError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        fetcher.fetch(hostile_server.url(path))


def test_a_url_past_the_length_limit_is_refused_without_a_request(
    fetcher: HttpFetcher, hostile_server: HostileServer
) -> None:
    url = hostile_server.url("/article?" + "a" * 100_000)
    with pytest.raises(FetchError, match=r"URL too long: 100\d+ characters \(limit 8192\)") as e:
        fetcher.fetch(url)
    assert len(str(e.value)) < 200


@pytest.mark.parametrize("path", ["/tarpit-body", "/tarpit-headers"])
def test_a_tarpit_is_cut_off_at_the_request_deadline(
    hostile_server: HostileServer, path: str
) -> None:
    """Each socket read advances the clock 0.25 s: a one-second deadline is four reads."""
    clock = SteppingClock(0.25)
    with (
        HttpFetcher(FAST, sleep=lambda _: None, clock=clock) as fetcher,
        pytest.raises(FetchError, match="^Timed out after 1s fetching"),
    ):
        fetcher.fetch(hostile_server.url(path))
    # The server drips forever; the fetch stopped as the clock, not the server, said.
    assert 4 <= clock.reads <= 8


def test_a_tarpit_is_cut_off_by_the_real_clock_too(
    fetcher: HttpFetcher, hostile_server: HostileServer
) -> None:
    with pytest.raises(FetchError, match="^Timed out after 1s"):
        fetcher.fetch(hostile_server.url("/tarpit-body"))


def test_endless_headers_are_a_failure_not_a_hang(
    fetcher: HttpFetcher, hostile_server: HostileServer
) -> None:
    with pytest.raises(FetchError, match="^(Could not fetch|Timed out|Headers too large)"):
        fetcher.fetch(hostile_server.url("/endless-headers"))


def test_a_gzip_bomb_is_stopped_at_the_body_limit_without_inflating_it(
    hostile_server: HostileServer,
) -> None:
    options = FetchOptions(
        timeout_seconds=5.0,
        retries=0,
        per_host_interval_seconds=0.0,
        respect_robots=False,
        max_body_bytes=1_000_000,
    )
    tracemalloc.start()
    try:
        with HttpFetcher(options) as fetcher, pytest.raises(FetchError, match="Page too large"):
            fetcher.fetch(hostile_server.url("/gzip-bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < BOMB_BYTES // 10  # never more than a few steps of it in memory


@pytest.mark.parametrize(
    ("path", "message"), [("/bad-gzip", "damaged gzip body"), ("/zstd", "unsupported content")]
)
def test_a_body_that_cannot_be_decoded_is_one_failure(
    fetcher: HttpFetcher, hostile_server: HostileServer, path: str, message: str
) -> None:
    with pytest.raises(FetchError, match=message):
        fetcher.fetch(hostile_server.url(path))


def test_one_hostile_server_never_stops_a_fetch_run(
    tmp_path: Path, hostile_server: HostileServer
) -> None:
    paths = ["/to-javascript", "/tarpit-body", "/to-data", "/gzip-bomb", "/zstd", "/article"]
    urls = [hostile_server.url(p) for p in paths]
    urls.insert(2, hostile_server.url("/article?" + "a" * 100_000))
    result = CliRunner().invoke(
        cli,
        ["--archive", str(tmp_path / "a"), "fetch", "--json", "--timeout", "1", "--retries", "0"]
        + ["--min-interval", "0", "--ignore-robots", *urls],
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    items = json.loads(result.stdout)["items"]
    outcomes = [item["outcome"] for item in items]
    assert outcomes == ["failed"] * 6 + ["new"]
    assert all("\n" not in item["message"] for item in items[:6])
    with Archive.open(tmp_path / "a") as archive:
        assert [a.url for a in archive.articles()] == [hostile_server.url("/article")]


def test_one_hostile_feed_never_stops_a_watch_run(
    tmp_path: Path, hostile_server: HostileServer
) -> None:
    config = tmp_path / "watch.toml"
    config.write_text(
        "[limits]\ntimeout_seconds = 1\nretries = 0\nper_host_interval_seconds = 0\n"
        "respect_robots = false\n"
        f'[[feeds]]\nurl = "{hostile_server.url("/feed-malformed")}"\n'
        f'[[feeds]]\nurl = "{hostile_server.url("/tarpit-body")}"\n'
        f'[[feeds]]\nurl = "{hostile_server.url("/feed-hostile")}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(config), "--json"]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert [bool(feed["message"]) for feed in report["feeds"]] == [True, True, False]
    outcomes = {item["url"][:40]: item["outcome"] for item in report["items"]}
    assert outcomes.pop(hostile_server.url("/article")[:40]) == "new"
    assert set(outcomes.values()) == {"failed"}
