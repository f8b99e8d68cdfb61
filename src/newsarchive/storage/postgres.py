"""The shared store: one PostgreSQL database written by many scraping machines at once.

Saves to the same article are serialised by transaction-scoped advisory locks on a
64-bit hash of the article's URL, taken in sorted order, so concurrent writers never
duplicate a version, lose a capture or leave a gap in the numbering. A save that still
meets a transient conflict (a deadlock, a serialization failure, a unique-key race) is
re-run as a whole; saves are idempotent, so re-running is safe.

Locations are libpq URLs; whatever they omit comes from the standard ``PG*`` environment
variables. Two extras: ``?schema=NAME`` keeps the archive in that schema (created if
missing), as does ``?options=-csearch_path%3DNAME`` with an existing schema.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from typing import Any, TypeVar
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from ..errors import SchemaError, StorageError
from ..times import to_micros, utc_now
from . import CaptureRecord, Store, _blobs, _migrations, _sql, open_store
from ._sql import SQLStore

__all__ = ["PostgresStore", "lock_key"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())  # quiet unless the application sets up logging

# Conflicts that a re-run resolves: everything they touched was rolled back.
_TRANSIENT = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.UniqueViolation)
MAX_ATTEMPTS = 12
CONNECT_TIMEOUT_SECONDS = 10

T = TypeVar("T")

# Lookups by one key that many of, sent ahead at once, are asked as one statement.
_BY_KEYS = {
    _sql.BLOB_DEPTH: "SELECT hash, depth FROM blobs WHERE hash = ANY(?)",
    _sql.ARTICLE_BY_URL: "SELECT url, id, url FROM articles WHERE url = ANY(?)",
    _sql.ARTICLE_BY_ALIAS: "SELECT l.url, a.id, a.url FROM aliases l"
    " JOIN articles a ON a.id = l.article_id WHERE l.url = ANY(?)",
    # Where each article of a batch ends: its latest capture time, and its latest version.
    _sql.STRING_ID: "SELECT value, MIN(id) FROM strings WHERE value = ANY(?) GROUP BY value",
    _sql.LAST_CAPTURE: "SELECT article_id, MAX(captured_at) FROM captures"
    " WHERE article_id = ANY(?) GROUP BY article_id",
    _sql.LATEST: "SELECT DISTINCT ON (v.article_id) v.article_id, v.number,"
    f" {_sql.CONTENT_HASH}, {_sql.LAST_CAPTURED_AT}, b.hash, b.depth,"
    " COALESCE(c.same_content_as, c.id)"
    " FROM versions v JOIN captures c ON c.id = v.capture_id JOIN blobs b ON b.id = c.text_id"
    " WHERE v.article_id = ANY(?) ORDER BY v.article_id, v.number DESC",
}
# An article's versions from a number on (the parameters: article, number), asked alike
# for many articles, each with its own number: each row led by both.
_FROM_NUMBERS = " JOIN unnest(?::bigint[], ?::bigint[]) AS f(article_id, number)"
_ALL_FROM_NUMBERS = {
    _sql.ANALYSIS_STATES: "SELECT f.article_id, f.number, v.id, v.number, v.reverted_to,"
    f" v.analysis_frame, v.capture_id, v.first_captured_at FROM versions v{_FROM_NUMBERS}"
    " ON v.article_id = f.article_id AND v.number >= f.number ORDER BY v.article_id, v.number",
    _sql.VERSION_HEADS: "SELECT f.article_id, f.number, v.id, v.capture_id, c.captured_at,"
    f" c.content_hash, t.hash, v.number FROM versions v{_FROM_NUMBERS}"
    " ON v.article_id = f.article_id AND v.number >= f.number"
    " JOIN captures c ON c.id = v.capture_id JOIN blobs t ON t.id = c.text_id",
}
# Lookups by two keys (the last two parameters), asked alike: each row led by both keys.
# Each article's versions are read once, and the rows of pairs nobody asked are dropped.
_BY_PAIRS = {
    _sql.FIRST_WITH_CONTENT: "SELECT article_id, content_hash, MIN(number) FROM"
    f" (SELECT v.article_id, v.number, {_sql.CONTENT_HASH} AS content_hash"
    " FROM versions v JOIN captures c ON c.id = v.capture_id WHERE v.article_id = ANY(?))"
    " heads WHERE content_hash = ANY(?) GROUP BY article_id, content_hash",
}


# Writes an import makes by the thousand, held back in a write transaction and sent as
# one batch each when anything else is (see ``_execute``), in this order: each refers
# only to rows written by those before it (a capture to its blobs, a version to its
# capture), or by statements sent before it, and of one kind keep the order they were
# made in, so the rows come out as if each had been sent at once.
_HELD_BACK = (
    _sql.INSERT_ARTICLE_WITH_ID,
    _sql.INSERT_STRING_WITH_ID,
    _sql.INSERT_BLOB,
    _sql.INSERT_CAPTURE_WITH_ID,
    _sql.INSERT_VERSION,
    _sql.RECAPTURED,
    _sql.SET_ANALYSIS,
)


def lock_key(namespace: str, key: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``key`` within ``namespace``."""
    digest = hashlib.blake2b(
        f"{namespace}\0{key}".encode("utf-8", "surrogatepass"), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def _split_location(url: str) -> tuple[str, str | None, str]:
    """Return (libpq URL, schema or None, location safe to show) for an archive URL."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError as exc:
        raise StorageError(f"cannot open PostgreSQL archive: bad URL ({exc})") from None
    schema = None
    kept = []
    for name, value in query:
        if name == "schema":
            schema = value
        else:
            kept.append((name, value))
    if schema is not None and not schema:
        raise StorageError("cannot open PostgreSQL archive: the schema parameter is empty")
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    return _join(parts, parts.netloc, urlencode(kept)), schema, _join(parts, netloc, parts.query)


def _join(parts: SplitResult, netloc: str, query: str) -> str:
    # Not urlunsplit: it drops the "//" of "postgresql://", which libpq needs.
    return f"{parts.scheme}://{netloc}{parts.path}{'?' if query else ''}{query}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.removeprefix("connection failed: ")


# Capture ids taken from the sequence at once; those a transaction leaves unused are gaps.
_CAPTURE_IDS_AHEAD = 256
# String and article ids alike, by table; kept from one transaction to the next, as a
# sequence never gives a number twice, even when the transaction that took it rolls back.
_IDS_AHEAD = {"strings": 64, "articles": 64}


class PostgresStore(SQLStore):
    """An archive in a PostgreSQL database (``postgresql://user@host:port/dbname``).

    Opening applies any pending schema migrations.

    Raises:
        StorageError: the URL is bad or the server cannot be reached.
        SchemaError: the database's schema is newer than this code, or a migration failed.
    """

    def __init__(self, url: str) -> None:
        super().__init__()
        conninfo, schema, self.location = _split_location(url)
        self._url = url
        self._queries: dict[str, str] = {}
        # Set while a write transaction runs in pipeline mode.
        self._pipeline: psycopg.Pipeline | None = None
        # Queries sent early in that pipeline, by text and parameters, until read: the
        # cursor to read, or the row (None for none) when asked with others at once.
        self._sent_ahead: dict[tuple[str, tuple[Any, ...]], Any] = {}
        # Writes held back in that pipeline, by statement (see ``_HELD_BACK``).
        self._held: dict[str, list[Sequence[Any]]] = {}
        self._ids_ahead: dict[str, list[int]] = {table: [] for table in _IDS_AHEAD}
        #: How many times a transaction was re-run after a conflict with another writer.
        self.conflicts_retried = 0
        try:
            # Autocommit: transactions are opened explicitly, so a lone read never leaves
            # one idle and holding a snapshot.
            self._conn = psycopg.connect(
                conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
        except psycopg.Error as exc:
            raise StorageError(
                f"cannot open PostgreSQL archive {self.location}: {_first_line(exc)}"
            ) from None
        try:
            if schema is not None:
                # IF NOT EXISTS is no guard against another process creating it this
                # very moment: that one wins, and this one goes on with the schema.
                with suppress(psycopg.errors.UniqueViolation):
                    self._conn.execute(
                        sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                    )
                self._conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            current = self._conn.execute("SELECT current_schema()").fetchone()
            if current is None or current[0] is None:
                raise StorageError(
                    f"PostgreSQL archive {self.location}: its search_path names no existing "
                    "schema; create the schema or use ?schema=NAME"
                )
            self.schema: str = str(current[0])
            self._migrate()
        except psycopg.Error as exc:
            self._conn.close()
            raise StorageError(
                f"cannot open PostgreSQL archive {self.location}: {_first_line(exc)}"
            ) from None
        except BaseException:
            self._conn.close()
            raise

    # -- what SQLStore needs -----------------------------------------------------------

    def _execute(self, query: str, params: Sequence[Any] = ()) -> Any:
        if self._pipeline is not None:
            if query in _HELD_BACK:
                # Nobody reads what these return: a pipelined insert's cursor tells nothing.
                self._held.setdefault(query, []).append(params)
                return None
            self._send_held()
        return self._conn.execute(self._rewritten(query), params)

    def _rewritten(self, query: str) -> str:
        rewritten = self._queries.get(query)
        if rewritten is None:
            # The shared queries use "?" placeholders and no literal "?" or "%".
            rewritten = self._queries[query] = query.replace("%", "%%").replace("?", "%s")
        return rewritten

    def _send_held(self) -> None:
        """Send the writes held back, each statement's at once, before anything else."""
        if not self._held:
            return
        held, self._held = self._held, {}
        with self._conn.cursor() as cursor:
            for query in _HELD_BACK:
                if query in held:
                    cursor.executemany(self._rewritten(query), held[query])

    @contextmanager
    def _write(self, lock_keys: Sequence[str]) -> Iterator[None]:
        with self._transaction("BEGIN ISOLATION LEVEL READ COMMITTED"):
            if self._depth > 1:
                yield
                return
            # Pipeline mode: a statement whose result nobody reads (an insert, an update)
            # goes out with the next one that is read, instead of costing a round trip of
            # its own. An error it meets is raised there, or on leaving the pipeline, still
            # inside the transaction, which it rolls back.
            try:
                with self._conn.pipeline() as self._pipeline:
                    self._lock(lock_keys)
                    yield
                    self._send_held()
            finally:
                self._pipeline = None
                self._sent_ahead.clear()
                self._held.clear()  # sent, or rolled back with the rest

    @contextmanager
    def _sending_ahead(self, queries: Iterable[tuple[str, Sequence[Any]]]) -> Iterator[None]:
        if self._pipeline is None:
            yield
            return
        sent = []
        by_key: dict[str, list[tuple[Any, ...]]] = {}
        for query, params in queries:
            key = (query, tuple(params))
            if key in self._sent_ahead:
                continue
            sent.append(key)
            if query in _BY_KEYS or query in _BY_PAIRS or query in _ALL_FROM_NUMBERS:
                by_key.setdefault(query, []).append(tuple(params))
            else:
                self._sent_ahead[key] = self._execute(query, params)
        for query, many in by_key.items():
            if len(many) == 1:
                self._sent_ahead[(query, many[0])] = self._execute(query, many[0])
                continue
            if query in _ALL_FROM_NUMBERS:
                grouped: dict[Any, list[tuple[Any, ...]]] = {params: [] for params in many}
                pairs = ([params[0] for params in many], [params[1] for params in many])
                for r in self._all(_ALL_FROM_NUMBERS[query], pairs):
                    grouped[(r[0], r[1])].append(tuple(r[2:]))
                for params in many:
                    self._sent_ahead[(query, params)] = grouped[params]
                continue
            # Many of one lookup: a single statement, each row led by the keys it answers
            # (a lookup's last parameter, or two: a blob's is its prefix, then its hash).
            width = 2 if query in _BY_PAIRS else 1
            columns = [sorted({params[i] for params in many}) for i in range(-width, 0)]
            statement = _BY_PAIRS[query] if width == 2 else _BY_KEYS[query]
            rows = {tuple(r[:width]): tuple(r[width:]) for r in self._all(statement, columns)}
            for params in many:
                self._sent_ahead[(query, params)] = rows.get(tuple(params[-width:]))
        try:
            yield
        finally:
            for key in sent:
                self._sent_ahead.pop(key, None)

    def _ahead(self, sql: str, params: Sequence[Any] = ()) -> Any:
        key = (sql, tuple(params))
        if key not in self._sent_ahead:
            return self._one(sql, params)
        found = self._sent_ahead.pop(key)
        return found if found is None or isinstance(found, tuple) else found.fetchone()

    def _ahead_all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        key = (sql, tuple(params))
        if key not in self._sent_ahead:
            return self._all(sql, params)
        found = self._sent_ahead.pop(key)
        return found if isinstance(found, list) else list(found.fetchall())

    def _forget_ahead(self, sql: str, params: Sequence[Any]) -> None:
        self._sent_ahead.pop((sql, tuple(params)), None)

    def _firsts_ahead(self, article_id: int, contents: Iterable[bytes]) -> dict[bytes, int] | None:
        keys = [(_sql.FIRST_WITH_CONTENT, (article_id, content)) for content in contents]
        if not keys or not all(key in self._sent_ahead for key in keys):
            # None sent ahead (an article the batch created), or answers taken already,
            # by a tip the batch has since moved: its writes may have made them old.
            return None
        firsts = {}
        for query, params in keys:
            row = self._ahead(query, params)
            if row is not None and row[0] is not None:
                firsts[params[1]] = int(row[0])
        return firsts

    def _inserted(self, cursor: Any) -> bool:
        if self._pipeline is not None:
            # Not worth a round trip in a save: the rows it inserts once each (blobs) are
            # looked up first, and what this transaction wrote is remembered. Only another
            # writer storing the same content at the same moment makes an insert change
            # nothing; its copy holds the same bytes, and differs at most in its chain
            # depth, which only moves where the next keyframe falls.
            return True
        return bool(cursor.rowcount)

    def _new_capture_id(self) -> int | None:
        if not self._capture_ids:
            # From the column's own sequence, as an insert without an id takes them: a
            # round trip for the next batch of captures, not one for each.
            rows = self._all(
                "SELECT nextval(pg_get_serial_sequence('captures', 'id'))"
                " FROM generate_series(1, ?)",
                (_CAPTURE_IDS_AHEAD,),
            )
            self._capture_ids = [int(r[0]) for r in reversed(rows)]
        return self._capture_ids.pop()

    def _new_string_id(self) -> int | None:
        return self._new_id("strings")

    def _new_article_id(self) -> int | None:
        return self._new_id("articles")

    def _new_id(self, table: str) -> int | None:
        if self._pipeline is None:
            return None  # an insert's own number costs no more outside a pipeline
        ahead = self._ids_ahead[table]
        if not ahead:
            rows = self._all(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"
                " FROM generate_series(1, ?)",
                (_IDS_AHEAD[table],),
            )
            ahead.extend(int(r[0]) for r in reversed(rows))
        return ahead.pop()

    @contextmanager
    def _read(self) -> Iterator[None]:
        outermost = not self._depth
        try:
            with self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"):
                yield
        except psycopg.Error as exc:
            if not outermost:
                raise
            raise StorageError(
                f"reading archive {self.location} failed: {_first_line(exc)}"
            ) from None

    def opener(self) -> Callable[[], Store] | None:
        return partial(open_store, self._url)

    def close(self) -> None:
        self._conn.close()

    def _blob_bytes(self, key: bytes) -> bytes:
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        # Frames this transaction wrote (an import's analyses quote the texts its saves
        # just stored) are at hand: the server is asked only from the first frame that
        # is neither written here nor decoded already, if the chain reaches one.
        start: bytes | None = key
        while start is not None and start in self._written_frames:
            start = self._written_frames[start][0]
            if start is not None and self._cache.get(start) is not None:
                start = None
        if start is None:
            return super()._blob_bytes(key)
        self._send_held()  # the chain may reach blobs written here, and forgotten since
        # One round trip for the whole delta chain (at most KEYFRAME_INTERVAL frames)
        # instead of one per frame.
        rows = self._conn.execute(
            "WITH RECURSIVE chain (hash, id, base_id, data, dictionary_id) AS ("
            " SELECT hash, id, base_id, data, dictionary_id FROM blobs WHERE hash = %s"
            " UNION ALL SELECT b.hash, b.id, b.base_id, b.data, b.dictionary_id FROM blobs b"
            " JOIN chain c ON b.id = c.base_id)"
            " SELECT hash, id, base_id, data, dictionary_id FROM chain",
            (start,),
        ).fetchall()
        hashes = {int(r[1]): bytes(r[0]) for r in rows}
        frames = {
            bytes(r[0]): (
                None if r[2] is None else hashes[int(r[2])],
                bytes(r[3]),
                self._dictionary(r[4]),
            )
            for r in rows
        }
        return _blobs.decode_chain(
            key, lambda k: frames[k] if k in frames else self._load_frame(k), self._cache
        )

    # -- transactions and locks --------------------------------------------------------

    def _begin(self, statement: str) -> None:
        try:
            self._conn.execute(statement)
        except psycopg.OperationalError as exc:
            raise StorageError(
                f"archive {self.location} is unavailable: {_first_line(exc)}"
            ) from None

    def _rollback(self) -> None:
        # If the connection is gone, the transaction went with it.
        with suppress(psycopg.Error):
            self._conn.rollback()

    def _lock(self, keys: Iterable[str]) -> None:
        # Sorted numeric order: every writer takes overlapping locks in the same order,
        # so they queue instead of deadlocking.
        numbers = sorted({lock_key(self.schema, k) for k in keys})
        if numbers:
            self._conn.execute(
                "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", (numbers,)
            )

    def _retrying(self, what: str, work: Callable[[], T]) -> T:
        """Run ``work()`` in its own transaction, again after a transient conflict."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return work()
            except _TRANSIENT as exc:
                if self._depth or attempt == MAX_ATTEMPTS:
                    raise StorageError(
                        f"{what} in {self.location} kept conflicting with other writers: "
                        f"{_first_line(exc)}"
                    ) from None
                logger.debug("retrying %s after %s", what, type(exc).__name__)
                self.conflicts_retried += 1
                # Jittered backoff so colliding writers do not collide again in step.
                time.sleep(random.uniform(0, 0.005 * 2 ** min(attempt, 7)))
            except psycopg.OperationalError as exc:
                raise StorageError(
                    f"archive {self.location} is unavailable: {_first_line(exc)}"
                ) from None
            except psycopg.Error as exc:
                raise StorageError(
                    f"{what} in {self.location} failed: {_first_line(exc)}"
                ) from None
        raise AssertionError("unreachable")

    # -- saving ------------------------------------------------------------------------

    def _locked_batch(
        self, batch: list[CaptureRecord], work: Callable[[list[CaptureRecord]], list[T]]
    ) -> list[T]:
        keys = frozenset(r.url for r in batch)
        while True:
            attempt = partial(self._run_locked, batch, keys, work)
            outcome = self._retrying("saving captures", attempt)
            if isinstance(outcome, list):
                return outcome
            keys = keys | outcome

    def _run_locked(
        self,
        batch: list[CaptureRecord],
        keys: frozenset[str],
        work: Callable[[list[CaptureRecord]], list[T]],
    ) -> list[T] | set[str]:
        """Run ``work(batch)`` under locks on ``keys``, or return the URLs to lock too.

        A URL may be an alias filed under another article: that article's lock is needed,
        so the save starts over holding it.
        """
        with self._write(sorted(keys)):
            missing = set()
            # One round trip for all of the batch's articles, not one or two per URL.
            with self._sending_ahead(q for url in keys for q in _sql.article_queries(url)):
                for url in keys:
                    row = self._article_row(url)
                    if row is not None and row[1] not in keys:
                        missing.add(row[1])
            if missing:
                return missing
            return work(batch)

    def set_analyses(
        self, url: str, items: Sequence[tuple[str, Mapping[str, Any] | None]], *, since: int = 1
    ) -> None:
        # Retried like a save: a concurrent backfill rebuilding the article's versions
        # holds its lock, and the update waits for it.
        parent = super().set_analyses
        self._retrying("saving analyses", lambda: parent(url, list(items), since=since))

    # -- schema ------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self._transaction("BEGIN"):
            # Two processes opening a fresh database at once: the second waits here, then
            # finds the schema already migrated.
            self._conn.execute(
                "SELECT pg_advisory_xact_lock(%s)", (lock_key(self.schema, "schema_migrations"),)
            )
            exists = self._conn.execute("SELECT to_regclass('schema_migrations')").fetchone()
            if exists is None or exists[0] is None:
                self._conn.execute(
                    "CREATE TABLE schema_migrations"
                    " (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"
                )
            current = self.schema_version()
            known = len(_migrations.POSTGRES)
            if current > known:
                raise SchemaError(
                    f"archive {self.location} has schema version {current}, newer than this "
                    f"newsarchive understands ({known}): upgrade newsarchive"
                )
            for number in range(current + 1, known + 1):
                try:
                    for statement in _migrations.POSTGRES[number - 1]:
                        self._conn.execute(statement)
                    if number in _migrations.AFTER:
                        _migrations.AFTER[number](self)
                except psycopg.Error as exc:
                    raise SchemaError(
                        f"migrating archive {self.location} to schema version {number} "
                        f"failed: {_first_line(exc)}"
                    ) from None
                self._conn.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (%s, %s)",
                    (number, to_micros(utc_now())),
                )
