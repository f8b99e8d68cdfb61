"""The storage logic both SQL backends share; each backend supplies connection and locking.

Queries are written with ``?`` placeholders; a backend may rewrite them (``_sql``). The
store is built in layers, each using only those below it: the connection and its
transactions, blobs, reading, the timeline of backfills, and saving on top.
"""

from __future__ import annotations

from .batch_lookups import LATEST
from .blobs import BLOB_DEPTH, INSERT_BLOB
from .connection import ARTICLE_BY_ALIAS, ARTICLE_BY_URL, article_queries
from .links import VERSION_HEADS
from .read import ANALYSIS_STATES
from .rows import LAST_CAPTURE, LAST_CAPTURED_AT, content_hash_of
from .statements import (
    FIRST_WITH_CONTENT,
    FIRST_WITH_NORMAL_TEXT,
    INSERT_ARTICLE_WITH_ID,
    INSERT_STRING_WITH_ID,
    INSERT_VERSION,
    MARK_UNNORMALISED,
    RECAPTURED,
    SET_ANALYSIS,
    STRING_ID,
    UNNORMALISED,
)
from .write import INSERT_CAPTURE_WITH_ID, SQLStore

# A capture row ``c``'s content hash, held or named (see rows.py).
CONTENT_HASH = content_hash_of("c")

__all__ = [
    "ANALYSIS_STATES",
    "ARTICLE_BY_ALIAS",
    "ARTICLE_BY_URL",
    "BLOB_DEPTH",
    "CONTENT_HASH",
    "FIRST_WITH_CONTENT",
    "FIRST_WITH_NORMAL_TEXT",
    "INSERT_ARTICLE_WITH_ID",
    "INSERT_BLOB",
    "INSERT_CAPTURE_WITH_ID",
    "INSERT_STRING_WITH_ID",
    "INSERT_VERSION",
    "LAST_CAPTURE",
    "LAST_CAPTURED_AT",
    "LATEST",
    "MARK_UNNORMALISED",
    "RECAPTURED",
    "SET_ANALYSIS",
    "SQLStore",
    "STRING_ID",
    "UNNORMALISED",
    "VERSION_HEADS",
    "article_queries",
]
