"""The embedded store: one SQLite database in WAL mode inside the archive directory."""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import SchemaError, StorageError
from ..times import to_micros, utc_now
from . import Store, _migrations, open_store
from ._sql import SQLStore

DATABASE_NAME = "newsarchive.db"
# Long enough for a concurrent writer's batch; a save itself takes milliseconds.
BUSY_TIMEOUT_MS = 60_000
# The write-ahead log shrinks back to this after each checkpoint: a bulk import's large
# transactions would otherwise leave it at its high-water mark, as big as the archive.
WAL_LIMIT_BYTES = 4 * 1024 * 1024
PAGE_SIZE = 8192
# An archive at least this large, that a process has at least doubled, is rewritten
# compactly when the process closes it (see ``close``).
COMPACT_MIN_BYTES = 1024 * 1024
COMPACT_GROWTH = 2
# How long closing waits for another writer before it leaves the compacting for later.
COMPACT_WAIT_MS = 1000


class SQLiteStore(SQLStore):
    """A SQLite archive at ``directory/newsarchive.db``; ``:memory:`` keeps it in memory.

    An archive this process cannot write (a read-only file, directory or disk) is opened
    read-only: everything that reads works, and a save is a StorageError saying why.
    """

    read_only = False
    #: Pages the database had when this process opened it (None: never compacted).
    _pages_at_open: int | None = None

    def __init__(self, directory: Path, *, create: bool = True) -> None:
        super().__init__()
        memory = str(directory) == ":memory:"
        if memory:
            path = ":memory:"
        else:
            if directory.exists() and not directory.is_dir():
                raise StorageError(f"archive location {directory} is not a directory")
            if not create and not (directory / DATABASE_NAME).is_file():
                raise StorageError(f"no archive at {directory}: nothing has been saved there")
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot create archive directory {directory}: {exc.strerror}"
                ) from None
            path = str(directory / DATABASE_NAME)
        self.location = str(directory)
        if not memory and _is_read_only(directory / DATABASE_NAME):
            self._open_read_only(directory / DATABASE_NAME)
            return
        try:
            self._conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Taken only by a database still empty. Keyframes of a few KB leave a quarter
            # of 4 KB pages empty; 8 KB pages halve that (0.4 MB less on 10,000 versions).
            self._conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            if not memory:
                self._use_wal()
                self._conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
            if not memory:
                self._pages_at_open = self._page_count()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot open archive {path}: {exc}") from None

    def _open_read_only(self, path: Path) -> None:
        """Open a database this process cannot write, without touching it."""
        self.read_only = True
        uri = path.resolve().as_uri()
        try:
            self._conn = sqlite3.connect(
                f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
            try:
                self._schema_version()
            except sqlite3.OperationalError:
                # A WAL database whose directory cannot take the shared-memory file: read
                # it as a file nobody writes, which is what a read-only archive is. Not
                # with a write-ahead log left behind: reading without it would miss the
                # captures it holds.
                self._conn.close()
                wal = path.with_name(path.name + "-wal")
                if wal.is_file() and wal.stat().st_size > 0:
                    raise StorageError(
                        f"archive {self.location} is read-only and its last writes are still"
                        f" in {wal.name}: open it once where it can be written"
                    ) from None
                self._conn = sqlite3.connect(
                    f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False
                )
            current, known = self._schema_version(), len(_migrations.SQLITE)
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot open archive {path}: {exc}") from None
        if current > known:
            raise SchemaError(
                f"archive {self.location} has schema version {current}, newer than this "
                f"newsarchive understands ({known}): upgrade newsarchive"
            )
        if current < known:
            raise StorageError(
                f"archive {self.location} is read-only and needs an upgrade this newsarchive "
                f"makes on opening (schema {current} to {known}): open it once where it can "
                "be written"
            )

    def _schema_version(self) -> int:
        row = self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row.fetchone()[0])

    def _use_wal(self) -> None:
        # Switching to WAL needs the database to itself, and SQLite answers "locked" at
        # once, without waiting, while another process is creating or switching it too
        # (two cron jobs starting on a fresh archive): wait for it here instead.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        delay = 0.005
        while True:
            try:
                if self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                    return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql, params)

    @contextmanager
    def _write(self, lock_keys: Sequence[str]) -> Iterator[None]:
        if self.read_only:
            raise StorageError(
                f"archive {self.location} is read-only: this process cannot write it"
            )
        # BEGIN IMMEDIATE takes the database's write lock up front, so two processes
        # saving at once queue instead of both reading a stale "latest version".
        with self._failures_as_errors(), self._transaction("BEGIN IMMEDIATE"):
            yield

    @contextmanager
    def _read(self) -> Iterator[None]:
        with self._failures_as_errors(), self._transaction("BEGIN"):
            yield

    @contextmanager
    def _failures_as_errors(self) -> Iterator[None]:
        """A damaged file, a full disk or an I/O error is a StorageError naming the archive.

        The transaction it struck is rolled back, so nothing already archived changes.
        """
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(f"archive {self.location} cannot be used: {exc}") from exc

    def _begin(self, statement: str) -> None:
        try:
            self._conn.execute(statement)
        except sqlite3.OperationalError as exc:
            raise StorageError(f"archive {self.location} is unavailable: {exc}") from None

    def _rollback(self) -> None:
        # SQLite rolls back by itself after some errors (a full disk, an I/O error).
        with suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")

    def _migrate(self) -> None:
        # A migration may rebuild a table other tables refer to (drop it, rename its
        # copy): with the references checked, dropping it would fail. The pragma takes
        # effect only outside a transaction.
        self._conn.execute("PRAGMA foreign_keys = OFF")
        try:
            applied = self._apply_migrations()
        finally:
            self._conn.execute("PRAGMA foreign_keys = ON")
        if applied & _migrations.REBUILDS and applied != set(range(1, len(_migrations.SQLITE) + 1)):
            # The copies left the old tables' pages free: a third of the file. Return them,
            # as an upgrade should not grow the archive; a busy archive keeps them for now.
            with suppress(sqlite3.Error):
                self._conn.execute("VACUUM")

    def _apply_migrations(self) -> set[int]:
        """Apply the migrations this archive lacks; returns their numbers."""
        with self._transaction("BEGIN IMMEDIATE"):
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"
            )
            current = self._conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
            ).fetchone()[0]
            known = len(_migrations.SQLITE)
            if current > known:
                raise SchemaError(
                    f"archive {self.location} has schema version {current}, newer than this "
                    f"newsarchive understands ({known}): upgrade newsarchive"
                )
            applied = set(range(current + 1, known + 1))
            for number in sorted(applied):
                for statement in _migrations.SQLITE[number - 1]:
                    self._conn.execute(statement)
                if number in _migrations.AFTER:
                    _migrations.AFTER[number](self)
                self._conn.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (number, to_micros(utc_now())),
                )
        return applied

    def _page_count(self) -> int:
        return int(self._conn.execute("PRAGMA page_count").fetchone()[0])

    def opener(self) -> Callable[[], Store] | None:
        if self.location == ":memory:":
            return None  # nothing another connection could open
        return functools.partial(open_store, self.location, create=False)

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._compact_after_bulk_work()
        self._conn.close()

    def _compact_after_bulk_work(self) -> None:
        """Rewrite the database without its free space if this process at least doubled it.

        Pages split by inserts and by rows that grew (analyses stored after their
        versions) are left partly empty: on an import of 10,000 versions, 0.2 MB of 5.
        ``VACUUM`` packs them again. Its cost is the size of the archive, so it runs only
        after work of that size; a writer in another process keeps it for a later close.
        """
        if self._pages_at_open is None:
            return
        pages = self._page_count()
        page_size = int(self._conn.execute("PRAGMA page_size").fetchone()[0])
        if pages * page_size < COMPACT_MIN_BYTES or pages < COMPACT_GROWTH * self._pages_at_open:
            return
        self._conn.execute(f"PRAGMA busy_timeout = {COMPACT_WAIT_MS}")
        self._conn.execute("VACUUM")


def _is_read_only(database: Path) -> bool:
    """True for an existing database file this process cannot write, or whose directory
    cannot take SQLite's journal files."""
    if not database.is_file():
        return False
    return not (os.access(database, os.W_OK) and os.access(database.parent, os.W_OK))
