"""Word tokens and a word-level diff shared by alignment, significance and blame."""

from __future__ import annotations

import re
from collections import Counter

from diff_match_patch import diff_match_patch

from ..diff import diff_texts
from ..models import EQUAL, TextDiff

# Words keep inner apostrophes and hyphens so "don't" or "re-elect" change as one token.
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|\s+|[^\w\s]")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")

_DMP = diff_match_patch()
# No time limit: inputs are single sentences, and a deadline would make output machine-dependent.
_DMP.Diff_Timeout = 0


def tokens(text: str) -> list[str]:
    """Split text into word, whitespace and punctuation tokens that join back to it."""
    return _TOKEN.findall(text)


def words(text: str) -> list[str]:
    """The words of a text, lowercased."""
    return [w.lower() for w in _WORD.findall(text)]


def encode(seqs: list[list[str]]) -> list[str]:
    """Map each distinct item to one character so diff-match-patch can diff item sequences."""
    table: dict[str, str] = {}
    out = []
    for seq in seqs:
        chars = []
        for item in seq:
            ch = table.get(item)
            if ch is None:
                # Supplementary private-use plane: room for 65,000 distinct items.
                ch = table[item] = chr(0xF0000 + len(table))
            chars.append(ch)
        out.append("".join(chars))
    return out


def diff_sequences(a: list[str], b: list[str]) -> list[tuple[int, list[str]]]:
    """Diff two item sequences; returns (op, items) runs in order."""
    if a == b:
        return [(EQUAL, a)] if a else []
    ea, eb = encode([a, b])
    decode = {ch: item for ch, item in zip(ea + eb, a + b, strict=True)}
    runs: list[tuple[int, str]] = _DMP.diff_main(ea, eb, False)
    return [(op, [decode[ch] for ch in chunk]) for op, chunk in runs]


def word_diff(old: str, new: str) -> TextDiff:
    """A word-granularity diff of two short texts (sentences or headlines)."""
    return diff_texts(old, new, granularity="word")


def dice(a: Counter[str], b: Counter[str]) -> float:
    """Dice coefficient of two word bags: 1.0 for equal bags, 0.0 for disjoint ones."""
    total = sum(a.values()) + sum(b.values())
    if total == 0:
        return 1.0
    return 2 * sum((a & b).values()) / total
