"""The JSON Lines capture format shared by import and export (see docs/cli.md)."""

from __future__ import annotations

import base64
import binascii
import codecs
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

import msgspec

from ..errors import InputError
from ..models import Capture
from ..times import format_time, parse_time
from .served import decode_served

_TIMES = ("captured_at", "published_at", "modified_at")
_TEXTS = (
    "url",
    "canonical_url",
    "title",
    "byline",
    "text",
    "html",
    "source",
    "fetched_url",
    "quality",
)
# The page as served: its bytes in base 64 (when they are not text in their charset), and
# the charset they are in.
_SERVED = ("html_base64", "html_charset")
KNOWN = frozenset({*_TIMES, *_TEXTS, *_SERVED, "metadata", "http_status", "http_headers"})


# Reads a line of news in half the time json takes, to the same values. What it refuses
# (a lone surrogate, NaN, a number past 64 bits or a double's range, bad JSON) json reads
# again, to take it as it always did or to say what is wrong in its own words.
_decode = msgspec.json.Decoder().decode


def _refuse_constant(name: str) -> Any:
    # Python reads NaN and Infinity, which are not JSON and which no other reader takes.
    raise InputError(f"line is not valid JSON: {name} is not a JSON number")


def parse_line(line: bytes | memoryview, *, default_source: str) -> dict[str, Any]:
    """Turn one line into keyword arguments for ``Archive.save``.

    Args:
        line: one line of UTF-8 JSON, an object.
        default_source: the ``source`` of a line that names none.

    Returns:
        The keyword arguments; ``prepare_record`` checks their ranges.

    Raises:
        InputError: the line is not valid UTF-8 JSON, or a field has the wrong type.
    """
    data = load_line(line)
    if not isinstance(data, dict):
        raise InputError("line is not a JSON object")
    if not KNOWN.issuperset(data):
        raise InputError(f"unknown field {min(set(data) - KNOWN)!r}")
    if not isinstance(data.get("url"), str):
        raise InputError("missing 'url'")
    if "captured_at" not in data:
        raise InputError("missing 'captured_at'")
    fields: dict[str, Any] = {"source": default_source}
    for key in _TEXTS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{key!r} must be a string")
        if value is not None:
            fields[key] = value
    _read_served(data, fields)
    for key in _TIMES:
        value = data.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise InputError(f"{key!r} must be an ISO 8601 string")
            fields[key] = parse_time(value, what=key)
    if data.get("metadata") is not None:
        if not isinstance(data["metadata"], dict):
            raise InputError("'metadata' must be an object")
        fields["metadata"] = data["metadata"]
    if data.get("http_status") is not None:
        if not isinstance(data["http_status"], int):
            raise InputError("'http_status' must be an integer")
        fields["http_status"] = data["http_status"]
    headers = data.get("http_headers")
    if headers is not None:
        if not (
            isinstance(headers, list) and all(isinstance(h, list) and len(h) == 2 for h in headers)
        ):
            raise InputError("'http_headers' must be a list of [name, value] pairs")
        fields["http_headers"] = [tuple(h) for h in headers]
    return fields


def load_line(line: bytes | memoryview) -> Any:
    """The JSON value of one line, as Python's json reads it.

    Raises:
        InputError: the line is not valid UTF-8 JSON (or holds NaN or Infinity).
    """
    try:
        return _decode(line)
    except (msgspec.DecodeError, RecursionError):
        return _strict_loads(line)


def _strict_loads(line: bytes | memoryview) -> Any:
    """The line as Python's json reads it, or the reason it cannot, as one InputError."""
    try:
        return json.loads(str(line, "utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise InputError(f"line is not valid UTF-8 (byte {exc.start + 1})") from None
    except json.JSONDecodeError as exc:
        # json's messages end "at" when they give a position, as this one does.
        reason = exc.msg.removesuffix(" at")
        raise InputError(f"line is not valid JSON: {reason} at column {exc.colno}") from None
    except RecursionError:
        raise InputError("line is not valid JSON: nested too deeply") from None
    except InputError:  # a constant refused above
        raise
    except ValueError:  # an integer past Python's limit on digits converted at once
        raise InputError("line is not valid JSON: a number too long to read") from None


def _read_served(data: dict[str, Any], fields: dict[str, Any]) -> None:
    """Turn ``html`` with ``html_charset``, or ``html_base64``, into the page's bytes."""
    if data.get("html_base64") is None and data.get("html_charset") is None:
        return  # ``html``, if any, is text as it is: most lines
    for key in _SERVED:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise InputError(f"{key!r} must be a string")
    encoded, charset = data.get("html_base64"), data.get("html_charset")
    if encoded is not None and "html" in fields:
        raise InputError("give 'html' or 'html_base64', not both")
    if charset is not None and encoded is None and "html" not in fields:
        raise InputError("'html_charset' without 'html' or 'html_base64'")
    try:
        name = codecs.lookup(charset or "utf-8").name
    except LookupError:
        raise InputError(f"unknown charset {charset!r} for the page's HTML") from None
    if encoded is not None:
        try:
            fields["html"] = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise InputError("'html_base64' is not valid base 64") from None
    elif charset is not None:
        try:
            fields["html"] = fields["html"].encode(name)
        except UnicodeEncodeError as exc:
            reason = f"position {exc.start} cannot be written in {charset}"
            raise InputError(f"'html' does not fit its charset: {reason}") from None
    if encoded is not None or charset is not None:
        fields["html_charset"] = name


def served_fields(served: tuple[bytes, str | None] | None) -> dict[str, str]:
    """The fields that carry a capture's HTML (see :meth:`Archive.served_html`).

    A page kept as served is ``html`` (its text) and ``html_charset`` when writing the text
    in that charset gives back its bytes, which keeps the line readable; otherwise its bytes
    are ``html_base64``. A page kept re-encoded is ``html`` alone, as it always was.
    """
    if served is None:
        return {}
    body, charset = served
    if charset is None:
        return {"html": decode_served(body, None)}
    try:
        text = body.decode(charset)
    except UnicodeDecodeError:
        text = None
    if text is not None and text.encode(charset) == body:
        return {"html": text, "html_charset": charset}
    return {"html_base64": base64.b64encode(body).decode("ascii"), "html_charset": charset}


def capture_line(
    capture: Capture, text: str, served: tuple[bytes, str | None] | None
) -> dict[str, Any]:
    """One capture in the import format; ``served`` is the HTML as ``served_html`` gives it."""
    line: dict[str, Any] = {
        "url": capture.fetched_url or capture.url,
        "canonical_url": capture.url,
        "captured_at": format_time(capture.captured_at),
        "source": capture.source,
        "title": capture.title,
        "byline": capture.byline,
        "text": text,
        "published_at": format_time(capture.published_at),
        "modified_at": format_time(capture.modified_at),
        "metadata": dict(capture.metadata),
    }
    line.update(served_fields(served))
    if capture.http_status is not None:
        line["http_status"] = capture.http_status
    if capture.http_headers:
        line["http_headers"] = [list(h) for h in capture.http_headers]
    if capture.quality is not None:
        line["quality"] = capture.quality
    return line


def write_lines(lines: Iterable[Mapping[str, Any]], stream: IO[str]) -> int:
    """Write JSON-ready objects to ``stream``, one per line; return how many.

    Args:
        lines: the objects, e.g. from :func:`capture_line`.
        stream: a text stream.

    Returns:
        The number of lines written.
    """
    count = 0
    for line in lines:
        try:
            stream.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        except UnicodeEncodeError:
            # A lone surrogate, stored as given, that the stream cannot encode: the
            # ASCII form escapes it, and importing the line gives it back.
            stream.write(json.dumps(line, sort_keys=True) + "\n")
        count += 1
    return count
