"""Reading captures' response headers, standalone frames or deltas against another's."""

from __future__ import annotations

from ...errors import StorageError
from .. import _headers, _pages
from .connection import SQLConnection


class SQLHeaders(SQLConnection):
    """Headers frames and the base frames deltas name."""

    def _stored_headers(self, capture_id: int, frame: bytes | None, at: int) -> _headers.Headers:
        """A capture's headers, from its frame (kept page detached, see ``_pages``).

        ``at`` is the capture's time, which a delta's dates are stored against.
        """
        try:
            if frame is None:
                return ()
            base_id = _headers.base_of(frame)
            if base_id is None:
                return _headers.decompress(frame)
            base = self._headers_raw(self._headers_base(base_id))
            return _headers.decompress(frame, base, at)
        except ValueError as error:
            raise StorageError(f"the stored headers of capture {capture_id} are damaged") from error

    def _headers_base(self, base_id: int) -> bytes:
        """The standalone frame of capture ``base_id``, which deltas name as their base."""
        row = self._one("SELECT http_headers_zstd FROM captures WHERE id = ?", (base_id,))
        frame = None if row is None or row[0] is None else _pages.detach(bytes(row[0]))[0]
        if frame is None:
            raise ValueError(f"the base of a headers delta, capture {base_id}, is missing")
        return frame

    def _headers_raw(self, frame: bytes) -> bytes:
        """What ``_headers.raw`` gives for this base frame, decoded once a process.

        The blob cache holds it under the frame itself, not the capture's id, which a
        rolled-back or deleted capture may leave to another; no sha256 digest (32 bytes)
        starts like this key.
        """
        key = b"headers:" + frame
        found = self._cache.get(key)
        if found is None:
            found = _headers.raw(frame)
            self._cache.put(key, found)
        return found
