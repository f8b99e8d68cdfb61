"""Scraping jobs against a real HTTP server on 127.0.0.1 and real SQLite archives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from scrape_server import STORY, Reply, ScrapeServer, article_html, scrape_server
from scrape_server import page as page_bytes

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


def test_canonical_link_files_the_article_and_keeps_the_fetched_url_as_alias(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    canonical = scrape_server.url("/news/budget")
    url = scrape_server.html("/amp/budget", page(canonical=canonical))

    [result] = fetch_pages(archive, [url], fetcher=fetcher)

    assert result.article_url == canonical
    article = archive.article(url)
    assert article.url == canonical and url in article.aliases
    assert archive.captures(canonical)[0].fetched_url == url


def test_redirects_are_followed_recorded_and_filed_under_the_final_url(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    scrape_server.route("/s/123", Reply(status=301, headers={"Location": "/news/budget"}))
    final = scrape_server.html("/news/budget", page())

    [result] = fetch_pages(archive, [scrape_server.url("/s/123")], fetcher=fetcher)

    assert (result.outcome, result.article_url) == ("new", final)
    [capture] = archive.captures(final)
    assert capture.metadata["redirects"] == [
        {"url": scrape_server.url("/s/123"), "status": 301, "location": final}
    ]
    assert scrape_server.url("/s/123") in archive.article(final).aliases


def test_canonical_pointing_to_the_home_page_or_another_site_is_ignored(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    home = scrape_server.html("/news/a", page(canonical=scrape_server.url("/")))
    other = scrape_server.html("/news/b", page(title="Other story",
                                               canonical="https://elsewhere.test/b"))

    results = fetch_pages(archive, [home, other], fetcher=fetcher)

    assert [r.article_url for r in results] == [home, other]


def test_304_is_an_unchanged_capture_of_the_current_version(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.route("/news/budget", Reply(body=page(), etag='"abc"'))

    first = fetch_pages(archive, [url], fetcher=fetcher)[0]
    second = fetch_pages(archive, [url], fetcher=fetcher)[0]

    assert (first.outcome, second.outcome, second.http_status) == ("new", "not-modified", 304)
    assert scrape_server.hits("/news/budget")[1].headers["if-none-match"] == '"abc"'
    [version] = archive.history(url)
    assert version.capture_count == 2
    captures = archive.captures(url)
    assert [c.http_status for c in captures] == [200, 304]
    assert captures[1].version_id == captures[0].version_id
    assert captures[1].metadata["not_modified"] is True


def test_last_modified_is_sent_back_as_if_modified_since(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    stamp = "Tue, 05 Mar 2024 10:00:00 GMT"
    url = scrape_server.route("/news/budget", Reply(body=page(), headers={"Last-Modified": stamp}),
                              Reply(status=304))
    fetch_pages(archive, [url], fetcher=fetcher)
    assert fetch_pages(archive, [url], fetcher=fetcher)[0].outcome == "not-modified"
    assert scrape_server.hits("/news/budget")[1].headers["if-modified-since"] == stamp


def test_redesigned_markup_with_the_same_text_adds_no_version(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.html("/news/budget", page(), page(layout="modern"))

    results = [fetch_pages(archive, [url], fetcher=fetcher)[0] for _ in range(2)]

    assert [r.outcome for r in results] == ["new", "unchanged"]
    assert len(archive.history(url)) == 1
    first, second = archive.captures(url)
    assert archive.raw_html(first) != archive.raw_html(second)


@pytest.mark.parametrize(
    ("reply", "outcome", "flag"),
    [
        (Reply(status=403, body=page_bytes("cloudflare_challenge.html")), "failed",
         "bot-challenge"),
        (Reply(status=200, body=page_bytes("aws_waf.html")), "failed", "bot-challenge"),
        (Reply(status=503, body=b"<html><title>Down</title></html>"), "failed", "http-error"),
        (Reply(status=404, body=page_bytes("soft404.html")), "flagged", "gone"),
        (Reply(status=200, body=page_bytes("soft404.html")), "flagged", "soft-404"),
        (Reply(status=200, body=page_bytes("paywall.html")), "flagged", "paywall"),
    ],
)
def test_bad_pages_are_flagged_captures_never_versions(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer,
    reply: Reply, outcome: str, flag: str,
) -> None:
    url = scrape_server.route("/news/budget", Reply(body=page()), reply)

    fetch_pages(archive, [url], fetcher=fetcher)
    [result] = fetch_pages(archive, [url], fetcher=fetcher)

    assert (result.outcome, result.quality) == (outcome, flag)
    assert len(archive.history(url)) == 1
    good, bad = archive.captures(url)
    assert bad.quality == flag and bad.metadata["quality_reason"] == result.message
    assert archive.get(url).text == archive.text_of(good)


def test_soft_404_redirect_to_the_home_page_stays_under_the_article(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.route("/news/budget", Reply(body=page()),
                              Reply(status=302, headers={"Location": "/"}))
    scrape_server.html("/", page(title="Example Gazette front page"))

    fetch_pages(archive, [url], fetcher=fetcher)
    [result] = fetch_pages(archive, [url], fetcher=fetcher)

    assert (result.outcome, result.quality, result.article_url) == ("flagged", "soft-404", url)
    assert [a.url for a in archive.articles()] == [url]


def test_truncated_extraction_is_flagged(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    long_story = STORY * 3
    url = scrape_server.html("/news/budget", page(paragraphs=long_story), page())

    fetch_pages(archive, [url], fetcher=fetcher)
    [result] = fetch_pages(archive, [url], fetcher=fetcher)

    assert (result.outcome, result.quality) == ("flagged", "truncated-extraction")
    assert len(archive.history(url)) == 1


def test_a_failed_fetch_saves_nothing_and_other_urls_still_run(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    scrape_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    blocked = scrape_server.html("/private/x", page())
    good = scrape_server.html("/news/budget", page())

    results = fetch_pages(archive, [blocked, good, blocked], fetcher=fetcher)

    assert [r.outcome for r in results] == ["failed", "new"]
    assert "robots.txt" in (results[0].message or "")
    assert [a.url for a in archive.articles()] == [good]


def test_broken_encoding_is_decoded_before_extraction(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    story = ["Die Bürgermeisterin lehnte die Gebühr ab, sagte sie am Dienstag vor dem Rat.",
             *STORY]
    body = article_html("Gebühr abgelehnt", story, charset="utf-8").encode("cp1252")
    url = scrape_server.route("/news/gebuehr", Reply(body=body, content_type="text/html"))

    fetch_pages(archive, [url], fetcher=fetcher)

    version = archive.get(url)
    assert version.title == "Gebühr abgelehnt"
    assert "Die Bürgermeisterin lehnte" in version.text
    assert archive.captures(url)[0].metadata["encoding"] == "cp1252"
