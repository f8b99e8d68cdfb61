"""Pair the paragraphs of a changed stretch that are versions of one another.

Paragraphs that are not the same on both sides are paired by shared words,
keeping their order; a paragraph split in two (or two merged into one) becomes
one group with both halves, so its words are compared with the words they came
from rather than shown deleted and inserted again.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter

from ._sequence import common_prefix, common_suffix

_WORD_RE = re.compile(r"\w+")
# ASCII characters that are never part of a word, each turned into a space.
_NOT_WORD = str.maketrans(
    dict.fromkeys([chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")], " ")
)

# Similarity (Dice coefficient of word sets) from which two units are paired.
_PAIR_THRESHOLD = 0.4
# A unit with at least this many distinct words, this share of them found in the
# other unit, is paired with it however much longer the other is.
_CONTAINED_WORDS = 4
_CONTAINED_SHARE = 0.8
# Share of the longer of two paragraphs that, when it is a beginning and an end both
# share, makes them versions of one another without counting words.
_SHARED_ENDS = 0.6
# Candidate partners looked at per unit, and rare words used to find them.
_PAIR_CANDIDATES = 3
_PAIR_PROBE_WORDS = 8
# Occurrences of a probe word considered, those nearest the unit's position:
# this keeps very common words and repeated lines from costing quadratic time.
_PAIR_POSTINGS = 16

Group = tuple[int, int, int, int]
# How rare a word of ``b`` is: fewest occurrences first, then in alphabetical order.
_RARITY = itemgetter(0, 1)


def words_of(text: str) -> list[str]:
    """The lower-cased runs of word characters of ``text``, as ``\\w+`` finds them.

    On ASCII text, splitting at spaces after turning punctuation into spaces gives
    the same words at a fraction of the cost of the regular expression.
    """
    lower = text.lower()
    if lower.isascii():
        pieces = lower.translate(_NOT_WORD).split()
        if "".join(pieces).isalnum():  # no "_", which \\w counts as a word character
            return pieces
    return _WORD_RE.findall(lower)


def pair_units(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Pair similar units of ``a`` and ``b`` keeping their order.

    Each unit of ``a`` proposes a few units of ``b`` (identical text, or sharing
    rare words); proposals at least _PAIR_THRESHOLD similar are kept, and the
    ordered chain of pairs with the greatest total similarity is returned.
    Cost is near-linear in the number of units.
    """
    return _pair_units(a, b, [words_of(u) for u in a], [words_of(u) for u in b])


def _pair_units(
    a: Sequence[str], b: Sequence[str], lists_a: list[list[str]], lists_b: list[list[str]]
) -> list[tuple[int, int]]:
    """:func:`pair_units`, given the words of each unit."""
    words_a = [frozenset(words) for words in lists_a]
    words_b = [frozenset(words) for words in lists_b]
    by_text: dict[str, list[int]] = {}
    by_word: dict[str, list[int]] = {}
    for j, unit in enumerate(b):
        by_text.setdefault(unit, []).append(j)
        for word in words_b[j]:
            by_word.setdefault(word, []).append(j)
    scale = len(b) / max(len(a), 1)
    # The words of ``b`` rarest first (ties in alphabetical order), with where they are.
    rarity = {w: (len(postings), w, postings) for w, postings in by_word.items()}

    candidates: list[tuple[int, int, float]] = []
    for i, unit in enumerate(a):
        diagonal = i * scale
        if unit in by_text:
            near = _nearest(by_text[unit], diagonal, _PAIR_CANDIDATES)
            candidates.extend((i, j, 1.0) for j in near)
            continue
        words = words_a[i]
        # The few smallest of a unit's words or candidates: sorting a list this short in C
        # costs less than a heap in Python, and gives the same (the keys never tie).
        probes = sorted([rarity[w] for w in words if w in rarity], key=_RARITY)
        found: list[int] = []
        for _, _, postings in probes[:_PAIR_PROBE_WORDS]:
            found += _nearby(postings, diagonal, _PAIR_POSTINGS)
        hits = Counter(found)
        ranked = sorted([(-count, abs(j - diagonal), j) for j, count in hits.items()])
        ranked = ranked[:_PAIR_CANDIDATES]
        for _, _, j in ranked:
            score = _score(words, words_b[j])
            if score >= _PAIR_THRESHOLD:
                candidates.append((i, j, score))
    return _heaviest_chain(candidates, len(b))


def _nearest(positions: list[int], target: float, count: int) -> list[int]:
    """The ``count`` entries of a sorted list closest to ``target`` (ties: the smaller)."""
    if len(positions) <= count:
        return positions
    lo = bisect_left(positions, target)
    left, right = lo - 1, lo
    chosen: list[int] = []
    while len(chosen) < count:
        if right >= len(positions) or (
            left >= 0 and target - positions[left] <= positions[right] - target
        ):
            chosen.append(positions[left])
            left -= 1
        else:
            chosen.append(positions[right])
            right += 1
    return chosen


def _nearby(positions: list[int], target: float, count: int) -> list[int]:
    """The same entries as :func:`_nearest`, in increasing order: a run of the sorted list.

    The run starts where moving it one step right would no longer bring a
    strictly nearer entry in, found by bisection rather than one step at a time.
    """
    if len(positions) <= count:
        return positions
    lo = max(0, bisect_left(positions, target) - count)
    hi = min(len(positions) - count, lo + count)
    while lo < hi:
        mid = (lo + hi) // 2
        if positions[mid + count] - target < target - positions[mid]:
            lo = mid + 1
        else:
            hi = mid
    return positions[lo : lo + count]


def _heaviest_chain(candidates: list[tuple[int, int, float]], size: int) -> list[tuple[int, int]]:
    """The chain of pairs increasing in both indices with the largest total score."""
    # Fenwick tree over j holding (best chain score ending at or before j, index).
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)
    best: list[tuple[float, int]] = []  # per candidate: (chain score, previous candidate)

    def query(j: int) -> tuple[float, int]:  # best chain ending at a j' < j
        result = (0.0, -1)
        while j > 0:
            if tree[j][0] > result[0]:
                result = tree[j]
            j -= j & -j
        return result

    def update(j: int, value: tuple[float, int]) -> None:
        j += 1
        while j <= size:
            if value[0] > tree[j][0]:
                tree[j] = value
            j += j & -j

    start = 0
    while start < len(candidates):
        # All proposals of one unit of ``a`` see only chains of earlier units.
        end = start
        while end < len(candidates) and candidates[end][0] == candidates[start][0]:
            end += 1
        for k in range(start, end):
            score, prev = query(candidates[k][1])
            best.append((score + candidates[k][2], prev))
        for k in range(start, end):
            update(candidates[k][1], (best[k][0], k))
        start = end

    if not best:
        return []
    k = max(range(len(best)), key=lambda k: (best[k][0], -k))
    chain: list[tuple[int, int]] = []
    while k != -1:
        chain.append((candidates[k][0], candidates[k][1]))
        k = best[k][1]
    chain.reverse()
    return chain


def _score(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two word sets, raised to the pairing threshold for containment."""
    shared = len(a & b)
    score = 2 * shared / (len(a) + len(b)) if a or b else 1.0
    if min(len(a), len(b)) >= _CONTAINED_WORDS and shared >= _CONTAINED_SHARE * min(len(a), len(b)):
        # What is left of a paragraph that lost sentences, or one that gained them.
        score = max(score, _PAIR_THRESHOLD)
    return score


def _similar(a: str, b: str) -> bool:
    """Whether two paragraphs are versions of one another.

    When most of the longer one is a beginning and an end both share, they are,
    and their words need not be collected to say so.
    """
    prefix = common_prefix(a, b)
    if (prefix + common_suffix(a[prefix:], b[prefix:])) >= _SHARED_ENDS * max(len(a), len(b)):
        return True
    words_a = frozenset(words_of(a))
    words_b = frozenset(words_of(b))
    return _score(words_a, words_b) >= _PAIR_THRESHOLD


def _bag(words: Sequence[list[str]]) -> Counter[str]:
    bag: Counter[str] = Counter()
    for unit in words:
        bag.update(unit)
    return bag


def _dice(a: Counter[str], b: Counter[str]) -> float:
    total = a.total() + b.total()
    if not total:
        return 1.0
    # The size of the bags' intersection, without building it as ``a & b`` would.
    shared = sum([min(a[w], b[w]) for w in a.keys() & b.keys()])
    return 2 * shared / total


def group_units(a: Sequence[str], b: Sequence[str]) -> list[Group]:
    """Groups ``(i_lo, i_hi, j_lo, j_hi)`` of units of ``a`` and ``b`` to compare together.

    Each group starts from a pair found by :func:`pair_units` and takes in the
    unpaired units next to it on either side while that makes the two sides more
    alike, which is what a split or merged paragraph does.

    Args:
        a: The old units (paragraph texts).
        b: The new units.

    Returns:
        Groups in order, non-overlapping on both sides.
    """
    # Growing a group weighs the same units' words again and again, and each trial
    # changes one side only: split each unit once, and keep each side's bags.
    bags_a, bags_b = _Bags(a), _Bags(b)
    if len(a) == 1 and len(b) == 1:
        # One paragraph changed in place, the most common edit: no search needed.
        pairs = [(0, 0)] if _similar(a[0], b[0]) else []
    else:
        lists_a = [words_of(u) for u in a]
        lists_b = [words_of(u) for u in b]
        bags_a.words.update(enumerate(lists_a))
        bags_b.words.update(enumerate(lists_b))
        pairs = _pair_units(a, b, lists_a, lists_b)
    groups: list[list[int]] = [[i, i + 1, j, j + 1] for i, j in pairs]
    for k, group in enumerate(groups):
        floor_a = groups[k - 1][1] if k else 0
        floor_b = groups[k - 1][3] if k else 0
        ceil_a = groups[k + 1][0] if k + 1 < len(groups) else len(a)
        ceil_b = groups[k + 1][2] if k + 1 < len(groups) else len(b)
        if (floor_a, ceil_a, floor_b, ceil_b) == tuple(group):
            continue  # nothing unpaired next to it
        score = _dice(bags_a.of(group[0], group[1]), bags_b.of(group[2], group[3]))
        grown = True
        while grown:
            grown = False
            for trial in (
                [group[0], group[1] + 1, group[2], group[3]],
                [group[0], group[1], group[2], group[3] + 1],
                [group[0] - 1, group[1], group[2], group[3]],
                [group[0], group[1], group[2] - 1, group[3]],
            ):
                if trial[0] < floor_a or trial[1] > ceil_a:
                    continue
                if trial[2] < floor_b or trial[3] > ceil_b:
                    continue
                trial_score = _dice(bags_a.of(trial[0], trial[1]), bags_b.of(trial[2], trial[3]))
                if trial_score > score + 0.05:
                    group[:], score, grown = trial, trial_score, True
                    break
    return [(g[0], g[1], g[2], g[3]) for g in groups]


class _Bags:
    """The word bags of runs of one side's units, each unit split into words once."""

    def __init__(self, units: Sequence[str]) -> None:
        self.units = units
        self.words: dict[int, list[str]] = {}
        self.bags: dict[tuple[int, int], Counter[str]] = {}

    def of(self, lo: int, hi: int) -> Counter[str]:
        """The words of units ``lo`` to ``hi`` (excluded), with their counts."""
        found = self.bags.get((lo, hi))
        if found is None:
            words = self.words
            for k in range(lo, hi):
                if k not in words:
                    words[k] = words_of(self.units[k])
            # A trial grows a group by one unit: its bag is the group's with that unit's words.
            smaller = self.bags.get((lo, hi - 1))
            if smaller is not None:
                found = smaller.copy()
                found.update(words[hi - 1])
            elif (smaller := self.bags.get((lo + 1, hi))) is not None:
                found = smaller.copy()
                found.update(words[lo])
            else:
                found = _bag([words[k] for k in range(lo, hi)])
            self.bags[lo, hi] = found
        return found
