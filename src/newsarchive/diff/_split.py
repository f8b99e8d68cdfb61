"""Tokenizers shared by the diff levels: words and paragraphs.

Every splitter returns pieces that join back to its input exactly.
"""

from __future__ import annotations

import re
import unicodedata

# A word as a reader counts it: "campaign's", "mid-July", "U.S.", "4.5" and "3,000" are one each.
# (Possessive, as nothing after a word's letters or joined parts could take them back: the
# same words, found without trying to.)
WORD_RE = re.compile(r"\w++(?:(?:['’-]|(?<=\d)[.,](?=\d)|(?<=\b[^\W\d_])\.(?=[^\W\d_]\b))\w++)*+")
_WORD_TOKEN_RE = re.compile(r"\w++|\s++|.", re.DOTALL)
# A paragraph is one line with its line break plus any blank lines after it, so
# both "one paragraph per line" and "blank line between paragraphs" work.
_PARAGRAPH_RE = re.compile(r"[^\n]*(?:\n(?:[ \t\r\f\v]*\n)*)?")
# What a blank line may hold besides its line break (the class in _PARAGRAPH_RE).
BLANK = " \t\r\f\v"

ZWJ = "\u200d"
# Characters that may join the token before them: everything but Latin, IPA and spacing
# modifiers (below U+0300, which holds no mark) and General Punctuation other than the
# zero-width joiner. Text without them, as most news is, tokenizes in one pass.
_MAYBE_JOINING_RE = re.compile("[^\x00-\u02ff\u2000-\u200c\u200e-\u206f]")


def _is_extender(char: str) -> bool:
    """Whether ``char`` belongs to the character cluster before it."""
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")
        or char == ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def split_words(text: str) -> list[str]:
    """Runs of word characters, runs of whitespace, and single other characters.

    Combining marks, joiners and emoji modifiers stay with the character they
    modify, and flags stay whole, so no diff splits a visible character.
    """
    tokens: list[str] = _WORD_TOKEN_RE.findall(text)
    if text.isascii() or not _MAYBE_JOINING_RE.search(text):
        return tokens
    out: list[str] = []
    for token in tokens:
        if out:
            prev = out[-1]
            first = token[0]
            if (
                _is_extender(first)
                or prev[-1] == ZWJ
                or (first.isalnum() and _is_extender(prev[-1]) and prev[0].isalnum())
                or (
                    len(prev) == 1
                    and _is_regional_indicator(prev)
                    and _is_regional_indicator(first)
                )
            ):
                out[-1] = prev + token
                continue
        out.append(token)
    return out


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs, each a line with its line break and any blank lines after it."""
    return [p for p in _PARAGRAPH_RE.findall(text) if p]


def content_length(unit: str) -> int:
    """Length of ``unit`` without the whitespace that ends it."""
    return len(unit.rstrip())


def count_words(text: str) -> int:
    """Words in ``text``: runs of letters and digits, joined by inner apostrophes and hyphens
    (and by the point or comma of a number)."""
    return len(WORD_RE.findall(text))
