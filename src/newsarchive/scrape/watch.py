"""One unattended watch run: read the feeds, fetch new articles, re-check those due."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import attrs

from ..archive import Archive
from ..errors import FetchError, InputError, NotFoundError, StorageError, describe_failure
from ..fetch.feeds import parse_feed
from ..fetch.http import Fetcher, HttpFetcher
from ..times import utc_now
from .config import Source, WatchConfig
from .lock import run_lock
from .results import SOURCE_WATCH, FeedResult, ItemResult, Origin, ProgressCallback, RunReport
from .schedule import due_articles
from .scraper import Scraper, _find_article, _key


@attrs.frozen(kw_only=True)
class _Task:
    url: str
    origin: Origin
    source: Source | None


def run_watch(
    archive: Archive,
    config: WatchConfig,
    *,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    max_items: int | None = None,
    max_seconds: float | None = None,
    wait: bool = False,
    on_progress: ProgressCallback | None = None,
) -> RunReport:
    """One watch run: discover from feeds, check what is due, then return.

    New articles (from feeds and listed URLs) come first, then known articles
    most overdue first. Each article is fetched at most once per run.

    Args:
        archive: the archive.
        config: sources, schedule and limits.
        fetcher: how to fetch (default: an :class:`HttpFetcher` with ``config.fetch``).
        now: the time used for the schedule (default: the clock).
        max_items: most pages to fetch (default: ``config.max_items``).
        max_seconds: start no page after this long (default: ``config.max_seconds``).
        wait: if another run holds the archive, wait for it instead of failing.
        on_progress: called as ``(done, total)`` after each page.

    Returns:
        The report; its ``has_failures`` decides the exit code of the CLI.

    Raises:
        ArchiveBusyError: another run holds the archive and ``wait`` is False.
        MissingDependencyError: the ``scrape`` extra is not installed.
    """
    with run_lock(archive, wait=wait):
        started_at = utc_now()
        clock_start = time.monotonic()
        now = now or started_at
        max_items = max_items if max_items is not None else config.max_items
        max_seconds = max_seconds if max_seconds is not None else config.max_seconds
        own = fetcher is None
        active = fetcher if fetcher is not None else HttpFetcher(config.fetch)
        try:
            return _run(
                archive,
                config,
                active,
                started_at,
                clock_start,
                now,
                max_items,
                max_seconds,
                on_progress,
            )
        finally:
            if own:
                active.close()


def _run(
    archive: Archive,
    config: WatchConfig,
    fetcher: Fetcher,
    started_at: datetime,
    clock_start: float,
    now: datetime,
    max_items: int | None,
    max_seconds: float | None,
    on_progress: ProgressCallback | None,
) -> RunReport:
    seen: set[str] = set()
    tasks: list[_Task] = []
    feeds: list[FeedResult] = []

    def out_of_time() -> bool:
        return max_seconds is not None and time.monotonic() - clock_start >= max_seconds

    def add(url: str, origin: Origin, source: Source | None) -> bool:
        key = _key(url)
        if key in seen:
            return False
        seen.add(key)
        tasks.append(_Task(url=url, origin=origin, source=source))
        return True

    for feed in config.feeds:
        if out_of_time():
            break
        feeds.append(_read_feed(archive, fetcher, feed, add, seen))
    for listed in config.urls:
        if _find_article(archive, listed.url) is None:
            add(listed.url, "listed", listed)
    due = list(due_articles(archive, config.schedule, now=now, recheck=config.recheck))
    for item in due:
        add(item.url, "due", None)

    scraper = Scraper(archive, fetcher, config.quality, SOURCE_WATCH)
    limit = len(tasks) if max_items is None else min(max_items, len(tasks))
    items: list[ItemResult] = []
    fetched: set[str] = set()
    stopped = "max-items" if limit < len(tasks) else None
    for task in tasks[:limit]:
        if out_of_time():
            stopped = "max-seconds"
            break
        if task.origin == "due" and _key(task.url) in fetched:
            continue  # a discovered link turned out to be this article
        source = task.source or _source_for(archive, config, task.url)
        result = scraper.capture(task.url, origin=task.origin, source=source)
        if result.article_url is not None:
            fetched.add(_key(result.article_url))
        items.append(result)
        if on_progress:
            on_progress(len(items), limit)
    return RunReport(
        started_at=started_at,
        finished_at=utc_now(),
        feeds=tuple(feeds),
        items=tuple(items),
        due=len(due),
        stopped=stopped,
    )


def _read_feed(
    archive: Archive,
    fetcher: Fetcher,
    feed: Source,
    add: Callable[[str, Origin, Source | None], bool],
    seen: set[str],
) -> FeedResult:
    try:
        response = fetcher.fetch(feed.url, headers=feed.headers)
        if response.status != 200:
            raise FetchError(
                f"feed {feed.url} answered HTTP {response.status}",
                url=feed.url,
                status=response.status,
            )
        entries = parse_feed(
            response.body, url=response.final_url, content_type=response.header("content-type")
        )
    except FetchError as exc:
        return FeedResult(url=feed.url, message=str(exc))
    except StorageError:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed feed is that feed's failure
        return FeedResult(url=feed.url, message=f"feed {feed.url}: {describe_failure(exc)}")
    discovered = 0
    for entry in entries:
        try:
            if not feed.accepts(entry.url) or _find_article(archive, entry.url) is not None:
                continue
        except InputError:
            # A link that is no article URL (too long, not http): fetching it reports why.
            pass
        if add(entry.url, "discovered", feed):
            discovered += 1
    return FeedResult(url=feed.url, entries=len(entries), discovered=discovered)


def _source_for(archive: Archive, config: WatchConfig, url: str) -> Source | None:
    """The options of a known article: those of the source that found it, if still configured."""
    try:
        captures = archive.captures(url)
    except NotFoundError:
        return config.defaults
    for capture in reversed(captures):
        name = capture.metadata.get("watch_source")
        if name:
            found = config.source_named(str(name))
            if found is not None:
                return found
            break
    key = _key(url)
    for listed in config.urls:
        if _key(listed.url) == key:
            return listed
    return config.defaults
