"""What the archive hands a store to save, and what a bulk import's save reports.

They are named as ``newsarchive.storage`` values, which loads this module the first time
one is asked for, so that a command that only reads never makes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..models import Version, header_tuple, str_tuple
from ._timeline import version_id

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["AnalysisState", "ArticleTail", "CaptureRecord", "Ingested", "TextFrame", "version_id"]


@attrs.frozen
class TextFrame:
    """A text's zstd frame computed ahead of saving, by a worker process of a bulk import.

    ``base`` is the hex hash of the text it is a delta against (None for a keyframe); a
    store uses the frame only when it would have chosen that same base itself. A record
    with a frame may leave its ``text`` empty: the frame holds it, and a store decodes it
    when it needs it (the base is the text of the URL's capture just before).
    """

    base: str | None
    data: bytes = attrs.field(repr=False)
    is_delta: bool
    size: int  # of the text's UTF-8 bytes
    #: The trained dictionary a keyframe was compressed with (its id in the store), if any.
    dictionary: int | None = None


@attrs.frozen(kw_only=True)
class CaptureRecord:
    """One capture as the archive hands it to a store: canonical URL and hashed content."""

    url: str
    aliases: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    captured_at: datetime
    source: str
    text: str = attrs.field(repr=False)
    # Bytes are stored as they are (a page kept as the server sent it); text as UTF-8.
    html: str | bytes | None = attrs.field(default=None, repr=False)
    title: str | None = None
    byline: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    metadata: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    content_hash: str
    text_hash: str
    fetched_url: str | None = None
    http_status: int | None = None
    http_headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=header_tuple)
    quality: str | None = None
    text_frame: TextFrame | None = attrs.field(default=None, eq=False, repr=False)
    # An import's worker found the store holding this capture already: a bulk save asks
    # that first, for the whole batch at once, and has nothing else to do for it.
    stored_already: bool = attrs.field(default=False, eq=False, repr=False)
    # The text is in its normal form (see ``normalize.normalize_text``) and the content
    # hash is the one its fields give: the text's blob is then keyed by the hash its
    # content is compared by (see ``_sql/write.py``). Unknown (False) is always safe.
    text_normal: bool = attrs.field(default=False, eq=False, repr=False)


@attrs.frozen
class Ingested:
    """What saving one record of a bulk import did, without building its results."""

    url: str
    is_new_capture: bool
    is_new_version: bool


@attrs.frozen
class AnalysisState:
    """What decides whether a version's stored analysis is current, without its text."""

    id: str
    number: int
    reverted_to: int | None
    analysis: Mapping[str, Any] | None = attrs.field(eq=False, hash=False)
    # When the version was first captured: a headline test looks back from then.
    first_captured_at: datetime | None = None


@attrs.frozen
class WrittenVersions:
    """Which versions of an article a save wrote (see ``OnSaved``): those numbered
    ``first`` and after, added, re-headed or renumbered; ``until`` is the latest capture
    time among those whose captures it changed (a version added, or its time span moved),
    None when not known. No analysis before ``first`` can be out of date, and after it
    only one whose basis changed or that looks back on a version captured by ``until``."""

    first: int
    until: datetime | None


@attrs.frozen
class ArticleTail:
    """The end of an article's timeline as stored: what an import's worker needs to go on
    from it as the save will (see ``newsarchive.ingest.follower``).

    ``versions`` are the latest versions, oldest first, only the last with its text and
    none with its stored analysis (an analysis never reads another's);
    ``firsts`` maps each content hash (hex) to the first version with it (a revert mark);
    ``last_captured_at`` is the latest capture of any kind, in microseconds; and
    ``text_depth`` is the latest version's text blob's place in its delta chain.
    """

    url: str
    versions: tuple[Version, ...]
    firsts: Mapping[str, int] = attrs.field(hash=False)
    last_captured_at: int
    text_depth: int
