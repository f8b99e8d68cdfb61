"""The word diff of two stretches of text: the level every other view is built from.

Tokens (see :func:`split_words`) are aligned by :func:`match_blocks`; runs of
changed tokens separated only by spaces are then merged so a rewritten phrase
reads as one change, and each insertion or deletion is
slid to the most natural place among those that give the same texts
("would {+not +}reopen", a new sentence with the space after it).
"""

from __future__ import annotations

from ..models import DELETE, EQUAL, INSERT
from ._sequence import common_prefix, common_suffix, match_blocks
from ._split import split_words

TokenOps = list[tuple[int, list[str]]]
# Unchanged characters kept on each side of a change when tokenizing, and how far to
# look beyond them for the start of a word.
_MARGIN = 32
_BOUNDARY_SCAN = 256
# A stretch whose sides share less than this of their words is shown replaced whole.
_REWRITE_SHARE = 0.2
Ops = list[tuple[int, str]]


def word_ops(old: str, new: str) -> Ops:
    """Diff two texts word by word.

    Args:
        old: The earlier text.
        new: The later text.

    Returns:
        ``(op, text)`` runs that join back to both texts; runs may be empty.
    """
    if old == new:
        return [(EQUAL, old)]
    start, end_old, end_new = _window(old, new)
    ops = _token_ops(old[start:end_old], new[start:end_new])
    return [(EQUAL, old[:start]), *ops, (EQUAL, old[end_old:])]


def _window(old: str, new: str) -> tuple[int, int, int]:
    """Where the changed part of two texts starts and ends, widened to word starts.

    Only this part is tokenized: most of a changed paragraph is unchanged. A
    margin of unchanged text stays inside, so changes can still slide.
    """
    prefix = common_prefix(old, new)
    suffix = common_suffix(old[prefix:], new[prefix:])
    start = _word_start(old, max(0, prefix - _MARGIN), -1)
    end_old = _word_start(old, min(len(old), len(old) - suffix + _MARGIN), 1)
    return start, end_old, end_old + len(new) - len(old)


def _word_start(text: str, at: int, step: int) -> int:
    """The nearest place from ``at`` (towards ``step``) where a plain word follows a space."""
    for _ in range(_BOUNDARY_SCAN):
        if at <= 0 or at >= len(text):
            break
        if text[at - 1].isspace() and text[at].isascii() and text[at].isalnum():
            return at
        at += step
    return 0 if step < 0 else len(text)


def _token_ops(old: str, new: str) -> Ops:
    a, b = split_words(old), split_words(new)
    # Runs as _merge leaves them: between two blocks, what was deleted, then what was
    # inserted, none empty.
    ops: TokenOps = []
    i = j = 0
    for bi, bj, size in [*match_blocks(a, b, rewrite_share=_REWRITE_SHARE), (len(a), len(b), 0)]:
        if i < bi:
            ops.append((DELETE, a[i:bi]))
        if j < bj:
            ops.append((INSERT, b[j:bj]))
        if size:
            if ops and ops[-1][0] == EQUAL:
                ops[-1][1].extend(a[bi : bi + size])
            else:
                ops.append((EQUAL, a[bi : bi + size]))
        i, j = bi + size, bj + size
    if any(_only_spaces(ops, k) for k in range(1, len(ops) - 1)):
        ops = _cleanup(ops)
    ops = _slide(ops)
    return [(op, "".join(tokens)) for op, tokens in ops]


def _cleanup(ops: TokenOps) -> TokenOps:
    """Join two changes kept apart only by the spaces between their words.

    "[-was-] [-three-]{+were four+}" reads better as one change. Only spaces
    within a line are absorbed, never a word: a general semantic clean-up would
    also swallow unchanged words between changes and report them as changed.
    Between two unchanged runs left, what was deleted comes first, then what was
    inserted, none empty.
    """
    out: TokenOps = []
    deleted: list[str] = []
    inserted: list[str] = []
    last = len(ops) - 1
    for k, (op, tokens) in enumerate(ops):
        if op == DELETE:
            deleted.extend(tokens)
        elif op == INSERT:
            inserted.extend(tokens)
        elif 0 < k < last and _only_spaces(ops, k):
            # Spaces between two changes: deleted and inserted again, inside the change.
            deleted.extend(tokens)
            inserted.extend(tokens)
        elif tokens:
            if deleted:
                out.append((DELETE, deleted))
                deleted = []
            if inserted:
                out.append((INSERT, inserted))
                inserted = []
            if out and out[-1][0] == EQUAL:
                out[-1][1].extend(tokens)
            else:
                out.append((EQUAL, list(tokens)))
    if deleted:
        out.append((DELETE, deleted))
    if inserted:
        out.append((INSERT, inserted))
    return out


def _only_spaces(ops: TokenOps, k: int) -> bool:
    """Whether run ``k`` is unchanged and only spaces within a line."""
    op, tokens = ops[k]
    return op == EQUAL and all(t.isspace() and "\n" not in t for t in tokens)


def _boundary_score(left: str | None, right: str | None) -> int:
    """How natural a place between two tokens is for a change to start or end."""
    if left is None or right is None:
        return 6
    if "\n" in left or "\n" in right:
        return 5
    if left.isspace() and not right.isspace():
        return 4
    if right.isspace():
        return 3
    if not (left[-1].isalnum() and right[0].isalnum()):
        return 2
    return 0


def _slide(ops: TokenOps) -> TokenOps:
    """Move each lone insertion or deletion between two equal runs to its best-scoring place."""
    ops = [(op, list(tokens)) for op, tokens in ops]
    for k in range(1, len(ops) - 1):
        if ops[k - 1][0] != EQUAL or ops[k + 1][0] != EQUAL or ops[k][0] == EQUAL:
            continue
        before, edit, after = ops[k - 1][1], ops[k][1], ops[k + 1][1]
        seq = before[-64:] + edit + after[:64]
        offset = len(before) - min(len(before), 64)
        size, start = len(edit), min(len(before), 64)
        lo = start
        while lo > 0 and seq[lo - 1] == seq[lo + size - 1]:
            lo -= 1
        hi = start
        while hi + size < len(seq) and seq[hi] == seq[hi + size]:
            hi += 1
        if lo == hi:
            continue
        best, best_at = -1, start
        for at in range(lo, hi + 1):
            left = seq[at - 1] if at > 0 else (before[offset - 1] if offset else None)
            right = seq[at + size] if at + size < len(seq) else None
            score = _boundary_score(left, seq[at]) + _boundary_score(seq[at + size - 1], right)
            if score >= best:
                best, best_at = score, at
        cut = len(before) - start + best_at
        merged = before + edit + after
        ops[k - 1] = (EQUAL, merged[:cut])
        ops[k] = (ops[k][0], merged[cut : cut + size])
        ops[k + 1] = (EQUAL, merged[cut + size :])
    return [(op, tokens) for op, tokens in ops if tokens]
