"""Attribute each sentence of a version to the version that introduced it.

Blame walks the history from version 1, aligning each version with the one
before. A sentence that is unchanged or only moved keeps its attribution; an
edited one is attributed to the version that edited it but keeps the origin of
its earliest form; an added one starts afresh, unless the same sentence existed
in an earlier version (a restored sentence keeps its first appearance).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from ..diff.sentences import segment
from ..errors import InputError, NotFoundError
from ..models import Version
from .align import DEFAULT_PAIR_THRESHOLD, align_segmentations

__all__ = ["BlameLine", "blame"]


@attrs.frozen(kw_only=True)
class BlameLine:
    """One sentence of a version and where it came from.

    ``version``/``captured_at`` name the version in which the sentence first
    appeared in exactly its current form. ``origin_version``/``origin_captured_at``
    name the version that introduced its earliest form; they equal ``version``
    and ``captured_at`` when the sentence was never edited.
    """

    index: int
    paragraph: int
    text: str
    version: int
    version_id: str
    captured_at: datetime
    origin_version: int
    origin_captured_at: datetime

    @property
    def is_edited(self) -> bool:
        """Whether the sentence was edited since it first appeared."""
        return self.origin_version != self.version


def blame(
    history: Sequence[Version],
    number: int,
    *,
    pair_threshold: float = DEFAULT_PAIR_THRESHOLD,
) -> list[BlameLine]:
    """Attribute every sentence of version ``number`` to the version that introduced it.

    Args:
        history: The article's versions (any order); all up to ``number`` are needed.
        number: The version to blame.
        pair_threshold: Share of common words from which an added sentence counts
            as an edit of a deleted one (see ``align``).

    Returns:
        One line per sentence of that version, in reading order.

    Raises:
        NotFoundError: Version ``number``, or one before it, is not in ``history``.
        InputError: ``history`` holds two versions with the same number, or of
            different articles.
    """
    by_number: dict[int, Version] = {}
    for v in history:
        if v.number in by_number:
            raise InputError(f"the history holds version {v.number} twice")
        by_number[v.number] = v
    if len({v.url for v in history}) > 1:
        raise InputError("the history mixes versions of different articles")
    url = history[0].url if history else "the article"
    for n in range(1, number + 1):
        if n not in by_number:
            raise NotFoundError(f"version {n} of {url} is not in the history")
    if number < 1:
        raise NotFoundError(f"version {number} of {url} is not in the history")

    # Per sentence of the current version: (version, origin version).
    first_seen: dict[str, tuple[int, int]] = {}
    prev = segment(by_number[1].text)
    lines = [(1, 1) for _ in prev.sentences]
    for s in prev.sentences:
        first_seen.setdefault(s.text, (1, 1))
    for n in range(2, number + 1):
        cur = segment(by_number[n].text)
        alignment = align_segmentations(prev, cur, pair_threshold=pair_threshold)
        new_lines: list[tuple[int, int]] = [(n, n)] * len(cur.sentences)
        for change in alignment.changes:
            if change.new_index is None:
                continue
            text = cur.sentences[change.new_index].text
            if change.old_index is not None and change.old == change.new:
                new_lines[change.new_index] = lines[change.old_index]
            elif text in first_seen:
                # The exact sentence existed before: it was restored, not written anew.
                version, origin = first_seen[text]
                if change.old_index is not None:
                    origin = min(origin, lines[change.old_index][1])
                new_lines[change.new_index] = (version, origin)
            elif change.old_index is not None:
                new_lines[change.new_index] = (n, lines[change.old_index][1])
        for s, line in zip(cur.sentences, new_lines, strict=True):
            first_seen.setdefault(s.text, line)
        prev, lines = cur, new_lines
    return [
        BlameLine(
            index=s.index,
            paragraph=s.paragraph,
            text=s.text,
            version=version,
            version_id=by_number[version].id,
            captured_at=by_number[version].first_captured_at,
            origin_version=origin,
            origin_captured_at=by_number[origin].first_captured_at,
        )
        for s, (version, origin) in zip(prev.sentences, lines, strict=True)
    ]
