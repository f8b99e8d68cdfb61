from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.analysis._counting import WORD, count_words

# What decides a count: word characters, the characters that join words, typographic
# punctuation counted without the regular expression, and letters that need it.
TRICKY = list("ab1_ .-'’\n\t,“”‘—–…«»\u00a0") + ["é", "\u0301", "\u203f", "\U0001f600", "\ud800"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=40) | st.text(max_size=40))
def test_count_is_the_number_of_words_the_pattern_finds(text: str) -> None:
    assert count_words(text) == len(WORD.findall(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("The U.S. said no.", 4),
        ("re-elect don’t 3,000 mid-July", 5),
        ("a..b -c d- .e", 5),
        ("“Quoted,” she said — at 5\u00a0p.m.", 6),
        ("Café au lait", 3),
        ("lone \ud800 surrogate", 2),
    ],
)
def test_count_of_examples(text: str, expected: int) -> None:
    assert count_words(text) == expected == len(WORD.findall(text))
