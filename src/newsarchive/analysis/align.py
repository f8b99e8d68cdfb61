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

from collections import deque
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Literal

import attrs

from ..diff.sentences import Outline, Segmentation, Sentence, outline, outline_of, segment
from ..errors import InputError
from ..models import EQUAL, INSERT, TextDiff
from ._chains import heaviest_increasing, new_side, unique_chain
from ._similar import similar_pairs
from ._tokens import word_diff

__all__ = ["Alignment", "AlignmentCounts", "ChangeKind", "SentenceChange", "align"]

ChangeKind = Literal["unchanged", "edited", "added", "deleted", "moved"]


DEFAULT_PAIR_THRESHOLD = 0.6


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


@attrs.frozen(eq=False)
class _Pairing:
    """What the alignment found between the shared first and last sentences.

    Sentences ``[0, lo)`` of both sides are the same, as are the last ``shared_tail``;
    ``pairs`` pairs old and new sentences in between, and ``in_place`` holds those
    that keep reading order. Everything else about the alignment follows from these.
    """

    lo: int
    old_hi: int
    new_hi: int
    shared_tail: int
    pairs: list[tuple[int, int]]
    in_place: set[tuple[int, int]]


@attrs.frozen(kw_only=True, eq=False)
class Alignment:
    """The sentence-level changes from an old text to a new one.

    ``changes`` lists every sentence once, in reading order of the new text, with
    deleted sentences at the place they used to be; ``changed`` is the same without
    the unchanged ones. ``new_gaps`` is the whitespace around the new sentences (see
    ``Segmentation.gaps``). ``old_outline``/``new_outline`` are the sentence texts and
    their paragraphs; ``changes``, ``old_sentences``, ``new_sentences`` and
    ``new_gaps`` are built when first asked for: judging a change needs none of them.
    """

    counts: AlignmentCounts
    added_paragraphs: tuple[int, ...] = ()
    deleted_paragraphs: tuple[int, ...] = ()
    old_outline: Outline = attrs.field(repr=False)
    new_outline: Outline = attrs.field(repr=False)
    _pairing: _Pairing = attrs.field(repr=False)
    _sources: tuple[str | Segmentation, str | Segmentation] = attrs.field(repr=False)
    # Parts built on first use; the alignment is still a value, as they follow from the rest.
    _built: dict[str, object] = attrs.field(factory=dict, repr=False)

    @property
    def changes(self) -> tuple[SentenceChange, ...]:
        """Every sentence's change, unchanged ones included, in reading order."""
        built = self._built.get("changes")
        if built is None:
            old, new, p = self.old_outline, self.new_outline, self._pairing
            head = (_paired("unchanged", old, new, k, k) for k in range(p.lo))
            tail = (
                _paired("unchanged", old, new, p.old_hi + k, p.new_hi + k)
                for k in range(p.shared_tail)
            )
            middle = _middle_changes(old, new, p, unchanged=True)
            built = self._built["changes"] = (*head, *middle, *tail)
        return built  # type: ignore[return-value]

    @property
    def changed(self) -> tuple[SentenceChange, ...]:
        """The changes other than unchanged sentences, in the order of ``changes``."""
        built = self._built.get("changed")
        if built is None:
            middle = _middle_changed(self.old_outline, self.new_outline, self._pairing)
            built = self._built["changed"] = tuple(middle)
        return built  # type: ignore[return-value]

    @property
    def old_sentences(self) -> tuple[Sentence, ...]:
        """The sentences of the old text, with offsets."""
        return self._segmentation(0).sentences

    @property
    def new_sentences(self) -> tuple[Sentence, ...]:
        """The sentences of the new text, with offsets."""
        return self._segmentation(1).sentences

    @property
    def new_gaps(self) -> tuple[str, ...]:
        """The whitespace before, between and after the new sentences."""
        return self._segmentation(1).gaps

    def _segmentation(self, side: int) -> Segmentation:
        source = self._sources[side]
        return source if isinstance(source, Segmentation) else segment(source)

    @property
    def has_changes(self) -> bool:
        """Whether any sentence is other than unchanged."""
        return bool(self.changed)

    def _key(self) -> tuple[object, ...]:
        # What an alignment is: its changes and the texts around them, however built.
        return (self.counts, self.changes, self.new_gaps, self.old_outline.texts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Alignment):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

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
    return _align(outline(old_text), outline(new_text), (old_text, new_text), pair_threshold)


def align_segmentations(
    old: Segmentation, new: Segmentation, *, pair_threshold: float = DEFAULT_PAIR_THRESHOLD
) -> Alignment:
    """Align two segmentations; see :func:`align`."""
    return _align(outline_of(old), outline_of(new), (old, new), pair_threshold)


def _align(
    old: Outline,
    new: Outline,
    sources: tuple[str | Segmentation, str | Segmentation],
    pair_threshold: float,
) -> Alignment:
    pairing = _pair(old.texts, new.texts, pair_threshold)
    lo, old_hi, new_hi, tail = pairing.lo, pairing.old_hi, pairing.new_hi, pairing.shared_tail
    # Every pair and every sentence left unpaired is one change, so the counts follow
    # from the pairing without walking it.
    a, b = old.texts, new.texts
    unchanged = sum(1 for i, j in pairing.in_place if a[i] == b[j])
    # Shared first and last sentences are unchanged and pair their paragraphs, so only the
    # paragraphs between them can be added or deleted.
    middle = pairing.pairs
    added_paras = _unpaired(new, {j for _, j in middle}, lo, new_hi, tail)
    deleted_paras = _unpaired(old, {i for i, _ in middle}, lo, old_hi, tail)
    counts = AlignmentCounts(
        sentences_unchanged=unchanged + lo + tail,
        sentences_added=new_hi - lo - len(middle),
        sentences_deleted=old_hi - lo - len(middle),
        sentences_edited=len(pairing.in_place) - unchanged,
        sentences_moved=len(middle) - len(pairing.in_place),
        paragraphs_added=len(added_paras),
        paragraphs_deleted=len(deleted_paras),
    )
    return Alignment(
        counts=counts,
        added_paragraphs=added_paras,
        deleted_paragraphs=deleted_paras,
        old_outline=old,
        new_outline=new,
        pairing=pairing,
        sources=sources,
    )


def _unpaired(side: Outline, paired: set[int], lo: int, hi: int, tail: int) -> tuple[int, ...]:
    """The paragraphs of one side none of whose sentences is paired."""
    para = side.paragraph_of
    first = para[lo - 1] + 1 if lo else 0
    last = para[hi] if tail else side.paragraphs
    paired_paras = {para[i] for i in paired}
    return tuple(p for p in range(first, last) if p not in paired_paras)


def _pair(a: tuple[str, ...], b: tuple[str, ...], threshold: float) -> _Pairing:
    """Pair the sentences between the first and last ones both sides share.

    The shared sentences at either end are anchors whatever else is found, and every
    step after only sees the stretch between them, so it alone is aligned.
    """
    lo = 0
    top = min(len(a), len(b))
    while lo < top and a[lo] == b[lo]:
        lo += 1
    ahi, bhi = len(a), len(b)
    while lo < ahi and lo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
    tail = len(a) - ahi
    anchors = _anchors(a, b, lo, ahi, bhi)
    used_old = {i for i, _ in anchors}
    used_new = {j for _, j in anchors}
    extra = _pair_leftovers(a, b, (lo, ahi, bhi), used_old, used_new, threshold)
    pairs = anchors + extra
    # The shared last sentences, if any, pick among equal chains (see heaviest_increasing).
    stop = ahi if tail else None
    in_place = heaviest_increasing(pairs, a, b, stop) if extra else set(anchors)
    return _Pairing(lo, ahi, bhi, tail, pairs, in_place)


def _anchors(
    a: Sequence[str], b: Sequence[str], lo: int, ahi: int, bhi: int
) -> list[tuple[int, int]]:
    """Identical sentences that keep reading order on both sides, as patience diff finds them.

    Works on ``a[lo:ahi]`` and ``b[lo:bhi]``, which neither start nor end with the same
    sentence. Sentences that occur once on each side are paired and the longest chain
    of them in order on both sides is kept; the stretches between those are aligned
    the same way, their shared first and last sentences taken as they are. Each pass
    is linear in the stretch, with no search: a stretch without a unique common
    sentence is left to the pairing of leftovers (repeated sentences are paired
    there, by text).
    """
    pairs: list[tuple[int, int]] = []
    regions = [(lo, ahi, lo, bhi)]
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
        for ai, bj in unique_chain(a, alo, ahi, b, blo, bhi):
            if i < ai and j < bj:  # else nothing between this anchor and the one before
                regions.append((i, ai, j, bj))
            pairs.append((ai, bj))
            i, j = ai + 1, bj + 1
        if i > alo:
            regions.append((i, ahi, j, bhi))
    pairs.sort()
    return pairs


def _pair_leftovers(
    a: Sequence[str],
    b: Sequence[str],
    stretch: tuple[int, int, int],
    used_old: set[int],
    used_new: set[int],
    threshold: float,
) -> list[tuple[int, int]]:
    lo, ahi, bhi = stretch
    left_old = [i for i in range(lo, ahi) if i not in used_old]
    left_new = [j for j in range(lo, bhi) if j not in used_new]
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
    scored = similar_pairs(a, b, rest_old, rest_new, threshold)
    scored.sort()
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    for _, j, i in scored:
        if i not in paired_old and j not in paired_new:
            paired_old.add(i)
            paired_new.add(j)
            pairs.append((i, j))
    return pairs


def _middle_changes(
    old: Outline, new: Outline, pairing: _Pairing, *, unchanged: bool
) -> Iterator[SentenceChange]:
    """The changes of the sentences between the shared first and last ones, in order.

    Unchanged sentences are left out unless ``unchanged`` is set: judging a change
    needs only the others, and most sentences of a version are unchanged.
    """
    a, b = old.texts, new.texts
    lo, ahi, bhi = pairing.lo, pairing.old_hi, pairing.new_hi
    pairs, in_place = pairing.pairs, pairing.in_place
    old_of = {j: i for i, j in pairs}
    paired_old = {i for i, _ in pairs}
    # For each new position, the old index of the next in-place pair: deletions before it
    # are shown ahead of the new sentences in the same gap. The shared last sentences
    # are in place, so the first of them bounds the stretch.
    bound = [ahi] * (bhi - lo + 1)
    for j in range(bhi - 1, lo - 1, -1):
        i = old_of.get(j)
        bound[j - lo] = i if i is not None and (i, j) in in_place else bound[j - lo + 1]
    next_old = lo
    for j in range(lo, bhi):
        while next_old < bound[j - lo]:
            if next_old not in paired_old:
                yield _deleted(old, next_old)
            next_old += 1
        i = old_of.get(j)
        if i is None:
            yield _added(new, j)
            continue
        if (i, j) in in_place:
            next_old = i + 1
            if a[i] == b[j]:
                if unchanged:
                    yield _paired("unchanged", old, new, i, j)
                continue
            kind: ChangeKind = "edited"
        else:
            kind = "moved"
        yield SentenceChange(
            kind=kind,
            old=a[i],
            new=b[j],
            old_index=i,
            new_index=j,
            old_paragraph=old.paragraph_of[i],
            new_paragraph=new.paragraph_of[j],
        )
    for i in range(next_old, ahi):
        if i not in paired_old:
            yield _deleted(old, i)


def _middle_changed(old: Outline, new: Outline, pairing: _Pairing) -> Iterator[SentenceChange]:
    """What ``_middle_changes`` gives without the unchanged sentences, found gap by gap.

    Between two pairs in place, the old sentences left unpaired are deleted (and listed
    first), the new ones between are added or moved, and the pair closing the gap is an
    edit if its texts differ. Most gaps of a small edit are empty, so the loop runs over
    the pairs in place rather than over every sentence.
    """
    a, b = old.texts, new.texts
    ahi, bhi = pairing.old_hi, pairing.new_hi
    old_of = {j: i for i, j in pairing.pairs}
    paired_old = {i for i, _ in pairing.pairs}
    next_old = next_new = pairing.lo
    for i, j in [*sorted(pairing.in_place, key=new_side), (ahi, bhi)]:
        for k in range(next_old, i):
            if k not in paired_old:
                yield _deleted(old, k)
        for k in range(next_new, j):
            moved = old_of.get(k)
            if moved is None:
                yield _added(new, k)
            else:
                yield _paired("moved", old, new, moved, k)
        if j < bhi and a[i] != b[j]:
            yield _paired("edited", old, new, i, j)
        next_old, next_new = i + 1, j + 1


def _paired(kind: ChangeKind, old: Outline, new: Outline, i: int, j: int) -> SentenceChange:
    return SentenceChange(
        kind=kind,
        old=old.texts[i],
        new=new.texts[j],
        old_index=i,
        new_index=j,
        old_paragraph=old.paragraph_of[i],
        new_paragraph=new.paragraph_of[j],
    )


def _added(new: Outline, j: int) -> SentenceChange:
    return SentenceChange(
        kind="added",
        old=None,
        new=new.texts[j],
        old_index=None,
        new_index=j,
        new_paragraph=new.paragraph_of[j],
    )


def _deleted(old: Outline, i: int) -> SentenceChange:
    return SentenceChange(
        kind="deleted",
        old=old.texts[i],
        new=None,
        old_index=i,
        new_index=None,
        old_paragraph=old.paragraph_of[i],
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
