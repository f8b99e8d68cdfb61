"""Copy a whole archive between locations, e.g. from SQLite to PostgreSQL and back.

The copy is capture by capture: each article's captures are saved in the order the
source stored them, so the destination goes through the same appends and backfills and
ends with the same versions, numbers, reverts and version ids. Raw HTML, headers,
metadata, flagged captures, aliases and stored analysis summaries come along. Saves are
idempotent, so re-running an interrupted copy skips what is already there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from ..archive import Archive, CaptureRecord
from ..errors import InputError, StorageError, describe_failure
from ..models import Capture, Problem
from ..times import format_time

__all__ = ["CopyReport", "copy_archive"]

# Captures per transaction, and a bound on the text and HTML held for one batch.
BATCH_CAPTURES = 200
BATCH_BYTES = 16 * 1024 * 1024


@attrs.frozen(kw_only=True)
class CopyReport:
    """What a copy did."""

    articles: int = 0
    captures: int = 0
    captures_added: int = 0
    versions_added: int = 0
    analyses_copied: int = 0
    # Captures the destination refused (say, stored before a check the archive now
    # makes at its door); every other capture was copied.
    problems: tuple[Problem, ...] = ()


def copy_archive(
    source: Archive,
    destination: Archive,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> CopyReport:
    """Copy every article of ``source`` into ``destination``, losslessly.

    The destination may be empty, a partial copy left by an interrupted run, or an archive
    with other articles; captures it already holds are skipped.

    Args:
        source: the archive to read.
        destination: the archive to write.
        on_progress: called with (captures done, captures in total) after each batch.

    Returns:
        Counts of what was read and what was added.

    Raises:
        InputError: source and destination are the same archive.
        StorageError: either archive could not be read or written; batches saved before
            the error stay saved, and a re-run carries on from there.
    """
    if source.location == destination.location and source.location != ":memory:":
        raise InputError(f"cannot copy archive {source.location} onto itself")
    articles = source.articles()
    total = sum(a.capture_count for a in articles)
    counts = {"captures": 0, "captures_added": 0, "versions_added": 0, "analyses_copied": 0}
    aliases = {a.url: a.aliases for a in articles}
    done = 0
    problems: list[Problem] = []
    # Each article's captures come in the order they were saved, which replays the
    # source's own history, backfills included.
    for url, group in itertools.groupby(source.iter_captures(), key=lambda c: c.url):
        for batch in _batches(source, destination, list(group), aliases.get(url, ()), problems):
            for result in destination.save_many(batch):
                counts["captures_added"] += result.is_new_capture
                counts["versions_added"] += result.is_new_version
            done += len(batch)
            counts["captures"] += len(batch)
            if on_progress:
                on_progress(done, total)
        counts["analyses_copied"] += _copy_analyses(source, destination, url)
    return CopyReport(articles=len(articles), problems=tuple(problems), **counts)


def _batches(
    source: Archive,
    destination: Archive,
    captures: list[Capture],
    aliases: tuple[str, ...],
    problems: list[Problem],
) -> Iterator[list[CaptureRecord]]:
    batch: list[CaptureRecord] = []
    size = 0
    for capture in captures:
        try:
            record = _record(source, destination, capture, aliases if not batch else ())
        except StorageError:
            raise  # an archive itself failed: the copy cannot go on
        except Exception as exc:  # noqa: BLE001 - one capture never ends a copy
            when = format_time(capture.captured_at)
            problems.append(Problem(url=capture.url, message=f"{when}: {describe_failure(exc)}"))
            continue
        batch.append(record)
        size += len(record.text) + len(record.html or "")
        if len(batch) >= BATCH_CAPTURES or size >= BATCH_BYTES:
            yield batch
            batch, size, aliases = [], 0, ()
    if batch:
        yield batch


def _record(
    source: Archive, destination: Archive, capture: Capture, aliases: tuple[str, ...]
) -> CaptureRecord:
    served = source.served_html(capture)
    html: str | bytes | None = None
    charset = None
    if served is not None:
        # A page kept as served is copied as those bytes; a re-encoded one as its text.
        html, charset = served if served[1] is not None else (source.raw_html(capture), None)
    record = destination.prepare(
        capture.url,
        text=source.text_of(capture),
        html=html,
        html_charset=charset,
        title=capture.title,
        byline=capture.byline,
        captured_at=capture.captured_at,
        published_at=capture.published_at,
        modified_at=capture.modified_at,
        metadata=capture.metadata,
        source=capture.source,
        fetched_url=capture.fetched_url,
        http_status=capture.http_status,
        http_headers=capture.http_headers,
        quality=capture.quality,
    )
    # Keep the source's own URL and content hash, so the copy groups captures into
    # versions exactly as the source did, whatever this release's normalisation says.
    changes: dict[str, Any] = {
        "url": capture.url,
        "aliases": sorted((set(record.aliases) | set(aliases)) - {capture.url}),
        "content_hash": capture.content_hash,
        # A hash this release would not give: nothing may be assumed of the content it
        # shares with other texts, so the store treats the text as one stored otherwise.
        "text_normal": record.text_normal and record.content_hash == capture.content_hash,
    }
    return attrs.evolve(record, **changes)


def _copy_analyses(source: Archive, destination: Archive, url: str) -> int:
    theirs = {v.number: v for v in source.history(url)}
    if not any(v.analysis for v in theirs.values()):
        return 0
    items: list[tuple[str, Any]] = []
    for version in destination.history(url):
        mine = theirs.get(version.number)
        if mine is not None and mine.analysis and version.analysis != mine.analysis:
            items.append((version.id, dict(mine.analysis)))
    destination.set_analyses(url, items)
    return len(items)
