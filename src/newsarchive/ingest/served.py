"""A page's HTML stored as the bytes the server sent, with the charset they were read in.

Captures saved before pages were kept as served hold their HTML re-encoded as UTF-8. A
page kept as served is stored inside a short envelope instead: a marker no decoded page
starts with, the charset's name, a newline, then the bytes. The envelope is what the
store compresses and hashes, so the two forms never share a blob, and a reader tells them
apart by the first bytes alone, with no change to how blobs are stored.
"""

from __future__ import annotations

import codecs

__all__ = ["decode_served", "pack_served", "unpack_served"]

_MARKER = b"\x00newsarchive-html-as-served\x00"


def pack_served(body: bytes, charset: str) -> bytes:
    """Wrap a page's bytes as received for storing.

    Args:
        body: the page as the server sent it (content encodings undone).
        charset: the Python codec the page was read in (e.g. ``cp1252``).

    Returns:
        The envelope to store as the capture's HTML blob.

    Raises:
        LookupError: ``charset`` is not a codec Python knows.
    """
    name = codecs.lookup(charset).name
    return _MARKER + name.encode("ascii") + b"\n" + body


def unpack_served(blob: bytes) -> tuple[bytes, str | None]:
    """Read a stored HTML blob.

    Args:
        blob: the capture's HTML blob as the store returns it.

    Returns:
        The page's bytes and the charset they are in; the charset is None for a page
        stored re-encoded as UTF-8 (captures saved before pages were kept as served).
    """
    if not blob.startswith(_MARKER):
        return blob, None
    name, _, body = blob[len(_MARKER) :].partition(b"\n")
    return body, name.decode("ascii")


def decode_served(body: bytes, charset: str | None) -> str:
    """The text of a stored page, read the way it was read when it was saved.

    Args:
        body: the page's bytes.
        charset: their codec; None for a page stored re-encoded as UTF-8.

    Returns:
        The page as text; bytes the codec cannot read become U+FFFD, and a byte order
        mark of the page's own encoding is dropped.
    """
    if charset is None:
        return body.decode("utf-8", "surrogatepass")
    text = body.decode(charset, "replace")
    return text.removeprefix("\ufeff") if charset.startswith("utf") else text
