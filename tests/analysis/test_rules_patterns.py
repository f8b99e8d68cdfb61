from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.analysis.rules import (
    DEFAULT_BOILERPLATE,
    DEFAULT_CORRECTION_PATTERNS,
    DEFAULT_UPDATE_PATTERNS,
    compile_patterns,
)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"^a|b", "xxb", True),  # the second branch is not anchored
        (r"^(a|b)x", "zbx", False),
        (r"^(a|b)x", "bx", True),
        (r"^[|]x", "z|x", False),
        (r"^\|x|y", "zy", True),
        (r"^[]|]x|y", "zy", True),
        (r"^a(?:b|c)|d", "zd", True),
        (r"^read more\b", "Please read more.", False),
        (r"^read more\b", "READ MORE here", True),
    ],
)
def test_patterns_match_as_one_search_would(pattern: str, text: str, expected: bool) -> None:
    compiled = compile_patterns((pattern,))
    assert compiled is not None
    assert compiled.search(text) is expected
    assert bool(re.search(pattern, text, re.IGNORECASE)) is expected


def test_no_patterns_compile_to_none() -> None:
    assert compile_patterns(()) is None


_PIECES = [
    "Read more",
    "read more:",
    "Correction:",
    "An earlier version of this story",
    "Updated at",
    "sign up for our weekly newsletter",
    "Advertisement",
    "the mayor said",
    "Copyright 2024",
    "This is a developing story",
    " ",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=5).map("".join))
def test_default_patterns_agree_with_one_alternation(text: str) -> None:
    for patterns in (DEFAULT_BOILERPLATE, DEFAULT_CORRECTION_PATTERNS, DEFAULT_UPDATE_PATTERNS):
        one = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
        compiled = compile_patterns(patterns)
        assert compiled is not None
        assert compiled.search(text) is bool(one.search(text))
