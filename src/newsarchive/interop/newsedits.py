"""Import a NewsEdits-style dump: a SQLite table of article versions.

The NewsEdits corpus (Spangher et al., 2022) and the NewsSniffer and DiffEngine
databases it was built from keep one row per version of an article: an entry id, a
version number, the URL, the title, the text and the time it was seen. Each row becomes
a capture at its time, source ``newsedits``; an entry keeps one article (the URL of its
first version) whatever URLs its versions had, the others kept as aliases.

Column names vary between dumps; the usual ones are found (``entry_id``, ``version``,
``url``, ``title``, ``summary``/``text``/``body``, ``created``/``time``...). Text with
HTML paragraphs (``<p>…</p>``) is turned into paragraphs of plain text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..archive import CaptureRecord
from ..errors import InputError
from ..storage.plaindb import read_table, table_names
from ..times import parse_time

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = ["NewsEditsReport", "import_newsedits"]

SOURCE = "newsedits"
DEFAULT_TABLE = "entryversion"
BATCH_CAPTURES = 500
# Each field's column, by the names dumps use, tried in order.
_COLUMNS = {
    "source": ("source",),
    "entry_id": ("entry_id", "entryId", "article_id"),
    "version": ("version", "version_num"),
    "url": ("url",),
    "title": ("title",),
    "text": ("summary", "text", "body"),
    "time": ("created", "time", "captured_at", "timestamp_utc"),
}
_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"</?p\b[^>]*>|<br\s*/?>", re.IGNORECASE)


@attrs.frozen(kw_only=True)
class NewsEditsReport:
    """What an import did: rows read, captures and versions added, rows that failed."""

    rows: int
    captures_added: int
    versions_added: int
    unchanged: int
    problems: tuple[tuple[str, str], ...]  # (entry id and version, reason)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_newsedits(
    archive: Archive,
    path: str | Path,
    *,
    table: str | None = None,
    analyse: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> NewsEditsReport:
    """Import every row of a NewsEdits-style table as a capture.

    Runs in constant memory; importing the same dump again adds nothing.

    Args:
        archive: the archive to save into.
        path: the SQLite file.
        table: the table of versions (default ``entryversion``, else the only table).
        analyse: compute the change analysis of new versions as they are saved.
        on_progress: called with the rows read so far, after each batch.

    Returns:
        Counts, and each row that could not be imported with the reason.

    Raises:
        StorageError: the file is not a SQLite database, or lacks the table.
        InputError: the table has no entry id, URL, text or time column.
    """
    wanted = [name for names in _COLUMNS.values() for name in names]
    file = Path(path)
    if table is None and DEFAULT_TABLE in table_names(file):
        table = DEFAULT_TABLE
    found, rows = read_table(file, table, wanted, order_by=("source", "entry_id", "version"))
    where = {
        field: next((n for n in names if n in found), None) for field, names in _COLUMNS.items()
    }
    missing = [f for f in ("entry_id", "url", "text", "time") if where[f] is None]
    if missing:
        raise InputError(f"{file} has no column for the {', '.join(missing)} of each version")
    index = {field: found.index(name) for field, name in where.items() if name is not None}
    state = _Importer(archive, analyse)
    for row in rows:
        state.add({field: row[i] for field, i in index.items()})
        if len(state.batch) >= BATCH_CAPTURES:
            state.flush()
            if on_progress:
                on_progress(state.rows)
    state.flush()
    if on_progress:
        on_progress(state.rows)
    return NewsEditsReport(
        rows=state.rows,
        captures_added=state.counts["captures_added"],
        versions_added=state.counts["versions_added"],
        unchanged=state.counts["unchanged"],
        problems=tuple(state.problems),
    )


class _Importer:
    def __init__(self, archive: Archive, analyse: bool) -> None:
        self.archive = archive
        self.analyse = analyse
        self.rows = 0
        self.batch: list[CaptureRecord] = []
        self.counts = {"captures_added": 0, "versions_added": 0, "unchanged": 0}
        self.problems: list[tuple[str, str]] = []
        # The entry being read (rows come entry by entry) and its article's URL.
        self.entry: tuple[Any, Any] | None = None
        self.article: str | None = None

    def add(self, row: dict[str, Any]) -> None:
        self.rows += 1
        label = f"{row['entry_id']} v{row.get('version')}"
        entry = (row.get("source"), row["entry_id"])
        if entry != self.entry:
            self.entry, self.article = entry, None
        try:
            url = _required_text(row["url"], "URL")
            captured_at = parse_time(_required_text(row["time"], "time"), what="time")
            info = {"entry_id": row["entry_id"], "version": row.get("version")}
            if row.get("source") is not None:
                info["source"] = row["source"]
            record = self.archive.prepare(
                url,
                canonical_url=self.article or url,
                text=_plain_text(row["text"]),
                title=row.get("title") or None,
                captured_at=captured_at,
                source=SOURCE,
                metadata={SOURCE: info},
            )
        except (InputError, TypeError) as exc:
            self.problems.append((label, str(exc)))
            return
        self.article = self.article or record.url
        self.batch.append(record)

    def flush(self) -> None:
        if not self.batch:
            return
        for outcome in self.archive.ingest(self.batch, analyse=self.analyse):
            self.counts["captures_added" if outcome.is_new_capture else "unchanged"] += 1
            self.counts["versions_added"] += outcome.is_new_version
        self.batch.clear()


def _required_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"no {what}")
    return value


def _plain_text(value: Any) -> str:
    """The version's text; HTML paragraphs become paragraphs of plain text."""
    if value is None:
        raise InputError("no text")
    text = str(value)
    if "<" not in text:
        return text
    parts = (_TAG.sub("", part) for part in _PARAGRAPH.split(text))
    return "\n\n".join(p.strip() for p in (html.unescape(p) for p in parts) if p.strip())
