"""A plain SQLite database of flat tables, for tools that read SQLite as it is.

Unlike the archive's own store, nothing here is compressed or encoded: text is text,
times are ISO 8601 UTC strings, lists and documents are JSON. Datasette, sqlite-utils and
any SQLite client open it as is; ``<table>_fts`` is an FTS5 index over a table's text
columns, in the layout Datasette and sqlite-utils look for (``content=<table>``).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import StorageError
from ..times import format_time, from_micros

__all__ = ["plain_rows", "read_table", "table_names", "write_plain_database"]

_SQL_TYPES = {
    "string": "TEXT",
    "int": "INTEGER",
    "bool": "INTEGER",
    "timestamp": "TEXT",
    "strings": "TEXT",
    "json": "TEXT",
    "text": "TEXT",
}
# Indexed columns, and the columns full-text search covers, per table (where present).
_INDEXES = (("url",), ("url", "version"), ("version_id",), ("site",), ("captured_at",))
_SEARCHED = {"versions": ("title", "text")}


def write_plain_database(
    path: Path,
    tables: Mapping[str, Sequence[tuple[str, str]]],
    batches: Iterable[Mapping[str, Sequence[Sequence[Any]]]],
) -> dict[str, int]:
    """Create a database of ``tables`` at ``path`` and fill it from ``batches``.

    Args:
        path: the file to write; replaced once the new one is complete.
        tables: each table's columns as (name, type) pairs; types are ``string``,
            ``int``, ``bool``, ``timestamp``, ``strings`` and ``json``.
        batches: rows per table, as tuples in column order, made plain by
            :func:`plain_rows`.

    Returns:
        Rows written per table.

    Raises:
        StorageError: the file could not be written.
    """
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    counts = dict.fromkeys(tables, 0)
    try:
        db = sqlite3.connect(partial, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # a new file, moved into place at the end
            db.execute("PRAGMA synchronous = OFF")
            for name, columns in tables.items():
                spec = ", ".join(f'"{c}" {_SQL_TYPES[t]}' for c, t in columns)
                db.execute(f'CREATE TABLE "{name}" ({spec})')
            for batch in batches:
                db.execute("BEGIN")
                for name, rows in batch.items():
                    if rows:
                        columns = tables[name]
                        marks = ", ".join("?" * len(columns))
                        db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
                        counts[name] += len(rows)
                db.execute("COMMIT")
            _index(db, tables)
        finally:
            db.close()
        partial.replace(path)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot write {path}: {exc}") from None
    return counts


def _index(db: sqlite3.Connection, tables: Mapping[str, Sequence[tuple[str, str]]]) -> None:
    for name, columns in tables.items():
        present = {c for c, _ in columns}
        for index in _INDEXES:
            if set(index) <= present and not (name == "articles" and index == ("url",)):
                db.execute(
                    f'CREATE INDEX "{name}_by_{"_".join(index)}" ON "{name}" ({", ".join(index)})'
                )
        if name == "articles" and "url" in present:
            db.execute('CREATE UNIQUE INDEX "articles_by_url" ON "articles" (url)')
        searched = _SEARCHED.get(name)
        if searched and set(searched) <= present:
            fts = f"{name}_fts"
            db.execute(
                f'CREATE VIRTUAL TABLE "{fts}" USING fts5({", ".join(searched)}, content="{name}")'
            )
            db.execute(f'INSERT INTO "{fts}" ("{fts}") VALUES (\'rebuild\')')


def plain_rows(
    tables: Mapping[str, Sequence[tuple[str, str]]],
    columns: Mapping[str, Sequence[Sequence[Any]]],
    *,
    text: Callable[[bytes], str] = bytes.decode,
) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows as SQLite stores them, from its values column by column.

    Times (microseconds since the epoch, or datetimes) become ISO 8601 UTC text, lists
    JSON arrays, booleans 0 or 1; None stays NULL.

    Args:
        tables: each table's columns as (name, type) pairs.
        columns: each table's values, one sequence per column in ``tables`` order.
        text: turns a ``text`` column's bytes into its string.

    Returns:
        Each table's rows, as tuples in column order.
    """
    plain: dict[str, list[tuple[Any, ...]]] = {}
    for name, values in columns.items():
        converted = [
            _plain_column(column, kind, text)
            for column, (_, kind) in zip(values, tables[name], strict=True)
        ]
        plain[name] = list(zip(*converted, strict=True))
    return plain


def _plain_column(values: Sequence[Any], kind: str, text: Callable[[bytes], str]) -> Sequence[Any]:
    if kind == "timestamp":
        return [
            format_time(from_micros(v)) if isinstance(v, int)
            else format_time(v) if isinstance(v, datetime) else v
            for v in values
        ]  # fmt: skip
    if kind == "text":
        return [None if v is None else text(v) for v in values]
    if kind == "strings":
        return [None if v is None else json.dumps(list(v), ensure_ascii=False) for v in values]
    if kind == "bool":
        return [None if v is None else int(bool(v)) for v in values]
    return values


def table_names(path: Path) -> list[str]:
    """The tables of a SQLite database.

    Raises:
        StorageError: the file is not a SQLite database.
    """
    try:
        with contextlib.closing(_connect_read_only(path)) as db:
            return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.Error as exc:
        raise StorageError(f"cannot read {path}: {exc}") from None


def read_table(
    path: Path, table: str | None, columns: Sequence[str], *, order_by: Sequence[str] = ()
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The rows of one table of a plain SQLite database, streamed.

    Args:
        path: the database file (opened read-only).
        table: the table; None for the database's only table.
        columns: the columns wanted; those the table lacks are left out.
        order_by: columns to sort by, where present.

    Returns:
        The columns found (in the order asked), and an iterator over their rows, which
        opens the database when first read and closes it when done.

    Raises:
        StorageError: the file is not a SQLite database, or has no such table.
    """
    names = table_names(path)
    if table is None:
        if len(names) != 1:
            raise StorageError(f"{path} has {len(names)} tables: name the one to read")
        table = names[0]
    if table not in names:
        raise StorageError(f"{path} has no table {table!r} (it has {', '.join(names) or 'none'})")
    with contextlib.closing(_connect_read_only(path)) as db:
        present = {r[1] for r in db.execute(f"PRAGMA table_info({_quoted(table)})")}
    found = [c for c in columns if c in present]
    order = [c for c in order_by if c in present]
    query = f"SELECT {', '.join(map(_quoted, found))} FROM {_quoted(table)}"
    if order:
        query += " ORDER BY " + ", ".join(map(_quoted, order))

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            with contextlib.closing(_connect_read_only(path)) as db:
                yield from db.execute(query)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read {path}: {exc}") from None

    return found, rows()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
