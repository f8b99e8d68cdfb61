"""Row and value conversions the SQL parts share (the records a save passes are in
``save_records``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ...times import from_micros, to_micros

if TYPE_CHECKING:
    from ..records import CaptureRecord


def _string(column: str) -> str:
    """SQL for a capture's value stored once in ``strings`` (see schema 11)."""
    return f"(SELECT s.value FROM strings s WHERE s.id = c.{column}_id)"


def content_hash_of(capture: str) -> str:
    """SQL for the content hash of capture row ``capture``.

    A capture with its version's content (a re-check, most often) names the capture whose
    hash it repeats in ``same_content_as`` rather than repeating 32 bytes (schema 13); that
    capture always holds its own.
    """
    return (
        f"CASE WHEN {capture}.same_content_as IS NULL THEN {capture}.content_hash"
        f" ELSE (SELECT f.content_hash FROM captures f WHERE f.id = {capture}.same_content_as)"
        " END"
    )


# A version seen once keeps no last capture time apart from its first.
LAST_CAPTURED_AT = "COALESCE(v.last_captured_at, v.first_captured_at)"
LAST_CAPTURE = "SELECT MAX(captured_at) FROM captures WHERE article_id = ?"
# The capture of an article at a time with a content: a save of it adds nothing.
EXISTING_CAPTURE = (
    "SELECT c.id FROM captures c WHERE c.article_id = ? AND c.captured_at = ?"
    f" AND {content_hash_of('c')} = ?"
)

# A version's content hash is its first capture's: the versions table does not repeat it.
_VERSION_COLUMNS = f"""v.number, v.id, {content_hash_of("c")}, v.first_captured_at,
    {LAST_CAPTURED_AT}, v.capture_count, v.reverted_to, v.analysis_frame,
    (SELECT t.hash FROM blobs t WHERE t.id = c.text_id), {_string("title")}, {_string("byline")},
    c.published_at, c.modified_at, {_string("metadata")}, v.article_id, v.capture_id"""

# Captures name their blobs by row id; what they return is the blobs' hashes. A page
# kept in the row (after its headers frame, see _pages.py) names its base blob in
# ``html_id``.
_CAPTURE_COLUMNS = f"""c.id, c.captured_at, {_string("source")}, {content_hash_of("c")},
    (SELECT t.hash FROM blobs t WHERE t.id = c.text_id),
    (SELECT h.hash FROM blobs h WHERE h.id = c.html_id),
    {_string("fetched_url")}, c.http_status, c.quality, {_string("metadata")},
    {_string("title")}, {_string("byline")}, c.published_at, c.modified_at, c.http_headers_zstd"""


T = TypeVar("T")

# Significance levels as stored numbers, so that "at least minor" is one comparison.
_LEVELS = {"none": 0, "cosmetic": 1, "minor": 2, "substantive": 3}


def _micros(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def _time(value: int | None) -> datetime | None:
    return None if value is None else from_micros(value)


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else None


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
