"""Where each paragraph of a story came from: the data behind the report's paragraph map.

Paragraphs are aligned between each consecutive pair of versions; a paragraph of the latest
version is then followed back through those alignments to the version where it first appeared.
Pure and deterministic: :mod:`difflib` with ``autojunk`` off, no clocks, no randomness.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Literal

import attrs

from ..models import Version

Status = Literal["absent", "present", "added", "edited", "moved", "removed", "restored"]

# Two paragraphs in a replaced block count as one edited paragraph when at least this share of
# their words survive; below it the new one is treated as written afresh.
_EDIT_SIMILARITY = 0.5


@attrs.frozen(kw_only=True)
class ParagraphRow:
    """One paragraph and its status in every version, oldest first."""

    text: str
    statuses: tuple[Status, ...]
    is_current: bool


@attrs.frozen(kw_only=True)
class ParagraphMap:
    """Rows for the paragraphs of the latest version, then for paragraphs since removed."""

    version_numbers: tuple[int, ...]
    rows: tuple[ParagraphRow, ...]


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs: non-blank lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _words(text: str) -> list[str]:
    return text.split()


def _align(old: list[str], new: list[str]) -> list[tuple[int | None, Status]]:
    """For each paragraph of ``new``: its counterpart in ``old`` (or None) and how it got there."""
    result: list[tuple[int | None, Status]] = [(None, "added")] * len(new)
    used: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                result[j1 + offset] = (i1 + offset, "present")
                used.add(i1 + offset)
        elif tag == "replace":
            for j in range(j1, j2):
                best, best_ratio = None, _EDIT_SIMILARITY
                new_words = _words(new[j])
                for i in range(i1, i2):
                    if i in used:
                        continue
                    words = difflib.SequenceMatcher(None, _words(old[i]), new_words, autojunk=False)
                    # quick_ratio is an upper bound: skip the exact ratio when it cannot win.
                    if words.quick_ratio() < best_ratio:
                        continue
                    ratio = words.ratio()
                    if ratio >= best_ratio and (best is None or ratio > best_ratio):
                        best, best_ratio = i, ratio
                if best is not None:
                    result[j] = (best, "edited")
                    used.add(best)
    # A paragraph that left one place and reappears unchanged in another has moved.
    spare: dict[str, list[int]] = {}
    for i, text in enumerate(old):
        if i not in used:
            spare.setdefault(text, []).append(i)
    for j, (origin, _status) in enumerate(result):
        if origin is None and spare.get(new[j]):
            result[j] = (spare[new[j]].pop(0), "moved")
    return result


def build_paragraph_map(versions: Sequence[Version]) -> ParagraphMap:
    """Trace every paragraph of the latest version (and every removed one) through the history.

    A paragraph that disappears and later comes back word for word is "restored" and keeps one
    row, marked removed in between, rather than counting as new.

    Args:
        versions: The article's versions in timeline order, oldest first.

    Returns:
        A map with one row per paragraph of the latest version, in reading order, followed by
        one row per paragraph that a later version removed for good, in the order they went.
    """
    paragraphs = [split_paragraphs(v.text) for v in versions]
    count = len(versions)
    if count == 0:
        return ParagraphMap(version_numbers=(), rows=())
    # links[k][j]: where paragraph j of version k came from, as (version index, paragraph index).
    links: list[list[tuple[tuple[int, int] | None, Status]]] = [
        [(None, "present")] * len(paragraphs[0])
    ]
    last_seen: dict[str, tuple[int, int]] = {}
    for k in range(1, count):
        for i, text in enumerate(paragraphs[k - 1]):
            last_seen[text] = (k - 1, i)
        row: list[tuple[tuple[int, int] | None, Status]] = []
        for j, (origin, status) in enumerate(_align(paragraphs[k - 1], paragraphs[k])):
            earlier = last_seen.get(paragraphs[k][j])
            if origin is not None:
                row.append(((k - 1, origin), status))
            elif earlier is not None and earlier[0] < k - 1:
                row.append((earlier, "restored"))
            else:
                row.append((None, "added"))
        links.append(row)

    def trace(k: int, j: int) -> list[Status]:
        statuses: list[Status] = ["absent"] * count
        at: tuple[int, int] | None = (k, j)
        while at is not None:
            k, j = at
            at, statuses[k] = links[k][j]
            if at is not None and at[0] < k - 1:
                statuses[at[0] + 1] = "removed"
        return statuses

    rows = [
        ParagraphRow(text=text, statuses=tuple(trace(count - 1, j)), is_current=True)
        for j, text in enumerate(paragraphs[-1])
    ]
    origins = {origin for row in links for origin, _ in row if origin is not None}
    for k in range(count - 1):
        for i, text in enumerate(paragraphs[k]):
            if (k, i) not in origins:
                statuses = trace(k, i)
                statuses[k + 1] = "removed"
                rows.append(ParagraphRow(text=text, statuses=tuple(statuses), is_current=False))
    return ParagraphMap(version_numbers=tuple(v.number for v in versions), rows=tuple(rows))
