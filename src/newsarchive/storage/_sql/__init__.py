"""The storage logic both SQL backends share; each backend supplies connection and locking.

Queries are written with ``?`` placeholders; a backend may rewrite them (``_sql``). The
store is built in layers, each using only those below it: the connection and its
transactions, blobs, reading, the timeline of backfills, and saving on top.
"""

from __future__ import annotations

from .blobs import BLOB_DEPTH
from .connection import ARTICLE_BY_ALIAS, ARTICLE_BY_URL, article_queries
from .rows import LAST_CAPTURED_AT
from .write import FIRST_WITH_CONTENT, LAST_CAPTURE, LATEST, STRING_ID, SQLStore

__all__ = [
    "ARTICLE_BY_ALIAS",
    "ARTICLE_BY_URL",
    "BLOB_DEPTH",
    "FIRST_WITH_CONTENT",
    "LAST_CAPTURE",
    "LAST_CAPTURED_AT",
    "LATEST",
    "STRING_ID",
    "SQLStore",
    "article_queries",
]
