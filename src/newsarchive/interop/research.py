"""The archive as four flat tables, for pandas, polars, DuckDB and Datasette.

* ``articles``: one row per article;
* ``versions``: one row per version, with its whole text and its change analysis;
* ``sentence_edits``: one row per sentence operation between consecutive versions,
  labelled with the NewsEdits actions (``addition``, ``deletion``, ``edit``,
  ``refactor``) and this package's reason codes;
* ``captures``: one row per capture, with the version it saw.

:data:`TABLES` names each table's columns and their types; ``docs/exports.md``
describes them. :func:`iter_batches` reads the archive article by article and hands out
columns in bounded batches, so the writers (:mod:`.parquet`, the plain SQLite database of
:mod:`newsarchive.storage.plaindb`) run in constant memory whatever the archive's size.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import re
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import attrs

from ..analysis.rules import DEFAULT_RULES, Rules
from ..models import Article
from ..storage.export_read import ExportCapture, ExportVersion, list_articles, read_articles
from ..times import to_micros
from .sentence_table import Operation, SentenceSplit, SentenceSplitter, edit_operations

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = [
    "TABLES",
    "Columns",
    "ExportReport",
    "default_workers",
    "export_sqlite",
    "iter_batches",
    "stored_text",
]

# Column types: string, int, bool, timestamp (UTC, as microseconds since the epoch),
# strings (a list of strings), json (a JSON document as a string), text (a string, given
# as the UTF-8 bytes the archive stores, which a writer takes as they are).
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
        ("text", "text"),
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
#: One batch: each table's values, column by column in :data:`TABLES` order.
Columns = dict[str, list[list[Any]]]
Built = TypeVar("Built")
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
    finish: Callable[[Columns], Built],
    *,
    edits: bool = True,
    workers: int | None = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterator[Built]:
    """Every table's values, in batches of whole articles, each passed through ``finish``.

    Args:
        archive: the archive to read.
        finish: turns a batch's :data:`Columns` into what the writer takes (Arrow
            record batches, rows for SQLite); it runs where the batch was built, so in
            the workers when there are any. A module-level function (or a partial of
            one), so that workers can be handed it.
        edits: compute ``sentence_edits`` (aligning each version with the one before, the
            costliest part by far); without, that table is left empty.
        workers: processes that build batches, each reading the archive itself, while
            this one hands them out and writes (0: build them here). A few batches at a
            time are in flight, so memory stays bounded. An archive in memory is read here.
            None: as many as the archive's size is worth (see :func:`default_workers`).
        on_progress: called with (articles done, articles in total) after each batch.

    Returns:
        The finished batches, in article order.
    """
    articles = list_articles(archive.store)
    if workers is None:
        workers = default_workers(sum(article.version_count for article in articles))
    rules = archive.rules or DEFAULT_RULES
    chunks = _chunks(articles)
    batches: Iterator[tuple[int, Built]]
    if workers > 0 and archive.location != ":memory:":
        batches = _in_workers(archive.location, rules, chunks, edits, workers, finish)
    else:
        batches = ((len(c), finish(_columns(archive, c, rules, edits))) for c in chunks)
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
    location: str,
    rules: Rules,
    chunks: Iterator[list[Article]],
    edits: bool,
    workers: int,
    finish: Callable[[Columns], Built],
) -> Iterator[tuple[int, Built]]:
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pending: deque[Future[tuple[int, Built]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_ignore_interrupts
    ) as pool:
        try:
            for chunk in chunks:
                pending.append(pool.submit(_build_at, location, rules, chunk, edits, finish))
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


def _build_at(
    location: str,
    rules: Rules,
    articles: list[Article],
    edits: bool,
    finish: Callable[[Columns], Built],
) -> tuple[int, Built]:
    """A finished batch, built in a worker process, which opens the archive once."""
    from ..archive import Archive

    archive = _opened.get(location)
    if archive is None:
        archive = _opened[location] = Archive.open(location, create=False)
    return len(articles), finish(_columns(archive, articles, rules, edits))


def _columns(archive: Archive, articles: list[Article], rules: Rules, edits: bool) -> Columns:
    batch: Columns = {name: [[] for _ in columns] for name, columns in TABLES.items()}
    read = read_articles(archive.store, [article.url for article in articles])
    for article, (url, versions, captures) in zip(articles, read, strict=True):
        for column, value in zip(batch["articles"], _article_row(article), strict=True):
            column.append(value)
        _add_versions(batch["versions"], url, versions)
        if edits:
            _add_edits(batch["sentence_edits"], url, versions, rules)
        _add_captures(batch["captures"], url, captures)
    return batch


def _add_edits(
    columns: list[list[Any]], url: str, versions: list[ExportVersion], rules: Rules
) -> None:
    """Each version's sentence operations against the one before it."""
    splitter = SentenceSplitter()
    previous: ExportVersion | None = None
    before: SentenceSplit | None = None
    for version in versions:
        # The same text (a new title or date) has no sentence operations.
        if previous is None or before is None or version.text_id != previous.text_id:
            now = splitter.split(version.text.decode("utf-8", "surrogatepass"))
            if previous is not None and before is not None:
                operations = list(edit_operations(before, now, rules))
                if operations:
                    _add_operations(columns, url, version, previous.number, operations)
            before = now
        previous = version


def _add_operations(
    columns: list[list[Any]],
    url: str,
    version: ExportVersion,
    old_version: int,
    operations: list[Operation],
) -> None:
    count = len(operations)
    actions, reasons, old_indexes, new_indexes, olds, news = zip(*operations, strict=True)
    added: tuple[Iterable[Any], ...] = (
        [url] * count,
        [version.number] * count,
        [version.id] * count,
        [old_version] * count,
        actions,
        reasons,
        old_indexes,
        new_indexes,
        map(_text, olds),
        map(_text, news),
    )
    for column, values in zip(columns, added, strict=True):
        column.extend(values)


def _add_versions(columns: list[list[Any]], url: str, versions: list[ExportVersion]) -> None:
    values: list[Iterable[Any]] = [
        [url] * len(versions),
        [v.number for v in versions],
        [v.id for v in versions],
        [v.first_captured_at for v in versions],
        [v.last_captured_at for v in versions],
        [v.capture_count for v in versions],
        [_text(v.title) for v in versions],
        [_text(v.byline) for v in versions],
        [v.published_at for v in versions],
        [v.modified_at for v in versions],
        [v.text for v in versions],
        [v.level for v in versions],
        [v.reasons for v in versions],
        [v.stealth for v in versions],
        [v.reverted_to for v in versions],
        [_json(v.metadata) for v in versions],
    ]
    for column, added in zip(columns, values, strict=True):
        column.extend(added)


def _add_captures(columns: list[list[Any]], url: str, captures: list[ExportCapture]) -> None:
    values: list[list[Any]] = [
        [url] * len(captures),
        [c.id for c in captures],
        [c.captured_at for c in captures],
        [c.source for c in captures],
        [c.fetched_url for c in captures],
        [c.http_status for c in captures],
        [c.quality for c in captures],
        [c.version or None for c in captures],
        [c.version_id or None for c in captures],
        [_json(c.metadata) for c in captures],
    ]
    for column, added in zip(columns, values, strict=True):
        column.extend(added)


def _article_row(article: Article) -> Row:
    return (
        article.url,
        list(article.aliases),
        urlsplit(article.url).hostname,
        article.title,
        _micros(article.first_captured_at),
        _micros(article.last_captured_at),
        article.version_count,
        article.capture_count,
    )


def _micros(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def stored_text(value: bytes) -> str:
    """A text as the archive stores it (UTF-8 bytes) as valid Unicode (see ``_text``)."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return _SURROGATE.sub("\ufffd", value.decode("utf-8", "surrogatepass"))


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
    workers: int | None = 0,
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
    from ..storage.plaindb import plain_rows, write_plain_database

    # Rows are made plain (times as text, lists as JSON) where they are built.
    finish = functools.partial(plain_rows, TABLES, text=stored_text)
    batches = iter_batches(archive, finish, edits=edits, workers=workers, on_progress=on_progress)
    return ExportReport(**write_plain_database(Path(path), TABLES, batches))
