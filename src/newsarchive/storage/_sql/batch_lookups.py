"""What a save asks before it writes, put so that a batch can ask it all at once.

A backend with round trips sends these lookups ahead of a batch's writes (see
``SQLConnection._sending_ahead``); the others run each when it is asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...times import to_micros
from .blobs import BLOB_DEPTH, by_key
from .connection import ARTICLE_BY_ALIAS, ARTICLE_BY_URL
from .rows import LAST_CAPTURE, LAST_CAPTURED_AT, content_hash_of
from .statements import FIRST_WITH_CONTENT, FIRST_WITH_NORMAL_TEXT

if TYPE_CHECKING:
    from ..records import CaptureRecord

# The capture a re-check names for its content hash: one that holds it (see rows.py).
_CONTENT_CAPTURE = "COALESCE(c.same_content_as, c.id)"
LATEST = (
    f"SELECT v.number, {content_hash_of('c')}, {LAST_CAPTURED_AT}, b.hash, b.depth,"
    f" {_CONTENT_CAPTURE} FROM versions v JOIN captures c ON c.id = v.capture_id"
    " JOIN blobs b ON b.id = c.text_id"
    " WHERE v.article_id = ? ORDER BY v.number DESC LIMIT 1"
)


def first_with(article_id: int, chash: bytes, record: CaptureRecord) -> tuple[str, tuple[Any, ...]]:
    """The lookup of the article's first version with the record's content: one that a
    text in its normal form and new to the archive answers without a search."""
    if not record.text_normal:
        return FIRST_WITH_CONTENT, (article_id, chash)
    text_key = bytes.fromhex(record.text_hash)
    return FIRST_WITH_NORMAL_TEXT, (article_id, chash, *by_key(text_key), article_id)


def capture_key(record: CaptureRecord, article_id: int) -> tuple[int, int, bytes]:
    """The parameters of ``EXISTING_CAPTURE`` for a record filed under ``article_id``."""
    return article_id, to_micros(record.captured_at), bytes.fromhex(record.content_hash)


def stored_texts(batch: list[CaptureRecord]) -> set[tuple[str, tuple[bytes, bytes]]]:
    """Whether each text is stored already, to ask for the whole batch at once.

    A text stored by an earlier record of the batch still reads as missing: its insert
    then finds it there, and asks again.
    """
    return {(BLOB_DEPTH, by_key(bytes.fromhex(r.text_hash))) for r in batch}


def tip_queries(article_id: int) -> list[tuple[str, tuple[int]]]:
    """What ``_tip`` asks of an article stored before the batch."""
    return [(LAST_CAPTURE, (article_id,)), (LATEST, (article_id,))]


def articles_named(batch: list[CaptureRecord]) -> set[tuple[str, tuple[str]]]:
    """The article each record names, by URL or alias, to ask for the whole batch at once.

    Each answer is taken once: an article the batch creates is asked for again, if at all.
    """
    return {(q, (r.url,)) for r in batch for q in (ARTICLE_BY_URL, ARTICLE_BY_ALIAS)}
