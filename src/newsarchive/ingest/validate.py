"""What the archive accepts at its door: one set of checks for every way in.

``Archive.save``, ``save_many`` (through ``prepare``) and every importer take a capture's
fields through :func:`check_capture_fields`, so that whatever is stored is exactly what
``export`` can write and ``import`` can read back, on every backend. A field of the
wrong type or out of range is an :class:`~newsarchive.errors.InputError` that names it.

One rule for times everywhere: an aware datetime is converted to UTC; a naive one is
taken as UTC, as ISO 8601 text without an offset is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ..errors import InputError

# RFC 9110 asks for at least 8000 octets of URL; longer ones are refused by most servers
# and are far more often a mistake or an attack than an article's address.
MAX_URL_LENGTH = 8192
# Nested arrays and objects in metadata: deep enough for any real record, shallow enough
# that no JSON reader on the way back recurses too far.
MAX_JSON_DEPTH = 64
# A header block larger than this is not a real response's (servers cap theirs at 8-64 KB).
MAX_HEADER_BYTES = 256 * 1024
HTTP_STATUS_RANGE = (100, 599)
# Fields kept in database text columns: PostgreSQL's text and jsonb take no NUL.
_SHORT_TEXTS = ("title", "byline", "source", "quality")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shorten(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to about ``limit`` characters, for one-line messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(value: object) -> str:
    return type(value).__name__


def check_url(value: object, field: str = "url") -> str:
    """Return ``value`` if it can be an archived URL.

    Args:
        value: the candidate URL.
        field: its name, for the message.

    Returns:
        The URL, unchanged.

    Raises:
        InputError: not a string, longer than ``MAX_URL_LENGTH``, or holding a NUL or
            another control character.
    """
    if not isinstance(value, str):
        raise InputError(f"{field} must be a string, not {_type_name(value)}")
    if len(value) > MAX_URL_LENGTH:
        raise InputError(
            f"{field} is {len(value)} characters long (limit {MAX_URL_LENGTH}): {shorten(value)}"
        )
    if _CONTROL.search(value.strip()):
        raise InputError(f"{field} holds a control character: {shorten(value)}")
    return value


def check_optional_str(value: object, field: str, *, nul: bool = False) -> str | None:
    """Return ``value`` if it is None or a string (without NUL unless ``nul``).

    Raises:
        InputError: another type, or a NUL where it cannot be stored.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{field} must be a string, not {_type_name(value)}")
    if not nul and "\x00" in value:
        raise InputError(f"{field} holds a NUL character")
    return value


def check_time(value: object, field: str) -> datetime | None:
    """Return ``value`` as an aware UTC datetime (a naive one is taken as UTC), or None.

    Raises:
        InputError: not a datetime, or outside years 1 to 9999 once in UTC.
    """
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise InputError(f"{field} must be a datetime, not {_type_name(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InputError(f"{field} {value.isoformat()} is outside years 1 to 9999 in UTC") from None


def check_http_status(value: object) -> int | None:
    """Return an HTTP status code between 100 and 599, or None.

    Raises:
        InputError: not an integer, or out of range.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"http_status must be an integer, not {_type_name(value)}")
    low, high = HTTP_STATUS_RANGE
    if not low <= value <= high:
        raise InputError(f"http_status {shorten(value, 30)} is not between {low} and {high}")
    return value


def check_headers(value: object) -> tuple[tuple[str, str], ...]:
    """Return HTTP headers as a tuple of (name, value) string pairs.

    Raises:
        InputError: not pairs of strings, a name or value holding CR, LF or NUL (they
            would split the header when written to a WARC), or more than
            ``MAX_HEADER_BYTES`` in all.
    """
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InputError(f"http_headers must be (name, value) pairs, not {_type_name(value)}")
    pairs: list[tuple[str, str]] = []
    size = 0
    for pair in value:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise InputError("http_headers must be (name, value) pairs")
        name, text = pair
        if not (isinstance(name, str) and isinstance(text, str)):
            raise InputError("http_headers names and values must be strings")
        if any(c in name or c in text for c in "\r\n\x00"):
            raise InputError(f"http_headers: {shorten(name, 40)} holds CR, LF or NUL")
        size += len(name) + len(text) + 4
        if size > MAX_HEADER_BYTES:
            raise InputError(f"http_headers exceed {MAX_HEADER_BYTES} bytes")
        pairs.append((name, text))
    return tuple(pairs)


def check_metadata(value: object) -> dict[str, Any]:
    """Return a copy of metadata if it is JSON that reads back as it was written.

    Keys are strings; values are None, booleans, integers, finite floats, strings
    without NUL, lists and objects, nested at most ``MAX_JSON_DEPTH`` deep.

    Raises:
        InputError: anything else, naming the offending key path.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(f"metadata must be a mapping, not {_type_name(value)}")
    checked = dict(value)
    _check_json(checked, "metadata", 1)
    return checked


def _check_json(value: object, path: str, depth: int) -> None:
    """Check one JSON value; ``depth`` counts the arrays and objects it is inside."""
    if isinstance(value, list | tuple | Mapping) and depth > MAX_JSON_DEPTH:
        raise InputError(f"{path[:60]}… is nested more than {MAX_JSON_DEPTH} deep")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        # Python refuses to print integers past 4300 digits; JSON readers lose far less.
        if value.bit_length() > 1024:
            raise InputError(f"{path} is an integer too large to keep")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{path} is {value}, which JSON cannot hold")
        return
    if isinstance(value, str):
        _check_unicode(value, path)
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json(item, _child(path, f"[{index}]"), depth + 1)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{path} has a key of type {_type_name(key)}; keys are strings")
            _check_unicode(key, f"{path} key")
            _check_json(item, _child(path, f".{key}"), depth + 1)
        return
    raise InputError(f"{path} holds a {_type_name(value)}, which JSON cannot hold")


def _child(path: str, step: str) -> str:
    # A path past a few dozen steps says no more than its beginning: keep messages short.
    return path + step if len(path) < 100 else path


def _check_unicode(value: str, path: str) -> None:
    if "\x00" in value:
        raise InputError(f"{path} holds a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{path} holds a lone surrogate at position {exc.start}") from None


def is_blank(text: str) -> bool:
    """True for an empty or whitespace-only text, which is refused unless allowed."""
    return not text.strip()


def check_capture_fields(
    url: object,
    *,
    text: object,
    html: object,
    canonical_url: object,
    fetched_url: object,
    title: object,
    byline: object,
    source: object,
    quality: object,
) -> None:
    """Check the plain fields of one capture (times, metadata, status and headers have
    their own checks, which also convert).

    Raises:
        InputError: the first field of the wrong type or shape, by name.
    """
    check_url(url)
    for field, candidate in (("canonical_url", canonical_url), ("fetched_url", fetched_url)):
        if candidate is not None:
            check_url(candidate, field)
    # The text and HTML are stored as given, NUL and lone surrogates included.
    check_optional_str(text, "text", nul=True)
    if not isinstance(html, bytes):  # bytes: the page as served, in its charset
        check_optional_str(html, "html", nul=True)
    for field, candidate in zip(_SHORT_TEXTS, (title, byline, source, quality), strict=True):
        check_optional_str(candidate, field)
    if source is None:
        raise InputError("source must be a string, not NoneType")
