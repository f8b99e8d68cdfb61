"""Transactions and the queries every part runs; each backend supplies the connection."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ...errors import NotFoundError
from .. import _blobs
from .free_numbers import Rooms

ARTICLE_BY_URL = "SELECT id, url FROM articles WHERE url = ?"
ARTICLE_BY_ALIAS = (
    "SELECT a.id, a.url FROM aliases l JOIN articles a ON a.id = l.article_id WHERE l.url = ?"
)


def article_queries(url: str) -> list[tuple[str, Sequence[Any]]]:
    """The queries that find an article by one of its URLs, in the order to ask them."""
    return [(ARTICLE_BY_URL, (url,)), (ARTICLE_BY_ALIAS, (url,))]


class SQLConnection:
    """Transactions and query helpers over a DB-API connection."""

    location: str

    def __init__(self) -> None:
        self._cache = _blobs.BlobCache()
        self._depth = 0
        # Trained dictionaries by row id; forgotten on a rollback, which may take back
        # one this store wrote (and its id, for another).
        self._dictionaries: dict[int, _blobs.Dictionary] = {}
        # Rules ids by number, as analysis frames name them; forgotten alike.
        self._rules_names: dict[int, str] = {}
        # Numbers of recent strings (titles, sources...), which captures mostly repeat;
        # forgotten alike.
        self._string_ids: dict[str, int] = {}
        # What this transaction wrote that its later statements would otherwise ask the
        # server for: blobs (key to chain depth), the keyframe dictionary, capture ids
        # handed out ahead (see ``_new_capture_id``).
        self._written_blobs: dict[bytes, int] = {}
        self._written_frames: dict[bytes, _blobs.Frame] = {}
        self._article_rows: dict[str, tuple[int, str]] = {}
        # Of each article (by id) whose version rows this transaction inserted or rewrote:
        # the first number written, and the latest capture time of a version whose
        # captures it changed (see ``WrittenVersions``).
        self._versions_written: dict[int, tuple[int, int]] = {}
        # Of each article (by id) a bulk import is saving: numbers left free for the
        # versions its batch goes on to land among its versions (see ``rooms.py``);
        # the capture times and content hashes, in batch order, of its records still to
        # be saved; and which ids those would make a version of it holds.
        self._free_numbers: dict[int, Rooms] = {}
        self._upcoming: dict[int, deque[tuple[int, str]]] = {}
        self._ids_taken: dict[int, set[str]] = {}
        # Rules ids by name, as stored (rows never change once committed).
        self._rules_refs: dict[str, int] = {}
        self._keyframe_dictionary_id: int | None = None
        self._capture_ids: list[int] = []

    # -- what a backend provides -------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _begin(self, statement: str) -> None:
        """Start a transaction; a failure is a StorageError naming the archive."""
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    @contextmanager
    def _sending_ahead(self, queries: Iterable[tuple[str, Sequence[Any]]]) -> Iterator[None]:
        """Within this block, ``_ahead`` may answer these queries from a copy sent early.

        A backend with round trips to save sends them all at once; the others run each
        query when it is asked. Only ask ``_ahead`` for what the block has not written
        since: the early answer predates those writes.
        """
        yield

    def _ahead(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first row of a query, sent early if it was among ``_sending_ahead``'s."""
        return self._one(sql, params)

    def _ahead_all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row of a query, sent early if it was among ``_sending_ahead``'s."""
        return self._all(sql, params)

    def _forget_ahead(self, sql: str, params: Sequence[Any]) -> None:
        """Drop the early answer to a query that a write has since made out of date."""

    def _inserted(self, cursor: Any) -> bool:
        """Whether the insert run by ``cursor`` (one that does nothing when the row is
        there already) stored its row."""
        return bool(cursor.rowcount)

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        """One transaction; a nested call joins the outermost one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin(begin)
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._dictionaries.clear()
            self._rules_names.clear()
            self._rules_refs.clear()
            self._string_ids.clear()
            self._forget_transaction()
            self._rollback()
            raise
        self._depth = 0
        self._forget_transaction()
        self._execute("COMMIT")

    def _forget_transaction(self) -> None:
        # Another writer may change any of these once the transaction ends.
        self._written_blobs.clear()
        self._written_frames.clear()
        self._article_rows.clear()
        self._versions_written.clear()
        self._free_numbers.clear()
        self._upcoming.clear()
        self._ids_taken.clear()
        self._keyframe_dictionary_id = None
        self._capture_ids.clear()

    def _wrote_version(self, article_id: int, number: int, until: int | None) -> None:
        """Note that the version row ``number`` of the article was inserted or rewritten;
        ``until``: its latest capture time, if its captures changed (not only its number)."""
        first, latest = self._versions_written.get(article_id, (number, -1))
        self._versions_written[article_id] = min(first, number), max(latest, until or -1)

    def _new_capture_id(self) -> int | None:
        """A row id for a capture about to be inserted, None to let the insert pick one.

        Where a statement's result costs a round trip (a server), ids handed out ahead
        let a capture's insert go out with the next statement instead of on its own.
        """
        return None

    def _new_string_id(self) -> int | None:
        """A row id for a string about to be stored, None to let the insert pick one
        (see ``_new_capture_id``)."""
        return None

    def _new_article_id(self) -> int | None:
        """A row id for an article about to be created, None to let the insert pick one
        (see ``_new_capture_id``)."""
        return None

    def _write(self, lock_keys: Sequence[str]) -> AbstractContextManager[None]:
        """A write transaction holding the locks that serialise saves to these articles."""
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[None]:
        """A consistent read (a snapshot where the backend has them)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def schema_version(self) -> int:
        """The number of the latest schema migration applied to this archive."""
        return int(self._one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0])

    # -- helpers -----------------------------------------------------------------------

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._execute(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self._execute(sql, params).fetchall())

    def _article_row(self, url: str) -> tuple[int, str] | None:
        # Remembered for the transaction: a batch's analyses ask again for each article
        # its saves found. Only a removal (``replace_articles``) makes a row out of date.
        known = self._article_rows.get(url) if self._depth else None
        if known is not None:
            return known
        row = self._ahead(ARTICLE_BY_URL, (url,))
        if row is None:
            row = self._ahead(ARTICLE_BY_ALIAS, (url,))
        if row is None:
            return None
        found = self._article_rows[url] = (int(row[0]), str(row[1]))
        return found

    def _require_article(self, url: str) -> tuple[int, str]:
        row = self._article_row(url)
        if row is None:
            raise NotFoundError(f"no article in the archive for {url}")
        return row
