"""A version diff as text for a terminal, in the manner of ``git diff --word-diff``.

Deleted text is shown as ``[-text-]`` and inserted text as ``{+text+}``; with
colour, deletions are red and struck through and insertions green instead.
Markers and colour codes never span a line break, so every line stands alone
in a pager. Unchanged paragraphs far from any change are folded.

Archived text is untrusted: control characters in it (an escape sequence could
retitle or reprogram the terminal) are shown as visible symbols instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import InputError
from ..models import DELETE, EQUAL, INSERT, DiffOp, FieldChange, Version, VersionDiff, field_label
from ..times import format_time  # not the JSON module's twin: text output never loads it

__all__ = ["render_text", "render_text_header"]

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_CYAN = "\x1b[36m"
_STYLE = {DELETE: "\x1b[31m\x1b[9m", INSERT: "\x1b[32m"}
_MARKERS = {DELETE: ("[-", "-]"), INSERT: ("{+", "+}")}

# A paragraph is one line with its line break plus any blank lines after it,
# as in the diff engine, so folding counts the units the diff worked on.
_PARAGRAPH_RE = re.compile(r"[^\n]*(?:\n(?:[ \t\r\f\v]*\n)*)?")
_LINE_BREAK_RE = re.compile(r"(\r?\n)")

# Unchanged paragraphs shown for context longer than this many words are folded to
# their first and last words, so a change and its surroundings fit on one screen.
_FOLD_WORDS = 30
_HEAD_WORDS = 8
_TAIL_WORDS = 6

# C0 controls other than tab and line breaks become their Unicode "control
# pictures" (ESC shows as ␛); DEL and C1 controls become U+FFFD.
_VISIBLE_CONTROLS = {c: 0x2400 + c for c in range(0x20) if chr(c) not in "\t\n\r"}
_VISIBLE_CONTROLS.update({c: 0xFFFD for c in range(0x7F, 0xA0)})
_LONE_CR_RE = re.compile(r"\r(?!\n)")


def _visible(text: str) -> str:
    """Make text safe to write to a terminal."""
    return _LONE_CR_RE.sub("\u240d", text.translate(_VISIBLE_CONTROLS))


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def _is_break_only(text: str) -> bool:
    return "\n" in text and not text.strip()


def _mark(op: int, text: str, color: bool, *, pilcrow: bool = False) -> str:
    """Make text visible, and wrap changed text in markers or colour, line by line."""
    text = _visible(text)
    if op == EQUAL:
        return text
    opening, closing = _MARKERS[op]
    pieces = _LINE_BREAK_RE.split(text)
    if pilcrow:
        pieces.insert(0, "¶")
    out = []
    for piece in pieces:
        if not piece or piece.endswith("\n"):
            out.append(piece)
        elif color:
            out.append(f"{_STYLE[op]}{piece}{_RESET}")
        else:
            out.append(f"{opening}{piece}{closing}")
    return "".join(out)


def _captured(v: Version) -> str:
    first = format_time(v.first_captured_at)
    if v.capture_count > 1 or v.last_captured_at != v.first_captured_at:
        return f"{first} … {format_time(v.last_captured_at)} ({v.capture_count} captures)"
    return f"{first}"


def _header(d: VersionDiff, color: bool) -> list[str]:
    lines = [
        _paint(d.url, _BOLD, color),
        _paint(
            f"--- version {d.old.number} ({d.old.id}), captured {_captured(d.old)}", _BOLD, color
        ),
        _paint(
            f"+++ version {d.new.number} ({d.new.id}), captured {_captured(d.new)}", _BOLD, color
        ),
    ]
    return [line + "\n" for line in lines]


def _one_line(value: str) -> str:
    return " ".join(value.splitlines())


def _field_line(change: FieldChange, color: bool) -> str:
    old = _mark(DELETE, _one_line(change.old), color) if change.old else ""
    new = _mark(INSERT, _one_line(change.new), color) if change.new else ""
    return f"{field_label(change.field)}: {old}{new}\n"


def _field_names(d: VersionDiff) -> str:
    return ", ".join(field_label(f.field) for f in d.fields)


_Piece = tuple[int, str, bool]  # op, text, whether the whole run is a bare line break


def _units(ops: Sequence[DiffOp]) -> list[list[_Piece]]:
    """Cut the runs into paragraphs of the text shown (old and new interleaved)."""
    combined = "".join(o.text for o in ops)
    ends = [m.end() for m in _PARAGRAPH_RE.finditer(combined) if m.group()]
    units: list[list[_Piece]] = []
    current: list[_Piece] = []
    position = 0
    cut = iter(ends)
    end = next(cut, len(combined))
    for op in ops:
        text = op.text
        # A changed line break alone would be invisible: it is shown as a pilcrow.
        break_only = op.op != EQUAL and _is_break_only(text)
        while text:
            take = min(len(text), end - position)
            current.append((op.op, text[:take], break_only))
            text = text[take:]
            position += take
            if position == end:
                units.append(current)
                current = []
                end = next(cut, len(combined))
    return units


def _fold_line(count: int, color: bool) -> str:
    noun = "paragraph" if count == 1 else "paragraphs"
    return _paint(f"  ⋯ {count} unchanged {noun} ⋯", _CYAN, color) + "\n"


def _shorten(unit: list[_Piece], color: bool) -> str:
    """An unchanged paragraph shown for context, folded to its first and last words if long."""
    text = "".join(piece for _, piece, _ in unit)
    body = text.rstrip("\r\n")
    words = body.split()
    if len(words) <= _FOLD_WORDS:
        return _visible(text)
    hidden = len(words) - _HEAD_WORDS - _TAIL_WORDS
    fold = _paint(f"⋯ {hidden} more words ⋯", _CYAN, color)
    head = " ".join(words[:_HEAD_WORDS])
    tail = " ".join(words[-_TAIL_WORDS:])
    return _visible(head) + f" {fold} " + _visible(tail) + text[len(body) :]


def _in_reading_order(ops: Sequence[DiffOp]) -> list[DiffOp]:
    """Show a replaced paragraph beside its replacement when new paragraphs come first.

    The paragraph view holds one deletion and one insertion between equal runs, so
    "old B" then "new A, new B" would read as if B were replaced by A. Where one deleted
    paragraph is followed by several inserted ones, the inserted paragraphs before the
    one sharing the most words with it are shown first, as the new text reads.
    """
    out: list[DiffOp] = []
    k = 0
    while k < len(ops):
        op = ops[k]
        after = ops[k + 1] if k + 1 < len(ops) else None
        k += 1
        if op.op != DELETE or after is None or after.op != INSERT or "\n\n" in op.text.strip():
            out.append(op)
            continue
        paragraphs = [p for p in re.findall(r"[^\n]*(?:\n\n+|\n?$)", after.text) if p]
        old_words = set(op.text.lower().split())
        shared = [len(old_words & set(p.lower().split())) for p in paragraphs]
        best = max(range(len(shared)), key=lambda i: (shared[i], -i))
        if best == 0 or not shared[best]:
            out.append(op)
            continue
        out += [
            DiffOp(INSERT, "".join(paragraphs[:best])),
            op,
            DiffOp(INSERT, "".join(paragraphs[best:])),
        ]
        k += 1  # the insertion was shown in two parts
    return out


def _apart(ops: Sequence[DiffOp], *, whole_paragraphs: bool) -> list[DiffOp]:
    """Start a replacement's new text on a paragraph of its own when it spans paragraphs.

    "[-old paragraph-]{+new paragraph+}" on one line reads as a word change; where
    either side holds a paragraph break (or the view replaces whole paragraphs), the
    old text is shown, then the new below it.
    """
    out: list[DiffOp] = []
    for k, op in enumerate(ops):
        out.append(op)
        after = ops[k + 1] if k + 1 < len(ops) else None
        if (
            op.op == DELETE
            and after is not None
            and after.op == INSERT
            and op.text.strip()
            and after.text.strip()
            and not op.text.endswith("\n")
            and (whole_paragraphs or "\n" in op.text.strip() or "\n" in after.text.strip())
        ):
            gap = "\n\n" if "\n\n" in after.text + op.text or whole_paragraphs else "\n"
            out.append(DiffOp(EQUAL, gap))
    return out


def _only_break_changed(unit: list[_Piece]) -> bool:
    """Whether all that changed in ``unit`` is the line break at its end."""
    edges = [k for k, (op, _, _) in enumerate(unit) if op != EQUAL]
    return (
        bool(edges)
        and edges[0] > 0
        and edges[-1] == len(unit) - 1
        and all(not unit[k][1].strip() and not unit[k][2] for k in edges)
        and all(unit[k][0] == EQUAL for k in range(edges[0]))
    )


def _body(
    ops: Sequence[DiffOp], color: bool, context: int | None, *, whole_paragraphs: bool = False
) -> str:
    if whole_paragraphs:
        ops = _in_reading_order(ops)
    units = _units(_apart(ops, whole_paragraphs=whole_paragraphs))
    changed = [any(op != EQUAL for op, _, _ in unit) for unit in units]
    for i in range(len(units) - 1):
        if changed[i] and changed[i + 1] and _only_break_changed(units[i]):
            # The line break that opens the change below: the paragraph itself is
            # unchanged, and folds like one.
            changed[i] = False
    if context is None:
        keep = [True] * len(units)
    else:
        keep = [False] * len(units)
        for i, is_changed in enumerate(changed):
            if is_changed:
                for k in range(max(0, i - context), min(len(units), i + context + 1)):
                    keep[k] = True
    out: list[str] = []
    folded: list[str] = []
    for unit, kept, changed_unit in zip(units, keep, changed, strict=True):
        if not kept:
            folded.append("".join(text for _, text, _ in unit))
            continue
        if folded:
            out.append(_fold_line(len(folded), color))
            # Keep the paragraph spacing of the text that was folded away.
            out.append("\n" if folded[-1].endswith("\n\n") else "")
            folded = []
        if not changed_unit:
            out.append(_shorten(unit, color))
            continue
        out.append("".join(_mark(op, text, color, pilcrow=p) for op, text, p in unit))
    if folded:
        if out and not out[-1].endswith("\n"):
            out.append("\n")
        out.append(_fold_line(len(folded), color))
    text = "".join(out)
    return text if text.endswith("\n") else text + "\n"


def render_text(d: VersionDiff, *, color: bool, context: int | None = 1, stat: bool = False) -> str:
    """Render a version diff for reading in a terminal.

    Args:
        d: The diff to render.
        color: Use ANSI colours (red struck-through deletions, green
            insertions) instead of ``[-…-]`` and ``{+…+}`` markers.
        context: Unchanged paragraphs kept around each change; the others are
            folded into one line per run. None shows every paragraph.
        stat: Show the changed fields and counts only, not the text.

    Returns:
        Lines ending in a newline: a header naming both versions, the changed
        fields, then the text (or its counts).

    Raises:
        InputError: If ``context`` is negative.
    """
    if context is not None and context < 0:
        raise InputError(f"context must be 0 or more, not {context}")
    out = _header(d, color)
    if stat:
        if d.fields:
            out.append(f"fields changed: {_field_names(d)}\n")
        s = d.body.stats
        if d.body.has_changes:
            out.append(f"text: {s.counts()}, similarity {s.similarity:.4f}\n")
        else:
            out.append("text: no change\n")
        return "".join(out)
    out.extend(_field_line(f, color) for f in d.fields)
    out.append("\n")
    if d.body.has_changes:
        whole = d.body.granularity == "paragraph"
        out.append(_body(d.body.ops, color, context, whole_paragraphs=whole))
    else:
        out.append("(no text change)\n")
    return "".join(out)


def render_text_header(d: VersionDiff, *, color: bool) -> str:
    """Render what a diff's text view shows above the body: versions, fields and counts.

    Views that show the body their own way (one sentence per line) print this
    first, so every view names both versions and shows a changed headline in full.

    Args:
        d: The diff to describe.
        color: Use ANSI colours instead of ``[-…-]`` and ``{+…+}`` markers.

    Returns:
        Lines ending in a newline.
    """
    out = _header(d, color)
    out.extend(_field_line(f, color) for f in d.fields)
    s = d.body.stats
    if d.body.has_changes:
        out.append(f"text: {s.counts()}, similarity {s.similarity:.4f}\n")
    else:
        out.append("text: no change\n")
    return "".join(out)
