"""Pair the sentences of two versions: unchanged, edited, added, deleted or moved.

The alignment works in three passes, each deterministic:

1. Identical sentences are anchored as patience diff anchors lines: those that
   occur once on each side, in their longest common order, then the same inside
   each stretch between anchors. Each pass is linear; there is no search.
2. Among the rest, identical sentences at different places are paired by text,
   then sentences that share most of their words (Dice coefficient at least
   ``pair_threshold``), best pairs first. Only pairs that share one of their
   rarer words are scored (a similarity join with prefix filtering), so the
   cost follows the sentences that are alike, not the product of the leftovers.
3. The largest set of pairs that keeps reading order (identical pairs count
   double) stays in place: identical ones are "unchanged", similar ones
   "edited". Every other pair is "moved", so a move is never reported as a
   deletion plus an addition.

Paragraphs are paired through their sentences: a paragraph none of whose
sentences has a partner is reported as added (or deleted).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Iterator
from functools import lru_cache
from typing import Literal

import attrs

from ..diff.sentences import Segmentation, Sentence, segment
from ..errors import InputError
from ..models import EQUAL, INSERT, TextDiff
from ._tokens import word_diff, words

__all__ = ["Alignment", "AlignmentCounts", "ChangeKind", "SentenceChange", "align"]

ChangeKind = Literal["unchanged", "edited", "added", "deleted", "moved"]

DEFAULT_PAIR_THRESHOLD = 0.6
# Leftover pairs up to this many are all scored; past it, a prefix-filtered join finds them.
_SMALL_JOIN = 64


@attrs.frozen(kw_only=True)
class SentenceChange:
    """What happened to one sentence between two versions.

    ``old``/``old_index`` are ``None`` for an added sentence, ``new``/``new_index``
    for a deleted one. ``diff`` is the word diff from ``old`` to ``new`` for an
    edited sentence and for a moved one whose wording also changed.
    """

    kind: ChangeKind
    old: str | None
    new: str | None
    old_index: int | None
    new_index: int | None
    old_paragraph: int | None = None
    new_paragraph: int | None = None

    @property
    def diff(self) -> TextDiff | None:
        """The word diff from ``old`` to ``new``: None unless both exist and differ.

        Computed when asked for: judging a change needs none, and most readers of an
        alignment look at a few sentences' diffs at most.
        """
        if self.old is None or self.new is None or self.old == self.new:
            return None
        return _sentence_diff(self.old, self.new)


@lru_cache(maxsize=256)
def _sentence_diff(old: str, new: str) -> TextDiff:
    return word_diff(old, new)


@attrs.frozen(kw_only=True)
class AlignmentCounts:
    """How many sentences and paragraphs changed, by kind."""

    sentences_unchanged: int = 0
    sentences_added: int = 0
    sentences_deleted: int = 0
    sentences_edited: int = 0
    sentences_moved: int = 0
    paragraphs_added: int = 0
    paragraphs_deleted: int = 0

    def to_dict(self) -> dict[str, int]:
        """Return the counts as a plain dict (snake_case keys)."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class Alignment:
    """The sentence-level changes from an old text to a new one.

    ``changes`` lists every sentence once, in reading order of the new text, with
    deleted sentences at the place they used to be. ``new_gaps`` is the
    whitespace around the new sentences (see ``Segmentation.gaps``).
    """

    changes: tuple[SentenceChange, ...] = attrs.field(repr=False)
    counts: AlignmentCounts
    old_sentences: tuple[Sentence, ...] = attrs.field(repr=False)
    new_sentences: tuple[Sentence, ...] = attrs.field(repr=False)
    new_gaps: tuple[str, ...] = attrs.field(repr=False)
    added_paragraphs: tuple[int, ...] = ()
    deleted_paragraphs: tuple[int, ...] = ()

    @property
    def has_changes(self) -> bool:
        """Whether any sentence is other than unchanged."""
        return any(c.kind != "unchanged" for c in self.changes)

    def apply(self, old_text: str) -> str:
        """Rebuild the new text from the old one using only this alignment.

        Args:
            old_text: The old text the alignment was computed from.

        Returns:
            The new text, exactly.

        Raises:
            InputError: ``old_text`` is not the text this alignment starts from.
        """
        old = segment(old_text).sentences
        if [s.text for s in old] != [s.text for s in self.old_sentences]:
            raise InputError("the text does not match the old side of this alignment")
        out: list[str | None] = [None] * len(self.new_sentences)
        for change in self.changes:
            if change.new_index is None:
                continue
            if change.old_index is None:
                out[change.new_index] = change.new
            elif change.diff is None:
                out[change.new_index] = old[change.old_index].text
            else:
                out[change.new_index] = _patch(old[change.old_index].text, change.diff)
        parts = [self.new_gaps[0]]
        for text, gap in zip(out, self.new_gaps[1:], strict=True):
            if text is None:
                raise InputError("this alignment does not cover every new sentence")
            parts += (text, gap)
        return "".join(parts)


def align(
    old_text: str, new_text: str, *, pair_threshold: float = DEFAULT_PAIR_THRESHOLD
) -> Alignment:
    """Align the sentences of two versions of a text.

    Args:
        old_text: The earlier text.
        new_text: The later text.
        pair_threshold: Minimum share of common words (Dice coefficient, 0–1) for a
            deleted and an added sentence to be paired as one edited sentence.

    Returns:
        The alignment; ``alignment.apply(old_text) == new_text``.

    Raises:
        InputError: ``pair_threshold`` is outside 0–1.
    """
    if not 0.0 <= pair_threshold <= 1.0:
        raise InputError(f"pair_threshold must be between 0 and 1, not {pair_threshold}")
    return align_segmentations(segment(old_text), segment(new_text), pair_threshold=pair_threshold)


def align_segmentations(
    old: Segmentation, new: Segmentation, *, pair_threshold: float = DEFAULT_PAIR_THRESHOLD
) -> Alignment:
    """Align two segmentations; see :func:`align`."""
    a = [s.text for s in old.sentences]
    b = [s.text for s in new.sentences]
    anchors = _anchors(a, b)
    used_old = {i for i, _ in anchors}
    used_new = {j for _, j in anchors}
    extra = _pair_leftovers(a, b, used_old, used_new, pair_threshold)
    pairs = anchors + extra
    in_place = _heaviest_increasing(pairs, a, b) if extra else set(anchors)
    changes = tuple(_changes(old, new, pairs, in_place))
    paired = [c for c in changes if c.old_index is not None and c.new_index is not None]
    paired_old_paras = {c.old_paragraph for c in paired}
    paired_new_paras = {c.new_paragraph for c in paired}
    added_paras = tuple(p.index for p in new.paragraphs if p.index not in paired_new_paras)
    deleted_paras = tuple(p.index for p in old.paragraphs if p.index not in paired_old_paras)
    kinds = Counter(c.kind for c in changes)
    counts = AlignmentCounts(
        sentences_unchanged=kinds["unchanged"],
        sentences_added=kinds["added"],
        sentences_deleted=kinds["deleted"],
        sentences_edited=kinds["edited"],
        sentences_moved=kinds["moved"],
        paragraphs_added=len(added_paras),
        paragraphs_deleted=len(deleted_paras),
    )
    return Alignment(
        changes=changes,
        counts=counts,
        old_sentences=old.sentences,
        new_sentences=new.sentences,
        new_gaps=new.gaps,
        added_paragraphs=added_paras,
        deleted_paragraphs=deleted_paras,
    )


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Identical sentences that keep reading order on both sides, as patience diff finds them.

    Shared first and last sentences are taken as they are; in between, sentences that occur
    once on each side are paired and the longest chain of them in order on both sides is
    kept; the stretches between those are aligned the same way. Each pass is linear in the
    stretch, with no search: a stretch without a unique common sentence is left to the
    pairing of leftovers (repeated sentences are paired there, by text).
    """
    pairs: list[tuple[int, int]] = []
    regions = [(0, len(a), 0, len(b))]
    while regions:
        alo, ahi, blo, bhi = regions.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            pairs.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            pairs.append((ahi, bhi))
        if alo == ahi or blo == bhi:
            continue
        i, j = alo, blo
        for ai, bj in _unique_chain(a, alo, ahi, b, blo, bhi):
            regions.append((i, ai, j, bj))
            pairs.append((ai, bj))
            i, j = ai + 1, bj + 1
        if i > alo:
            regions.append((i, ahi, j, bhi))
    pairs.sort()
    return pairs


def _unique_chain(
    a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Sentences once in each stretch, paired, in the longest chain increasing on both sides."""
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
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by first item) increasing in the second item."""
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


def _pair_leftovers(
    a: list[str], b: list[str], used_old: set[int], used_new: set[int], threshold: float
) -> list[tuple[int, int]]:
    left_old = [i for i in range(len(a)) if i not in used_old]
    left_new = [j for j in range(len(b)) if j not in used_new]
    if not left_old or not left_new:
        return []
    pairs: list[tuple[int, int]] = []
    by_text: dict[str, deque[int]] = {}
    for i in left_old:
        by_text.setdefault(a[i], deque()).append(i)
    rest_new = []
    for j in left_new:
        same = by_text.get(b[j])
        if same:
            pairs.append((same.popleft(), j))
        else:
            rest_new.append(j)
    taken = {i for i, _ in pairs}
    rest_old = [i for i in left_old if i not in taken]
    if not rest_old or not rest_new:
        return pairs
    scored = _similar_pairs(a, b, rest_old, rest_new, threshold)
    scored.sort()
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    for _, j, i in scored:
        if i not in paired_old and j not in paired_new:
            paired_old.add(i)
            paired_new.add(j)
            pairs.append((i, j))
    return pairs


def _similar_pairs(
    a: list[str], b: list[str], rest_old: list[int], rest_new: list[int], threshold: float
) -> list[tuple[float, int, int]]:
    """(-Dice score, new index, old index) for each pair scoring at least ``threshold``.

    A similarity join with prefix filtering: each sentence is a set of word tokens (the
    k-th "the" is its own token, so set overlaps are bag overlaps), ordered rarest first.
    Two sentences that reach the threshold must share a token among the first few of
    each (the rest are too few to make up the overlap), so only pairs meeting there are
    scored. Common words ("the", "said") sit at the end and bring no candidates, so the
    cost follows the pairs that are alike, not every leftover old against every new one;
    the scores are exactly ``dice`` of the two word bags.
    """
    old_sets = {i: _token_set(a[i]) for i in rest_old}
    new_sets = {j: _token_set(b[j]) for j in rest_new}
    if len(rest_old) * len(rest_new) <= _SMALL_JOIN:
        # A few leftovers, as a typical edit leaves: scoring every pair costs less than
        # building the index.
        return [
            (-score, j, i)
            for j, mine in new_sets.items()
            for i, theirs in old_sets.items()
            if (score := 2 * len(mine & theirs) / (len(theirs) + len(mine) or 1)) >= threshold
            and score > 0
        ]
    rarity: Counter[tuple[str, int]] = Counter()
    for tokens in (*old_sets.values(), *new_sets.values()):
        rarity.update(tokens)
    # The share of a sentence's tokens that any partner must share at least.
    need = threshold / (2 - threshold)

    def prefix(tokens: frozenset[tuple[str, int]]) -> list[tuple[str, int]]:
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
def _token_set(sentence: str) -> frozenset[tuple[str, int]]:
    """A sentence's lowercased words as a set: the k-th occurrence of a word is (word, k)."""
    seen: dict[str, int] = {}
    tokens = []
    for word in words(sentence):
        k = seen[word] = seen.get(word, 0) + 1
        tokens.append((word, k))
    return frozenset(tokens)


def _heaviest_increasing(
    pairs: list[tuple[int, int]], a: list[str], b: list[str]
) -> set[tuple[int, int]]:
    """The subset of pairs increasing in both indices with most weight (identical pairs weigh 2).

    Each new index occurs in one pair at most, so walking pairs by new index and
    keeping a prefix maximum over old indices (a Fenwick tree) finds the chain in
    O(n log n).
    """
    ordered = sorted(pairs, key=lambda p: p[1])
    size = len(a)
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)
    best: list[int] = []
    back: list[int] = []
    for k, (i, j) in enumerate(ordered):
        # Best chain ending at an old index below i (tree positions are 1-based).
        top, prev = 0, -1
        pos = i
        while pos > 0:
            if tree[pos][0] > top:
                top, prev = tree[pos]
            pos -= pos & -pos
        value = top + (2 if a[i] == b[j] else 1)
        best.append(value)
        back.append(prev)
        pos = i + 1
        while pos <= size:
            if value > tree[pos][0]:
                tree[pos] = (value, k)
            pos += pos & -pos
    k = max(range(len(ordered)), key=lambda x: (best[x], -x))
    chosen = set()
    while k != -1:
        chosen.add(ordered[k])
        k = back[k]
    return chosen


def _changes(
    old: Segmentation,
    new: Segmentation,
    pairs: list[tuple[int, int]],
    in_place: set[tuple[int, int]],
) -> Iterator[SentenceChange]:
    a, b = old.sentences, new.sentences
    old_of = {j: i for i, j in pairs}
    paired_old = {i for i, _ in pairs}
    # For each new position, the old index of the next in-place pair: deletions before it
    # are shown ahead of the new sentences in the same gap.
    bound = [len(a)] * (len(b) + 1)
    for j in range(len(b) - 1, -1, -1):
        i = old_of.get(j)
        bound[j] = i if i is not None and (i, j) in in_place else bound[j + 1]
    next_old = 0
    for j, sentence in enumerate(b):
        while next_old < bound[j]:
            if next_old not in paired_old:
                yield _deleted(a[next_old])
            next_old += 1
        i = old_of.get(j)
        if i is None:
            yield SentenceChange(
                kind="added",
                old=None,
                new=sentence.text,
                old_index=None,
                new_index=j,
                new_paragraph=sentence.paragraph,
            )
            continue
        same = a[i].text == sentence.text
        if (i, j) in in_place:
            kind: ChangeKind = "unchanged" if same else "edited"
            next_old = i + 1
        else:
            kind = "moved"
        yield SentenceChange(
            kind=kind,
            old=a[i].text,
            new=sentence.text,
            old_index=i,
            new_index=j,
            old_paragraph=a[i].paragraph,
            new_paragraph=sentence.paragraph,
        )
    for i in range(next_old, len(a)):
        if i not in paired_old:
            yield _deleted(a[i])


def _deleted(sentence: Sentence) -> SentenceChange:
    return SentenceChange(
        kind="deleted",
        old=sentence.text,
        new=None,
        old_index=sentence.index,
        new_index=None,
        old_paragraph=sentence.paragraph,
    )


def _patch(text: str, diff: TextDiff) -> str:
    """Apply a diff's operations to ``text``, checking that it is the diff's old side."""
    out: list[str] = []
    pos = 0
    for op in diff.ops:
        if op.op == INSERT:
            out.append(op.text)
            continue
        if text[pos : pos + len(op.text)] != op.text:
            raise InputError("the text does not match the old side of this alignment")
        if op.op == EQUAL:
            out.append(op.text)
        pos += len(op.text)
    if pos != len(text):
        raise InputError("the text does not match the old side of this alignment")
    return "".join(out)
