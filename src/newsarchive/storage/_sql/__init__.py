"""The storage logic both SQL backends share; each backend supplies connection and locking.

Queries are written with ``?`` placeholders; a backend may rewrite them (``_sql``). The
store is built in layers, each using only those below it: the connection and its
transactions, blobs, reading, the timeline of backfills, and saving on top.
"""

from __future__ import annotations

from .blobs import BLOB_DEPTH
from .connection import ARTICLE_BY_ALIAS, ARTICLE_BY_URL, article_queries
from .rows import LAST_CAPTURED_AT, content_hash_of
from .write import LAST_CAPTURE, LATEST, SQLStore

# A capture row ``c``'s content hash, held or named (see rows.py).
CONTENT_HASH = content_hash_of("c")

__all__ = [
    "ARTICLE_BY_ALIAS",
    "ARTICLE_BY_URL",
    "BLOB_DEPTH",
    "CONTENT_HASH",
    "LAST_CAPTURE",
    "LAST_CAPTURED_AT",
    "LATEST",
    "SQLStore",
    "article_queries",
]
