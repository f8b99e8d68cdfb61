"""The smallest frame of an analysis summary: one that refers to what the archive holds.

A summary in its compact list form (see ``_analysis.py``) is mostly small numbers and the
reasons' quotes, and every quote is cut from one of the two texts compared. The head holds
the numbers as varints; the version compared against is named by its capture (as the
distance between capture ids, stable when a backfill renumbers versions), the rules by
their number in the archive; the quotes follow in one zstd frame compressed with the two
texts as its raw-content dictionary, so that each costs a few bytes of back-reference.
"""

from __future__ import annotations

from typing import Any, Protocol

import zstandard

from . import _varint

LAYOUT = b"\x03"
# Frozen: a reason's code is stored as its place here. A summary with any other code is
# stored in another layout.
CODES = (
    "attribution-changed",
    "byline-changed",
    "caption-changed",
    "correction-note",
    "date-changed",
    "dates-changed",
    "extraction-changed",
    "extractor-changed",
    "headline-changed",
    "headline-restyled",
    "headline-test",
    "image-changed",
    "link-added",
    "link-removed",
    "live-update",
    "name-changed",
    "number-changed",
    "paragraph-added",
    "paragraph-deleted",
    "quote-changed",
    "sentence-added",
    "sentence-deleted",
    "sentence-moved",
    "sentence-rewritten",
    "typo",
    "update-note",
    "wording-changed",
    "boilerplate",
    "capitalisation",
    "punctuation",
    "reverted",
    "rewrite",
    "whitespace",
)
_COUNTS = 7
_SEPARATOR = "\0"
# The dictionary (two texts) is what costs: loading it into small tables and a lazy search
# takes 0.1 ms for a pair of 10 KB texts, where level 12 takes 0.3 ms for 4% fewer bytes.
_PARAMS = zstandard.ZstdCompressionParameters(
    window_log=17,
    hash_log=14,
    chain_log=14,
    search_log=4,
    min_match=5,
    target_length=0,
    strategy=zstandard.STRATEGY_LAZY2,
    format=zstandard.FORMAT_ZSTD1_MAGICLESS,
    write_checksum=0,
    write_content_size=0,
    write_dict_id=0,
)
# Frozen: what quotes are set in, ahead of the texts in the dictionary, so that the marks
# around and between quotes are back-references too.
_MARKS = "” → “…”“".encode()
# Quotes are short; a frame decoding to more than this is damaged.
_MAX_QUOTES = 1 << 24


class Links(Protocol):
    """What a linked frame refers to in its article; the store resolves it."""

    def text(self, capture_id: int) -> bytes:
        """The UTF-8 text of this capture."""

    def version_id(self, capture_id: int) -> str:
        """The id a version headed by this capture has (whether or not it still exists)."""

    def capture_of(self, version_id: str) -> int | None:
        """The capture heading this version of the article, None if it has no such version."""

    def rules_name(self, ref: int) -> str:
        """The rules id stored under this number."""

    def rules_ref(self, name: str) -> int:
        """The number of this rules id, stored on first use."""


def encode(compact: list[Any], links: Links, capture_id: int) -> bytes | None:
    """The linked frame of a compact summary, or None if it holds what this layout cannot."""
    fmt, rules_id, against, reverted_to, level, stealth, added, removed, counts, reasons = compact
    numbers = [fmt, added, removed, *counts, *([] if reverted_to is None else [reverted_to])]
    if not isinstance(rules_id, str) or not all(_is_count(n) for n in numbers):
        return None
    distance = 0
    if against is not None:
        against_capture = links.capture_of(against) if isinstance(against, str) else None
        if against_capture is None or against_capture == capture_id:
            return None
        if links.version_id(against_capture) != against:  # a version headed anew
            return None
        distance = _varint.zigzag(capture_id - against_capture)
    head = bytearray(LAYOUT)
    head += _varint.encode(distance)
    head.append(level | (stealth << 2) | ((reverted_to is not None) << 3))
    head += _varint.encode(links.rules_ref(rules_id))
    for number in numbers:
        head += _varint.encode(number)
    head += _varint.encode(len(reasons))
    quotes = []
    for code, reason_level, count, detail in reasons:
        if code not in CODES or not _is_count(count) or not isinstance(detail, str):
            return None
        if _SEPARATOR in detail:
            return None
        head += _varint.encode(CODES.index(code) * 4 + reason_level)
        head += _varint.encode(count)
        quotes.append(detail)
    if not reasons:
        return bytes(head)
    data = _SEPARATOR.join(quotes).encode("utf-8", "surrogatepass")
    compressor = zstandard.ZstdCompressor(
        compression_params=_PARAMS, dict_data=_dictionary(links, capture_id, distance)
    )
    return bytes(head) + compressor.compress(data)


def decode(frame: bytes, links: Links, capture_id: int) -> list[Any]:
    """The compact summary a linked frame holds (raises ValueError if it is damaged)."""
    distance, head, pos = _head(frame)
    level, stealth, reverted, rules, numbers, reasons = head
    against = None if not distance else links.version_id(capture_id - _varint.unzigzag(distance))
    quotes: list[str] = []
    if reasons:
        decompressor = zstandard.ZstdDecompressor(
            dict_data=_dictionary(links, capture_id, distance),
            format=zstandard.FORMAT_ZSTD1_MAGICLESS,
        )
        # Frames leave out their size (a byte or two): decode them as a stream.
        data = decompressor.decompressobj().decompress(frame[pos:])
        if len(data) > _MAX_QUOTES:
            raise ValueError("the quotes are longer than any analysis writes")
        quotes = data.decode("utf-8", "surrogatepass").split(_SEPARATOR)
        if len(quotes) != len(reasons):
            raise ValueError("quotes and reasons differ in number")
    return [
        numbers[0],
        links.rules_name(rules),
        against,
        numbers[-1] if reverted else None,
        level,
        stealth,
        numbers[1],
        numbers[2],
        numbers[3 : 3 + _COUNTS],
        [
            [CODES[code >> 2], code & 3, count, quote]
            for (code, count), quote in zip(reasons, quotes, strict=True)
        ],
    ]


def basis(frame: bytes, links: Links, capture_id: int) -> tuple[str, str | None, int | None]:
    """The rules id, the version compared against and the revert mark of a linked frame,
    from its head alone: what decides whether it is current, read without the texts."""
    distance, (_, _, reverted, rules, numbers, _), _ = _head(frame)
    against = None if not distance else links.version_id(capture_id - _varint.unzigzag(distance))
    return links.rules_name(rules), against, numbers[-1] if reverted else None


def brief(frame: bytes) -> tuple[int, tuple[str, ...], bool]:
    """The level, reason codes and stealth flag of a linked frame, from its head alone."""
    _, (level, stealth, _, _, _, reasons), _ = _head(frame)
    return level, tuple(CODES[code >> 2] for code, _ in reasons), stealth


def _head(frame: bytes) -> tuple[int, tuple[Any, ...], int]:
    distance, pos = _varint.decode(frame, 1)
    flags = frame[pos]
    rules, pos = _varint.decode(frame, pos + 1)
    numbers = []
    for _ in range(3 + _COUNTS + ((flags >> 3) & 1)):
        number, pos = _varint.decode(frame, pos)
        numbers.append(number)
    count, pos = _varint.decode(frame, pos)
    reasons = []
    for _ in range(count):
        code, pos = _varint.decode(frame, pos)
        times, pos = _varint.decode(frame, pos)
        reasons.append((code, times))
    head = (flags & 3, bool(flags & 4), bool(flags & 8), rules, numbers, reasons)
    return distance, head, pos


def _dictionary(links: Links, capture_id: int, distance: int) -> zstandard.ZstdCompressionDict:
    texts = _MARKS + links.text(capture_id)
    if distance:
        texts = _MARKS + links.text(capture_id - _varint.unzigzag(distance)) + texts[len(_MARKS) :]
    return zstandard.ZstdCompressionDict(texts, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
