"""Saving captures: one transaction per batch, a version only when the content changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ...models import Capture, Version
from ...times import from_micros, to_micros
from .. import OnSaved, _pages
from .alerts import AlertLog
from .analysis_writes import AnalysisWrites
from .batch_lookups import (
    LATEST,
    articles_named,
    capture_key,
    first_with,
    stored_texts,
    tip_queries,
)
from .blobs import BLOB_DEPTH, BLOB_ID, by_key
from .connection import ARTICLE_BY_ALIAS, ARTICLE_BY_URL
from .page_writes import CapturePageWrites
from .rows import (
    EXISTING_CAPTURE,
    LAST_CAPTURE,
    T,
    _content_fields,
    _json,
    _micros,
)
from .statements import (
    FIRST_WITH_CONTENT,
    INSERT_ARTICLE,
    INSERT_ARTICLE_WITH_ID,
    INSERT_STRING_WITH_ID,
    INSERT_VERSION,
    MARK_UNNORMALISED,
    RECAPTURED,
    STRING_ID,
    UNNORMALISED,
    strings_named,
)
from .timeline import SQLTimeline

if TYPE_CHECKING:
    from ...models import SaveResult
    from ..records import CaptureRecord, Ingested
    from .save_records import _Latest, _Stored, _Tip

_CAPTURE_COLUMNS = (
    "article_id, captured_at, content_hash, text_id, html_id, title_id, byline_id,"
    " published_at, modified_at, source_id, fetched_url_id, http_status, http_headers_zstd,"
    " quality, metadata_id, same_content_as"
)
_CAPTURE_VALUES = f"?, ?, ?, {BLOB_ID}, {BLOB_ID}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
_INSERT_CAPTURE = (
    f"INSERT INTO captures ({_CAPTURE_COLUMNS}) VALUES ({_CAPTURE_VALUES}) RETURNING id"
)
INSERT_CAPTURE_WITH_ID = (
    f"INSERT INTO captures (id, {_CAPTURE_COLUMNS}) VALUES (?, {_CAPTURE_VALUES})"
)

# Strings stay in ``strings`` once stored, under one number: a store remembers the
# numbers of this many recent ones, each up to this long.
_REMEMBERED_STRINGS = 4096
_REMEMBERED_STRING_CHARS = 2048


class SQLStore(SQLTimeline, CapturePageWrites, AlertLog, AnalysisWrites):
    """Shared implementation of the Store protocol over a DB-API connection."""

    def save(
        self, records: Iterable[CaptureRecord], *, on_saved: OnSaved | None = None
    ) -> list[SaveResult]:
        def work(batch: list[CaptureRecord]) -> list[SaveResult]:
            with self._sending_ahead(stored_texts(batch)):
                results = self._save_all(batch)
            if on_saved is not None:
                self._notify(on_saved, (r.capture.url for r in results if r.is_new_capture))
            return results

        return self._locked_batch(list(records), work)

    def _locked_batch(
        self, batch: list[CaptureRecord], work: Callable[[list[CaptureRecord]], list[T]]
    ) -> list[T]:
        """Run ``work(batch)`` in one write transaction that serialises saves to its articles."""
        with self._write(sorted({r.url for r in batch})):
            return work(batch)

    def _save_all(self, batch: list[CaptureRecord]) -> list[SaveResult]:
        return [self._save_one(record) for record in batch]

    def replace_articles(
        self,
        urls: Sequence[str],
        records: Iterable[CaptureRecord],
        *,
        on_saved: OnSaved | None = None,
    ) -> list[SaveResult]:
        """Remove these articles and save ``records`` in one transaction (merge and split).

        Blobs stay: they are shared by content and may be bases of other frames.
        ``on_saved`` runs inside that transaction (see :data:`OnSaved`).
        """
        batch = list(records)
        with self._write(sorted(set(urls) | {r.url for r in batch})):
            for url in urls:
                found = self._article_row(url)
                if found is None:
                    continue
                for table, column in (
                    ("versions", "article_id"),
                    ("captures", "article_id"),
                    ("aliases", "article_id"),
                    ("unnormalised_texts", "article_id"),
                    ("articles", "id"),
                ):
                    self._execute(f"DELETE FROM {table} WHERE {column} = ?", (found[0],))
            self._article_rows.clear()  # the removed articles' rows go
            results = self._save_all(batch)
            if on_saved is not None:
                self._notify(on_saved, (r.capture.url for r in results if r.is_new_capture))
            return results

    def _ensure_article(self, record: CaptureRecord) -> tuple[int, str, bool]:
        """The id and URL of the record's article, and whether this call created it."""
        found = self._article_row(record.url)
        created = False
        if found is None:
            given, at = self._new_article_id(), to_micros(record.captured_at)
            if given is None:
                row = self._one(INSERT_ARTICLE, (record.url, at))
            else:
                # Under the lock on its URL no other writer creates it (were one to, the
                # unique-key conflict would have the save run again).
                self._execute(INSERT_ARTICLE_WITH_ID, (given, record.url, at))
                row = (given,)
            created = row is not None
            found = (int(row[0]), record.url) if created else self._require_article(record.url)
            if created:  # remembered for the transaction, as ``_article_row`` does
                self._article_rows[record.url] = found
        for alias in record.aliases:
            if alias != found[1]:
                self._execute(
                    "INSERT INTO aliases (url, article_id) VALUES (?, ?)"
                    " ON CONFLICT (url) DO NOTHING",
                    (alias, found[0]),
                )
                # A later record of the batch may be filed under it: ask for it anew.
                self._forget_ahead(ARTICLE_BY_URL, (alias,))
                self._forget_ahead(ARTICLE_BY_ALIAS, (alias,))
        return found[0], found[1], created

    def _latest(self, article_id: int) -> _Latest | None:
        # Here, as in the other methods that save: reading never needs these records.
        from .save_records import _Latest

        row = self._ahead(LATEST, (article_id,))
        if row is None:
            return None
        return _Latest(
            int(row[0]), bytes(row[1]), int(row[2]), bytes(row[3]), int(row[4]), int(row[5])
        )

    def _save_one(self, record: CaptureRecord) -> SaveResult:
        return self._result(record, self._store_one(record))

    def _store_one(self, record: CaptureRecord) -> _Stored:
        """Save one capture: the writes of ``save``, without building its result."""
        article_id, url, _ = self._ensure_article(record)
        at = to_micros(record.captured_at)
        chash = bytes.fromhex(record.content_hash)
        # What the save asks before it writes, asked at once where that saves round trips.
        ahead = [
            (EXISTING_CAPTURE, (article_id, at, chash)),
            (LATEST, (article_id,)),
            (BLOB_DEPTH, by_key(bytes.fromhex(record.text_hash))),
            (UNNORMALISED, (article_id,)),
            first_with(article_id, chash, record),
        ]
        with self._sending_ahead(ahead):
            return self._store_new(record, article_id, url, at, chash)

    def _store_new(
        self, record: CaptureRecord, article_id: int, url: str, at: int, chash: bytes
    ) -> _Stored:
        from .. import _timeline
        from .save_records import _Stored

        existing = self._ahead(EXISTING_CAPTURE, (article_id, at, chash))
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
        # A backfill: the capture lands inside the timeline (or may, at the same time).
        backfill = latest is not None and at <= latest.last_captured_at
        last = self._number_at(article_id, at) if backfill else None
        neighbour = self._neighbour_text(article_id, last) if backfill else None
        capture_id, html_key, _, fresh = self._store_capture(
            article_id, at, chash, record, latest, neighbour
        )
        stored = _Stored(url=url, article_id=article_id, capture_id=capture_id, html_key=html_key)
        if record.quality is not None:
            return stored
        if backfill:
            capture = _timeline.TimelineCapture(capture_id, at, chash)
            new_content = self._new_content(article_id, fresh)
            placed = self._place(url, article_id, capture, last, new_content=new_content)
            return attrs.evolve(stored, version_id=placed.version_id, is_new_version=placed.is_new)
        number, is_new, reverted_to = self._append(
            url, article_id, capture_id, at, record, latest, fresh=fresh
        )
        return attrs.evolve(stored, number=number, is_new_version=is_new, reverted_to=reverted_to)

    def _result(self, record: CaptureRecord, stored: _Stored) -> SaveResult:
        """What ``save`` returns for a capture ``_store_one`` has just saved."""
        from ...models import SaveResult
        from .._timeline import version_id

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
                id=version_id(url, at, bytes.fromhex(record.content_hash)),
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
        self,
        article_id: int,
        at: int,
        chash: bytes,
        record: CaptureRecord,
        latest: _Latest | None,
        base: tuple[bytes, int] | None = None,
    ) -> tuple[int, bytes | None, int, bool]:
        """Store a capture's text and HTML blobs and its row; the text as a delta against
        ``base`` (a blob's key and chain depth), else the latest version's text.

        Returns the capture's id, its HTML blob's key, its text blob's chain depth, and
        whether its text is in its normal form and was stored by no capture before: then
        only an article listed in ``unnormalised_texts`` can have a version with its
        content (the content hash is taken over the normal form, which a text stored
        otherwise does not have as its blob's key). A text not known to be normal lists
        the article.
        """
        text_key = bytes.fromhex(record.text_hash)
        written_before = text_key in self._written_blobs
        if base is None and latest is not None:
            base = latest.text_key, latest.depth
        base_key, base_depth = base or (None, None)
        depth = self._put_blob(text_key, record.text, base_key, base_depth, record.text_frame)
        # Stored by this call, and so by no capture before it.
        fresh = record.text_normal and not written_before and text_key in self._written_blobs
        if not record.text_normal:
            self._execute(MARK_UNNORMALISED, (article_id,))
        html_key, page_blob, page_delta = None, None, None
        if record.html is not None:
            html_key, page_blob, page_delta = self._put_html(article_id, record.html, at)
        # A capture with its version's content names a capture that holds the hash.
        same_content_as = None
        if latest is not None and latest.content_hash == chash:
            same_content_as = latest.content_capture
        headers = self._headers_frame(article_id, record.http_headers, at)
        if page_delta is not None:
            headers = _pages.attach(headers, page_delta)
        given = self._new_capture_id()
        inserted = self._execute(
            _INSERT_CAPTURE if given is None else INSERT_CAPTURE_WITH_ID,
            (
                *(() if given is None else (given,)),
                article_id,
                at,
                chash if same_content_as is None else b"",
                *by_key(text_key),
                *by_key(page_blob),
                self._string_id(record.title),
                self._string_id(record.byline),
                _micros(record.published_at),
                _micros(record.modified_at),
                self._string_id(record.source),
                self._string_id(record.fetched_url),
                record.http_status,
                headers,
                record.quality,
                self._string_id(_json(dict(record.metadata))),
                same_content_as,
            ),
        )
        capture_id = given if given is not None else int(inserted.fetchone()[0])
        return capture_id, html_key, depth, fresh

    def _string_id(self, value: str | None) -> int | None:
        """The number ``value`` is stored under in ``strings``, storing it on first use."""
        if value is None:
            return None
        known = self._string_ids.get(value)
        if known is not None:
            return known
        row = self._ahead(STRING_ID, (value,))
        if row is None:
            given = self._new_string_id()
            if given is None:
                row = self._one("INSERT INTO strings (value) VALUES (?) RETURNING id", (value,))
            else:
                self._execute(INSERT_STRING_WITH_ID, (given, value))
                row = (given,)
        if len(value) <= _REMEMBERED_STRING_CHARS:
            if len(self._string_ids) >= _REMEMBERED_STRINGS:
                self._string_ids.clear()
            self._string_ids[value] = int(row[0])
        return int(row[0])

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
        record: CaptureRecord,
        latest: _Latest | None,
        firsts: dict[bytes, int] | None = None,
        *,
        fresh: bool = False,
    ) -> tuple[int, bool, int | None]:
        """Add a capture at or after the latest one: a new version, or one more capture.

        ``firsts`` maps the content hash of each of the article's versions to its first
        number, when the caller knows them all; it is kept up to date. ``fresh`` is what
        ``_store_capture`` said of the text: where no version can have its content, no
        search through the article's versions, which grows with its history, is made.

        Returns the number of the version it belongs to, whether that version is new, and
        the earlier version it reverts to.
        """
        from .._timeline import version_id

        chash = bytes.fromhex(record.content_hash)
        if latest is not None and latest.content_hash == chash:
            self._execute(RECAPTURED, (at, article_id, latest.number))
            return latest.number, False, None
        number = 1 if latest is None else latest.number + 1
        reverted_to: int | None
        if firsts is not None:
            first = firsts.setdefault(chash, number)
            reverted_to = None if first == number else first
        elif latest is None or self._new_content(article_id, fresh):
            reverted_to = None
        else:
            earlier = self._ahead(*first_with(article_id, chash, record))
            reverted_to = None if earlier is None or earlier[0] is None else int(earlier[0])
        self._execute(
            INSERT_VERSION,
            (
                article_id,
                number,
                version_id(url, at, chash),
                capture_id,
                at,
                reverted_to,
            ),
        )
        self._wrote_version(article_id, number, at)
        return number, True, reverted_to

    def _new_content(self, article_id: int, fresh: bool) -> bool:
        """Whether no version of the article can have the content of a capture whose
        text ``_store_capture`` found ``fresh``: unless the article may hold a text
        stored other than in its normal form."""
        return fresh and self._ahead(UNNORMALISED, (article_id,)) is None

    # -- bulk import ------------------------------------------------------------------

    def ingest(
        self, records: Iterable[CaptureRecord], *, on_saved: OnSaved | None = None
    ) -> list[Ingested]:
        """Save records as ``save`` does, without building results: the bulk import path.

        A capture later than every other of its article (the common case of an import)
        is appended knowing the article's latest version from the one before, which saves
        most of the queries; any other goes through ``save``'s own path.
        """

        def work(batch: list[CaptureRecord]) -> list[Ingested]:
            named = [
                *stored_texts(batch),
                *articles_named(batch),
                *strings_named(batch, self._string_ids),
            ]
            with self._sending_ahead(named):
                done = self._ingest_all(batch)
            if on_saved is not None:
                self._notify(on_saved, (d.url for d in done if d.is_new_capture))
            return done

        return self._locked_batch(list(records), work)

    def _ingest_all(self, batch: list[CaptureRecord]) -> list[Ingested]:
        from .save_records import _Tip

        done: list[Ingested] = []
        # By article, not by URL: a batch may name one article by several of its URLs.
        articles: dict[str, tuple[int, str]] = {}
        tips: dict[int, _Tip] = {}
        filed: list[tuple[int, str]] = []
        for record in batch:
            if record.url not in articles or record.aliases:
                article_id, url, created = self._ensure_article(record)
                articles[record.url] = article_id, url
                if created:  # nothing of it stored yet: no need to ask
                    tips[article_id] = _Tip.empty(article_id, url)
            filed.append(articles[record.url])
        # Where each article stored before the batch ends, asked for all of them at once.
        asked = {article_id for article_id, _ in filed if article_id not in tips}
        # And which of the batch's texts each of them had before (a revert check).
        contents: dict[int, set[bytes]] = {}
        for record, (article_id, _) in zip(batch, filed, strict=True):
            if article_id in asked:
                contents.setdefault(article_id, set()).add(bytes.fromhex(record.content_hash))
        ahead = [
            *(q for a in sorted(asked) for q in tip_queries(a)),
            *((FIRST_WITH_CONTENT, (a, h)) for a, hashes in contents.items() for h in hashes),
            *(
                (EXISTING_CAPTURE, capture_key(record, article_id))
                for record, (article_id, _) in zip(batch, filed, strict=True)
                if record.stored_already
            ),
        ]
        with self._sending_ahead(ahead):
            for record, (article_id, url) in self._landing(batch, filed):
                done.append(self._ingest_one(record, article_id, url, tips, contents))
        return done

    def _ingest_one(
        self,
        record: CaptureRecord,
        article_id: int,
        url: str,
        tips: dict[int, _Tip],
        contents: Mapping[int, set[bytes]],
    ) -> Ingested:
        from ..records import Ingested

        if (
            record.stored_already
            and record.text_frame is None
            and self._ahead(EXISTING_CAPTURE, capture_key(record, article_id)) is not None
        ):
            return Ingested(url, False, False)  # as _store_one finds it, asked with the batch
        tip = tips.get(article_id)
        if tip is None:
            tip = tips[article_id] = self._tip(article_id, url, contents.get(article_id, ()))
        at = to_micros(record.captured_at)
        if record.quality is None and at > tip.last_capture_at:
            return self._append_tip(tip, record, at)
        stored = self._store_one(record)
        if stored.is_new_capture:  # the article's tip may have moved
            del tips[article_id]
        return Ingested(url, stored.is_new_capture, stored.is_new_version)

    def _tip(self, article_id: int, url: str, contents: Iterable[bytes] = ()) -> _Tip:
        """Where an article stored before the batch ends; ``contents`` are the content
        hashes the batch brings it, whose first versions are known if sent ahead."""
        from .save_records import _BEFORE_ANY_CAPTURE, _Tip

        row = self._ahead(LAST_CAPTURE, (article_id,))
        last = _BEFORE_ANY_CAPTURE if row is None or row[0] is None else int(row[0])
        latest = self._latest(article_id)
        firsts = {} if latest is None else self._firsts_ahead(article_id, contents)
        return _Tip(article_id, url, last, latest, firsts)

    def _firsts_ahead(self, article_id: int, contents: Iterable[bytes]) -> dict[bytes, int] | None:
        """The article's first version with each of these contents, from answers sent
        ahead (so for every revert check of the batch's captures of it), or None where
        the store asks as each new version needs it."""
        return None

    def _append_tip(self, tip: _Tip, record: CaptureRecord, at: int) -> Ingested:
        from ..records import Ingested
        from .save_records import _Latest

        chash = bytes.fromhex(record.content_hash)
        capture_id, _, depth, fresh = self._store_capture(
            tip.article_id, at, chash, record, tip.latest
        )
        number, is_new, _ = self._append(
            tip.url, tip.article_id, capture_id, at, record, tip.latest, tip.firsts, fresh=fresh
        )
        holder = capture_id if is_new or tip.latest is None else tip.latest.content_capture
        tip.latest = _Latest(number, chash, at, bytes.fromhex(record.text_hash), depth, holder)
        tip.last_capture_at = at
        return Ingested(tip.url, True, is_new)
