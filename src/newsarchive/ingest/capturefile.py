"""Capture files: one capture as a text file with a header block, easy to write and review.

    URL: https://news.example.com/story
    Captured-At: 2017-06-06T14:05:00Z
    Title: Sessions offered to resign
    Byline: Jane Doe
    Published-At: 2017-06-06T13:50:00Z

    The article text, paragraphs separated by blank lines.

Header names are case-insensitive; ``URL`` and ``Captured-At`` are required, and
``Canonical-URL``, ``Modified-At`` and ``Source`` are also understood. Any other header
goes into the capture's metadata.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..times import parse_time

_FIELDS = {
    "url": "url",
    "canonical-url": "canonical_url",
    "title": "title",
    "byline": "byline",
    "source": "source",
}
_TIMES = {
    "captured-at": "captured_at",
    "published-at": "published_at",
    "modified-at": "modified_at",
}


def parse_capture_file(content: str, *, default_source: str = "import") -> dict[str, Any]:
    """Turn a capture file's content into keyword arguments for ``Archive.save``.

    Raises:
        InputError: a malformed header block or a missing required header.
    """
    head, separator, body = content.replace("\r\n", "\n").partition("\n\n")
    if not separator:
        raise InputError("a capture file needs a header block, a blank line, then the text")
    fields: dict[str, Any] = {"source": default_source, "text": body.strip("\n") + "\n"}
    metadata: dict[str, str] = {}
    for line in head.split("\n"):
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise InputError(f"bad header line {line!r}: expected 'Name: value'")
        key, value = name.strip().lower(), value.strip()
        if key in _FIELDS:
            fields[_FIELDS[key]] = value
        elif key in _TIMES:
            fields[_TIMES[key]] = parse_time(value, what=name.strip())
        else:
            metadata[key] = value
    for required in ("url", "captured_at"):
        if required not in fields:
            raise InputError(f"missing header {required.replace('_', '-').title()!r}")
    if metadata:
        fields["metadata"] = metadata
    return fields
