"""Both ways of scoring many leftover sentences find exactly the pairs a full comparison finds."""

from __future__ import annotations

import importlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.analysis._tokens import dice, words

align_module = importlib.import_module("newsarchive.analysis.align")

_SENTENCE = st.lists(
    st.sampled_from(["the", "vote", "mayor", "said", "it", "was", "council", "tax"]), max_size=10
)


def _every_pair(a: list[str], b: list[str], threshold: float) -> list[tuple[float, int, int]]:
    expected = []
    for j in range(len(b)):
        for i in range(len(a)):
            bags = Counter(words(a[i])), Counter(words(b[j]))
            score = dice(*bags)
            if score >= threshold and bags[0] & bags[1]:
                expected.append((-score, j, i))
    return sorted(expected)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_SENTENCE, min_size=9, max_size=20),
    st.lists(_SENTENCE, min_size=9, max_size=20),
    st.sampled_from([0.0, 0.3, 0.5, 0.6, 0.9, 1.0]),
)
def test_bit_masks_and_the_prefix_filter_score_the_same_pairs(
    old: list[list[str]], new: list[list[str]], threshold: float
) -> None:
    a, b = [" ".join(s) for s in old], [" ".join(s) for s in new]
    expected = _every_pair(a, b, threshold)
    rest_old, rest_new = list(range(len(a))), list(range(len(b)))
    for limit in (0, 10**9):  # the prefix filter, then bit masks
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(align_module, "_BIT_JOIN", limit)
            found = align_module._similar_pairs(a, b, rest_old, rest_new, threshold)
        assert sorted(found) == expected, limit


def test_a_rewrite_pairs_its_sentences_the_same_either_way() -> None:
    """A rewrite of a long text: past the bit-mask limit, the prefix filter takes over."""
    old = [f"The council said the {w} vote on item {k} was close." for k, w in
           enumerate(["tax", "park", "road", "school", "budget"] * 50)]  # fmt: skip
    new = [s.replace("close", "very close") for s in old[::-1]]
    pairs = len(old) * len(new)
    assert pairs > align_module._BIT_JOIN
    text_old, text_new = " ".join(old), " ".join(new)
    found = align_module.align(text_old, text_new)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(align_module, "_BIT_JOIN", pairs)
        by_bits = align_module.align(text_old, text_new)
    assert found.changes == by_bits.changes
    assert found.counts.sentences_moved + found.counts.sentences_edited == len(new)
