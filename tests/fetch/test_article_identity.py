"""A new URL for an article already archived is filed as an alias of it, with a log line."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsarchive import Archive
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.identity import find_same_article
from newsarchive.scrape import fetch_pages
from scrape_server import STORY, ScrapeServer, article_html, scrape_server

__all__ = ["scrape_server"]

FAST = FetchOptions(timeout_seconds=5.0, retries=0, per_host_interval_seconds=0.0)


def with_id(title: str, identifier: str | None) -> bytes:
    head = ""
    if identifier:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                "identifier": identifier}  # fmt: skip
        head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return article_html(title, STORY, extra_head=head).encode()


def fetch(archive: Archive, *urls: str) -> None:
    with HttpFetcher(FAST) as fetcher:
        for url in urls:
            fetch_pages(archive, [url], fetcher=fetcher)


def test_the_same_publisher_id_is_the_same_article(
    tmp_path: Path, scrape_server: ScrapeServer, caplog: pytest.LogCaptureFixture
) -> None:
    old = scrape_server.html("/news/council-debates-budget", with_id("Council debates", "A-4411"))
    new = scrape_server.html("/news/council-approves-budget", with_id("Council approves", "A-4411"))
    with Archive.open(tmp_path / "a") as archive, caplog.at_level(logging.INFO):
        fetch(archive, old, new)
        assert [a.url for a in archive.articles()] == [old]
        assert new in archive.article(old).aliases
        assert [v.title for v in archive.history(new)] == ["Council debates", "Council approves"]
    assert f"filing {new} as an alias of {old} (same publisher id A-4411)" in caplog.text


def test_the_same_numeric_id_in_the_url_is_the_same_article(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    old = scrape_server.html("/news/council-debates-budget-8812345", with_id("Debates", None))
    new = scrape_server.html("/news/council-approves-budget-8812345", with_id("Approves", None))
    with Archive.open(tmp_path / "a") as archive:
        fetch(archive, old, new)
        assert archive.article(new).url == old


def test_different_ids_stay_different_articles(tmp_path: Path, scrape_server: ScrapeServer) -> None:
    one = scrape_server.html("/news/a-1000001", with_id("One", "A-1"))
    two = scrape_server.html("/news/b-1000002", with_id("Two", "A-2"))
    with Archive.open(tmp_path / "a") as archive:
        fetch(archive, one, two)
        assert sorted(a.url for a in archive.articles()) == sorted([one, two])


def test_near_identical_text_from_the_same_feed_within_days(tmp_path: Path) -> None:
    now = datetime(2024, 6, 10, 12, tzinfo=UTC)
    text = "\n\n".join(STORY)
    with Archive.open(tmp_path / "a") as archive:
        archive.save("https://news.example.com/old-slug", text=text, captured_at=now,
                     metadata={"watch_source": "Gazette"})  # fmt: skip
        found = find_same_article(
            archive, "https://news.example.com/new-slug", text=text + " Updated.",
            feed="Gazette", now=now + timedelta(hours=2),
        )  # fmt: skip
        assert found is not None
        assert (found.url, found.reason) == (
            "https://news.example.com/old-slug",
            "near-identical text in feed Gazette",
        )
        other_feed = find_same_article(
            archive, "https://news.example.com/new-slug", text=text, feed="Other", now=now
        )
        too_late = find_same_article(
            archive, "https://news.example.com/new-slug", text=text, feed="Gazette",
            now=now + timedelta(days=5),
        )  # fmt: skip
        assert other_feed is None and too_late is None


def test_two_urls_of_one_article_in_one_run(tmp_path: Path, scrape_server: ScrapeServer) -> None:
    """The article the run itself created is a candidate for the run's later URLs."""
    first = scrape_server.html("/news/x", with_id("Older headline", None))
    other = scrape_server.html("/news/y", with_id("Other story", "B-2"))
    again = scrape_server.html("/news/x-new", with_id("Newer headline", "B-2"))
    with Archive.open(tmp_path / "a") as archive, HttpFetcher(FAST) as fetcher:
        results = fetch_pages(archive, [first, other, again], fetcher=fetcher)
        assert [r.outcome for r in results] == ["new", "new", "changed"]
        assert archive.article(again).url == other
