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

from rapidfuzz.distance import Indel
from rapidfuzz.process import extract_iter

from ._tokens import words

Tokens = frozenset[tuple[str, int]]
# Leftover pairs up to this many are scored one by one; past it, in compiled code.
_SMALL_JOIN = 64
# Distinct tokens that fit in the private-use planes, one character each.
_CODES = 0x110000 - 0xF0000


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
    if sum(map(len, old_sets.values())) + sum(map(len, new_sets.values())) > _CODES:
        return _prefix_join(old_sets, new_sets, threshold)
    return _compiled_join(old_sets, new_sets, threshold)


def _compiled_join(
    old_sets: dict[int, Tokens], new_sets: dict[int, Tokens], threshold: float
) -> list[tuple[float, int, int]]:
    """Score every pair in compiled code, through the longest common subsequence.

    Each token becomes one character and each sentence the string of its tokens' characters
    in code order, so the longest common subsequence of two sentences is the set of tokens
    they share, and rapidfuzz's Indel distance, ``len(x) + len(y) - 2 * shared``, gives
    the overlap exactly. A rewrite leaves a hundred sentences on each side, and scoring
    them all there costs less than any filtering in Python.
    """
    codes: dict[tuple[str, int], str] = {}

    def spell(tokens: Tokens) -> str:
        chars = []
        for token in tokens:
            char = codes.get(token)
            if char is None:
                char = codes[token] = chr(0xF0000 + len(codes))
            chars.append(char)
        chars.sort()
        return "".join(chars)

    # Shortest first, in two halves: a pair cannot reach the threshold when its distance
    # passes (1 - threshold) times their total length, so each half gets its own bound.
    olds = sorted(((spell(tokens), i) for i, tokens in old_sets.items() if tokens), key=_size)
    half = (len(olds) + 1) // 2
    halves = [
        ([text for text, _ in part], [i for _, i in part], len(part[-1][0]))
        for part in (olds[:half], olds[half:])
        if part
    ]
    scored: list[tuple[float, int, int]] = []
    for j, tokens in new_sets.items():
        if not tokens:
            continue
        mine = spell(tokens)
        for texts, indexes, longest in halves:
            # A bound that lets through every pair that may reach the threshold (and some
            # that do not); the exact test is below, in the same arithmetic as ever.
            bound = int((1 - threshold) * (longest + len(mine))) + 1
            for _, distance, k in extract_iter(
                mine, texts, scorer=Indel.distance, processor=None, score_cutoff=bound
            ):
                total = len(texts[k]) + len(mine)
                shared = (total - distance) // 2
                if shared and (score := 2 * shared / total) >= threshold:
                    scored.append((-score, j, indexes[k]))
    return scored


def _size(entry: tuple[str, int]) -> int:
    return len(entry[0])


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
