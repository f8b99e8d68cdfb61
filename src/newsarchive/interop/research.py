"""The archive as four flat tables, for pandas, polars, DuckDB and Datasette.

* ``articles``: one row per article;
* ``versions``: one row per version, with its whole text and its change analysis;
* ``sentence_edits``: one row per sentence operation between consecutive versions,
  labelled with the NewsEdits actions (``addition``, ``deletion``, ``edit``,
  ``refactor``) and this package's reason codes;
* ``captures``: one row per capture, with the version it saw.

:data:`TABLES` names each table's columns and their types; ``docs/exports.md``
describes them. :func:`iter_batches` reads the archive article by article and hands out
rows in bounded batches, so the writers (:mod:`.parquet`, the plain SQLite database of
:mod:`newsarchive.storage.plaindb`) run in constant memory whatever the archive's size.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from ..analysis import segment
from ..analysis.edits import sentence_edits
from ..analysis.rules import DEFAULT_RULES, Rules
from ..models import Article, Version

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = ["TABLES", "ExportReport", "default_workers", "export_sqlite", "iter_batches"]

# Column types: string, int, bool, timestamp (UTC, microseconds), strings (a list of
# strings), json (a JSON document as a string).
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("url", "string"),
        ("aliases", "strings"),
        ("site", "string"),
        ("title", "string"),
        ("first_captured_at", "timestamp"),
        ("last_captured_at", "timestamp"),
        ("version_count", "int"),
        ("capture_count", "int"),
    ),
    "versions": (
        ("url", "string"),
        ("version", "int"),
        ("version_id", "string"),
        ("first_captured_at", "timestamp"),
        ("last_captured_at", "timestamp"),
        ("capture_count", "int"),
        ("title", "string"),
        ("byline", "string"),
        ("published_at", "timestamp"),
        ("modified_at", "timestamp"),
        ("text", "string"),
        ("significance", "string"),
        ("reasons", "strings"),
        ("stealth", "bool"),
        ("reverted_to", "int"),
        ("metadata", "json"),
    ),
    "sentence_edits": (
        ("url", "string"),
        ("version", "int"),
        ("version_id", "string"),
        ("old_version", "int"),
        ("action", "string"),
        ("reasons", "strings"),
        ("old_index", "int"),
        ("new_index", "int"),
        ("old_sentence", "string"),
        ("new_sentence", "string"),
    ),
    "captures": (
        ("url", "string"),
        ("capture_id", "int"),
        ("captured_at", "timestamp"),
        ("source", "string"),
        ("fetched_url", "string"),
        ("http_status", "int"),
        ("quality", "string"),
        ("version", "int"),
        ("version_id", "string"),
        ("metadata", "json"),
    ),
}
# Versions and captures read at a time: large enough to amortise a batch's overhead,
# small enough to bound memory.
BATCH_ROWS = 5_000
PARALLEL_MIN_VERSIONS = 5_000

Row = tuple[Any, ...]
_SURROGATE = re.compile("[\ud800-\udfff]")


@attrs.frozen(kw_only=True)
class ExportReport:
    """Rows written per table."""

    articles: int = 0
    versions: int = 0
    sentence_edits: int = 0
    captures: int = 0


def iter_batches(
    archive: Archive,
    *,
    edits: bool = True,
    workers: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, list[Row]]]:
    """Every table's rows, in batches of whole articles, as tuples in :data:`TABLES` order.

    Args:
        archive: the archive to read.
        edits: compute ``sentence_edits`` (aligning each version with the one before, the
            costliest part by far); without, that table is left empty.
        workers: processes that build rows, each reading the archive itself, while this
            one hands them out (0: build them here). A few batches at a time are in
            flight, so memory stays bounded. An archive in memory is read here.
        on_progress: called with (articles done, articles in total) after each batch.

    Returns:
        Batches mapping each table's name to its rows (a table may have none in a batch).
    """
    articles = archive.articles()
    rules = archive.rules or DEFAULT_RULES
    chunks = _chunks(articles)
    if workers > 0 and archive.location != ":memory:":
        batches = _in_workers(archive.location, rules, chunks, edits, workers)
    else:
        batches = (_rows(archive, chunk, rules, edits) for chunk in chunks)
    done = 0
    for count, batch in batches:
        done += count
        yield batch
        if on_progress:
            on_progress(done, len(articles))
    if on_progress and not articles:
        on_progress(0, 0)


def default_workers(versions: int) -> int:
    """Worker processes worth starting to export this many versions (0: none)."""
    cores = os.cpu_count() or 1
    # Below a few thousand versions, starting processes costs more than it saves.
    return 0 if versions < PARALLEL_MIN_VERSIONS or cores < 2 else min(4, cores)


def _chunks(articles: list[Article]) -> Iterator[list[Article]]:
    """Articles in groups of about ``BATCH_ROWS`` versions and captures."""
    chunk: list[Article] = []
    rows = 0
    for article in articles:
        chunk.append(article)
        rows += article.version_count + article.capture_count
        if rows >= BATCH_ROWS:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def _in_workers(
    location: str, rules: Rules, chunks: Iterator[list[Article]], edits: bool, workers: int
) -> Iterator[tuple[int, dict[str, list[Row]]]]:
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pending: deque[Future[tuple[int, dict[str, list[Row]]]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_ignore_interrupts
    ) as pool:
        try:
            for chunk in chunks:
                pending.append(pool.submit(_rows_at, location, rules, chunk, edits))
                if len(pending) > 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _ignore_interrupts() -> None:
    """Ctrl-C reaches every process of the group; the exporting one stops the export."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_opened: dict[str, Archive] = {}


def _rows_at(
    location: str, rules: Rules, articles: list[Article], edits: bool
) -> tuple[int, dict[str, list[Row]]]:
    """``_rows`` in a worker process, which opens the archive once."""
    from ..archive import Archive

    archive = _opened.get(location)
    if archive is None:
        archive = _opened[location] = Archive.open(location, create=False)
    return _rows(archive, articles, rules, edits)


def _rows(
    archive: Archive, articles: list[Article], rules: Rules, edits: bool
) -> tuple[int, dict[str, list[Row]]]:
    batch: dict[str, list[Row]] = {name: [] for name in TABLES}
    for article in articles:
        batch["articles"].append(_article_row(article))
        previous: Version | None = None
        before = None
        for version in archive.history(article.url):
            batch["versions"].append(_version_row(version))
            if not edits:
                now = None
            elif previous is not None and version.text_hash == previous.text_hash:
                now = before  # the same text (a new title or date): no sentence changed
            else:
                now = segment(version.text)
            if (
                previous is not None
                and before is not None
                and now is not None
                and now is not before
            ):
                for edit in sentence_edits(before, now, rules=rules):
                    batch["sentence_edits"].append(
                        (
                            version.url,
                            version.number,
                            version.id,
                            previous.number,
                            edit.action,
                            list(edit.reasons),
                            edit.old_index,
                            edit.new_index,
                            _text(edit.old),
                            _text(edit.new),
                        )
                    )
            previous, before = version, now
        for capture in archive.captures(article.url):
            batch["captures"].append(
                (
                    capture.url,
                    capture.id,
                    capture.captured_at,
                    capture.source,
                    capture.fetched_url,
                    capture.http_status,
                    capture.quality,
                    capture.version or None,
                    capture.version_id or None,
                    _json(capture.metadata),
                )
            )
    return len(articles), batch


def _article_row(article: Article) -> Row:
    return (
        article.url,
        list(article.aliases),
        urlsplit(article.url).hostname,
        article.title,
        article.first_captured_at,
        article.last_captured_at,
        article.version_count,
        article.capture_count,
    )


def _version_row(version: Version) -> Row:
    analysis = version.analysis or {}
    reasons = analysis.get("reasons")
    return (
        version.url,
        version.number,
        version.id,
        version.first_captured_at,
        version.last_captured_at,
        version.capture_count,
        _text(version.title),
        _text(version.byline),
        version.published_at,
        version.modified_at,
        _text(version.text),
        analysis.get("level"),
        None if reasons is None else [r["code"] for r in reasons],
        analysis.get("stealth"),
        version.reverted_to,
        _json(version.metadata),
    )


def _text(value: str | None) -> str | None:
    """The text as valid Unicode: a lone surrogate, stored as given, becomes U+FFFD."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def export_sqlite(
    archive: Archive,
    path: str | Path,
    *,
    edits: bool = True,
    workers: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write the four tables as a plain SQLite database, with full-text search.

    Readable as is by sqlite3, Datasette and sqlite-utils: text as text, times as
    ISO 8601 UTC, lists and metadata as JSON, indexes on each table's article and
    version, and an FTS5 index (``versions_fts``) over each version's title and text.
    The file is written beside ``path`` and moved into place when complete.

    Args:
        archive: the archive to read.
        path: the database file to write (replaced if it exists).
        edits: fill ``sentence_edits`` (see :func:`iter_batches`).
        workers: processes building rows (see :func:`iter_batches`).
        on_progress: called with (articles done, articles in total).

    Returns:
        Rows written per table.

    Raises:
        StorageError: the file could not be written.
    """
    from ..storage.plaindb import write_plain_database

    counts = write_plain_database(
        Path(path), TABLES, iter_batches(archive, on_progress=on_progress)
    )
    return ExportReport(**counts)
