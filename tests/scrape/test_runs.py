"""Scraping jobs against a real HTTP server on 127.0.0.1 and real SQLite archives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsarchive import Archive
from newsarchive.errors import ArchiveBusyError
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.scrape import due_articles, fetch_pages, reextract, run_lock, run_watch
from newsarchive.scrape.config import Schedule, WatchConfig
from newsarchive.times import utc_now
from scrape_server import STORY, Reply, ScrapeServer, article_html, scrape_server
from scrape_server import page as page_bytes

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)

__all__ = ["scrape_server"]

FAST = FetchOptions(
    timeout_seconds=2.0,
    retries=1,
    backoff_seconds=0.01,
    max_retry_wait_seconds=0.05,
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


def page(
    title: str = "Council approves budget", paragraphs: list[str] | None = None, **kwargs: object
) -> bytes:
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
    assert version.text.startswith("The city council voted")
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
    other = scrape_server.html(
        "/news/b", page(title="Other story", canonical="https://elsewhere.test/b")
    )

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
    url = scrape_server.route(
        "/news/budget", Reply(body=page(), headers={"Last-Modified": stamp}), Reply(status=304)
    )
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
        (
            Reply(status=403, body=page_bytes("cloudflare_challenge.html")),
            "failed",
            "bot-challenge",
        ),
        (Reply(status=200, body=page_bytes("aws_waf.html")), "failed", "bot-challenge"),
        (Reply(status=503, body=b"<html><title>Down</title></html>"), "failed", "http-error"),
        (Reply(status=404, body=page_bytes("soft404.html")), "flagged", "gone"),
        (Reply(status=200, body=page_bytes("soft404.html")), "flagged", "soft-404"),
        (Reply(status=200, body=page_bytes("paywall.html")), "flagged", "paywall"),
    ],
)
def test_bad_pages_are_flagged_captures_never_versions(
    archive: Archive,
    fetcher: HttpFetcher,
    scrape_server: ScrapeServer,
    reply: Reply,
    outcome: str,
    flag: str,
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
    url = scrape_server.route(
        "/news/budget", Reply(body=page()), Reply(status=302, headers={"Location": "/"})
    )
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
    story = ["Die Bürgermeisterin lehnte die Gebühr ab, sagte sie am Dienstag vor dem Rat.", *STORY]
    body = article_html("Gebühr abgelehnt", story, charset="utf-8").encode("cp1252")
    url = scrape_server.route("/news/gebuehr", Reply(body=body, content_type="text/html"))

    fetch_pages(archive, [url], fetcher=fetcher)

    version = archive.get(url)
    assert version.title == "Gebühr abgelehnt"
    assert "Die Bürgermeisterin lehnte" in version.text
    assert archive.captures(url)[0].metadata["encoding"] == "cp1252"


# -- reextract -----------------------------------------------------------------------------

OLD_EXTRACTOR = {"name": "trafilatura", "version": "0.9.0", "options": {}}


def seed_old_extraction(
    archive: Archive, url: str, html: str | bytes, *, charset: str | None = None
) -> None:
    """Archive a page as an older extractor read it: with a footer line in the text."""
    text = "\n\n".join(
        ["Council approves budget", *STORY, "Copyright Example Gazette. All rights reserved."]
    )
    archive.save(
        url,
        text=text,
        html=html,
        title="Council approves budget",
        byline="Ada Reporter",
        source="fetch",
        fetched_url=url,
        http_status=200,
        metadata={"extractor": OLD_EXTRACTOR},
        captured_at=T0,
        html_charset=charset,
    )


def test_reextract_saves_an_extractor_change_once(archive: Archive) -> None:
    url = "http://example.test/news/budget"
    seed_old_extraction(archive, url, page().decode())

    [first] = reextract(archive)
    [second] = reextract(archive, [url])

    assert (first.outcome, first.version) == ("changed", 2)
    assert second.outcome == "unchanged"
    old, new = archive.history(url)
    assert "Copyright" in old.text and "Copyright" not in new.text
    capture = archive.captures(url)[-1]
    assert capture.source == "reextract"
    assert capture.metadata["reason"] == "extractor-changed"
    assert capture.metadata["previous_extractor"] == OLD_EXTRACTOR
    assert capture.metadata["extractor"]["version"] != "0.9.0"
    assert archive.raw_html(capture) == page().decode()


def test_reextract_keeps_a_page_kept_as_served_as_those_bytes(archive: Archive) -> None:
    url = "http://example.test/news/budget"
    served = page(charset="iso-8859-1").replace(b"budget", b"budg\xe9t")
    seed_old_extraction(archive, url, served, charset="latin-1")

    [result] = reextract(archive, [url])

    assert result.outcome == "changed"
    capture = archive.captures(url)[-1]
    assert capture.source == "reextract"
    assert archive.served_html(capture) == (served, "iso8859-1")


def test_reextract_skips_versions_without_html(archive: Archive) -> None:
    archive.save("http://example.test/manual", text="Typed in by hand. " * 10)
    [result] = reextract(archive)
    assert result.outcome == "skipped"


def test_fetch_after_an_extractor_upgrade_is_not_counted_as_an_edit(
    archive: Archive, fetcher: HttpFetcher, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.html("/news/budget", page())
    seed_old_extraction(archive, url, page().decode())

    [result] = fetch_pages(archive, [url], fetcher=fetcher)

    assert (result.outcome, result.reextracted, result.version) == ("unchanged", True, 2)
    sources = [c.source for c in archive.captures(url)]
    assert sources == ["fetch", "reextract", "fetch"]
    # The re-check clock starts at the newsroom's last change (T0, long ago, so no
    # longer watched), not at the re-extraction an hour ago.
    an_hour_later = utc_now() + timedelta(hours=1)
    assert archive.article(url).last_changed_at > an_hour_later - timedelta(hours=2)
    assert list(due_articles(archive, Schedule(), now=an_hour_later)) == []


# -- schedule ------------------------------------------------------------------------------

HOUR, DAY = 3600, 86400


@pytest.mark.parametrize(
    ("since_change", "interval"),
    [
        (0, 900),
        (3 * HOUR - 1, 900),
        (3 * HOUR, HOUR),
        (DAY, 3 * HOUR),
        (6 * DAY, 3 * HOUR),
        (7 * DAY, 3 * DAY),
        (29 * DAY, 3 * DAY),
        (45 * DAY, 3 * DAY),
        (60 * DAY, None),
        (400 * DAY, None),
    ],
)
def test_default_schedule(since_change: float, interval: float | None) -> None:
    assert Schedule().interval(since_change) == interval


def test_due_articles_most_overdue_first_and_a_change_resets_the_clock(archive: Archive) -> None:
    # a: changed at T0, checked at T0+1h. b: changed at T0, checked at T0+2h50.
    # c: changed again at T0+2h50, so it is fresh. d: not from a scrape.
    for name, times in {"a": [0, 60], "b": [0, 170], "c": [0, 170]}.items():
        for minutes in times:
            text = "\n\n".join(STORY) + (" Updated." if name == "c" and minutes else "")
            archive.save(
                f"http://example.test/{name}",
                text=text,
                source="watch",
                captured_at=T0 + timedelta(minutes=minutes),
            )
    archive.save("http://example.test/d", text="x " * 50, captured_at=T0)

    now = T0 + timedelta(hours=3, minutes=30)
    due = list(due_articles(archive, Schedule(), now=now))

    # a and b are 3h30 past their change: hourly. c changed 40 min ago: every 15 min.
    assert [(d.url.rsplit("/", 1)[1], d.interval_seconds, d.overdue_seconds) for d in due] == [
        ("a", HOUR, 2.5 * HOUR - HOUR),
        ("c", 900, 40 * 60 - 900),
    ]
    # d was never edited and never re-checked: the most overdue of all.
    assert [d.url[-1] for d in due_articles(archive, Schedule(), now=now, recheck="all")] == [
        "d",
        "a",
        "c",
    ]
    assert list(due_articles(archive, Schedule(), now=now, recheck="none")) == []


# -- watch ---------------------------------------------------------------------------------


def watch_config(server: ScrapeServer, **extra: object) -> WatchConfig:
    data: dict[str, object] = {
        "user_agent": "GazetteWatcher/2.0",
        "limits": {
            "timeout_seconds": 2,
            "retries": 1,
            "backoff_seconds": 0.01,
            "max_retry_wait_seconds": 0.05,
            "per_host_interval_seconds": 0,
        },
        "feeds": [{"url": server.url("/rss.xml"), "exclude": ["/live/"]}],
    }
    data.update(extra)
    return WatchConfig.from_dict(data)


def serve_site(server: ScrapeServer) -> None:
    server.route("/rss.xml", Reply(body=page_bytes("feed.rss"), content_type="application/rss+xml"))
    server.html("/news/budget", page())
    server.html("/news/storm", page_bytes("dates_jsonld.html"))
    server.html("/live/election", page(title="Live"))


def test_watch_discovers_feed_articles_and_a_second_run_adds_nothing(
    archive: Archive, scrape_server: ScrapeServer
) -> None:
    serve_site(scrape_server)
    config = watch_config(scrape_server)

    first = run_watch(archive, config)
    second = run_watch(archive, config)

    assert [(i.url, i.outcome, i.origin) for i in first.items] == [
        (scrape_server.url("/news/budget?utm_source=rss"), "new", "discovered"),
        (scrape_server.url("/news/storm"), "new", "discovered"),
    ]
    assert (first.feeds_read, first.discovered, first.new_versions, first.failures) == (1, 2, 2, 0)
    assert second.items == () and second.discovered == 0 and not second.has_failures
    assert scrape_server.hits("/live/election") == []
    assert [a.url for a in archive.articles()] == [
        scrape_server.url("/news/budget"),
        scrape_server.url("/news/storm"),
    ]
    capture = archive.captures(scrape_server.url("/news/storm"))[0]
    assert capture.source == "watch"
    assert capture.metadata["watch_source"] == scrape_server.url("/rss.xml")
    assert scrape_server.hits("/news/storm")[0].headers["user-agent"] == "GazetteWatcher/2.0"


def test_watch_rechecks_due_articles_and_records_edits(
    archive: Archive, scrape_server: ScrapeServer
) -> None:
    serve_site(scrape_server)
    config = watch_config(scrape_server)
    run_watch(archive, config)
    edited = [*STORY[:3], "The mayor vetoed the budget on Wednesday."]
    scrape_server.html("/news/budget", page(paragraphs=edited))

    later = run_watch(archive, config, now=utc_now() + timedelta(minutes=20))

    assert sorted((i.url.rsplit("/", 1)[1], i.outcome, i.origin) for i in later.items) == [
        ("budget", "changed", "due"),
        ("storm", "unchanged", "due"),
    ]
    assert (later.checked, later.new_versions, later.unchanged, later.due) == (2, 1, 1, 2)
    # Not due yet five minutes later: the budget story just changed, the storm was just checked.
    assert run_watch(archive, config, now=utc_now() + timedelta(minutes=5)).items == ()


def test_watch_never_fetches_an_article_twice_in_one_run(
    archive: Archive, scrape_server: ScrapeServer
) -> None:
    serve_site(scrape_server)
    config = watch_config(
        scrape_server,
        urls=[
            {"url": scrape_server.url("/news/storm")},
            {"url": scrape_server.url("/news/budget")},
        ],
    )
    run_watch(archive, config)
    assert len(scrape_server.hits("/news/budget")) == 1
    assert len(scrape_server.hits("/news/storm")) == 1

    run_watch(archive, config, now=utc_now() + timedelta(hours=1))
    assert len(scrape_server.hits("/news/budget")) == 2
    assert len(scrape_server.hits("/news/storm")) == 2


def test_watch_max_items_takes_new_articles_first_then_the_most_overdue(
    archive: Archive, scrape_server: ScrapeServer
) -> None:
    serve_site(scrape_server)
    report = run_watch(archive, watch_config(scrape_server), max_items=1)
    assert [i.url for i in report.items] == [scrape_server.url("/news/budget?utm_source=rss")]
    assert report.stopped == "max-items"
    report = run_watch(archive, watch_config(scrape_server), max_seconds=0)
    assert report.items == () and report.stopped is None


def test_watch_reports_a_failed_feed_and_carries_on(
    archive: Archive, scrape_server: ScrapeServer
) -> None:
    serve_site(scrape_server)
    scrape_server.route("/broken.xml", Reply(status=500))
    config = watch_config(
        scrape_server,
        feeds=[
            {"url": scrape_server.url("/broken.xml")},
            {"url": scrape_server.url("/rss.xml"), "exclude": ["/live/"]},
        ],
    )
    report = run_watch(archive, config)
    assert [f.is_failure for f in report.feeds] == [True, False]
    assert report.new_versions == 2 and report.failures == 1 and report.has_failures
    assert "HTTP 500" in (report.feeds[0].message or "")
    [problem] = report.problems
    assert problem.url == scrape_server.url("/broken.xml") and "HTTP 500" in problem.message
    assert not report.ok


def test_per_source_headers_and_boilerplate_apply_to_later_rechecks(
    archive: Archive, scrape_server: ScrapeServer
) -> None:
    serve_site(scrape_server)
    scrape_server.html("/news/budget", page(paragraphs=[*STORY, "Share this story on Mastodon"]))
    config = watch_config(
        scrape_server,
        feeds=[
            {
                "url": scrape_server.url("/rss.xml"),
                "exclude": ["/live/"],
                "headers": {"Cookie": "consent=1"},
                "boilerplate": ["^share this story"],
            }
        ],
    )

    run_watch(archive, config)
    run_watch(archive, config, now=utc_now() + timedelta(hours=1))

    assert [h.headers.get("cookie") for h in scrape_server.hits("/news/budget")] == [
        "consent=1",
        "consent=1",
    ]
    assert "Mastodon" not in archive.get(scrape_server.url("/news/budget")).text


def test_a_second_run_on_a_busy_archive_fails_fast(archive: Archive) -> None:
    with run_lock(archive, wait=False), pytest.raises(ArchiveBusyError, match="--wait"):
        run_watch(archive, WatchConfig(), wait=False)
    assert run_watch(archive, WatchConfig()).items == ()
