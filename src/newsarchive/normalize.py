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

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*(?:\n\s*)+")


def _is_normal_spacing(text: str) -> bool:
    """Whether the whitespace is already as normalising leaves it (cheap C-level scans).

    Normal text is paragraphs separated by exactly one blank line, words by one space.
    ``isprintable()`` is False for every whitespace but the ASCII space.
    """
    for paragraph in text.split("\n\n"):
        if (
            not paragraph
            or paragraph[0] == " "
            or paragraph[-1] == " "
            or "  " in paragraph
            or not paragraph.isprintable()
        ):
            return False
    return True


def normalize_text(text: str) -> str:
    """NFC text with whitespace runs as single spaces and paragraphs split by one blank line.

    A single line break counts as a space (line wrapping is not content); a blank line,
    however many, separates paragraphs.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _is_normal_spacing(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def text_hash(text: str) -> str:
    """Hex sha256 of text exactly as given: the key its blob is stored under."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def content_hash(
    *,
    text: str,
    title: str | None = None,
    byline: str | None = None,
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
    encoded: bytes | None = None,
) -> str:
    """Hex sha256 of the normalised fields that make up a version's content.

    ``encoded``, the text's UTF-8 if at hand, saves encoding it again.
    """
    normal = normalize_text(text)
    if normal is not text:
        body_hash = text_hash(normal)
    else:
        body_hash = sha256_hex(encoded or text.encode("utf-8", "surrogatepass"))
    fields = [
        body_hash,
        normalize_text(title) if title else None,
        normalize_text(byline) if byline else None,
        format_time(published_at),
        format_time(modified_at),
    ]
    dumped = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return sha256_hex(dumped.encode("utf-8", "surrogatepass"))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
