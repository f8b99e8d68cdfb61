"""Word tokens and a word-level diff shared by alignment, significance and blame."""

from __future__ import annotations

import re
from collections import Counter

from fast_diff_match_patch import diff as _compiled_diff

from ..diff import diff_texts
from ..models import DELETE, EQUAL, INSERT, TextDiff

# Words keep inner apostrophes and hyphens so "don't" or "re-elect" change as one token.
# Possessive, as nothing after a word's letters or joined parts could take them back: the
# same tokens, found without trying to.
_TOKEN = re.compile(r"\w++(?:['’-]\w++)*+|\s+|[^\w\s]")
_WORD = re.compile(r"\w++(?:['’-]\w++)*+")

_OPS = {"=": EQUAL, "-": DELETE, "+": INSERT}


def tokens(text: str) -> list[str]:
    """Split text into word, whitespace and punctuation tokens that join back to it."""
    return _TOKEN.findall(text)


def words(text: str) -> list[str]:
    """The words of a text, lowercased."""
    return [w.lower() for w in _WORD.findall(text)]


def encode(seqs: list[list[str]]) -> list[str]:
    """Map each distinct item to one character so diff-match-patch can diff item sequences.

    Items are numbered in order of first appearance, from the supplementary private-use
    plane (room for 65,000 distinct items).
    """
    # Built from dicts rather than item by item: the same numbering at C speed.
    first_seen = dict.fromkeys(item for seq in seqs for item in seq)
    table = dict(zip(first_seen, map(chr, range(0xF0000, 0xF0000 + len(first_seen))), strict=True))
    return ["".join(map(table.__getitem__, seq)) for seq in seqs]


def diff_sequences(a: list[str], b: list[str]) -> list[tuple[int, list[str]]]:
    """Diff two item sequences; returns (op, items) runs in order."""
    if a == b:
        return [(EQUAL, a)] if a else []
    ea, eb = encode([a, b])
    # Google's diff-match-patch compiled (the same algorithm and output as its Python
    # port, some five times faster). No time limit: inputs are single sentences, and a
    # deadline would make output machine-dependent.
    runs: list[tuple[str, int]] = _compiled_diff(
        ea, eb, timelimit=0, checklines=False, cleanup="No"
    )
    out: list[tuple[int, list[str]]] = []
    i = j = 0
    for op, size in runs:
        if op == "+":
            out.append((INSERT, b[j : j + size]))
            j += size
        else:
            out.append((_OPS[op], a[i : i + size]))
            i += size
            j += size if op == "=" else 0
    return out


def word_diff(old: str, new: str) -> TextDiff:
    """A word-granularity diff of two short texts (sentences or headlines)."""
    return diff_texts(old, new, granularity="word")


def dice(a: Counter[str], b: Counter[str]) -> float:
    """Dice coefficient of two word bags: 1.0 for equal bags, 0.0 for disjoint ones."""
    total = sum(a.values()) + sum(b.values())
    if total == 0:
        return 1.0
    return 2 * sum((a & b).values()) / total
