"""Chains of sentence pairs that keep reading order: the searches of the alignment.

Pure functions of index pairs and sentence texts, each O(n log n) at most.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from operator import itemgetter

# A pair of sentence indexes by its new one.
new_side = itemgetter(1)


def unique_chain(
    a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Sentences once in each stretch, paired, in the longest chain increasing on both sides."""
    where_a = {text: i for i, text in enumerate(a[alo:ahi], alo)}
    where_b = {text: j for j, text in enumerate(b[blo:bhi], blo)}
    if len(where_a) == ahi - alo and len(where_b) == bhi - blo:
        # No sentence repeats on either side, as in most articles: every common one pairs.
        # (The same pairs as below, found with the loops in C.)
        pairs = sorted([(i, where_b[text]) for text, i in where_a.items() if text in where_b])
        return longest_increasing(pairs)
    once_a: dict[str, int] = {}
    twice: set[str] = set()
    for i in range(alo, ahi):
        text = a[i]
        if text in once_a:
            twice.add(text)
        once_a[text] = i
    once_b: dict[str, int] = {}
    for j in range(blo, bhi):
        text = b[j]
        if text in once_a and text not in twice:
            if text in once_b:
                twice.add(text)
            once_b[text] = j
    pairs = sorted((once_a[t], j) for t, j in once_b.items() if t not in twice)
    return longest_increasing(pairs)


def longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by first item) increasing in the second item."""
    if all(p[1] < q[1] for p, q in zip(pairs, pairs[1:], strict=False)):
        return pairs  # nothing moved: the whole run is the chain
    tails: list[int] = []  # smallest second item ending a chain of each length
    ends: list[int] = []  # index into pairs of that chain's last pair
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        at = bisect_left(tails, j)
        back.append(ends[at - 1] if at else -1)
        if at == len(tails):
            tails.append(j)
            ends.append(k)
        else:
            tails[at] = j
            ends[at] = k
    chain: list[tuple[int, int]] = []
    k = ends[-1] if ends else -1
    while k != -1:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def heaviest_increasing(
    pairs: list[tuple[int, int]], a: Sequence[str], b: Sequence[str], stop: int | None
) -> set[tuple[int, int]]:
    """The subset of pairs increasing in both indices with most weight (identical pairs weigh 2).

    Each new index occurs in one pair at most, so walking pairs by new index and
    keeping a prefix maximum over old indices (a Fenwick tree) finds the chain in
    O(n log n). ``stop`` is the old index of the first of the shared last sentences,
    if any: the chain is then the best one ending below it, found as that sentence
    would find it, so the choice among equal chains is the one aligning the whole
    texts makes. (Shared first sentences weigh less than any pair after them and
    never decide between two chains.)
    """
    ordered = sorted(pairs, key=new_side)
    if all(p[0] < q[0] for p, q in zip(ordered, ordered[1:], strict=False)):
        # Nothing moved, as in most edits: the chain of every pair weighs more than any
        # other (every pair weighs something), so it is the one the search would find.
        return set(pairs)
    size = len(a)
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)
    best: list[int] = []
    back: list[int] = []
    for k, (i, j) in enumerate(ordered):
        # Best chain ending at an old index below i (tree positions are 1-based).
        top, prev = _best_below(tree, i)
        value = top + (2 if a[i] == b[j] else 1)
        best.append(value)
        back.append(prev)
        pos = i + 1
        while pos <= size:
            if value > tree[pos][0]:
                tree[pos] = (value, k)
            pos += pos & -pos
    if stop is None:
        k = max(range(len(ordered)), key=lambda x: (best[x], -x))
    else:
        k = _best_below(tree, stop)[1]
    chosen = set()
    while k != -1:
        chosen.add(ordered[k])
        k = back[k]
    return chosen


def _best_below(tree: list[tuple[int, int]], i: int) -> tuple[int, int]:
    """The heaviest chain ending at an old index below ``i``: (weight, its last pair)."""
    top, prev = 0, -1
    pos = i
    while pos > 0:
        if tree[pos][0] > top:
            top, prev = tree[pos]
        pos -= pos & -pos
    return top, prev
