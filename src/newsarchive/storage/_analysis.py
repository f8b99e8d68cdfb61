"""Compact storage of a version's change-analysis summary.

Every version carries a summary (level, reasons, sentence counts, the rules and the
version it was made against). As JSON with its key names that is over 500 bytes, most of
an archive's ``versions`` table. Stored here as a list in a fixed field order, levels as
small numbers, compressed against a fixed raw-content dictionary of the reason codes, it
is about a fifth of that; what remains is mostly each reason's quoted detail.

A frame's first byte names its layout, and the dictionary must never change:
``\\x01`` is the compact list, ``\\x02`` any other summary as JSON (one given by hand,
or copied from an archive with other fields), so every summary comes back as it was given.
``\\x03`` refers to what the archive holds anyway (see ``Links``): numbers in a binary
head, the version compared against by its capture, the rules by their number in the
archive, and the reasons' quotes compressed against the two texts they quote, where each
is a few bytes of back-reference: about 60 bytes a version in all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import zstandard

from ..errors import StorageError
from . import _linked
from ._linked import Links

_COMPACT = b"\x01"
_JSON = b"\x02"
_LINKED = _linked.LAYOUT
_LEVEL = 19
_LEVELS = ("none", "cosmetic", "minor", "substantive")
_COUNTS = (
    "paragraphs_added",
    "paragraphs_deleted",
    "sentences_added",
    "sentences_deleted",
    "sentences_edited",
    "sentences_moved",
    "sentences_unchanged",
)
_KEYS = frozenset(
    {
        "against",
        "counts",
        "format_version",
        "level",
        "reasons",
        "reverted_to",
        "rules_id",
        "stealth",
        "words_added",
        "words_removed",
    }
)
# Frozen: frames of layout 1 decode only against these exact bytes. The most common
# reasons come last, where zstd reaches them with the shortest offsets.
_CODES = (
    "headline-restyled",
    "headline-changed",
    "byline-changed",
    "correction-note",
    "update-note",
    "dates-changed",
    "date-changed",
    "attribution-changed",
    "paragraph-deleted",
    "paragraph-added",
    "name-changed",
    "quote-changed",
    "sentence-moved",
    "sentence-deleted",
    "number-changed",
    "wording-changed",
    "typo",
    "sentence-rewritten",
    "sentence-added",
)
_DICT = zstandard.ZstdCompressionDict(
    "".join(f'["{code}",{n % 4},1,"“' for n, code in enumerate(_CODES)).encode(),
    dict_type=zstandard.DICT_TYPE_RAWCONTENT,
)
_COMPRESSOR = zstandard.ZstdCompressor(
    level=_LEVEL,
    dict_data=_DICT,
    write_checksum=False,
    write_content_size=True,
    write_dict_id=False,
)
_DECOMPRESSOR = zstandard.ZstdDecompressor(dict_data=_DICT)


def encode(
    summary: Mapping[str, Any], links: Links | None = None, capture_id: int | None = None
) -> bytes:
    """The stored frame of an analysis summary; ``decode`` gives the summary back.

    With ``links`` (and the capture heading the version), the frame refers to the archive:
    the smallest layout, used whenever it gives the summary back exactly.
    """
    compact = _compact(summary)
    if links is not None and capture_id is not None and compact is not None:
        # zstd gives the quotes back exactly: what is left to check is the list's layout.
        linked = _linked.encode(compact, links, capture_id)
        if linked is not None and _expand(compact) == summary:
            return linked
    if compact is not None:
        data = json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode()
        frame = _COMPACT + _COMPRESSOR.compress(data)
        if decode(frame) == summary:
            return frame
    data = json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str).encode()
    return _JSON + _COMPRESSOR.compress(data)


def decode(
    frame: bytes, links: Links | None = None, capture_id: int | None = None
) -> dict[str, Any]:
    """The analysis summary a frame holds; a linked one needs the links it was made with.

    Raises:
        StorageError: the frame is damaged or of a layout this code does not know.
    """
    frame = bytes(frame)
    if frame[:1] == _LINKED:
        if links is None or capture_id is None:
            raise StorageError("a stored change analysis needs its archive to be read")
        try:
            return _expand(_linked.decode(frame, links, capture_id))
        except (zstandard.ZstdError, ValueError, TypeError, IndexError, KeyError) as error:
            raise StorageError("a stored change analysis is damaged") from error
    try:
        value = json.loads(_DECOMPRESSOR.decompress(frame[1:]))
        if frame[:1] == _JSON:
            return dict(value)
        if frame[:1] == _COMPACT:
            return _expand(value)
    except (zstandard.ZstdError, ValueError, TypeError, IndexError, KeyError) as error:
        raise StorageError("a stored change analysis is damaged") from error
    raise StorageError(f"a stored change analysis has an unknown layout {frame[:1].hex()}")


#: What decides whether a stored analysis is current (see :func:`basis`).
BASIS = ("rules_id", "against", "reverted_to")


def basis(frame: bytes, links: Links, capture_id: int) -> dict[str, Any]:
    """The rules id, version compared against and revert mark a frame holds.

    Read from a linked frame's head alone, without the texts its quotes refer to.

    Raises:
        StorageError: the frame is damaged or of a layout this code does not know.
    """
    frame = bytes(frame)
    if frame[:1] == _LINKED:
        try:
            return dict(zip(BASIS, _linked.basis(frame, links, capture_id), strict=True))
        except (ValueError, IndexError, KeyError) as error:
            raise StorageError("a stored change analysis is damaged") from error
    summary = decode(frame)
    return {k: summary[k] for k in BASIS if k in summary}


def brief(frame: bytes) -> tuple[str | None, tuple[str, ...], bool]:
    """A frame's level, reason codes and stealth flag: what a listing of changes shows.

    Read from a linked frame's head alone, without the texts its quotes refer to.
    """
    frame = bytes(frame)
    if frame[:1] == _LINKED:
        try:
            level, codes, stealth = _linked.brief(frame)
            return _LEVELS[level], codes, stealth
        except (ValueError, IndexError) as error:
            raise StorageError("a stored change analysis is damaged") from error
    summary = decode(frame)
    codes = tuple(r["code"] for r in summary.get("reasons", ()))
    return summary.get("level"), codes, bool(summary.get("stealth"))


def _compact(summary: Mapping[str, Any]) -> list[Any] | None:
    """The summary as a list in a fixed order, or None if it has other fields or values."""
    try:
        if set(summary) != _KEYS or set(summary["counts"]) != set(_COUNTS):
            return None
        reasons = [
            [r["code"], _LEVELS.index(r["level"]), r["count"], r["detail"]]
            for r in summary["reasons"]
        ]
        if any(len(r) != 4 for r in summary["reasons"]):
            return None
        return [
            summary["format_version"],
            summary["rules_id"],
            summary["against"],
            summary["reverted_to"],
            _LEVELS.index(summary["level"]),
            int(bool(summary["stealth"])),
            summary["words_added"],
            summary["words_removed"],
            [summary["counts"][k] for k in _COUNTS],
            reasons,
        ]
    except (KeyError, TypeError, ValueError):
        return None


def _expand(value: list[Any]) -> dict[str, Any]:
    (fmt, rules_id, against, reverted_to, level, stealth, added, removed, counts, reasons) = value
    return {
        "format_version": fmt,
        "rules_id": rules_id,
        "against": against,
        "reverted_to": reverted_to,
        "level": _LEVELS[level],
        "stealth": bool(stealth),
        "words_added": added,
        "words_removed": removed,
        "counts": dict(zip(_COUNTS, counts, strict=True)),
        "reasons": [
            {"code": code, "level": _LEVELS[lv], "count": count, "detail": detail}
            for code, lv, count, detail in reasons
        ],
    }
