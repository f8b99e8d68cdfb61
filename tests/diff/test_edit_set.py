"""The word diff finds known edits at least as well as difflib does, and reports no more."""

from __future__ import annotations

import difflib
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import edit_set  # noqa: E402

from newsarchive.diff import diff_texts  # noqa: E402
from newsarchive.diff._split import split_words  # noqa: E402


def _ours(old: str, new: str) -> tuple[set[int], set[int]]:
    deleted, inserted = [], []
    a = b = 0
    for op in diff_texts(old, new).ops:
        size = len(op.text)
        if op.op < 0:
            deleted.append((a, a + size))
        if op.op > 0:
            inserted.append((b, b + size))
        a += size if op.op <= 0 else 0
        b += size if op.op >= 0 else 0
    return edit_set.marked_words(old, deleted), edit_set.marked_words(new, inserted)


def _difflib(old: str, new: str) -> tuple[set[int], set[int]]:
    a, b = split_words(old), split_words(new)
    at_a, at_b = [0], [0]
    for t in a:
        at_a.append(at_a[-1] + len(t))
    for t in b:
        at_b.append(at_b[-1] + len(t))
    deleted, inserted = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            deleted.append((at_a[i1], at_a[i2]))
        if tag in ("insert", "replace"):
            inserted.append((at_b[j1], at_b[j2]))
    return edit_set.marked_words(old, deleted), edit_set.marked_words(new, inserted)


def _totals(pairs: list[edit_set.EditPair], tool: object) -> tuple[float, float]:
    truth = reported = hit = 0
    for pair in pairs:
        t, r, h = edit_set.score(pair, *tool(pair.old, pair.new))  # type: ignore[operator]
        truth, reported, hit = truth + t, reported + r, hit + h
    return hit / truth, hit / reported


def test_recall_and_precision_at_least_difflibs() -> None:
    pairs = list(edit_set.edit_set(count=42))  # every kind of edit three times
    recall, precision = _totals(pairs, _ours)
    difflib_recall, difflib_precision = _totals(pairs, _difflib)
    assert recall >= difflib_recall
    assert precision >= difflib_precision
    assert recall > 0.995 and precision > 0.995


@pytest.mark.parametrize("kind", edit_set.KINDS)
def test_each_kind_of_edit_is_found_exactly_in_a_short_article(kind: str) -> None:
    rng = random.Random(kind)
    misses = 0
    for _ in range(5):
        pair = edit_set.pair(rng, 1_500, 1, [kind])
        deleted, inserted = _ours(pair.old, pair.new)
        misses += deleted != pair.deleted or inserted != pair.inserted
    assert misses <= 1, kind


def test_large_article_reports_what_was_inserted_and_little_more() -> None:
    pair = edit_set.large_pair(random.Random(50), 60_000)
    _, inserted = _ours(pair.old, pair.new)
    assert pair.inserted <= inserted
    assert len(inserted) <= 1.2 * len(pair.inserted)
