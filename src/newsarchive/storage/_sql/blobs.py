"""Content-addressed text and HTML blobs, each a zstd keyframe or a delta against another."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from ...errors import NotFoundError
from .. import _blobs
from .connection import SQLConnection

if TYPE_CHECKING:
    from ..records import CaptureRecord, TextFrame

# A blob is found by the first 8 bytes of its hash (SQLite indexes no more of it), and
# the whole hash checked: pass its key as ``by_key(key)``.
BY_KEY = "substr(hash, 1, 8) = ? AND hash = ?"
# Blobs a transaction remembers having written (their keys and depths), at most.
_WRITTEN_BLOBS = 4096

BLOB_DEPTH = f"SELECT depth FROM blobs WHERE {BY_KEY}"
BLOB_ID = f"(SELECT id FROM blobs WHERE {BY_KEY})"
INSERT_BLOB = (
    "INSERT INTO blobs (hash, base_id, depth, size, data, dictionary_id)"
    f" VALUES (?, {BLOB_ID}, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


@overload
def by_key(key: bytes) -> tuple[bytes, bytes]: ...
@overload
def by_key(key: bytes | None) -> tuple[bytes | None, bytes | None]: ...
def by_key(key: bytes | None) -> tuple[bytes | None, bytes | None]:
    """The parameters of ``BY_KEY`` for blob ``key``."""
    return (None if key is None else key[:8]), key


class SQLBlobs(SQLConnection):
    """Reading and writing blobs."""

    def _load_frame(self, key: bytes) -> _blobs.Frame:
        written = self._written_frames.get(key)
        if written is not None:
            return written  # written by this transaction: no need to ask for it back
        row = self._one(
            "SELECT p.hash, b.data, b.dictionary_id FROM blobs b"
            " LEFT JOIN blobs p ON p.id = b.base_id"
            " WHERE substr(b.hash, 1, 8) = ? AND b.hash = ?",
            by_key(key),
        )
        if row is None:
            raise NotFoundError(f"blob {key.hex()} is missing from the archive")
        base = None if row[0] is None else bytes(row[0])
        return base, bytes(row[1]), self._dictionary(row[2])

    def _dictionary(self, ident: int | None) -> _blobs.Dictionary | None:
        """The trained dictionary stored under ``ident`` (None for none)."""
        if ident is None:
            return None
        found = self._dictionaries.get(int(ident))
        if found is None:
            row = self._one("SELECT data FROM dictionaries WHERE id = ?", (ident,))
            if row is None:
                raise NotFoundError(f"compression dictionary {ident} is missing from the archive")
            found = self._dictionaries[int(ident)] = _blobs.Dictionary(int(ident), bytes(row[0]))
        return found

    def _keyframe_dictionary(self) -> _blobs.Dictionary | None:
        """The dictionary new keyframes are compressed with: the latest one trained.

        Without one, every ``TRAIN_AFTER`` blobs it tries to train one on the latest
        keyframes.
        """
        if self._keyframe_dictionary_id is not None:
            return self._dictionary(self._keyframe_dictionary_id)
        row = self._one("SELECT MAX(id) FROM dictionaries")
        if row is not None and row[0] is not None:
            self._keyframe_dictionary_id = int(row[0])
            return self._dictionary(int(row[0]))
        if self._last_blob_id() % _blobs.TRAIN_AFTER:
            return None
        keys = self._all(
            "SELECT hash FROM blobs WHERE base_id IS NULL ORDER BY id DESC LIMIT ?",
            (2 * _blobs.TRAIN_AFTER,),
        )
        if len(keys) < _blobs.TRAIN_AFTER:
            return None
        trained = _blobs.train_dictionary([self._blob_bytes(bytes(k[0])) for k in keys])
        if trained is None:
            return None
        ident = int(
            self._one("INSERT INTO dictionaries (data) VALUES (?) RETURNING id", (trained,))[0]
        )
        self._keyframe_dictionary_id = ident
        return self._dictionary(ident)

    def keyframe_dictionary(self) -> tuple[int, bytes] | None:
        with self._read():
            row = self._one("SELECT id, data FROM dictionaries ORDER BY id DESC LIMIT 1")
        return None if row is None else (int(row[0]), bytes(row[1]))

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
        *,
        page: bool = False,
    ) -> int:
        """Store ``content`` once under its sha256 ``key``: a delta against ``base`` if it pays.

        ``hint`` is a frame computed ahead, used when it has the base chosen here. A
        ``page`` (raw HTML) is coded as ``_blobs`` codes pages. Returns the blob's depth in
        its delta chain.
        """
        if key == base and base_depth is not None:
            return base_depth  # the text did not change: the most common save of all
        if base is not None and base_depth is None:
            base_depth = self._blob_depth(base)
        interval = _blobs.PAGE_KEYFRAME_INTERVAL if page else _blobs.KEYFRAME_INTERVAL
        if base_depth is None or base_depth + 1 >= interval:
            base = None
        dictionary = None
        written = self._written_blobs.get(key)
        if written is not None:
            return written  # stored by an earlier capture of this transaction
        row = self._ahead(BLOB_DEPTH, by_key(key))
        if row is not None:
            return int(row[0])  # a revert: the text is stored already
        if hint is not None and hint.base == (None if base is None else base.hex()):
            # Compressed already: insert it as it is.
            frame, is_delta, size = hint.data, hint.is_delta, hint.size
            if not is_delta:
                dictionary = self._keyframe_dictionary()
                if hint.dictionary != (None if dictionary is None else dictionary.id):
                    # Framed before its worker was told of the dictionary: framed again.
                    plain = _blobs.decompress(frame, None, self._dictionary(hint.dictionary))
                    frame = _blobs.compress_keyframe(plain, dictionary)
        else:
            if not content and hint is not None:
                content = self._frame_content(hint)
            data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
            base_bytes = None if base is None else self._blob_bytes(base)
            frame, is_delta = _blobs.encode(data, base_bytes, page=page)
            if not is_delta:
                dictionary = self._keyframe_dictionary()
                if dictionary is not None:
                    frame = _blobs.compress_keyframe(data, dictionary)
            size = len(data)
            self._cache.put(key, data)
        depth = base_depth + 1 if is_delta and base_depth is not None else 0
        inserted = self._inserted(
            self._execute(
                # PostgreSQL's blobs keep a unique hash: another writer may have stored
                # this one since it was looked up, or (looked up for the whole batch) an
                # earlier capture of the batch. Then it is there already.
                INSERT_BLOB,
                (
                    key,
                    *by_key(base if is_delta else None),
                    depth,
                    size,
                    frame,
                    None if dictionary is None else dictionary.id,
                ),
            )
        )
        if not inserted:
            stored = self._blob_depth(key)
            assert stored is not None
            return stored
        if len(self._written_blobs) >= _WRITTEN_BLOBS:
            self._written_blobs.clear()
            self._written_frames.clear()
        self._written_blobs[key] = depth
        # An analysis stored in the same transaction quotes this text: its frame is read
        # from here rather than asked of the server again.
        self._written_frames[key] = (base if is_delta else None, frame, dictionary)
        return depth

    def _frame_content(self, frame: TextFrame) -> bytes:
        """The text a frame computed ahead holds, for a record that carries no other copy."""
        if frame.is_delta and frame.base is not None:
            return _blobs.decompress(frame.data, self._blob_bytes(bytes.fromhex(frame.base)))
        return _blobs.decompress(frame.data, None, self._dictionary(frame.dictionary))

    def _record_text(self, record: CaptureRecord) -> str:
        if record.text or record.text_frame is None:
            return record.text
        return self._frame_content(record.text_frame).decode("utf-8", "surrogatepass")

    def _last_blob_id(self) -> int:
        row = self._one("SELECT MAX(id) FROM blobs")
        return 0 if row is None or row[0] is None else int(row[0])

    def _blob_depth(self, key: bytes) -> int | None:
        row = self._one(BLOB_DEPTH, by_key(key))
        return None if row is None else int(row[0])
