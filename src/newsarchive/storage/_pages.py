"""Pages kept in their capture's row, as a delta against the page blob the row names.

A page re-checked every few minutes differs from the one before by a nonce, ad ids and
render times. As a blob of its own it costs, beside its zstd delta, a 32-byte hash, a row
and an index entry: more than the changes themselves. So a capture whose page splits into
the same tokens as the article's latest page blob keeps a token delta against that blob
(see ``_tokendelta``) in ``captures.html_delta``, when that takes fewer bytes; its page
has no blob, and its hash is computed when the capture is read. Each delta names the same
base blob until a page is stored as a blob again, so reading any of them decodes that
blob (cached) and one delta.

A delta's first byte names its coding; 1 is the only one.
"""

from __future__ import annotations

from . import _tokendelta

PAGE_TOKENS = b"\x01"


def encode(page: bytes, base: bytes, at: int) -> bytes | None:
    """``page`` as kept in its row against the page blob ``base``; None if it cannot be.

    ``at`` is the capture's time in microseconds, which its times are stored against.
    """
    tokens = _tokendelta.encode(page, base, at // 1_000_000)
    return None if tokens is None else PAGE_TOKENS + tokens


def decode(delta: bytes, base: bytes, at: int) -> bytes:
    """The page a row keeps as ``delta`` against ``base`` for a capture at ``at``;
    ValueError if it is damaged."""
    if delta[:1] != PAGE_TOKENS:
        raise ValueError(f"unknown page delta format {delta[:1].hex()}")
    return _tokendelta.decode(delta[1:], base, at // 1_000_000)
