"""Align two sequences of tokens: which runs of them are the same on both sides.

Small changed stretches get an exact longest common subsequence (rapidfuzz's
compiled bit-parallel one, with no time limit). Large ones are first cut at
anchors, tokens that occur exactly once on each side, taken in the longest order
both sides agree on (as patience diff does); the pieces between anchors are
aligned the same way. Every step is bounded by token counts, never by time, so
results are the same on any machine, and a large text with many small edits
keeps every unchanged token that sits between two unique ones.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence
from itertools import chain

from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Indel, Postfix, Prefix

# Largest min(n, m) * (n + m) of a changed stretch aligned whole; past it the
# stretch is cut at unique tokens first. The cost of an exact alignment grows with
# that product; at this bound it is well under a millisecond.
MYERS_LIMIT = 40_000

# Stretches up to this many tokens on a side are always aligned, however different.
_REWRITE_MIN = 24

Block = tuple[int, int, int]


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    # A timeout of 0 disables both the wall-clock deadline (which would make results
    # depend on machine speed) and the half-match shortcut (which is not minimal).
    dmp.Diff_Timeout = 0
    return dmp


DMP = _dmp()


def common_prefix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` start with in common.

    The same as diff-match-patch's ``diff_commonPrefix``, in compiled code: every diff
    asks it of whole texts, and in Python it copies halves of them again and again.
    """
    return Prefix.similarity(a, b)


def common_suffix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` end with in common (``diff_commonSuffix``)."""
    return Postfix.similarity(a, b)


def char_runs(a: str, b: str) -> list[tuple[int, str]]:
    """The characters deleted (-1), kept (0) and inserted (1) from ``a`` to ``b``.

    An exact alignment of the characters, then diff-match-patch's semantic
    clean-up, which trades a few kept characters for runs a reader can follow.
    """
    kinds = {"equal": 0, "delete": -1, "insert": 1}
    runs: list[tuple[int, str]] = [
        (
            kinds[op.tag],
            b[op.dest_start : op.dest_end] if op.tag == "insert" else a[op.src_start : op.src_end],
        )
        for op in Indel.opcodes(a, b)
    ]
    DMP.diff_cleanupMerge(runs)
    DMP.diff_cleanupSemantic(runs)
    return runs


def match_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable], *, rewrite_share: float = 0.0
) -> list[Block]:
    """Runs ``(i, j, size)`` with ``a[i:i+size] == b[j:j+size]``, in order on both sides.

    Args:
        a: The old tokens.
        b: The new tokens.
        rewrite_share: A changed stretch of more than a few tokens whose two sides
            share fewer than this share of their tokens (spaces aside) is a
            rewrite: it gets no blocks, rather than a search for the scattered
            common words ("the", "of") that would only cut it into pieces.

    Returns:
        Non-overlapping blocks sorted by ``i`` (and so by ``j``).
    """
    blocks: list[Block] = []
    regions = [(0, len(a), 0, len(b))]
    while regions:
        alo, ahi, blo, bhi = regions.pop()
        prefix = 0
        while alo + prefix < ahi and blo + prefix < bhi and a[alo + prefix] == b[blo + prefix]:
            prefix += 1
        if prefix:
            blocks.append((alo, blo, prefix))
            alo, blo = alo + prefix, blo + prefix
        suffix = 0
        while (
            alo < ahi - suffix and blo < bhi - suffix and a[ahi - 1 - suffix] == b[bhi - 1 - suffix]
        ):
            suffix += 1
        if suffix:
            blocks.append((ahi - suffix, bhi - suffix, suffix))
            ahi, bhi = ahi - suffix, bhi - suffix
        n, m = ahi - alo, bhi - blo
        if not n or not m:
            continue
        if n == 1 or m == 1:
            # One token against several: it matches its first occurrence, or nothing.
            if n == 1 and a[alo] in b[blo:bhi]:
                blocks.append((alo, b.index(a[alo], blo, bhi), 1))
            elif m == 1 and b[blo] in a[alo:ahi]:
                blocks.append((a.index(b[blo], alo, ahi), blo, 1))
            continue
        if (
            rewrite_share
            and min(n, m) > _REWRITE_MIN
            and _share(a, alo, ahi, b, blo, bhi) < (rewrite_share)
        ):
            continue
        if min(n, m) * (n + m) <= MYERS_LIMIT:
            blocks.extend(_myers(a, alo, ahi, b, blo, bhi))
            continue
        anchors = _unique_anchors(a, alo, ahi, b, blo, bhi)
        i, j = alo, blo
        for ai, bj in anchors:
            regions.append((i, ai, j, bj))
            blocks.append((ai, bj, 1))
            i, j = ai + 1, bj + 1
        if anchors:
            regions.append((i, ahi, j, bhi))
        # No anchor at all: the stretch is a rewrite, shown replaced whole.
    blocks.sort()
    return _merge(blocks)


def _share(
    a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int
) -> float:
    """Distinct words common to both stretches, as a share of the side with fewer.

    Distinct words, so that "the" and "of", found in any two sentences, count once.
    """
    # Each distinct token looked at once.
    words_a = {t for t in set(a[alo:ahi]) if isinstance(t, str) and t[:1].isalnum()}
    words_b = {t for t in set(b[blo:bhi]) if isinstance(t, str) and t[:1].isalnum()}
    smaller = min(len(words_a), len(words_b))
    return len(words_a & words_b) / smaller if smaller else 1.0


def _merge(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for i, j, size in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            pi, pj, psize = out[-1]
            out[-1] = (pi, pj, psize + size)
        else:
            out.append((i, j, size))
    return out


def _myers(
    a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int
) -> list[Block]:
    """A longest common subsequence of two stretches, as blocks.

    Tokens are numbered by equality first, so the compiled aligner compares
    exact values rather than hashes of them.
    """
    part_a, part_b = a[alo:ahi], b[blo:bhi]
    # Numbered in order of first appearance, with the loops in C.
    codes = {t: n for n, t in enumerate(dict.fromkeys(chain(part_a, part_b)))}
    coded_a = list(map(codes.__getitem__, part_a))
    coded_b = list(map(codes.__getitem__, part_b))
    return [
        (alo + op.src_start, blo + op.dest_start, op.src_end - op.src_start)
        for op in Indel.opcodes(coded_a, coded_b)
        if op.tag == "equal"
    ]


def _unique_anchors(
    a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Tokens once in each stretch, paired, longest chain increasing on both sides."""
    once_a: dict[Hashable, int] = {}
    seen: set[Hashable] = set()
    for i in range(alo, ahi):
        token = a[i]
        if token in seen:
            once_a.pop(token, None)
        else:
            seen.add(token)
            once_a[token] = i
    once_b: dict[Hashable, int] = {}
    seen.clear()
    for j in range(blo, bhi):
        token = b[j]
        if token not in once_a:
            continue
        if token in seen:
            once_b.pop(token, None)
        else:
            seen.add(token)
            once_b[token] = j
    pairs = sorted((once_a[t], j) for t, j in once_b.items())
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` (sorted by first item) increasing in the second."""
    if all(p[1] < q[1] for p, q in zip(pairs, pairs[1:], strict=False)):
        return pairs  # nothing moved: the whole run is the chain
    tails: list[int] = []  # tails[k]: smallest second item ending a chain of length k + 1
    tail_at: list[int] = []  # index into pairs of that chain end
    previous: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[k] = j
            tail_at[k] = index
        previous.append(tail_at[k - 1] if k else -1)
    chain: list[tuple[int, int]] = []
    index = tail_at[-1] if tail_at else -1
    while index != -1:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    return chain
