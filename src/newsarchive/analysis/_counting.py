"""The words of a text as the significance rules count them, counted fast for a whole text.

A word is a run of word characters joined by single inner apostrophes, points or
hyphens ("don't", "U.S", "re-elect"), with a point after it. Counting the words of a
whole article with the regular expression takes a quarter of a millisecond; text made
of ASCII and the usual typographic punctuation is counted with byte operations instead,
to the same result, in a third of that.
"""

from __future__ import annotations

import re

# Possessive: nothing after a word's letters or its joined parts could take them back, and
# the scan is twice as fast when it never tries to.
WORD = re.compile(r"\w++(?:['’.-]\w++)*+\.?")

# Each byte of UTF-8 text as a class: "a" for a word character (\w in ASCII), "." for a
# character that joins two words, " " for anything else and for the bytes that continue a
# character, "x" for the first byte of a character beyond ASCII, whose class only the
# regular expression knows.
_CLASSES = (
    bytes(
        ord("a") if chr(c).isalnum() or chr(c) == "_" else ord(".") if chr(c) in "'.-" else 32
        for c in range(128)
    )
    + b" " * 64
    + b"x" * 64
)
# The curly apostrophe joins words as the straight one does.
_APOSTROPHE = "’".encode()
# The first two bytes of General Punctuation (U+2000-U+203F: spaces, dashes, quotation
# marks, ellipsis), where no character is a word character.
_PUNCTUATION = "\u2000".encode()[:2]
# No-break space and the guillemets, the other characters beyond ASCII of most news text.
_LATIN_1 = ["\u00a0".encode(), "«".encode(), "»".encode()]


def count_words(text: str) -> int:
    """How many words ``text`` holds: ``len(WORD.findall(text))``."""
    # A lone surrogate (from a badly decoded page) has a first byte beyond ASCII too.
    data = text.encode("utf-8", "surrogatepass")
    if not data.isascii():
        data = data.replace(_APOSTROPHE, b"'").replace(_PUNCTUATION, b"  ")
        if b"\xc2" in data:
            for char in _LATIN_1:
                data = data.replace(char, b"  ")
    classes = data.translate(_CLASSES)
    if b"x" in classes:
        return len(WORD.findall(text))
    # A word starts at a word character that follows neither a word character nor a
    # joining character right after one: at the start, after a space, or after a joining
    # character that follows a space, another joining character or the start.
    return (
        classes.count(b" a")
        + classes.count(b" .a")
        + classes.count(b"..a")
        + classes.startswith(b"a")
        + classes.startswith(b".a")
    )
