"""Pages kept in their capture's row, as a delta against the page blob the row names.

A page re-checked every few minutes differs from the one before by a nonce, ad ids and
render times. As a blob of its own it costs, beside its zstd delta, a 32-byte hash, a row
and an index entry: more than the changes themselves. So a capture whose page splits into
the same tokens as the article's latest page blob keeps a token delta against that blob
(see ``_tokendelta``) in its row, when that takes fewer bytes; its page has no blob, and
its hash is computed when the capture is read. Each delta names the same base blob until
a page is stored as a blob again, so reading any of them decodes that blob (cached) and
one delta.

The delta rides in the capture's headers column (``http_headers_zstd``), after its
headers frame, rather than in a column of its own, which every other capture would pay
a byte for: format byte 4 (a byte no headers frame starts with, see ``_headers``), the
headers frame's length (0 for none) as a varint, the frame, then the page's delta.
"""

from __future__ import annotations

from . import _varint

_WITH_PAGE = b"\x04"


def attach(headers: bytes | None, page: bytes) -> bytes:
    """What a row stores for a headers frame (or none) and a kept page's delta."""
    inner = headers or b""
    return _WITH_PAGE + _varint.encode(len(inner)) + inner + page


def detach(stored: bytes | None) -> tuple[bytes | None, bytes | None]:
    """The headers frame and the kept page's delta a row stores, each None if absent.

    ValueError if the stored bytes are cut short.
    """
    if stored is None or stored[:1] != _WITH_PAGE:
        return stored, None
    length, start = _varint.decode(stored, 1, "headers frame")
    if start + length > len(stored):
        raise ValueError("damaged headers frame (cut short)")
    return stored[start : start + length] or None, stored[start + length :]


def encode(page: bytes, base: bytes, at: int) -> bytes | None:
    """``page`` as kept in its row against the page blob ``base``; None if it cannot be.

    ``at`` is the capture's time in microseconds, which its times are stored against.
    """
    from . import _tokendelta  # here: compiling its patterns is most of a read's start

    return _tokendelta.encode(page, base, at // 1_000_000)


def decode(delta: bytes, base: bytes, at: int) -> bytes:
    """The page a row keeps as ``delta`` against ``base`` for a capture at ``at``;
    ValueError if it is damaged."""
    from . import _tokendelta

    return _tokendelta.decode(delta, base, at // 1_000_000)
