"""Which leftover sentences of two versions are alike: the similarity join of the alignment.

Each sentence is a set of word tokens (the k-th "the" is its own token, so set overlaps
are bag overlaps), and two sentences are alike when the Dice coefficient of their sets
reaches a threshold. Every pair that reaches it is found, with its exact score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from ._tokens import words

Tokens = frozenset[tuple[str, int]]
# Leftover pairs up to this many are scored one by one as sets; past it, as bit sets.
_SMALL_JOIN = 64
# Past this many tokens, as in a very long text rewritten, bit sets grow long while most
# pairs share nothing: prefix filtering then scores fewer pairs.
_LARGE_JOIN = 131_072


def similar_pairs(
    a: Sequence[str], b: Sequence[str], rest_old: list[int], rest_new: list[int], threshold: float
) -> list[tuple[float, int, int]]:
    """(-Dice score, new index, old index) for each pair scoring at least ``threshold``.

    Args:
        a: The old sentences.
        b: The new sentences.
        rest_old: Indexes into ``a`` to pair.
        rest_new: Indexes into ``b`` to pair.
        threshold: The least Dice coefficient of a pair; a pair sharing nothing never counts.

    Returns:
        Every pair reaching the threshold, in no particular order.
    """
    old_sets = {i: _token_set(a[i]) for i in rest_old}
    new_sets = {j: _token_set(b[j]) for j in rest_new}
    if len(rest_old) * len(rest_new) <= _SMALL_JOIN:
        # A few leftovers, as a typical edit leaves: nothing to set up.
        return [
            (-score, j, i)
            for j, mine in new_sets.items()
            for i, theirs in old_sets.items()
            if (score := 2 * len(mine & theirs) / (len(theirs) + len(mine) or 1)) >= threshold
            and score > 0
        ]
    if sum(map(len, old_sets.values())) + sum(map(len, new_sets.values())) > _LARGE_JOIN:
        return _prefix_join(old_sets, new_sets, threshold)
    return _bitset_join(old_sets, new_sets, threshold)


def _bitset_join(
    old_sets: dict[int, Tokens], new_sets: dict[int, Tokens], threshold: float
) -> list[tuple[float, int, int]]:
    """Score every pair, each sentence's tokens a set of bits in one integer.

    The overlap of two sentences is then the bits their integers share, counted in C: a
    rewrite leaves a hundred sentences on each side, and scoring them all this way costs
    less than any filtering in Python (or than aligning them as strings in compiled code).
    """
    codes: dict[tuple[str, int], int] = {}

    def bits(tokens: Tokens) -> int:
        found = 0
        for token in tokens:
            code = codes.get(token)
            if code is None:
                code = codes[token] = len(codes)
            found |= 1 << code
        return found

    olds = [(i, bits(tokens), len(tokens)) for i, tokens in old_sets.items() if tokens]
    scored: list[tuple[float, int, int]] = []
    for j, tokens in new_sets.items():
        if not tokens:
            continue
        mine, size = bits(tokens), len(tokens)
        for i, theirs, other in olds:
            shared = (mine & theirs).bit_count()
            if shared and (score := 2 * shared / (size + other)) >= threshold:
                scored.append((-score, j, i))
    return scored


def _prefix_join(
    old_sets: dict[int, Tokens], new_sets: dict[int, Tokens], threshold: float
) -> list[tuple[float, int, int]]:
    """The pairs reaching ``threshold``, found by a similarity join with prefix filtering.

    Each sentence's tokens are ordered rarest first. Two sentences that reach the
    threshold must share a token among the first few of each (the rest are too few to
    make up the overlap), so only pairs meeting there are scored.
    """
    rest_old, rest_new = list(old_sets), list(new_sets)
    rarity: Counter[tuple[str, int]] = Counter()
    for tokens in (*old_sets.values(), *new_sets.values()):
        rarity.update(tokens)
    # The share of a sentence's tokens that any partner must share at least.
    need = threshold / (2 - threshold)

    def prefix(tokens: Tokens) -> list[tuple[str, int]]:
        ordered = sorted(tokens, key=lambda t: (rarity[t], t))
        least = max(1, math.ceil(need * len(tokens) - 1e-9))
        return ordered[: len(tokens) - least + 1]

    index: dict[tuple[str, int], list[int]] = {}
    for i in rest_old:
        for token in prefix(old_sets[i]):
            index.setdefault(token, []).append(i)
    scored: list[tuple[float, int, int]] = []
    for j in rest_new:
        mine = new_sets[j]
        candidates = {i for token in prefix(mine) for i in index.get(token, ())}
        for i in candidates:
            theirs = old_sets[i]
            score = 2 * len(mine & theirs) / (len(theirs) + len(mine))
            if score >= threshold and score > 0:
                scored.append((-score, j, i))
    return scored


@lru_cache(maxsize=16384)
def _token_set(sentence: str) -> Tokens:
    """A sentence's lowercased words as a set: the k-th occurrence of a word is (word, k)."""
    seen: dict[str, int] = {}
    tokens = []
    for word in words(sentence):
        k = seen[word] = seen.get(word, 0) + 1
        tokens.append((word, k))
    return frozenset(tokens)
