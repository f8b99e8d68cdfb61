"""Statements a save sends by the thousand, named so that a backend may batch them, and
the lookups a batch may ask for all of its captures or articles at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .blobs import BY_KEY
from .links import VERSION_HEADS
from .read import ANALYSIS_STATES
from .rows import content_hash_of

if TYPE_CHECKING:
    from ..records import CaptureRecord

INSERT_ARTICLE = (
    "INSERT INTO articles (url, created_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING RETURNING id"
)
INSERT_ARTICLE_WITH_ID = "INSERT INTO articles (id, url, created_at) VALUES (?, ?, ?)"
STRING_ID = "SELECT id FROM strings WHERE value = ? LIMIT 1"
INSERT_STRING_WITH_ID = "INSERT INTO strings (id, value) VALUES (?, ?)"
# The first version with this content: the one a new version with it reverts to.
FIRST_WITH_CONTENT = (
    "SELECT MIN(v.number) FROM versions v JOIN captures c ON c.id = v.capture_id"
    f" WHERE v.article_id = ? AND {content_hash_of('c')} = ?"
)
# The same, asked of a text in its normal form: only where that text is stored already or
# the article may hold texts stored otherwise (the parameters after the first two: the
# text's ``by_key``, then the article). A PostgreSQL store asks it before the text is
# written, and a text new to the archive then costs no search through the versions.
FIRST_WITH_NORMAL_TEXT = (
    f"{FIRST_WITH_CONTENT} AND (EXISTS (SELECT 1 FROM blobs WHERE {BY_KEY})"
    " OR EXISTS (SELECT 1 FROM unnormalised_texts WHERE article_id = ?))"
)
# Whether an article may hold a text stored other than in its normal form.
UNNORMALISED = "SELECT 1 FROM unnormalised_texts WHERE article_id = ?"
MARK_UNNORMALISED = "INSERT INTO unnormalised_texts (article_id) VALUES (?) ON CONFLICT DO NOTHING"
INSERT_VERSION = (
    "INSERT INTO versions (article_id, number, id, capture_id,"
    " first_captured_at, last_captured_at, capture_count, reverted_to)"
    " VALUES (?, ?, ?, ?, ?, NULL, 1, ?)"
)
# One more capture of a version, the latest so far.
RECAPTURED = (
    "UPDATE versions SET last_captured_at = ?, capture_count = capture_count + 1"
    " WHERE article_id = ? AND number = ?"
)
# By number, not by id: a version is found by its key, not by reading the article's.
SET_ANALYSIS = (
    "UPDATE versions SET analysis_frame = ?, significance = ?, stealth = ?"
    " WHERE article_id = ? AND number = ?"
)


def strings_named(
    batch: list[CaptureRecord], known: Mapping[str, int]
) -> set[tuple[str, tuple[str]]]:
    """The number of each title, byline, source and fetched URL of the batch not ``known``
    (metadata, mostly empty or repeated, is asked as it is saved)."""
    values = {v for r in batch for v in (r.title, r.byline, r.source, r.fetched_url)}
    return {(STRING_ID, (v,)) for v in values if v is not None and v not in known}


def analysis_reads(since: Mapping[int, int]) -> list[tuple[str, tuple[int, int]]]:
    """What storing these articles' analyses reads of each (by id), from the version
    number given on: the state of each version, and what the analysis frames refer to."""
    return [(q, (a, since[a])) for a in sorted(since) for q in (ANALYSIS_STATES, VERSION_HEADS)]
