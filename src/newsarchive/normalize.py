"""Normalisation for change detection: what counts as the same content.

Stored text is kept exactly as given; only the hash is computed on the normalised form,
so a re-save with other line endings or spacing is not a new version.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime

from .times import format_time

_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` line endings, single spaces, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def content_hash(
    *,
    text: str,
    title: str | None = None,
    byline: str | None = None,
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
) -> str:
    """Hex sha256 of the normalised fields that make up a version's content."""
    fields = [
        normalize_text(text),
        normalize_text(title) if title else None,
        normalize_text(byline) if byline else None,
        format_time(published_at),
        format_time(modified_at),
    ]
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8", "surrogatepass")).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
