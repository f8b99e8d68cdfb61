"""Backfill an article's history from a Wayback Machine (or any CDX server with replay).

1. The CDX API lists the captures: ``/cdx/search/cdx?url=URL&output=json&collapse=digest
   &filter=statuscode:200``, so each run of identical captures is one row.
2. Each memento is fetched in its original form (the ``id_`` replay URL, no rewriting),
   decoded, extracted and saved at its original time with source ``wayback``; the archive
   places it in the timeline before later captures.

Backfill is polite and resumable: requests go through :class:`~newsarchive.fetch.http.
HttpFetcher` (one request per interval to a host, retries with backoff); mementos already
in the archive are skipped, and a payload seen before (same CDX digest) is reused rather
than fetched again. Each memento gets one result; a failure does not stop the others.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import attrs

from ..errors import (
    FetchError,
    InputError,
    NotFoundError,
    StorageError,
    describe_failure,
)
from ..fetch.decode import decode_html
from ..fetch.extract import extract_article
from ..fetch.http import Fetcher, FetchOptions, HttpFetcher
from ..models import BatchReport, Capture, Problem
from ..urls import canonical_url

if TYPE_CHECKING:
    from ..archive import Archive

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # quiet unless the application sets up logging

__all__ = [
    "DEFAULT_WAYBACK_URL",
    "BackfillReport",
    "CdxRow",
    "MementoResult",
    "backfill",
    "parse_cdx",
    "parse_timestamp",
]

DEFAULT_WAYBACK_URL = "https://web.archive.org"
SOURCE = "wayback"
_CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_TIMESTAMP = re.compile(r"^\d{4,14}$")


@attrs.frozen(kw_only=True)
class CdxRow:
    """One capture listed by a CDX server."""

    timestamp: str
    original: str
    mimetype: str | None = None
    statuscode: str | None = None
    digest: str | None = None

    @property
    def captured_at(self) -> datetime:
        return parse_timestamp(self.timestamp)


@attrs.frozen(kw_only=True)
class MementoResult:
    """What happened to one memento.

    ``status`` is ``saved`` (a new capture), ``unchanged`` (the archive had it),
    ``skipped`` (already archived by an earlier run, not fetched) or ``failed``.
    """

    timestamp: str
    memento_url: str
    status: str
    captured_at: datetime | None = None
    is_new_version: bool = False
    reason: str | None = None


@attrs.frozen(kw_only=True)
class BackfillReport(BatchReport):
    """One result per memento listed, plus the CDX lines that could not be read."""

    url: str
    results: tuple[MementoResult, ...]
    cdx_problems: tuple[Problem, ...]
    fetches: int

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def versions_added(self) -> int:
        return sum(1 for r in self.results if r.is_new_version)

    @property
    def problems(self) -> tuple[Problem, ...]:  # type: ignore[override]
        """The CDX lines that could not be read, then the mementos that failed."""
        failed = tuple(
            Problem(url=r.memento_url, message=r.reason or "failed")
            for r in self.results
            if r.status == "failed"
        )
        return self.cdx_problems + failed


def parse_timestamp(value: str) -> datetime:
    """Read a Wayback timestamp (``YYYYMMDDhhmmss``, or a prefix of it) as UTC.

    Raises:
        InputError: not 4 to 14 digits, or not a real date.
    """
    text = value.strip()
    if not _TIMESTAMP.match(text):
        raise InputError(f"bad Wayback timestamp {value!r}: expected 4 to 14 digits")
    padded = text + "0101000000"[len(text) - 4 :] if len(text) < 14 else text
    try:
        return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        raise InputError(f"bad Wayback timestamp {value!r}") from None


def parse_cdx(text: str) -> tuple[list[CdxRow], list[Problem]]:
    """Parse a CDX server answer: a JSON table, JSON lines, or space-separated lines.

    Args:
        text: the body of the answer.

    Returns:
        The rows that could be read, and a problem per line that could not.
    """
    rows: list[CdxRow] = []
    problems: list[Problem] = []
    stripped = text.strip()
    if not stripped:
        return rows, problems
    try:
        table = json.loads(stripped)
    except ValueError:
        table = None
    if isinstance(table, list):
        header: tuple[str, ...] = _CDX_FIELDS
        body: list[Any] = table
        if table and isinstance(table[0], list) and "timestamp" in table[0]:
            header, body = tuple(str(h) for h in table[0]), table[1:]
        for number, item in enumerate(body, start=2):
            _add_row(item, header, number, rows, problems)
        return rows, problems
    for number, line in enumerate(stripped.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parsed: Any
        if line.startswith(("{", "[")):
            try:
                parsed = json.loads(line)
            except ValueError:
                problems.append(Problem(file="CDX", line=number, message="not valid JSON"))
                continue
        else:
            parsed = line.split(" ")
        _add_row(parsed, _CDX_FIELDS, number, rows, problems)
    return rows, problems


def _add_row(
    item: Any, header: tuple[str, ...], number: int, rows: list[CdxRow], problems: list[Problem]
) -> None:
    if isinstance(item, list):
        if len(item) != len(header):
            problems.append(
                Problem(
                    file="CDX", line=number, message=f"{len(item)} fields, expected {len(header)}"
                )
            )
            return
        item = dict(zip(header, item, strict=True))
    if not isinstance(item, dict):
        problems.append(Problem(file="CDX", line=number, message="not a row"))
        return
    timestamp, original = (
        str(item.get("timestamp", "")),
        str(item.get("original") or item.get("url") or ""),
    )
    try:
        parse_timestamp(timestamp)
    except InputError as exc:
        problems.append(Problem(file="CDX", line=number, message=str(exc)))
        return
    if not original.startswith(("http://", "https://")):
        problems.append(Problem(file="CDX", line=number, message=f"bad original URL {original!r}"))
        return
    rows.append(
        CdxRow(
            timestamp=timestamp,
            original=original,
            mimetype=_field(item, "mimetype", "mime"),
            statuscode=_field(item, "statuscode", "status"),
            digest=_field(item, "digest"),
        )
    )


def _field(item: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = item.get(name)
        if value not in (None, "", "-"):
            return str(value)
    return None


def _wayback_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def backfill(
    archive: Archive,
    url: str,
    *,
    from_at: datetime | None = None,
    to_at: datetime | None = None,
    wayback_url: str = DEFAULT_WAYBACK_URL,
    fetcher: Fetcher | None = None,
    interval_seconds: float = 1.0,
    on_progress: Callable[[int, int], None] | None = None,
) -> BackfillReport:
    """Add an article's Wayback Machine captures to its history.

    Args:
        archive: the archive to save into.
        url: the article's URL.
        from_at, to_at: only captures in this time range (inclusive).
        wayback_url: the service's base URL (CDX API at ``/cdx/search/cdx``, replay at
            ``/web/``).
        fetcher: the HTTP client; by default an :class:`~newsarchive.fetch.http.HttpFetcher`
            waiting ``interval_seconds`` between requests.
        interval_seconds: the least time between two requests to the service.
        on_progress: called as ``on_progress(mementos_done, mementos_total)``.

    Returns:
        One result per memento listed.

    Raises:
        FetchError: the CDX API could not be queried (nothing was saved).
        InputError: ``url`` is not an http(s) URL.
        MissingDependencyError: the ``scrape`` extra is missing.
    """
    canonical_url(url)  # reject a bad URL before any request
    base = wayback_url.rstrip("/")
    own_fetcher = fetcher is None
    if fetcher is None:
        fetcher = HttpFetcher(FetchOptions(per_host_interval_seconds=interval_seconds))
    try:
        return _Backfill(archive, url, base, fetcher).run(from_at, to_at, on_progress)
    finally:
        if own_fetcher:
            fetcher.close()


class _Backfill:
    def __init__(self, archive: Archive, url: str, base: str, fetcher: Fetcher) -> None:
        self.archive = archive
        self.url = url
        self.base = base
        self.fetcher = fetcher
        self.fetches = 0
        self.known: dict[datetime, Capture] = {}
        self.by_digest: dict[str, Capture] = {}
        # CDX timestamps handled by earlier runs, redirected ones included.
        self.done: set[str] = set()

    def run(
        self,
        from_at: datetime | None,
        to_at: datetime | None,
        on_progress: Callable[[int, int], None] | None,
    ) -> BackfillReport:
        rows, problems = self._list(from_at, to_at)
        self._load_known()
        results: list[MementoResult] = []
        if on_progress:
            on_progress(0, len(rows))
        for done, row in enumerate(rows, start=1):
            results.append(self._one(row))
            if on_progress:
                on_progress(done, len(rows))
        return BackfillReport(
            url=self.url, results=tuple(results), cdx_problems=tuple(problems), fetches=self.fetches
        )

    def _list(
        self, from_at: datetime | None, to_at: datetime | None
    ) -> tuple[list[CdxRow], list[Problem]]:
        params = [
            ("url", self.url),
            ("output", "json"),
            ("collapse", "digest"),
            ("filter", "statuscode:200"),
        ]
        if from_at is not None:
            params.append(("from", _wayback_time(from_at)))
        if to_at is not None:
            params.append(("to", _wayback_time(to_at)))
        query = f"{self.base}/cdx/search/cdx?{urlencode(params)}"
        response = self.fetcher.fetch(query)
        self.fetches += 1
        if response.status != 200:
            raise FetchError(
                f"the CDX API answered {response.status} for {query}",
                url=query,
                status=response.status,
            )
        rows, problems = parse_cdx(response.body.decode("utf-8", "replace"))
        # Servers ignoring from/to or collapse still get the range and order we asked for.
        rows = [
            r
            for r in rows
            if (from_at is None or r.captured_at >= from_at.replace(microsecond=0))
            and (to_at is None or r.captured_at <= to_at)
        ]
        rows.sort(key=lambda r: r.timestamp)
        return rows, problems

    def _load_known(self) -> None:
        try:
            captures = self.archive.captures(self.url)
        except NotFoundError:
            return
        for capture in captures:
            self.known[capture.captured_at] = capture
            info = capture.metadata.get(SOURCE)
            if capture.source == SOURCE and isinstance(info, dict):
                self.done.add(str(info.get("timestamp")))
            digest = _wayback_digest(capture)
            if digest:
                self.by_digest.setdefault(digest, capture)

    def _one(self, row: CdxRow) -> MementoResult:
        memento_url = f"{self.base}/web/{row.timestamp}id_/{row.original}"
        at = row.captured_at
        existing = self.known.get(at)
        if row.timestamp in self.done or (existing is not None and existing.source == SOURCE):
            return MementoResult(
                timestamp=row.timestamp,
                memento_url=memento_url,
                status="skipped",
                captured_at=at,
                reason="already in the archive",
            )
        try:
            earlier = self.by_digest.get(row.digest or "")
            if earlier is not None:
                result = self._save_again(row, memento_url, earlier)
            else:
                result = self._fetch_and_save(row, memento_url)
        except StorageError:
            raise  # the archive itself failed: the backfill cannot go on
        except Exception as exc:  # noqa: BLE001 - one memento never ends a backfill
            log.info("backfill of %s failed: %s", memento_url, exc)
            return MementoResult(
                timestamp=row.timestamp,
                memento_url=memento_url,
                status="failed",
                captured_at=at,
                reason=describe_failure(exc),
            )
        return result

    def _save_again(self, row: CdxRow, memento_url: str, earlier: Capture) -> MementoResult:
        """The same payload was archived before: save it at this time without fetching."""
        version = next(v for v in self.archive.history(earlier.url) if v.id == earlier.version_id)
        served = self.archive.served_html(earlier)
        page: str | bytes | None = self.archive.raw_html(earlier)
        charset = None
        if served is not None and served[1] is not None:
            page, charset = served
        result = self.archive.save(
            self.url,
            text=self.archive.text_of(earlier),
            html=page,
            html_charset=charset,
            title=version.title,
            byline=version.byline,
            published_at=version.published_at,
            modified_at=version.modified_at,
            captured_at=row.captured_at,
            canonical_url=earlier.url,
            source=SOURCE,
            fetched_url=row.original,
            http_status=earlier.http_status,
            metadata=_metadata(row, memento_url, reused=True),
        )
        return self._result(row, memento_url, result)

    def _fetch_and_save(self, row: CdxRow, memento_url: str) -> MementoResult:
        response = self.fetcher.fetch(memento_url)
        self.fetches += 1
        if response.status != 200:
            raise FetchError(
                f"the memento answered {response.status}", url=memento_url, status=response.status
            )
        at, original = self._replayed(response, row)
        if at != row.captured_at:
            # The service redirected to a neighbouring capture.
            existing = self.known.get(at)
            if existing is not None and existing.source == SOURCE:
                return MementoResult(
                    timestamp=row.timestamp,
                    memento_url=memento_url,
                    status="skipped",
                    captured_at=at,
                    reason=f"redirected to {response.final_url}, already in the archive",
                )
        html, charset = decode_html(response.body, response.header("content-type"))
        article = extract_article(html, original)
        metadata = _metadata(row, memento_url, reused=False)
        if response.final_url != memento_url:
            metadata["wayback"]["replayed_url"] = response.final_url
        metadata["extractor"] = dict(article.extractor)
        result = self.archive.save(
            self.url,
            # The memento in its original form: kept as the bytes it was archived as.
            html=response.body,
            html_charset=charset,
            text=article.text if article.text.strip() else None,
            title=article.title,
            byline=article.byline,
            published_at=article.published_at,
            modified_at=article.modified_at,
            captured_at=at,
            source=SOURCE,
            fetched_url=original,
            http_status=response.status,
            http_headers=response.headers,
            metadata=metadata,
        )
        self.known[at] = result.capture
        if row.digest:
            self.by_digest.setdefault(row.digest, result.capture)
        return self._result(row, memento_url, result, at=at)

    def _replayed(self, response: Any, row: CdxRow) -> tuple[datetime, str]:
        """When and where the memento served was captured, after any redirect."""
        at = row.captured_at
        original = row.original
        match = re.search(r"/web/(\d{14})(?:[a-z]{2}_)?/(.+)$", response.final_url)
        if match:
            at, original = parse_timestamp(match.group(1)), match.group(2)
        header = response.header("memento-datetime")
        if header:
            # An unreadable header keeps the time from the URL.
            with contextlib.suppress(TypeError, ValueError):
                at = email.utils.parsedate_to_datetime(header).astimezone(UTC)
        return at, original

    def _result(
        self, row: CdxRow, memento_url: str, result: Any, at: datetime | None = None
    ) -> MementoResult:
        return MementoResult(
            timestamp=row.timestamp,
            memento_url=memento_url,
            status="saved" if result.is_new_capture else "unchanged",
            captured_at=at or row.captured_at,
            is_new_version=bool(result.is_new_version and result.is_new_capture),
        )


def _metadata(row: CdxRow, memento_url: str, *, reused: bool) -> dict[str, Any]:
    info: dict[str, Any] = {"timestamp": row.timestamp, "memento_url": memento_url}
    if row.digest:
        info["digest"] = row.digest
    if reused:
        info["reused_payload"] = True
    return {"wayback": info}


def _wayback_digest(capture: Capture) -> str | None:
    info = capture.metadata.get("wayback")
    if isinstance(info, dict) and isinstance(info.get("digest"), str):
        return str(info["digest"])
    return None
