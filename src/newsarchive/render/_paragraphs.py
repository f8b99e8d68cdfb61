"""Where each paragraph of a story came from: the data behind the report's paragraph map.

Paragraphs are aligned between each consecutive pair of versions; a paragraph of the latest
version is then followed back through those alignments to the version where it first appeared.
Pure and deterministic: a longest common subsequence of the paragraphs, no clocks, no
randomness. Words are compared as counts, and each changed paragraph only with a few near it,
so a long live blog's map costs about what its texts' length does, not its square.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

import attrs
from rapidfuzz.distance import Indel

from ..models import Version

Status = Literal["absent", "present", "added", "edited", "moved", "removed", "restored"]

# Two paragraphs in a replaced block count as one edited paragraph when at least this share of
# their words survive; below it the new one is treated as written afresh.
_EDIT_SIMILARITY = 0.5
# A new paragraph of a replaced block is compared with the old ones this many places either
# side of its own: a block as long as a rewritten live blog would otherwise compare every
# paragraph with every other. (A paragraph moved further unchanged is still found.)
_EDIT_REACH = 8


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


def _align(
    old: list[str], new: list[str], bags: dict[str, Counter[str]] | None = None
) -> list[tuple[int | None, Status]]:
    """For each paragraph of ``new``: its counterpart in ``old`` (or None) and how it got there.

    ``bags`` keeps each paragraph's words counted, for the next pair of versions to reuse.
    """
    bags = {} if bags is None else bags
    result: list[tuple[int | None, Status]] = [(None, "added")] * len(new)
    used: set[int] = set()
    i = j = 0
    # The longest common subsequence of the paragraphs, in compiled code.
    equal = [op for op in Indel.opcodes(old, new) if op.tag == "equal"]
    blocks = [(op.src_start, op.dest_start, op.src_end - op.src_start) for op in equal]
    for bi, bj, size in [*blocks, (len(old), len(new), 0)]:
        if i < bi and j < bj:
            _pair_edited(old, new, (i, bi, j, bj), used, result, bags)
        for offset in range(size):
            result[bj + offset] = (bi + offset, "present")
            used.add(bi + offset)
        i, j = bi + size, bj + size
    # A paragraph that left one place and reappears unchanged in another has moved.
    spare: dict[str, list[int]] = {}
    for i, text in enumerate(old):
        if i not in used:
            spare.setdefault(text, []).append(i)
    for j, (origin, _status) in enumerate(result):
        if origin is None and spare.get(new[j]):
            result[j] = (spare[new[j]].pop(0), "moved")
    return result


def _pair_edited(
    old: list[str],
    new: list[str],
    block: tuple[int, int, int, int],
    used: set[int],
    result: list[tuple[int | None, Status]],
    bags: dict[str, Counter[str]],
) -> None:
    """Pair each new paragraph of a replaced block with the old one nearby sharing the most
    of its words, at least ``_EDIT_SIMILARITY`` of them (the first of equals)."""
    i1, i2, j1, j2 = block
    scale = (i2 - i1) / (j2 - j1)
    for j in range(j1, j2):
        mine = _bag(new[j], bags)
        centre = i1 + round((j - j1) * scale)
        best, best_share = None, _EDIT_SIMILARITY
        for i in range(max(i1, centre - _EDIT_REACH), min(i2, centre + _EDIT_REACH + 1)):
            if i in used:
                continue
            share = _shared(_bag(old[i], bags), mine)
            if share >= best_share and (best is None or share > best_share):
                best, best_share = i, share
        if best is not None:
            result[j] = (best, "edited")
            used.add(best)


def _bag(text: str, bags: dict[str, Counter[str]]) -> Counter[str]:
    found = bags.get(text)
    if found is None:
        found = bags[text] = Counter(text.split())
    return found


def _shared(a: Counter[str], b: Counter[str]) -> float:
    """The share of two paragraphs' words they have in common, counted with repeats."""
    total = a.total() + b.total()
    if not total:
        return 1.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return 2 * sum(min(n, large[w]) for w, n in small.items() if w in large) / total


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
    bags: dict[str, Counter[str]] = {}
    for k in range(1, count):
        for i, text in enumerate(paragraphs[k - 1]):
            last_seen[text] = (k - 1, i)
        row: list[tuple[tuple[int, int] | None, Status]] = []
        for j, (origin, status) in enumerate(_align(paragraphs[k - 1], paragraphs[k], bags)):
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
