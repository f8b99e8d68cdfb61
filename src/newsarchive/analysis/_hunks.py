"""Changed stretches of a sentence's words, and how far apart two words are.

Helpers of the significance rules: pure functions of word lists.
"""

from __future__ import annotations

from ..models import DELETE, EQUAL, INSERT
from ._tokens import diff_sequences

Hunk = tuple[list[tuple[str, int]], list[tuple[str, int]], "str | None", tuple[int, int, int, int]]
# Changes this few unchanged words apart are one edit ("discuss {+any+} issues of [-the-]{+any+}").
JOIN_GAP = 2
# Unchanged words quoted on each side of a change, so a reader can find it.
CONTEXT_WORDS = 2


def hunks(old_w: list[tuple[str, int]], new_w: list[tuple[str, int]]) -> list[Hunk]:
    """(deleted words, inserted words, word before, word index span) for each changed stretch.

    The span ``(i0, i1, j0, j1)`` covers the changed words in ``old_w`` and ``new_w``,
    including any unchanged words between changes that were joined into one.
    """
    runs: list[Hunk] = []
    i = j = 0
    gone: list[tuple[str, int]] = []
    came: list[tuple[str, int]] = []
    start = (0, 0)
    before: str | None = None
    for op, items in [*diff_sequences([w for w, _ in old_w], [w for w, _ in new_w]), (EQUAL, [])]:
        if op == EQUAL:
            if gone or came:
                runs.append((gone, came, before, (start[0], i, start[1], j)))
                gone, came = [], []
            i += len(items)
            j += len(items)
            before = items[-1] if items else before
            start = (i, j)
        elif op == DELETE:
            gone.extend(old_w[i : i + len(items)])
            i += len(items)
        elif op == INSERT:
            came.extend(new_w[j : j + len(items)])
            j += len(items)
    joined: list[Hunk] = []
    for hunk in runs:
        if joined and hunk[3][0] - joined[-1][3][1] <= JOIN_GAP:
            g, c, b, (i0, _, j0, _) = joined[-1]
            joined[-1] = (g + hunk[0], c + hunk[1], b, (i0, hunk[3][1], j0, hunk[3][3]))
        else:
            joined.append(hunk)
    return joined


def in_context(text: str, words: list[tuple[str, int]], lo: int, hi: int) -> str:
    """``text`` from a few words before word ``lo`` to a few after word ``hi - 1``."""
    if not words:
        return text
    first = max(0, lo - CONTEXT_WORDS)
    last = min(len(words), hi + CONTEXT_WORDS) - 1
    if last < first:
        return ""
    start = words[first][1]
    end = words[last][1] + len(words[last][0])
    # Keep punctuation stuck to the last word ("campaign.”"), not the space after it.
    while end < len(text) and text[end] in ".,;:!?…%)":
        end += 1
    return text[start:end]


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    if abs(len(a) - len(b)) > 3:
        return abs(len(a) - len(b))
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
