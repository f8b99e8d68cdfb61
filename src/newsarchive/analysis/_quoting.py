"""How the significance rules quote text in a reason's detail, and compare it loosely."""

from __future__ import annotations

import re

from ._hunks import in_context

# Typographic forms that mean the same as their plain counterparts.
_TYPOGRAPHY = {
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...", "\u00a0": " ",
}  # fmt: skip
_SURROGATE = re.compile("[\ud800-\udfff]")


def spaced(text: str) -> str:
    """``text`` with each run of whitespace made one space, and stripped."""
    # Each run of \s as one space, stripped: str.split and \s agree on what whitespace is.
    return " ".join(text.split())


def collapse(text: str) -> str:
    """``text`` with typographic quotes and dashes made plain and its spacing collapsed."""
    if not text.isascii():
        # Replacing the few forms a text holds costs less than translating every character
        # beyond ASCII; no replacement holds a form, so the order does not matter.
        for form, plain in _TYPOGRAPHY.items():
            if form in text:
                text = text.replace(form, plain)
    return spaced(text)


def quote(text: str | None, limit: int = 80) -> str:
    """``text`` collapsed, cut to ``limit`` characters and put in curly quotes."""
    # A lone surrogate (from a badly decoded page) cannot be stored or printed as UTF-8.
    text = _SURROGATE.sub("\ufffd", collapse(text or ""))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


def change_detail(old: str, new: str) -> str:
    """The first differing stretch of two strings, with a little context."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_o, end_n = len(old), len(new)
    while end_o > start and end_n > start and old[end_o - 1] == new[end_n - 1]:
        end_o -= 1
        end_n -= 1
    lo = max(0, start - 10)
    return f"{quote(old[lo : end_o + 10])} → {quote(new[lo : end_n + 10])}"


class Detail:
    """The changed words of one hunk with a little unchanged context, as ``“old” → “new”``.

    Worked out when first asked for, and once: most hunks add to a reason already found.
    """

    def __init__(
        self,
        old: str,
        new: str,
        old_w: list[tuple[str, int]],
        new_w: list[tuple[str, int]],
        span: tuple[int, int, int, int],
    ) -> None:
        self.where = (old, new, old_w, new_w, span)
        self.text: str | None = None

    def __call__(self) -> str:
        if self.text is None:
            old, new, old_w, new_w, (i0, i1, j0, j1) = self.where
            before = in_context(old, old_w, i0, i1)
            after = in_context(new, new_w, j0, j1)
            self.text = f"{quote(before)} → {quote(after)}"
        return self.text
