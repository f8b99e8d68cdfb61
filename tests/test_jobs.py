"""Scraping jobs against a real HTTP server on 127.0.0.1 and real SQLite archives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from scrape_server import STORY, Reply, ScrapeServer, article_html, scrape_server

from newsarchive import Archive
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.jobs import fetch_pages

__all__ = ["scrape_server"]

FAST = FetchOptions(
    timeout_seconds=2.0, retries=1, backoff_seconds=0.01, max_retry_wait_seconds=0.05,
    per_host_interval_seconds=0.0,
)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


@pytest.fixture
def fetcher() -> Iterator[HttpFetcher]:
    with HttpFetcher(FAST) as client:
        yield client


def page(title: str = "Council approves budget", paragraphs: list[str] | None = None,
         **kwargs: object) -> bytes:
    return article_html(title, paragraphs or STORY, **kwargs).encode()  # type: ignore[arg-type]


def test_fetch_saves_capture_with_raw_html_and_first_version(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.html("/news/budget", page())

    [result] = fetch_pages(archive, [url], fetcher=fetcher)

    assert (result.outcome, result.version, result.http_status) == ("new", 1, 200)
    version = archive.get(url)
    assert version.title == "Council approves budget"
    assert version.byline == "Ada Reporter"
    assert version.text.startswith("Council approves budget\n\nThe city council voted")
    [capture] = archive.captures(url)
    assert capture.source == "fetch"
    assert capture.http_status == 200
    assert archive.raw_html(capture) == page().decode()
    extractor = capture.metadata["extractor"]
    assert extractor["name"] == "trafilatura"
    assert extractor["version"]
    assert extractor["options"]["include_comments"] is False
    assert capture.metadata["site_name"] == "Example Gazette"
    assert capture.metadata["language"] == "en"


def test_changed_page_adds_version_and_unchanged_adds_none(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    edited = STORY[:2] + ["The mayor vetoed the measure on Wednesday, her office said."] + STORY[3:]
    url = scrape_server.html("/news/budget", page(), page(), page(paragraphs=edited))

    outcomes = [fetch_pages(archive, [url], fetcher=fetcher)[0].outcome for _ in range(3)]

    assert outcomes == ["new", "unchanged", "changed"]
    assert [v.number for v in archive.history(url)] == [1, 2]
    assert len(archive.captures(url)) == 3
