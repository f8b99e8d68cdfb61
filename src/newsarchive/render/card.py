"""A shareable card of one change: a 1200×675 SVG, for posting where a link is not enough.

The card shows the site, the versions and their times, the headline, and the changed
sentences with a few words of context: deletions struck through in red, insertions
underlined in green (so the marks do not rely on colour alone). SVG text does not wrap
by itself, so lines are broken here with a conservative estimate of glyph widths; a
sentence that does not fit ends in an ellipsis. The SVG loads nothing: no font, no
image, no script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from ..models import DELETE, EQUAL, INSERT, DiffOp
from ._markup import clean_text

WIDTH, HEIGHT = 1200, 675
_MARGIN = 64
_FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
_CONTEXT_WORDS = 8
_TOKEN = re.compile(r"\S+")
_COLOURS = {"substantive": "#c0392b", "minor": "#b7950b", "cosmetic": "#7f8c8d", "none": "#7f8c8d"}


@attrs.frozen(kw_only=True)
class Card:
    """What a card shows. ``changes`` are word diffs of the changed sentences."""

    site: str
    url: str
    title: str
    old_version: int
    new_version: int
    old_at: datetime
    new_at: datetime
    level: str | None = None
    stealth: bool = False
    #: The headline's word diff, when the headline changed.
    headline: tuple[DiffOp, ...] = ()
    changes: tuple[tuple[DiffOp, ...], ...] = ()


def _char_width(c: str) -> float:
    """A glyph's advance in ems, on the wide side for DejaVu Sans and Liberation Sans."""
    if c in "il.,:;'!|ĳ·ıj" or c == "\u200b":
        return 0.32
    if c in 'frt()[]{}"-/\\ ':
        return 0.42
    if c in "mwMW@%—…":
        return 1.0
    if c.isupper() or c.isdigit():
        return 0.74
    if ord(c) > 0x2E80:  # CJK and other wide scripts
        return 1.0
    return 0.62


def text_width(text: str, size: float) -> float:
    """The estimated width in pixels of ``text`` at font ``size``."""
    return sum(_char_width(c) for c in text) * size


def _esc(text: str) -> str:
    text = clean_text(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def trim(ops: Sequence[DiffOp], *, context_words: int = _CONTEXT_WORDS) -> list[DiffOp]:
    """A word diff with long unchanged runs cut to a few words around each change."""
    out: list[DiffOp] = []
    last = len(ops) - 1
    for index, op in enumerate(ops):
        if op.op != EQUAL:
            out.append(op)
            continue
        words = _TOKEN.findall(op.text)
        first, final = index == 0, index == last
        if len(words) <= context_words * (1 if first or final else 2):
            out.append(op)
        elif first:
            out.append(DiffOp(EQUAL, "… " + " ".join(words[-context_words:]) + " "))
        elif final:
            out.append(DiffOp(EQUAL, " " + " ".join(words[:context_words]) + " …"))
        else:
            head, tail = words[:context_words], words[-context_words:]
            out.append(DiffOp(EQUAL, f" {' '.join(head)} … {' '.join(tail)} "))
    return out


# A word is one or more styled runs with no space between: "January" inserted, "." kept.
# A deletion and an insertion never share a word: "February January", not "FebruaryJanuary".
_Run = tuple[str, int]
_Word = list[_Run]
_SPACES = re.compile(r"(\s+)")
# Bold glyphs (headlines, insertions) are wider than the estimate for regular ones.
_BOLD = 1.1


def _words(ops: Sequence[DiffOp]) -> list[_Word]:
    words: list[_Word] = []
    glued = False
    for op in ops:
        for piece in _SPACES.split(op.text):
            if not piece:
                continue
            if piece.isspace():
                glued = False
            elif glued and words and {words[-1][-1][1], op.op} != {DELETE, INSERT}:
                words[-1].append((piece, op.op))
            else:
                words.append([(piece, op.op)])
                glued = True
    return words


def _word_width(word: _Word, size: float, bold: bool) -> float:
    return sum(
        text_width(text, size) * (_BOLD if bold or op == INSERT else 1.0) for text, op in word
    )


def _wrap(
    words: Sequence[_Word], size: float, width: float, bold: bool = False
) -> list[list[_Word]]:
    lines: list[list[_Word]] = [[]]
    used = 0.0
    space = text_width(" ", size)
    for word in words:
        w = _word_width(word, size, bold)
        if lines[-1] and used + space + w > width:
            lines.append([])
            used = 0.0
        while w > width and len(word) == 1 and len(word[0][0]) > 1:  # longer than a line
            text, op = word[0]
            cut = max(1, int(len(text) * width / w) - 1)
            lines[-1].append([(text[:cut], op)])
            lines.append([])
            word = [(text[cut:], op)]
            w = _word_width(word, size, bold)
        used += (space if lines[-1] else 0) + w
        lines[-1].append(word)
    return [line for line in lines if line]


_STYLE = {
    EQUAL: "",
    INSERT: ' fill="#0b6b2b" font-weight="700" text-decoration="underline"',
    DELETE: ' fill="#a61b1b" text-decoration="line-through"',
}


def _line_svg(line: Sequence[_Word], x: float, y: float, size: float, extra: str = "") -> str:
    pieces: list[_Run] = []
    for index, word in enumerate(line):
        if index:
            # A space between two runs of one kind is part of the run (struck or underlined).
            same = pieces[-1][1] == word[0][1]
            pieces.append((" ", word[0][1] if same else EQUAL))
        pieces.extend(word)
    runs: list[list[Any]] = []
    for text, op in pieces:
        if runs and runs[-1][0] == op:
            runs[-1][1] += text
        else:
            runs.append([op, text])
    spans = "".join(f"<tspan{_STYLE[op]}>{_esc(text)}</tspan>" for op, text in runs)
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}"{extra} xml:space="preserve">{spans}</text>'
    )


def _fit(lines: list[list[_Word]], room: int) -> list[list[_Word]]:
    """At most ``room`` lines, the last ending in an ellipsis when some were cut."""
    if len(lines) <= room:
        return lines
    kept = lines[:room]
    kept[-1] = [*kept[-1], [("…", EQUAL)]]
    return kept


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def render_card_svg(card: Card) -> str:
    """Render a card as a standalone 1200×675 SVG document.

    Args:
        card: what to show.

    Returns:
        The SVG, UTF-8 text ending in a newline.
    """
    width = WIDTH - 2 * _MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{_FONT}" fill="#1d1d1f">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<rect width="{WIDTH}" height="10" fill="{_COLOURS.get(card.level or "", "#1f5fbf")}"/>',
    ]
    marks = [f"version {card.old_version} → {card.new_version}"]
    if card.level:
        marks.append(card.level)
    if card.stealth:
        marks.append("stealth edit")
    meta = f"{card.site.upper()}  ·  {'  ·  '.join(marks)}"
    parts.append(
        f'<text x="{_MARGIN}" y="64" font-size="22" fill="#5b5b66" letter-spacing="1">'
        f"{_esc(meta)}</text>"
    )
    y = 118.0
    title_lines = _fit(_wrap(_words([DiffOp(EQUAL, card.title)]), 38, width, bold=True), 2)
    for line in title_lines:
        parts.append(_line_svg(line, _MARGIN, y, 38, ' font-weight="700"'))
        y += 48
    times = f"{_when(card.old_at)} → {_when(card.new_at)} UTC"
    parts.append(
        f'<text x="{_MARGIN}" y="{y - 6:g}" font-size="20" fill="#5b5b66">{_esc(times)}</text>'
    )
    y += 40
    size, step, bottom = 26.0, 36.0, HEIGHT - 84
    blocks = ([trim(card.headline)] if card.headline else []) + [trim(c) for c in card.changes]
    for number, ops in enumerate(blocks):
        room = int((bottom - y) // step)
        if room < 1:
            break
        prefix = "Headline:" if number == 0 and card.headline else "•"
        lines = _fit(_wrap([[(prefix, EQUAL)], *_words(ops)], size, width), room)
        for line in lines:
            parts.append(_line_svg(line, _MARGIN, y, size))
            y += step
        y += 12
    if not blocks:
        parts.append(
            f'<text x="{_MARGIN}" y="{y:g}" font-size="{size:g}" fill="#5b5b66">'
            "Only fields other than the text changed.</text>"
        )
    parts.append(
        f'<line x1="{_MARGIN}" y1="{HEIGHT - 64}" x2="{WIDTH - _MARGIN}" y2="{HEIGHT - 64}"'
        ' stroke="#d6d6de" stroke-width="2"/>'
    )
    url = card.url
    while text_width(url, 18) > width - 180 and len(url) > 10:
        url = url[: len(url) - 4] + "…"
    parts.append(
        f'<text x="{_MARGIN}" y="{HEIGHT - 30}" font-size="18" fill="#5b5b66">{_esc(url)}</text>'
    )
    parts.append(
        f'<text x="{WIDTH - _MARGIN}" y="{HEIGHT - 30}" font-size="18" fill="#5b5b66"'
        ' text-anchor="end">newsarchive</text>'
    )
    parts.append("</svg>")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(parts) + "\n"
