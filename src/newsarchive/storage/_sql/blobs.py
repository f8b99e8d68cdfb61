"""Content-addressed text and HTML blobs, each a zstd keyframe or a delta against another."""

from __future__ import annotations

from ...errors import NotFoundError
from .. import CaptureRecord, TextFrame, _blobs
from .connection import SQLConnection


class SQLBlobs(SQLConnection):
    """Reading and writing blobs."""

    def _load_frame(self, key: bytes) -> tuple[bytes | None, bytes]:
        row = self._one(
            "SELECT p.hash, b.data FROM blobs b LEFT JOIN blobs p ON p.id = b.base_id"
            " WHERE b.hash = ?",
            (key,),
        )
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
            "INSERT INTO blobs (hash, base_id, depth, size, data)"
            " VALUES (?, (SELECT id FROM blobs WHERE hash = ?), ?, ?, ?)"
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
