"""Writing a capture's page and response headers: each as little as a delta against the
article's latest ones takes."""

from __future__ import annotations

from .. import _blobs, _headers, _pages
from .blobs import SQLBlobs
from .headers import SQLHeaders

# A page blob's own cost beside its frame, by ``dbstat`` on a scheduled job's archive:
# the 32-byte hash, the row's other columns and header, and the index entry on the hash
# (in pages left partly empty, as hashes arrive in no order).
_PAGE_BLOB_BYTES = 120


class CapturePageWrites(SQLBlobs, SQLHeaders):
    """The page and headers halves of saving a capture."""

    def _put_html(
        self, article_id: int, html: str | bytes, at: int
    ) -> tuple[bytes, bytes, bytes | None]:
        """Store a capture's page: in its row as a token delta against the article's latest
        page blob where that takes fewer bytes than a blob of its own (a zstd delta, with
        its hash, row and index entry), else as a blob, a delta against that one when that
        pays.

        Returns the page's key (its sha256), the key of the blob the row names, and the
        delta the row keeps (None for a page stored as that blob).
        """
        from ...normalize import sha256_hex  # here: reading never needs the normalizer
        from ..records import TextFrame

        if isinstance(html, str):
            html = html.encode("utf-8", "surrogatepass")
        key = bytes.fromhex(sha256_hex(html))
        latest = self._one(
            "SELECT h.hash, h.depth FROM captures c JOIN blobs h ON h.id = c.html_id"
            " WHERE c.article_id = ? AND c.html_id IS NOT NULL"
            " ORDER BY c.captured_at DESC, c.id DESC LIMIT 1",
            (article_id,),
        )
        if latest is None:
            self._put_blob(key, html, None, page=True)
            return key, key, None
        base_key, depth = bytes(latest[0]), int(latest[1])
        hint = None
        if key != base_key and key not in self._written_blobs and self._blob_depth(key) is None:
            base = self._blob_bytes(base_key)
            kept = _pages.encode(html, base, at)
            if kept is not None and len(kept) <= _PAGE_BLOB_BYTES:
                return key, base_key, kept  # less than a blob costs beside its frame
            if kept is not None:
                # What the blob would be: the frame ``_put_blob`` would make, given to it.
                chained = depth + 1 < _blobs.PAGE_KEYFRAME_INTERVAL
                frame, is_delta = _blobs.encode(html, base if chained else None, page=True)
                if len(kept) <= len(frame) + _PAGE_BLOB_BYTES:
                    return key, base_key, kept
                hint = TextFrame(base_key.hex() if is_delta else None, frame, is_delta, len(html))
        self._put_blob(key, html, base_key, depth, hint, page=True)
        return key, key, None

    def _headers_frame(self, article_id: int, headers: _headers.Headers, at: int) -> bytes | None:
        """Headers as stored: a delta against the base of the article's latest capture
        when that pays (see ``_headers``), else standalone."""
        if not headers:
            return None
        row = self._one(
            "SELECT id, http_headers_zstd FROM captures WHERE article_id = ?"
            " ORDER BY captured_at DESC, id DESC LIMIT 1",
            (article_id,),
        )
        latest = None if row is None or row[1] is None else _pages.detach(bytes(row[1]))[0]
        if row is not None and latest is not None:
            base_id, frame = int(row[0]), latest
            named = _headers.base_of(frame)
            if named is not None:
                base_id, frame = named, self._headers_base(named)
            if frame[:1] == _headers.FORMAT_V1:
                delta = _headers.compress_delta(
                    headers, base_id, self._headers_raw(frame), len(frame), at
                )
                if delta is not None:
                    return delta
        return _headers.compress(headers)
