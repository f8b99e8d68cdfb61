"""The ``sentence_edits`` operations of one article, aligning only the stretch that changed.

Consecutive versions of an article share most of their paragraphs and differ, as a rule,
in a few sentences in one place. Aligning two whole texts builds every sentence of both
and pairs them all; here each distinct paragraph of the article is split into sentences
once, and each pair of versions is aligned on the stretch between their shared leading
and trailing sentences. Those shared sentences are unchanged anchors on both sides of the
stretch, so its operations, shifted by the leading ones, are the operations of the whole
texts. A sentence of the stretch that also occurs among the shared ones could pair across
its edge, so then the whole texts are aligned. A stretch with sentences on one side only
(an insertion, an appended paragraph, a cut) is all additions or all deletions, as the
alignment finds, without aligning anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ..analysis import Paragraph, Segmentation, Sentence, paragraph_sentences
from ..analysis.edits import ACTIONS, sentence_edits
from ..analysis.rules import Rules

__all__ = ["SentenceSplit", "SentenceSplitter", "edit_operations"]


# (action, reason codes, old index, new index, old sentence, new sentence)
Operation = tuple[str, list[str], Any, Any, Any, Any]


@attrs.frozen
class SentenceSplit:
    """A text's sentences in reading order, and the paragraph each belongs to."""

    sentences: tuple[str, ...]
    paragraphs: tuple[int, ...]


class SentenceSplitter:
    """Splits the versions of one article, each distinct paragraph once."""

    def __init__(self) -> None:
        self._paragraphs: dict[str, tuple[str, ...]] = {}

    def split(self, text: str) -> SentenceSplit:
        """The sentences of ``text``, as the analysis's ``segment`` finds them."""
        known = self._paragraphs
        sentences: list[str] = []
        paragraphs: list[int] = []
        number = 0
        # Every line break ends a paragraph, in ``segment`` as in str.splitlines.
        for line in text.splitlines():
            paragraph = line.strip()
            if paragraph:
                found = known.get(paragraph)
                if found is None:
                    found = known[paragraph] = paragraph_sentences(paragraph)
                sentences += found
                paragraphs += (number,) * len(found)
                number += 1
        return SentenceSplit(tuple(sentences), tuple(paragraphs))


def edit_operations(old: SentenceSplit, new: SentenceSplit, rules: Rules) -> Iterator[Operation]:
    """The sentence operations from ``old`` to ``new``, as ``sentence_edits`` gives them.

    Returns:
        (action, reason codes, old index, new index, old sentence, new sentence) for each
        added, deleted, edited or moved sentence, in reading order.
    """
    a, b = old.sentences, new.sentences
    if a == b:
        return
    lead = 0
    shortest = min(len(a), len(b))
    while lead < shortest and a[lead] == b[lead]:
        lead += 1
    trail = 0
    while trail < shortest - lead and a[-1 - trail] == b[-1 - trail]:
        trail += 1
    if lead or trail:
        shared = set(a[:lead])
        shared.update(a[len(a) - trail :])
        if not shared.isdisjoint(a[lead : len(a) - trail]) or not shared.isdisjoint(
            b[lead : len(b) - trail]
        ):
            lead = trail = 0
    if lead + trail == len(a):
        # Only added sentences: nothing to pair them with.
        for k in range(lead, len(b) - trail):
            yield (ACTIONS["added"], ["sentence-added"], None, k, None, b[k])
        return
    if lead + trail == len(b):
        for k in range(lead, len(a) - trail):
            yield (ACTIONS["deleted"], ["sentence-deleted"], k, None, a[k], None)
        return
    before = _stretch(old, lead, len(a) - trail)
    after = _stretch(new, lead, len(b) - trail)
    for edit in sentence_edits(before, after, rules=rules):
        yield (
            edit.action,
            list(edit.reasons),
            None if edit.old_index is None else edit.old_index + lead,
            None if edit.new_index is None else edit.new_index + lead,
            edit.old,
            edit.new,
        )


def _stretch(split: SentenceSplit, lo: int, hi: int) -> Segmentation:
    """Sentences ``lo`` to ``hi`` as a text of their own, one space between them."""
    sentences: list[Sentence] = []
    paragraphs: list[Paragraph] = []
    first = 0
    start = 0
    for k in range(lo, hi):
        text = split.sentences[k]
        number = split.paragraphs[k]
        sentences.append(Sentence(text, start, start + len(text), number, k - lo))
        start += len(text) + 1
        if k + 1 == hi or split.paragraphs[k + 1] != number:
            group = tuple(sentences[first:])
            paragraphs.append(Paragraph(number, group[0].start, group[-1].end, group))
            first = len(sentences)
    gaps = ("", *(" " for _ in sentences[1:]), "") if sentences else ("",)
    text = " ".join(s.text for s in sentences)
    return Segmentation(text, tuple(paragraphs), tuple(sentences), gaps)
