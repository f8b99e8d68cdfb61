"""The storage logic both SQL backends share; each backend supplies connection and locking.

Queries are written with ``?`` placeholders; a backend may rewrite them (``_sql``).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any, TypeVar

import attrs

from ..errors import NotFoundError, StorageError
from ..models import Article, Capture, Change, SaveResult, Version
from ..normalize import sha256_hex
from ..times import from_micros, to_micros
from . import CaptureRecord, Ingested, TextFrame, _blobs, _headers, _timeline

_VERSION_COLUMNS = """v.number, v.id, v.content_hash, v.first_captured_at, v.last_captured_at,
    v.capture_count, v.reverted_to, v.analysis, c.text_hash, c.title, c.byline,
    c.published_at, c.modified_at, c.metadata"""

_CAPTURE_COLUMNS = """c.id, c.captured_at, c.source, c.content_hash, c.text_hash, c.html_hash,
    c.fetched_url, c.http_status, c.http_headers, c.quality, c.metadata,
    c.title, c.byline, c.published_at, c.modified_at, c.http_headers_zstd"""


T = TypeVar("T")

# Significance levels as stored numbers, so that "at least minor" is one comparison.
_LEVELS = {"none": 0, "cosmetic": 1, "minor": 2, "substantive": 3}


def _micros(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def _time(value: int | None) -> datetime | None:
    return None if value is None else from_micros(value)


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else None


def _stored_headers(
    capture_id: int, frame: bytes | None, legacy_json: str | None
) -> _headers.Headers:
    """A capture's headers: a compressed frame, or JSON text in rows saved before frames."""
    try:
        if frame is not None:
            return _headers.decompress(bytes(frame))
        return _headers.parse(legacy_json) if legacy_json else ()
    except ValueError as error:
        raise StorageError(f"the stored headers of capture {capture_id} are damaged") from error


def _content_fields(record: CaptureRecord) -> dict[str, Any]:
    """What a capture and the version it makes both carry of the record's content."""
    return {
        "title": record.title,
        "byline": record.byline,
        "published_at": record.published_at,
        "modified_at": record.modified_at,
        "metadata": dict(record.metadata),
        "content_hash": record.content_hash,
        "text_hash": record.text_hash,
    }


@attrs.frozen
class _Latest:
    """An article's latest version, as saving the next capture needs it."""

    number: int
    content_hash: bytes
    last_captured_at: int
    text_key: bytes
    depth: int  # of its text blob in the delta chain


@attrs.frozen(kw_only=True)
class _Stored:
    """What saving one capture did: enough to build what ``save`` returns, when asked."""

    url: str
    article_id: int
    capture_id: int
    html_key: bytes | None
    is_new_capture: bool = True
    is_new_version: bool = False
    # The version it joined or made: by id after a backfill, by number after an append.
    version_id: str | None = None
    number: int = 0
    reverted_to: int | None = None


@attrs.frozen
class _Placed:
    """Where a backfilled capture landed: its version, and whether that is new."""

    version_id: str
    is_new: bool


_BEFORE_ANY_CAPTURE = -(2**63)


@attrs.define
class _Tip:
    """An article as a bulk import leaves it: its newest capture and latest version."""

    article_id: int
    url: str
    last_capture_at: int
    latest: _Latest | None
    # The first number of each content hash, for an article the import started.
    firsts: dict[bytes, int] | None

    @classmethod
    def empty(cls, article_id: int, url: str) -> _Tip:
        """An article with nothing stored yet."""
        return cls(article_id, url, _BEFORE_ANY_CAPTURE, None, {})


class SQLStore:
    """Shared implementation of the Store protocol over a DB-API connection."""

    location: str

    def __init__(self) -> None:
        self._cache = _blobs.BlobCache()
        self._depth = 0

    # -- what a backend provides -------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _begin(self, statement: str) -> None:
        """Start a transaction; a failure is a StorageError naming the archive."""
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

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
            self._rollback()
            raise
        self._depth = 0
        self._execute("COMMIT")

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
        row = self._one("SELECT id, url FROM articles WHERE url = ?", (url,))
        if row is None:
            row = self._one(
                "SELECT a.id, a.url FROM aliases l JOIN articles a ON a.id = l.article_id"
                " WHERE l.url = ?",
                (url,),
            )
        return None if row is None else (int(row[0]), str(row[1]))

    def _require_article(self, url: str) -> tuple[int, str]:
        row = self._article_row(url)
        if row is None:
            raise NotFoundError(f"no article in the archive for {url}")
        return row

    # -- blobs -------------------------------------------------------------------------

    def _load_frame(self, key: bytes) -> tuple[bytes | None, bytes]:
        row = self._one("SELECT base, data FROM blobs WHERE hash = ?", (key,))
        if row is None:
            raise NotFoundError(f"blob {key.hex()} is missing from the archive")
        return (None if row[0] is None else bytes(row[0])), bytes(row[1])

    def _blob_bytes(self, key: bytes) -> bytes:
        return _blobs.decode_chain(key, self._load_frame, self._cache)

    def blob(self, hex_hash: str) -> bytes:
        with self._read():
            return self._blob_bytes(bytes.fromhex(hex_hash))

    def _put_blob(
        self,
        key: bytes,
        content: str | bytes,
        base: bytes | None,
        base_depth: int | None = None,
        hint: TextFrame | None = None,
    ) -> int:
        """Store ``content`` once under its sha256 ``key``: a delta against ``base`` if it pays.

        ``hint`` is a frame computed ahead, used when it has the base chosen here. Returns
        the blob's depth in its delta chain.
        """
        if key == base and base_depth is not None:
            return base_depth  # the text did not change: the most common save of all
        if base is not None and base_depth is None:
            base_depth = self._blob_depth(base)
        if base_depth is None or base_depth + 1 >= _blobs.KEYFRAME_INTERVAL:
            base = None
        if hint is not None and hint.base == (None if base is None else base.hex()):
            # Compressed already: insert it, and look for a stored copy only if that fails.
            frame, is_delta, size = hint.data, hint.is_delta, hint.size
        else:
            stored = self._blob_depth(key)
            if stored is not None:
                return stored  # a revert: the text is stored already
            if not content and hint is not None:
                content = self._frame_content(hint)
            data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
            frame, is_delta = _blobs.encode(data, None if base is None else self._blob_bytes(base))
            size = len(data)
            self._cache.put(key, data)
        depth = base_depth + 1 if is_delta and base_depth is not None else 0
        inserted = self._execute(
            "INSERT INTO blobs (hash, base, depth, size, data) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (hash) DO NOTHING",
            (key, base if is_delta else None, depth, size, frame),
        ).rowcount
        if not inserted:
            stored = self._blob_depth(key)
            assert stored is not None
            return stored
        return depth

    def _frame_content(self, frame: TextFrame) -> bytes:
        """The text a frame computed ahead holds, for a record that carries no other copy."""
        if frame.is_delta and frame.base is not None:
            return _blobs.decompress(frame.data, self._blob_bytes(bytes.fromhex(frame.base)))
        return _blobs.decompress(frame.data, None)

    def _record_text(self, record: CaptureRecord) -> str:
        if record.text or record.text_frame is None:
            return record.text
        return self._frame_content(record.text_frame).decode("utf-8", "surrogatepass")

    def _blob_depth(self, key: bytes) -> int | None:
        row = self._one("SELECT depth FROM blobs WHERE hash = ?", (key,))
        return None if row is None else int(row[0])

    # -- saving ------------------------------------------------------------------------

    def save(self, records: Iterable[CaptureRecord]) -> list[SaveResult]:
        return self._locked_batch(list(records), self._save_all)

    def _locked_batch(
        self, batch: list[CaptureRecord], work: Callable[[list[CaptureRecord]], list[T]]
    ) -> list[T]:
        """Run ``work(batch)`` in one write transaction that serialises saves to its articles."""
        with self._write(sorted({r.url for r in batch})):
            return work(batch)

    def _save_all(self, batch: list[CaptureRecord]) -> list[SaveResult]:
        return [self._save_one(record) for record in batch]

    def _ensure_article(self, record: CaptureRecord) -> tuple[int, str, bool]:
        """The id and URL of the record's article, and whether this call created it."""
        found = self._article_row(record.url)
        created = False
        if found is None:
            row = self._one(
                "INSERT INTO articles (url, created_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING"
                " RETURNING id",
                (record.url, to_micros(record.captured_at)),
            )
            created = row is not None
            found = (int(row[0]), record.url) if created else self._require_article(record.url)
        for alias in record.aliases:
            if alias != found[1]:
                self._execute(
                    "INSERT INTO aliases (url, article_id) VALUES (?, ?)"
                    " ON CONFLICT (url) DO NOTHING",
                    (alias, found[0]),
                )
        return found[0], found[1], created

    def _latest(self, article_id: int) -> _Latest | None:
        row = self._one(
            "SELECT v.number, v.content_hash, v.last_captured_at, c.text_hash, b.depth"
            " FROM versions v JOIN captures c ON c.id = v.capture_id"
            " JOIN blobs b ON b.hash = c.text_hash"
            " WHERE v.article_id = ? ORDER BY v.number DESC LIMIT 1",
            (article_id,),
        )
        if row is None:
            return None
        return _Latest(int(row[0]), bytes(row[1]), int(row[2]), bytes(row[3]), int(row[4]))

    def _save_one(self, record: CaptureRecord) -> SaveResult:
        return self._result(record, self._store_one(record))

    def _store_one(self, record: CaptureRecord) -> _Stored:
        """Save one capture: the writes of ``save``, without building its result."""
        article_id, url, _ = self._ensure_article(record)
        at = to_micros(record.captured_at)
        chash = bytes.fromhex(record.content_hash)
        existing = self._one(
            "SELECT id FROM captures WHERE article_id = ? AND captured_at = ? AND content_hash = ?",
            (article_id, at, chash),
        )
        if existing is not None:
            frame = record.text_frame
            if frame is not None:
                # The text may differ from the stored capture's in spacing alone, and frames
                # computed after this one can be deltas against it: keep it for them.
                base = None if frame.base is None else bytes.fromhex(frame.base)
                self._put_blob(bytes.fromhex(record.text_hash), record.text, base, None, frame)
            return _Stored(
                url=url,
                article_id=article_id,
                capture_id=int(existing[0]),
                html_key=None,
                is_new_capture=False,
            )

        latest = self._latest(article_id)
        capture_id, html_key, _ = self._store_capture(article_id, at, chash, record, latest)
        stored = _Stored(url=url, article_id=article_id, capture_id=capture_id, html_key=html_key)
        if record.quality is not None:
            return stored
        if latest is not None and at <= latest.last_captured_at:
            # A backfill: the capture lands inside the timeline (or may, at the same time).
            placed = self._place(url, article_id, _timeline.TimelineCapture(capture_id, at, chash))
            return attrs.evolve(stored, version_id=placed.version_id, is_new_version=placed.is_new)
        number, is_new, reverted_to = self._append(url, article_id, capture_id, at, chash, latest)
        return attrs.evolve(stored, number=number, is_new_version=is_new, reverted_to=reverted_to)

    def _result(self, record: CaptureRecord, stored: _Stored) -> SaveResult:
        """What ``save`` returns for a capture ``_store_one`` has just saved."""
        url, article_id = stored.url, stored.article_id
        if not stored.is_new_capture:
            capture = self._capture_by_id(url, article_id, stored.capture_id)
            version = (
                self._version_by_id(url, article_id, capture.version_id)
                if capture.version_id
                else None
            )
            return SaveResult(
                capture=capture, version=version, is_new_version=False, is_new_capture=False
            )
        at = to_micros(record.captured_at)
        if record.quality is not None:
            version = self._version_at(url, article_id, at)
            capture = self._capture_from_record(
                record, url, stored.capture_id, stored.html_key, None
            )
            return SaveResult(capture=capture, version=version, is_new_version=False)
        if stored.version_id is not None:
            version = self._version_by_id(url, article_id, stored.version_id)
        elif stored.is_new_version:
            when = from_micros(at)
            version = Version(
                id=_timeline.version_id(url, at, bytes.fromhex(record.content_hash)),
                url=url,
                number=stored.number,
                text=self._record_text(record),
                **_content_fields(record),
                first_captured_at=when,
                last_captured_at=when,
                capture_count=1,
                reverted_to=stored.reverted_to,
            )
        else:
            version = self._version_where(
                url, "v.article_id = ? AND v.number = ?", (article_id, stored.number)
            )
        assert version is not None
        capture = self._capture_from_record(
            record, url, stored.capture_id, stored.html_key, version
        )
        return SaveResult(capture=capture, version=version, is_new_version=stored.is_new_version)

    def _store_capture(
        self, article_id: int, at: int, chash: bytes, record: CaptureRecord, latest: _Latest | None
    ) -> tuple[int, bytes | None, int]:
        """Store a capture's text and HTML blobs and its row.

        Returns the capture's id, its HTML blob's key and its text blob's chain depth.
        """
        text_key = bytes.fromhex(record.text_hash)
        depth = self._put_blob(
            text_key,
            record.text,
            None if latest is None else latest.text_key,
            None if latest is None else latest.depth,
            record.text_frame,
        )
        html_key = None
        if record.html is not None:
            html = record.html.encode("utf-8", "surrogatepass")
            html_key = bytes.fromhex(sha256_hex(html))
            html_base = self._one(
                "SELECT html_hash FROM captures WHERE article_id = ? AND html_hash IS NOT NULL"
                " ORDER BY captured_at DESC, id DESC LIMIT 1",
                (article_id,),
            )
            self._put_blob(html_key, html, None if html_base is None else bytes(html_base[0]))
        capture_id = int(
            self._one(
                "INSERT INTO captures (article_id, captured_at, content_hash, text_hash, html_hash,"
                " title, byline, published_at, modified_at, source, fetched_url, http_status,"
                " http_headers_zstd, quality, metadata)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                (
                    article_id,
                    at,
                    chash,
                    text_key,
                    html_key,
                    record.title,
                    record.byline,
                    _micros(record.published_at),
                    _micros(record.modified_at),
                    record.source,
                    record.fetched_url,
                    record.http_status,
                    _headers.compress(record.http_headers),
                    record.quality,
                    _json(dict(record.metadata)),
                ),
            )[0]
        )
        return capture_id, html_key, depth

    def _capture_from_record(
        self,
        record: CaptureRecord,
        url: str,
        capture_id: int,
        html_key: bytes | None,
        version: Version | None,
    ) -> Capture:
        return Capture(
            id=capture_id,
            url=url,
            captured_at=from_micros(to_micros(record.captured_at)),
            source=record.source,
            version_id=version.id if version else "",
            version=version.number if version else 0,
            html_hash=html_key.hex() if html_key else None,
            fetched_url=record.fetched_url,
            http_status=record.http_status,
            http_headers=record.http_headers,
            quality=record.quality,
            **_content_fields(record),
        )

    def _append(
        self,
        url: str,
        article_id: int,
        capture_id: int,
        at: int,
        chash: bytes,
        latest: _Latest | None,
        firsts: dict[bytes, int] | None = None,
    ) -> tuple[int, bool, int | None]:
        """Add a capture at or after the latest one: a new version, or one more capture.

        ``firsts`` maps the content hash of each of the article's versions to its first
        number, when the caller knows them all; it is kept up to date.

        Returns the number of the version it belongs to, whether that version is new, and
        the earlier version it reverts to.
        """
        if latest is not None and latest.content_hash == chash:
            self._execute(
                "UPDATE versions SET last_captured_at = ?, capture_count = capture_count + 1"
                " WHERE article_id = ? AND number = ?",
                (at, article_id, latest.number),
            )
            return latest.number, False, None
        number = 1 if latest is None else latest.number + 1
        reverted_to: int | None
        if firsts is not None:
            first = firsts.setdefault(chash, number)
            reverted_to = None if first == number else first
        elif latest is None:
            reverted_to = None
        else:
            earlier = self._one(
                "SELECT MIN(number) FROM versions WHERE article_id = ? AND content_hash = ?",
                (article_id, chash),
            )
            reverted_to = None if earlier is None or earlier[0] is None else int(earlier[0])
        self._execute(
            "INSERT INTO versions (article_id, number, id, content_hash, capture_id,"
            " first_captured_at, last_captured_at, capture_count, reverted_to)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
            (
                article_id,
                number,
                _timeline.version_id(url, at, chash),
                chash,
                capture_id,
                at,
                at,
                reverted_to,
            ),
        )
        return number, True, reverted_to

    # -- bulk import ------------------------------------------------------------------

    def ingest(self, records: Iterable[CaptureRecord]) -> list[Ingested]:
        """Save records as ``save`` does, without building results: the bulk import path.

        A capture later than every other of its article (the common case of an import)
        is appended knowing the article's latest version from the one before, which saves
        most of the queries; any other goes through ``save``'s own path.
        """
        return self._locked_batch(list(records), self._ingest_all)

    def _ingest_all(self, batch: list[CaptureRecord]) -> list[Ingested]:
        done: list[Ingested] = []
        # By article, not by URL: a batch may name one article by several of its URLs.
        articles: dict[str, tuple[int, str]] = {}
        tips: dict[int, _Tip] = {}
        for record in batch:
            if record.url not in articles or record.aliases:
                article_id, url, created = self._ensure_article(record)
                articles[record.url] = article_id, url
                if created:  # nothing of it stored yet: no need to ask
                    tips[article_id] = _Tip.empty(article_id, url)
            article_id, url = articles[record.url]
            tip = tips.get(article_id)
            if tip is None:
                tip = tips[article_id] = self._tip(article_id, url)
            at = to_micros(record.captured_at)
            if record.quality is None and at > tip.last_capture_at:
                done.append(self._append_tip(tip, record, at))
                continue
            stored = self._store_one(record)
            if stored.is_new_capture:  # the article's tip may have moved
                del tips[article_id]
            done.append(Ingested(url, stored.is_new_capture, stored.is_new_version))
        return done

    def _tip(self, article_id: int, url: str) -> _Tip:
        row = self._one("SELECT MAX(captured_at) FROM captures WHERE article_id = ?", (article_id,))
        last = _BEFORE_ANY_CAPTURE if row is None or row[0] is None else int(row[0])
        latest = self._latest(article_id)
        return _Tip(article_id, url, last, latest, {} if latest is None else None)

    def _append_tip(self, tip: _Tip, record: CaptureRecord, at: int) -> Ingested:
        chash = bytes.fromhex(record.content_hash)
        capture_id, _, depth = self._store_capture(tip.article_id, at, chash, record, tip.latest)
        number, is_new, _ = self._append(
            tip.url, tip.article_id, capture_id, at, chash, tip.latest, tip.firsts
        )
        tip.latest = _Latest(number, chash, at, bytes.fromhex(record.text_hash), depth)
        tip.last_capture_at = at
        return Ingested(tip.url, True, is_new)

    def _place(self, url: str, article_id: int, capture: _timeline.TimelineCapture) -> _Placed:
        """Add a backfilled capture to its article's versions, rewriting only what moves."""
        at, cid = capture.key
        # The version whose head comes last before the capture. Two lookups that follow
        # the index are much faster than one that orders by the head's whole key.
        heads = self._runs(article_id, "AND first_captured_at = ?", (at,)) + self._runs(
            article_id,
            "AND first_captured_at < ? ORDER BY first_captured_at DESC, number DESC LIMIT 1",
            (at,),
        )
        before = sorted((r for r in heads if r.head < capture.key), key=lambda r: r.head)[-1:]
        after = self._runs(article_id, "AND number = ?", (before[0].number + 1 if before else 1,))
        joined = _timeline.join(before[0] if before else None, after[0] if after else None, capture)
        if joined is not None:
            self._write_runs(article_id, [*before, *after], [joined])
            return _Placed(joined.id, False)
        runs = self._runs(article_id, "ORDER BY number")
        members: list[_timeline.TimelineCapture] = []
        if before and _timeline.may_split(before[0], capture):
            split = before[0]
            rows = self._all(
                "SELECT id, captured_at FROM captures WHERE article_id = ? AND quality IS NULL"
                " AND captured_at BETWEEN ? AND ? AND id <> ?",
                (article_id, split.first_captured_at, split.last_captured_at, cid),
            )
            # Of the captures in its time range, those from its head up to the next head.
            members = sorted(
                (_timeline.TimelineCapture(int(r[0]), int(r[1]), split.content_hash) for r in rows),
                key=lambda m: m.key,
            )
            members = [
                m for m in members if m.key >= split.head and (not after or m.key < after[0].head)
            ]
        try:
            placed, run = _timeline.place(url, runs, capture, members)
        except ValueError as error:  # never from versions this code wrote
            raise StorageError(
                f"archive {self.location}: the versions of {url} do not match its captures"
            ) from error
        self._write_runs(article_id, runs, placed)
        return _Placed(run.id, run.id not in {r.id for r in runs})

    def _runs(self, article_id: int, where: str, params: Sequence[Any] = ()) -> list[_timeline.Run]:
        return [
            _timeline.Run(
                number=int(r[0]),
                id=str(r[1]),
                content_hash=bytes(r[2]),
                capture_id=int(r[3]),
                first_captured_at=int(r[4]),
                last_captured_at=int(r[5]),
                capture_count=int(r[6]),
                reverted_to=None if r[7] is None else int(r[7]),
            )
            for r in self._all(
                "SELECT number, id, content_hash, capture_id, first_captured_at,"
                " last_captured_at, capture_count, reverted_to"
                f" FROM versions WHERE article_id = ? {where}",
                (article_id, *params),
            )
        ]

    def _write_runs(
        self, article_id: int, old: Sequence[_timeline.Run], new: Sequence[_timeline.Run]
    ) -> None:
        """Write the versions of ``new`` that differ from ``old``, matched by id.

        Versions only ever move to higher numbers, so writing from the last one down never
        needs a number that another row still holds. A row that stays keeps its analysis.
        """
        stored = {r.id: r for r in old}
        for run in sorted(new, key=lambda r: -r.number):
            was = stored.get(run.id)
            if was == run:
                continue
            values = (
                run.number,
                run.id,
                run.content_hash,
                run.capture_id,
                run.first_captured_at,
                run.last_captured_at,
                run.capture_count,
                run.reverted_to,
            )
            if was is None:
                self._execute(
                    "INSERT INTO versions (number, id, content_hash, capture_id,"
                    " first_captured_at, last_captured_at, capture_count, reverted_to,"
                    " article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, article_id),
                )
            else:
                self._execute(
                    "UPDATE versions SET number = ?, id = ?, content_hash = ?, capture_id = ?,"
                    " first_captured_at = ?, last_captured_at = ?, capture_count = ?,"
                    " reverted_to = ? WHERE article_id = ? AND number = ?",
                    (*values, article_id, was.number),
                )

    # -- reading -----------------------------------------------------------------------

    def _version_from_row(self, url: str, row: Any) -> Version:
        text = self._blob_bytes(bytes(row[8])).decode("utf-8", "surrogatepass")
        return Version(
            id=row[1],
            url=url,
            number=row[0],
            text=text,
            title=row[9],
            byline=row[10],
            published_at=_time(row[11]),
            modified_at=_time(row[12]),
            metadata=json.loads(row[13]) if row[13] else {},
            analysis=json.loads(row[7]) if row[7] else None,
            content_hash=bytes(row[2]).hex(),
            text_hash=bytes(row[8]).hex(),
            first_captured_at=from_micros(row[3]),
            last_captured_at=from_micros(row[4]),
            capture_count=row[5],
            reverted_to=row[6],
        )

    def _versions(self, url: str, article_id: int) -> list[Version]:
        rows = self._all(
            f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN captures c ON c.id = v.capture_id"
            " WHERE v.article_id = ? ORDER BY v.number",
            (article_id,),
        )
        return [self._version_from_row(url, r) for r in rows]

    def _version_where(self, url: str, where: str, params: Sequence[Any]) -> Version | None:
        row = self._one(
            f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN captures c ON c.id = v.capture_id"
            f" WHERE {where}",
            params,
        )
        return None if row is None else self._version_from_row(url, row)

    def _version_by_id(self, url: str, article_id: int, version_id: str) -> Version | None:
        return self._version_where(url, "v.article_id = ? AND v.id = ?", (article_id, version_id))

    def _version_at(self, url: str, article_id: int, at: int) -> Version | None:
        return self._version_where(
            url,
            "v.article_id = ? AND v.first_captured_at <= ?"
            " ORDER BY v.first_captured_at DESC, v.number DESC LIMIT 1",
            (article_id, at),
        )

    def versions(self, url: str) -> list[Version]:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._versions(canonical, article_id)

    def version(self, url: str, number: int) -> Version | None:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._version_where(
                canonical, "v.article_id = ? AND v.number = ?", (article_id, number)
            )

    def latest_version(self, url: str) -> Version | None:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._version_where(
                canonical, "v.article_id = ? ORDER BY v.number DESC LIMIT 1", (article_id,)
            )

    def version_at(self, url: str, at: datetime) -> Version | None:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._version_at(canonical, article_id, to_micros(at))

    def _captures(
        self,
        url: str,
        article_id: int,
        where: str = "",
        params: Sequence[Any] = (),
        order: str = "c.captured_at, c.id",
    ) -> list[Capture]:
        versions = self._all(
            "SELECT v.number, v.id, c.captured_at, c.id FROM versions v"
            " JOIN captures c ON c.id = v.capture_id WHERE v.article_id = ? ORDER BY v.number",
            (article_id,),
        )
        starts = [(int(r[2]), int(r[3])) for r in versions]
        rows = self._all(
            f"SELECT {_CAPTURE_COLUMNS} FROM captures c WHERE c.article_id = ? {where}"
            f" ORDER BY {order}",
            (article_id, *params),
        )
        result = []
        for row in rows:
            number, vid = 0, ""
            if row[9] is None:
                index = bisect.bisect_right(starts, (int(row[1]), int(row[0]))) - 1
                if index >= 0:
                    number, vid = int(versions[index][0]), str(versions[index][1])
            result.append(self._capture_from_row(url, row, number, vid))
        return result

    def _capture_from_row(self, url: str, row: Any, number: int, vid: str) -> Capture:
        return Capture(
            id=int(row[0]),
            url=url,
            captured_at=from_micros(row[1]),
            source=row[2],
            version_id=vid,
            version=number,
            content_hash=bytes(row[3]).hex(),
            text_hash=bytes(row[4]).hex(),
            html_hash=None if row[5] is None else bytes(row[5]).hex(),
            fetched_url=row[6],
            http_status=row[7],
            http_headers=_stored_headers(int(row[0]), row[15], row[8]),
            quality=row[9],
            metadata=json.loads(row[10]) if row[10] else {},
            title=row[11],
            byline=row[12],
            published_at=_time(row[13]),
            modified_at=_time(row[14]),
        )

    def _capture_by_id(self, url: str, article_id: int, capture_id: int) -> Capture:
        return self._captures(url, article_id, "AND c.id = ?", (capture_id,))[0]

    def captures(self, url: str) -> list[Capture]:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._captures(canonical, article_id)

    def iter_captures(self, urls: Iterable[str] | None = None) -> Iterator[Capture]:
        if urls is None:
            with self._read():
                targets = [
                    (int(r[0]), str(r[1]))
                    for r in self._all("SELECT id, url FROM articles ORDER BY url")
                ]
        else:
            with self._read():
                targets = [self._require_article(u) for u in urls]
        for article_id, url in targets:
            with self._read():
                chunk = self._captures(url, article_id, order="c.id")
            yield from chunk

    def source_metadata(self, source: str) -> list[tuple[str, datetime, Mapping[str, Any]]]:
        with self._read():
            rows = self._all(
                "SELECT a.url, c.captured_at, c.metadata FROM captures c"
                " JOIN articles a ON a.id = c.article_id"
                " WHERE c.source = ? ORDER BY c.captured_at, c.id",
                (source,),
            )
        return [(str(r[0]), from_micros(r[1]), json.loads(r[2]) if r[2] else {}) for r in rows]

    def find_article(self, url: str) -> Article | None:
        with self._read():
            row = self._article_row(url)
            return None if row is None else self._article(*row)

    def _article(self, article_id: int, url: str) -> Article:
        aliases = [
            str(r[0])
            for r in self._all(
                "SELECT url FROM aliases WHERE article_id = ? ORDER BY url", (article_id,)
            )
        ]
        stats = self._one(
            "SELECT COUNT(*), MAX(first_captured_at), MAX(number) FROM versions"
            " WHERE article_id = ?",
            (article_id,),
        )
        captures = self._one(
            "SELECT COUNT(*), MIN(captured_at), MAX(captured_at) FROM captures"
            " WHERE article_id = ?",
            (article_id,),
        )
        title_row = self._one(
            "SELECT c.title FROM versions v JOIN captures c ON c.id = v.capture_id"
            " WHERE v.article_id = ? ORDER BY v.number DESC LIMIT 1",
            (article_id,),
        )
        return Article(
            url=url,
            aliases=tuple(aliases),
            title=title_row[0] if title_row else None,
            version_count=int(stats[0]),
            capture_count=int(captures[0]),
            first_captured_at=_time(captures[1]),
            last_captured_at=_time(captures[2]),
            last_changed_at=_time(stats[1]),
        )

    def articles(self) -> list[Article]:
        with self._read():
            rows = self._all("SELECT id, url FROM articles ORDER BY url")
            return [self._article(int(r[0]), str(r[1])) for r in rows]

    def set_analyses(self, url: str, items: Sequence[tuple[str, Mapping[str, Any] | None]]) -> None:
        """Store analysis summaries of one article's versions (by id) in one transaction."""
        if not items:
            return
        with self._write([url]):
            article_id, _ = self._require_article(url)
            for version_id, summary in items:
                level = None if not summary else _LEVELS.get(str(summary.get("level")))
                stealth = None if not summary else int(bool(summary.get("stealth")))
                self._execute(
                    "UPDATE versions SET analysis = ?, significance = ?, stealth = ?"
                    " WHERE article_id = ? AND id = ?",
                    (
                        _json(dict(summary)) if summary else None,
                        level,
                        stealth,
                        article_id,
                        version_id,
                    ),
                )

    def changes(
        self,
        *,
        since: datetime | None = None,
        min_level: str | None = None,
        stealth_only: bool = False,
        limit: int = 100,
    ) -> list[Change]:
        """Versions across all articles, newest first, filtered by their stored analysis."""
        where, params = ["v.number > 1"], []
        if since is not None:
            where.append("v.first_captured_at >= ?")
            params.append(to_micros(since))
        if min_level is not None:
            where.append("v.significance >= ?")
            params.append(_LEVELS[min_level])
        if stealth_only:
            where.append("v.stealth = 1")
        with self._read():
            rows = self._all(
                "SELECT a.url, c.title, v.number, v.id, v.first_captured_at, v.reverted_to,"
                " v.analysis FROM versions v JOIN articles a ON a.id = v.article_id"
                " JOIN captures c ON c.id = v.capture_id"
                f" WHERE {' AND '.join(where)}"
                " ORDER BY v.first_captured_at DESC, a.url, v.number DESC LIMIT ?",
                (*params, limit),
            )
        result = []
        for row in rows:
            summary = json.loads(row[6]) if row[6] else {}
            result.append(
                Change(
                    url=row[0],
                    title=row[1],
                    version=int(row[2]),
                    version_id=row[3],
                    captured_at=from_micros(row[4]),
                    reverted_to=row[5],
                    level=summary.get("level"),
                    reasons=tuple(r["code"] for r in summary.get("reasons", ())),
                    stealth=bool(summary.get("stealth")),
                )
            )
        return result
