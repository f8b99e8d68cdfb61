"""Which leftover sentences of two versions are alike: the similarity join of the alignment.

Each sentence is a set of word tokens (the k-th "the" is its own token, so set overlaps
are bag overlaps), and two sentences are alike when the Dice coefficient of their sets
reaches a threshold. Up to ``_EXACT_PAIRS`` pairs of leftovers (and ``_EXACT_TOKENS``
tokens), every pair that reaches it is found, with its exact score: that covers any
rewrite of an article of news length.
Past it (a book-length text rewritten) each new sentence is scored, exactly, against a
few old ones only, found through its rarest words, so the work grows with the text and
not with its square.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from ._tokens import words

Tokens = frozenset[tuple[str, int]]
# Leftover pairs up to this many are scored one by one as sets; past it, as bit sets.
_SMALL_JOIN = 64
# Leftover pairs up to this many are all scored: some 0.3 s of bit counting, reached by
# a rewrite of some 1,000 sentences a side (100 KB of news). Past it, a full comparison
# costs the square of the text (a 1.6 MB rewrite took 86 s), so each new sentence looks
# at its rarest words' occurrences near its own place and scores the old sentences that
# share most of them.
_EXACT_PAIRS = 1 << 20
# Past this many tokens the bit sets themselves grow long (sentences of hundreds of words):
# scoring a pair then costs what its words do, and the few candidates are scored instead.
_EXACT_TOKENS = 131_072
_PROBE_TOKENS = 8
_PROBE_POSTINGS = 16
_PROBE_CANDIDATES = 4


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
        Pairs reaching the threshold, in no particular order, with their exact scores:
        every such pair, up to ``_EXACT_PAIRS`` pairs of leftovers.
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
    tokens = sum(map(len, old_sets.values())) + sum(map(len, new_sets.values()))
    if len(rest_old) * len(rest_new) > _EXACT_PAIRS or tokens > _EXACT_TOKENS:
        return _probe_join(old_sets, new_sets, threshold)
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


def _probe_join(
    old_sets: dict[int, Tokens], new_sets: dict[int, Tokens], threshold: float
) -> list[tuple[float, int, int]]:
    """Pairs reaching ``threshold`` among a few candidates a new sentence: bounded work.

    A new sentence's candidates are the old sentences holding its ``_PROBE_TOKENS`` rarest
    tokens, of each token's occurrences the ``_PROBE_POSTINGS`` nearest the sentence's own
    place (all of them for a rare token, wherever it moved); the ``_PROBE_CANDIDATES``
    sharing the most of those tokens, each weighed by its rarity, are scored (nearest
    first where they weigh the same).
    """
    rest_old = list(old_sets)
    postings: dict[tuple[str, int], list[int]] = {}
    for rank, i in enumerate(rest_old):
        for token in old_sets[i]:
            postings.setdefault(token, []).append(rank)
    scale = len(rest_old) / max(len(new_sets), 1)
    scored: list[tuple[float, int, int]] = []
    for place, (j, mine) in enumerate(new_sets.items()):
        # Rarest first, ties in token order: the same candidates on any machine.
        probes = sorted((len(postings[t]), t) for t in mine if t in postings)
        near = place * scale
        # A shared token weighs the less the more sentences hold it: one name or figure
        # the two share outweighs every "the" and "said" near by.
        weights: dict[int, float] = {}
        for count, token in probes[:_PROBE_TOKENS]:
            for rank in _nearest(postings[token], near, _PROBE_POSTINGS):
                weights[rank] = weights.get(rank, 0.0) + 1 / count
        ranked = sorted((-weight, abs(rank - near), rank) for rank, weight in weights.items())
        for _, _, rank in ranked[:_PROBE_CANDIDATES]:
            i = rest_old[rank]
            theirs = old_sets[i]
            score = 2 * len(mine & theirs) / (len(theirs) + len(mine))
            if score >= threshold:
                scored.append((-score, j, i))
    return scored


def _nearest(ranks: list[int], near: float, count: int) -> list[int]:
    """``count`` of these sorted ranks around ``near``: all of them if there are no more."""
    if len(ranks) <= count:
        return ranks
    lo = min(max(0, bisect_left(ranks, near) - count // 2), len(ranks) - count)
    return ranks[lo : lo + count]


@lru_cache(maxsize=16384)
def _token_set(sentence: str) -> Tokens:
    """A sentence's lowercased words as a set: the k-th occurrence of a word is (word, k)."""
    seen: dict[str, int] = {}
    tokens = []
    for word in words(sentence):
        k = seen[word] = seen.get(word, 0) + 1
        tokens.append((word, k))
    return frozenset(tokens)
