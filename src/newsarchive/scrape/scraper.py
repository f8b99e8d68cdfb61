"""Scheduled scraping: fetch, extract, judge and archive, one result per URL.

Three entry points, each the library side of a CLI command:

* :func:`fetch_pages` fetches given URLs now (``newsarchive fetch``).
* :func:`reextract` re-runs the current extractor over stored raw HTML
  (``newsarchive reextract``).
* :func:`run_watch` is one unattended run (``newsarchive watch``): read the
  feeds, fetch new articles, re-check known ones that are due, then return.

Every page goes through :class:`Scraper.capture`: a conditional request built
from the last capture's ``ETag``/``Last-Modified``; a 304 saved as an
unchanged capture of the current version; decoding and extraction; the
quality gate (a flagged page is kept as a capture, never as a version); and
one ``Archive.save`` call, which is one transaction, so a run killed at any
moment leaves the archive consistent and the next run carries on.

Text that changes only because the extractor changed is never counted as an
edit: such a change is saved first as a capture with source ``reextract`` and
``metadata["reason"] == "extractor-changed"``, and the re-check clock ignores it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import attrs

from ..archive import Archive
from ..errors import (
    ArchiveBusyError,
    ExtractionError,
    FetchError,
    InputError,
    NotFoundError,
)
from ..fetch.decode import decode_html
from ..fetch.extract import ExtractedArticle, extract_article
from ..fetch.feeds import parse_feed
from ..fetch.http import Fetcher, FetchOptions, HttpFetcher, Response
from ..fetch.quality import QualityOptions, Verdict, assess
from ..identity import IdentityIndex
from ..models import Article, Capture, Version
from ..normalize import content_hash
from ..times import format_time, utc_now
from ..urls import canonical_url
from .config import Schedule, Source, WatchConfig

log = logging.getLogger(__name__)

SOURCE_FETCH = "fetch"
SOURCE_WATCH = "watch"
SOURCE_REEXTRACT = "reextract"
EXTRACTOR_CHANGED = "extractor-changed"
# Captures from these sources make an article "watched" (re-checked by default).
SCRAPED_SOURCES = frozenset({SOURCE_FETCH, SOURCE_WATCH, SOURCE_REEXTRACT})

Outcome = Literal["new", "changed", "unchanged", "not-modified", "flagged", "failed", "skipped"]
Origin = Literal["requested", "discovered", "listed", "due"]
ProgressCallback = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class ItemResult:
    """What happened to one URL.

    ``outcome``: ``new`` (first version), ``changed`` (new version),
    ``unchanged``, ``not-modified`` (a 304), ``flagged`` (kept as a capture
    with a quality flag), ``failed`` (nothing usable; see ``message``) or
    ``skipped`` (nothing to do).
    """

    url: str
    outcome: Outcome
    origin: Origin = "requested"
    article_url: str | None = None
    version: int | None = None
    http_status: int | None = None
    quality: str | None = None
    message: str | None = None
    title: str | None = None
    reextracted: bool = False

    @property
    def is_failure(self) -> bool:
        return self.outcome == "failed"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of this result (snake_case keys)."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class FeedResult:
    """One feed read during a watch run."""

    url: str
    entries: int = 0
    discovered: int = 0
    message: str | None = None

    @property
    def is_failure(self) -> bool:
        return self.message is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of this result."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class RunReport:
    """The outcome of one watch run."""

    started_at: datetime
    finished_at: datetime
    feeds: tuple[FeedResult, ...] = ()
    items: tuple[ItemResult, ...] = ()
    due: int = 0
    stopped: str | None = None

    @property
    def feeds_read(self) -> int:
        return sum(1 for f in self.feeds if not f.is_failure)

    @property
    def discovered(self) -> int:
        return sum(1 for i in self.items if i.origin in ("discovered", "listed"))

    @property
    def checked(self) -> int:
        return sum(1 for i in self.items if i.origin == "due")

    @property
    def unchanged(self) -> int:
        return sum(1 for i in self.items if i.outcome in ("unchanged", "not-modified"))

    @property
    def new_versions(self) -> int:
        return sum(1 for i in self.items if i.outcome in ("new", "changed"))

    @property
    def flagged(self) -> int:
        return sum(1 for i in self.items if i.outcome == "flagged")

    @property
    def failures(self) -> int:
        return sum(1 for i in self.items if i.is_failure) + sum(
            1 for f in self.feeds if f.is_failure
        )

    @property
    def has_failures(self) -> bool:
        return self.failures > 0

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of the report: counts, then every feed and item."""
        return {
            "started_at": format_time(self.started_at),
            "finished_at": format_time(self.finished_at),
            "feeds_read": self.feeds_read,
            "discovered": self.discovered,
            "due": self.due,
            "checked": self.checked,
            "unchanged": self.unchanged,
            "new_versions": self.new_versions,
            "flagged": self.flagged,
            "failures": self.failures,
            "stopped": self.stopped,
            "feeds": [f.to_dict() for f in self.feeds],
            "items": [i.to_dict() for i in self.items],
        }


# -- one page ------------------------------------------------------------------------------


@attrs.define
class Scraper:
    """Captures pages into an archive through a fetcher.

    Args:
        archive: where captures go.
        fetcher: how pages are fetched.
        quality: thresholds of the quality gate.
        source: the capture source recorded (``fetch`` or ``watch``).
    """

    archive: Archive
    fetcher: Fetcher
    quality: QualityOptions = attrs.field(factory=QualityOptions)
    source: str = SOURCE_FETCH
    # Recent articles a new URL may belong to, read once per run.
    _identity: IdentityIndex | None = attrs.field(default=None, init=False, repr=False)

    def capture(
        self,
        url: str,
        *,
        origin: Origin = "requested",
        source: Source | None = None,
    ) -> ItemResult:
        """Fetch one page and archive what it shows.

        Args:
            url: the page.
            origin: why it is fetched, reported back in the result.
            source: the configured feed or URL it belongs to (headers, boilerplate).

        Returns:
            The result; failures are results too, never exceptions.
        """
        try:
            return self._capture(url, origin=origin, source=source)
        except (FetchError, ExtractionError, InputError) as exc:
            status = exc.status if isinstance(exc, FetchError) else None
            return ItemResult(
                url=url, outcome="failed", origin=origin, http_status=status, message=str(exc)
            )

    def _capture(self, url: str, *, origin: Origin, source: Source | None) -> ItemResult:
        known = _find_article(self.archive, url)
        current = _latest(self.archive, known.url) if known else None
        captures = self.archive.captures(known.url) if known else []
        boilerplate = tuple(source.boilerplate) if source else ()
        headers = dict(source.headers) if source else {}
        if current is not None:
            headers.update(_conditional_headers(captures, current))

        response = self.fetcher.fetch(url, headers=headers)
        base_metadata: dict[str, Any] = {
            "requested_url": url,
            "redirects": [attrs.asdict(r) for r in response.redirects],
        }
        if source is not None and source.name:
            base_metadata["watch_source"] = source.name
        if boilerplate:
            base_metadata["boilerplate"] = list(boilerplate)

        if response.is_not_modified:
            if current is None or known is None:
                raise FetchError(
                    f"{url} answered 304 to an unconditional request", url=url, status=304
                )
            return self._save_not_modified(url, known, current, response, base_metadata, origin)

        html, encoding = decode_html(response.body, response.header("content-type"))
        extracted = extract_article(html, response.final_url, boilerplate=boilerplate)
        target = _filing_url(url, response, extracted, known)
        if known is None and target != url:
            log.info("filing %s under its declared canonical URL %s", url, target)
        if current is None and target != url:
            current = _latest(self.archive, target)
        verdict = assess(
            status=response.status,
            headers=response.headers,
            html=html,
            requested_url=url,
            final_url=response.final_url,
            title=extracted.title,
            text=extracted.text,
            previous_text=current.text if current else None,
            options=self.quality,
        )
        if verdict.is_good and current is None and _find_article(self.archive, target) is None:
            if self._identity is None:
                self._identity = IdentityIndex(self.archive)
            same = self._identity.find(
                target,
                text=extracted.text,
                publisher_id=extracted.page.get("publisher_id"),
                feed=source.name if source is not None else None,
                now=response.fetched_at,
            )
            if same is not None:
                log.info("filing %s as an alias of %s (same %s)", url, same.url, same.reason)
                target, current = same.url, _latest(self.archive, same.url)
        reextracted = False
        # Before calling a difference an edit, make sure it is not just a newer extractor.
        if (
            verdict.is_good
            and current is not None
            and _hash(extracted) != current.content_hash
            and _extractor_key(current.metadata) != _extractor_key(extracted.extractor)
        ):
            redone = reextract_article(self.archive, current.url)
            if redone.outcome == "changed":
                reextracted = True
                current = _latest(self.archive, current.url)

        metadata = {
            **base_metadata,
            "extractor": dict(extracted.extractor),
            "encoding": encoding,
            "site_name": extracted.site_name,
            "language": extracted.language,
            "description": extracted.description,
            "declared_canonical_url": extracted.canonical_url,
            "page": dict(extracted.page) or None,
        }
        if not verdict.is_good:
            metadata["quality_reason"] = verdict.reason
        metadata = {k: v for k, v in metadata.items() if v is not None}
        result = self.archive.save(
            url,
            text=extracted.text,
            html=html,
            title=extracted.title,
            byline=extracted.byline,
            # After a re-extraction, this capture must come later in the timeline.
            captured_at=utc_now() if reextracted else response.fetched_at,
            published_at=extracted.published_at,
            modified_at=extracted.modified_at,
            metadata=metadata,
            canonical_url=target if verdict.is_good and target != url else None,
            source=self.source,
            fetched_url=response.final_url,
            http_status=response.status,
            http_headers=response.headers,
            quality=verdict.flag,
        )
        if self._identity is not None and result.is_new_version and current is None:
            self._identity.add(result.capture.url)
        return _result(
            url,
            origin,
            result.capture,
            result.version,
            result.is_new_version,
            verdict,
            response.status,
            extracted.title,
            reextracted,
        )

    def _save_not_modified(
        self,
        url: str,
        known: Article,
        current: Version,
        response: Response,
        metadata: dict[str, Any],
        origin: Origin,
    ) -> ItemResult:
        metadata = {
            **metadata,
            "not_modified": True,
            "extractor": dict(current.metadata.get("extractor", {})),
        }
        result = self.archive.save(
            known.url,
            text=current.text,
            title=current.title,
            byline=current.byline,
            captured_at=response.fetched_at,
            published_at=current.published_at,
            modified_at=current.modified_at,
            metadata=metadata,
            source=self.source,
            fetched_url=response.final_url,
            http_status=304,
            http_headers=response.headers,
        )
        return ItemResult(
            url=url,
            outcome="not-modified",
            origin=origin,
            article_url=result.capture.url,
            version=result.version.number if result.version else None,
            http_status=304,
            title=current.title,
        )


def _result(
    url: str,
    origin: Origin,
    capture: Capture,
    version: Version | None,
    is_new_version: bool,
    verdict: Verdict,
    status: int,
    title: str | None,
    reextracted: bool,
) -> ItemResult:
    outcome: Outcome
    if not verdict.is_good:
        outcome = "failed" if verdict.is_failure else "flagged"
    elif is_new_version:
        outcome = "new" if version is not None and version.number == 1 else "changed"
    else:
        outcome = "unchanged"
    return ItemResult(
        url=url,
        outcome=outcome,
        origin=origin,
        article_url=capture.url,
        version=version.number if version else None,
        http_status=status,
        quality=verdict.flag,
        message=verdict.reason,
        title=title,
        reextracted=reextracted,
    )


def _find_article(archive: Archive, url: str) -> Article | None:
    try:
        return archive.article(url)
    except NotFoundError:
        return None


def _latest(archive: Archive, url: str) -> Version | None:
    try:
        return archive.get(url)
    except NotFoundError:
        return None


def _hash(extracted: ExtractedArticle) -> str:
    return content_hash(
        text=extracted.text,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        page=extracted.page,
    )


def _extractor_key(info: Mapping[str, Any]) -> Any:
    extractor = info.get("extractor", info)
    if not isinstance(extractor, Mapping):
        return None
    return (
        extractor.get("name"),
        extractor.get("version"),
        repr(extractor.get("options")),
        repr(extractor.get("dates")),
        repr(extractor.get("boilerplate")),
        extractor.get("page_reader"),
    )


def _conditional_headers(captures: Sequence[Capture], current: Version) -> dict[str, str]:
    for capture in reversed(captures):
        if capture.version_id != current.id or capture.quality is not None:
            continue
        if capture.http_status not in (200, 304):
            continue
        found = {k.lower(): v for k, v in capture.http_headers}
        headers = {}
        if "etag" in found:
            headers["If-None-Match"] = found["etag"]
        if "last-modified" in found:
            headers["If-Modified-Since"] = found["last-modified"]
        if headers:
            return headers
    return {}


def _same_site(a: str, b: str) -> bool:
    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name.removeprefix("www.")

    return host(a) == host(b) and bool(host(a))


def _filing_url(
    url: str, response: Response, extracted: ExtractedArticle, known: Article | None
) -> str:
    """Where to file the page: the known article, else its canonical URL, else where it landed."""
    if known is not None:
        return known.url
    final = response.final_url
    declared = extracted.canonical_url
    if declared and _same_site(declared, final):
        declared_home = urlsplit(declared).path in ("", "/")
        if not declared_home or urlsplit(final).path in ("", "/"):
            return declared
    return final


# -- reextract -----------------------------------------------------------------------------


def reextract_article(
    archive: Archive, url: str, *, quality: QualityOptions | None = None
) -> ItemResult:
    """Re-run the current extractor over the raw HTML behind an article's current version.

    A different result is saved as a capture with source ``reextract`` and
    ``metadata["reason"] = "extractor-changed"``; an equal one saves nothing.

    Args:
        archive: the archive.
        url: the article (any of its URLs).
        quality: thresholds; a re-extraction that fails the gate is not saved.

    Returns:
        ``changed``, ``unchanged``, ``flagged``, ``skipped`` (no stored HTML)
        or ``failed``.
    """
    try:
        current = archive.get(url)
        captures = archive.captures(url)
    except NotFoundError as exc:
        return ItemResult(url=url, outcome="failed", message=str(exc))
    basis = next(
        (
            c
            for c in reversed(captures)
            if c.version_id == current.id and c.quality is None and c.html_hash is not None
        ),
        None,
    )
    if basis is None:
        return ItemResult(
            url=url,
            outcome="skipped",
            article_url=current.url,
            version=current.number,
            message="no stored HTML for this version",
        )
    html = archive.raw_html(basis) or ""
    boilerplate = tuple(basis.metadata.get("boilerplate", ()))
    try:
        extracted = extract_article(html, basis.fetched_url or current.url, boilerplate=boilerplate)
    except ExtractionError as exc:
        return ItemResult(url=url, outcome="failed", article_url=current.url, message=str(exc))
    if _hash(extracted) == current.content_hash:
        return ItemResult(
            url=url,
            outcome="unchanged",
            article_url=current.url,
            version=current.number,
            title=current.title,
        )
    verdict = assess(
        status=200,
        html=html,
        requested_url=current.url,
        final_url=current.url,
        title=extracted.title,
        text=extracted.text,
        previous_text=current.text,
        options=quality,
    )
    if not verdict.is_good:
        return ItemResult(
            url=url,
            outcome="flagged",
            article_url=current.url,
            version=current.number,
            quality=verdict.flag,
            message=verdict.reason,
        )
    metadata = {
        k: v
        for k, v in basis.metadata.items()
        if k not in ("extractor", "quality_reason", "not_modified")
    }
    metadata.update(
        {
            "reason": EXTRACTOR_CHANGED,
            "extractor": dict(extracted.extractor),
            "previous_extractor": dict(current.metadata.get("extractor", {})),
            "reextracted_capture": basis.id,
            "page": dict(extracted.page),
        }
    )
    result = archive.save(
        current.url,
        text=extracted.text,
        html=html,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        metadata=metadata,
        source=SOURCE_REEXTRACT,
        fetched_url=basis.fetched_url,
        http_status=basis.http_status,
        http_headers=basis.http_headers,
    )
    return ItemResult(
        url=url,
        outcome="changed" if result.is_new_version else "unchanged",
        article_url=result.capture.url,
        version=result.version.number if result.version else None,
        title=extracted.title,
    )


def reextract(
    archive: Archive,
    urls: Iterable[str] | None = None,
    *,
    quality: QualityOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[ItemResult]:
    """Re-extract the current version of the given articles (default: all).

    Args:
        archive: the archive.
        urls: articles to redo; None for every article with a version.
        quality: thresholds for the quality gate.
        on_progress: called as ``(done, total)``.

    Returns:
        One result per article.
    """
    targets = (
        list(urls) if urls is not None else [a.url for a in archive.articles() if a.version_count]
    )
    results = []
    for done, url in enumerate(targets, 1):
        results.append(reextract_article(archive, url, quality=quality))
        if on_progress:
            on_progress(done, len(targets))
    return results


# -- fetch ---------------------------------------------------------------------------------


def fetch_pages(
    archive: Archive,
    urls: Iterable[str],
    *,
    fetcher: Fetcher | None = None,
    options: FetchOptions | None = None,
    quality: QualityOptions | None = None,
    boilerplate: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[ItemResult]:
    """Fetch pages now and archive them, each URL once, in the order given.

    Args:
        archive: the archive.
        urls: the pages.
        fetcher: how to fetch (default: an :class:`HttpFetcher` with ``options``).
        options: politeness and limits for the default fetcher.
        quality: thresholds for the quality gate.
        boilerplate: extra patterns of lines to drop from the text.
        headers: extra request headers.
        on_progress: called as ``(done, total)``.

    Returns:
        One result per distinct URL; failures are results, not exceptions.

    Raises:
        MissingDependencyError: the ``scrape`` extra is not installed.
    """
    targets = _unique(urls)
    source = Source(
        url="", kind="url", name="", boilerplate=tuple(boilerplate), headers=dict(headers or {})
    )
    own = fetcher is None
    active = fetcher if fetcher is not None else HttpFetcher(options)
    scraper = Scraper(archive, active, quality or QualityOptions(), SOURCE_FETCH)
    try:
        results = []
        for done, url in enumerate(targets, 1):
            results.append(scraper.capture(url, source=source))
            if on_progress:
                on_progress(done, len(targets))
        return results
    finally:
        if own:
            active.close()


def _unique(urls: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for url in urls:
        key = _key(url)
        if key not in seen:
            seen.add(key)
            unique.append(url)
    return unique


def _key(url: str) -> str:
    try:
        return canonical_url(url)
    except InputError:
        return url


# -- watch ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Due:
    """A known article due for a re-check: ``overdue_seconds`` past its next check time."""

    url: str
    overdue_seconds: float
    interval_seconds: float


def next_check_interval(
    schedule: Schedule, *, last_changed_at: datetime, now: datetime
) -> float | None:
    """Return the re-check interval for an article, or None once it is no longer watched.

    Args:
        schedule: the tiers.
        last_changed_at: when its content last changed (its first capture if never).
        now: the current time.
    """
    return schedule.interval(max(0.0, (now - last_changed_at).total_seconds()))


def due_articles(
    archive: Archive, schedule: Schedule, *, now: datetime, recheck: str = "watched"
) -> Iterator[Due]:
    """Yield the known articles due for a re-check, most overdue first.

    The clock is the time since the content last changed; a change that came
    only from a new extractor (source ``reextract``) does not reset it.

    Args:
        archive: the archive.
        schedule: the tiers.
        now: the current time.
        recheck: ``watched`` (articles captured by fetch or watch), ``all`` or ``none``.
    """
    if recheck == "none":
        return
    candidates = []
    for article in archive.articles():
        due = _due(
            schedule,
            article.last_changed_at or article.first_captured_at,
            article.last_captured_at,
            now,
        )
        if due is not None:
            candidates.append((article.url, due))
    # Most overdue first; the URL breaks ties so runs are repeatable.
    candidates.sort(key=lambda item: (-item[1][0], item[0]))
    for url, _ in candidates:
        # Captures are read only for candidates: the cheap test above can only over-select.
        captures = archive.captures(url)
        if recheck == "watched" and not any(c.source in SCRAPED_SOURCES for c in captures):
            continue
        changed = _last_newsroom_change(captures)
        due = _due(schedule, changed, captures[-1].captured_at if captures else None, now)
        if due is not None:
            yield Due(url=url, overdue_seconds=due[0], interval_seconds=due[1])


def _due(
    schedule: Schedule, changed: datetime | None, checked: datetime | None, now: datetime
) -> tuple[float, float] | None:
    if changed is None or checked is None:
        return None
    interval = next_check_interval(schedule, last_changed_at=changed, now=now)
    if interval is None:
        return None
    overdue = (now - checked).total_seconds() - interval
    return (overdue, interval) if overdue >= 0 else None


def _last_newsroom_change(captures: Sequence[Capture]) -> datetime | None:
    last: datetime | None = None
    previous: str | None = None
    for capture in captures:
        if capture.quality is not None:
            continue
        if capture.source == SOURCE_REEXTRACT:
            # Same page, new reading: the new hash is the baseline, not an edit.
            previous = capture.content_hash
            continue
        if capture.content_hash != previous:
            last = capture.captured_at
            previous = capture.content_hash
    if last is None and captures:
        return captures[0].captured_at
    return last


@contextlib.contextmanager
def run_lock(archive: Archive, *, wait: bool, name: str = "watch") -> Iterator[None]:
    """Hold the archive's run lock, so two runs never overlap.

    For an archive directory the lock is ``<dir>/<name>.lock`` (``flock``),
    released by the kernel if the process dies.

    Args:
        archive: the archive.
        wait: block until the other run ends, instead of failing at once.
        name: which lock.

    Raises:
        ArchiveBusyError: another run holds the lock and ``wait`` is False.
    """
    path = _lock_path(archive.location, name)
    if path is None:
        yield
        return
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise ArchiveBusyError(
                f"another {name} run is using the archive {archive.location}; "
                "it was left alone (use --wait to queue behind it)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def _lock_path(location: str, name: str) -> Path | None:
    if location == ":memory:":
        return None
    directory = Path(location)
    if directory.is_dir():
        return directory / f"{name}.lock"
    # A database server: serialise runs on this machine.
    digest = hashlib.sha256(location.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newsarchive-{digest}-{name}.lock"


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
    discovered = 0
    for entry in entries:
        if not feed.accepts(entry.url):
            continue
        if _find_article(archive, entry.url) is not None:
            continue
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
