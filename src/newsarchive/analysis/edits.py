"""Sentence edits between two versions, labelled as the NewsEdits study labels them.

NewsEdits (Spangher et al., 2022) calls each sentence operation an *addition*, a
*deletion*, an *edit* or a *refactor* (a move). :func:`sentence_edits` gives one
:class:`SentenceEdit` per sentence that is not unchanged, with that action and this
package's finer reason codes for the sentence (``sentence-added``, ``typo``,
``number-changed``, ``quote-changed``...; see ``docs/analysis.md``).
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ..diff.sentences import Segmentation
from ._body import classify_edit, speech_verbs
from .align import SentenceChange, align_segmentations
from .reasons import Found
from .rules import DEFAULT_RULES, Rules

__all__ = ["ACTIONS", "SentenceEdit", "sentence_edits"]

#: NewsEdits' action for each kind of change.
ACTIONS = {"added": "addition", "deleted": "deletion", "edited": "edit", "moved": "refactor"}


@attrs.frozen(kw_only=True)
class SentenceEdit:
    """One sentence operation: its NewsEdits action, our reason codes, and both sides."""

    action: str
    reasons: tuple[str, ...]
    old_index: int | None
    new_index: int | None
    old: str | None = attrs.field(repr=False)
    new: str | None = attrs.field(repr=False)


def sentence_edits(
    old: Segmentation, new: Segmentation, *, rules: Rules = DEFAULT_RULES
) -> Iterator[SentenceEdit]:
    """The sentence operations from one version's text to the next, in reading order.

    Args:
        old: the earlier text, segmented (``segment(text)``).
        new: the later text, segmented.
        rules: the thresholds and patterns of the analysis.

    Returns:
        One edit per added, deleted, edited or moved sentence; unchanged ones are left out.
    """
    alignment = align_segmentations(old, new, pair_threshold=rules.pair_threshold)
    for change in alignment.changes:
        if change.kind != "unchanged":
            yield SentenceEdit(
                action=ACTIONS[change.kind],
                reasons=_reasons(change, rules),
                old_index=change.old_index,
                new_index=change.new_index,
                old=change.old,
                new=change.new,
            )


def _reasons(change: SentenceChange, rules: Rules) -> tuple[str, ...]:
    if change.kind == "added":
        return ("sentence-added",)
    if change.kind == "deleted":
        return ("sentence-deleted",)
    assert change.old is not None and change.new is not None
    found = Found(rules)
    if change.kind == "moved":
        found.add("sentence-moved")
    classify_edit(change.old, change.new, rules, speech_verbs(rules), found)
    return tuple(sorted(found.codes()))
