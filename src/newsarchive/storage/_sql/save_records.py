"""The small records saving passes between its steps.

Only a save loads this module: reading an archive never builds one of them, and making
their classes is a noticeable part of a command's start.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class _Latest:
    """An article's latest version, as saving the next capture needs it."""

    number: int
    content_hash: bytes
    last_captured_at: int
    text_key: bytes
    depth: int  # of its text blob in the delta chain
    content_capture: int  # a capture that holds the content hash (see rows.py)


@attrs.frozen(kw_only=True)
class _Stored:
    """What saving one capture did: enough to build what ``save`` returns, when asked."""

    url: str
    article_id: int
    capture_id: int
    html_key: bytes | None
    is_new_capture: bool = True
    is_new_version: bool = False
    # The version it joined or made: by id after a backfill, by number after an append.
    version_id: str | None = None
    number: int = 0
    reverted_to: int | None = None


@attrs.frozen
class _Placed:
    """Where a backfilled capture landed: its version, and whether that is new."""

    version_id: str
    is_new: bool


_BEFORE_ANY_CAPTURE = -(2**63)


@attrs.define
class _Tip:
    """An article as a bulk import leaves it: its newest capture and latest version."""

    article_id: int
    url: str
    last_capture_at: int
    latest: _Latest | None
    # The first number of each content hash, for an article the import started.
    firsts: dict[bytes, int] | None

    @classmethod
    def empty(cls, article_id: int, url: str) -> _Tip:
        """An article with nothing stored yet."""
        return cls(article_id, url, _BEFORE_ANY_CAPTURE, None, {})
