from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.normalize import (
    _PARAGRAPH_BREAK,
    _is_normal_spacing,
    content_hash,
    normalize_text,
)


def _full_normalisation(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", ""),
        ("  one  two\tthree \n", "one two three"),
        ("a\r\nb", "a b"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("a \n \n b", "a\n\nb"),
        ("e\u0301", "\u00e9"),
        ("a\u00a0b", "a b"),
        ("already normal.\n\nSecond paragraph.", "already normal.\n\nSecond paragraph."),
    ],
)
def test_normalize_text(given: str, expected: str) -> None:
    assert normalize_text(given) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab .\n\r\t\x00\x1c\x85\u00a0\u2003\u2028\u3000é“e\u0301")),
        max_size=40,
    )
)
def test_normalisation_is_idempotent_and_its_shortcut_exact(text: str) -> None:
    assert normalize_text(text) == _full_normalisation(text)
    assert normalize_text(normalize_text(text)) == normalize_text(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab .\n\r\t\x00\x85\u00a0\u2003\u2028“\ud800")), max_size=30
    )
)
def test_the_spacing_shortcut_holds_exactly_for_normal_text(text: str) -> None:
    spaced = "\n\n".join(" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    normal = "\n\n".join(p for p in spaced.split("\n\n") if p)
    assert _is_normal_spacing(text.encode("utf-8", "surrogatepass")) == (normal == text)


def test_the_spacing_shortcut_knows_every_character() -> None:
    chars = [chr(code) for code in range(sys.maxunicode + 1)]
    spaces = [c for c in chars if c.isspace() and c != " "]
    for space in spaces:
        assert not _is_normal_spacing(f"a{space}b".encode()), hex(ord(space))
    # Every other character at once: one wrongly taken for a space would fail it.
    word = "".join(c for c in chars if not c.isspace()).encode("utf-8", "surrogatepass")
    assert _is_normal_spacing(b"a " + word + b" b")


def test_every_unicode_space_counts_as_a_space() -> None:
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) not in " \n"]
    for space in spaces:
        text = f"one{space}two"
        assert normalize_text(text) == "one two"


def test_content_hash_ignores_spacing_but_not_words() -> None:
    base = content_hash(text="Hello world.\n\nMore.", title="T")
    assert content_hash(text="Hello  world.\r\n\r\nMore.\n", title=" T ") == base
    assert content_hash(text="Hello world.\n\nMore!", title="T") != base
    assert content_hash(text="Hello world.\n\nMore.", title="T2") != base
