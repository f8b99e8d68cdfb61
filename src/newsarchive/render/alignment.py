"""Render an alignment as text, one sentence per line, for terminals and logs."""

from __future__ import annotations

from ..analysis.align import Alignment, SentenceChange
from .terminal import _mark

__all__ = ["render_alignment_text"]

_RESET = "\x1b[0m"
_COLORS = {"added": "\x1b[32m", "deleted": "\x1b[31m", "edited": "\x1b[33m", "moved": "\x1b[36m"}
_MARKS = {"unchanged": " ", "added": "+", "deleted": "-", "edited": "~", "moved": ">"}


def render_alignment_text(
    alignment: Alignment, *, color: bool = False, unchanged: bool = False
) -> str:
    """Render sentence changes: ``+`` added, ``-`` deleted, ``~`` edited, ``>`` moved.

    Edited and moved-and-edited sentences show the word diff inline as
    ``[-old-]{+new+}`` (or red/green with ``color``). A moved sentence names its
    old position (``> [was 3] …``, counting sentences from 1). A blank line
    separates paragraphs of the new text.

    Args:
        alignment: The alignment to show.
        color: Use ANSI colours instead of bracket markers.
        unchanged: Also list unchanged sentences (as context, marked with a space).

    Returns:
        The text, ending with a newline unless it is empty.
    """
    lines: list[str] = []
    last_para: int | None = None
    for change in alignment.changes:
        if change.kind == "unchanged" and not unchanged:
            continue
        para = change.new_paragraph if change.new_paragraph is not None else last_para
        if last_para is not None and para is not None and para != last_para:
            lines.append("")
        last_para = para
        lines.append(_line(change, color))
    return "".join(line + "\n" for line in lines)


def _line(change: SentenceChange, color: bool) -> str:
    mark = _MARKS[change.kind]
    prefix = (
        f"[was {change.old_index + 1}] "
        if change.kind == "moved" and change.old_index is not None
        else ""
    )
    if change.diff is not None:
        body = "".join(_op(op.op, op.text, color) for op in change.diff.ops)
    else:
        body = change.new if change.new is not None else (change.old or "")
    start = _COLORS.get(change.kind, "") if color else ""
    if start and change.diff is None:
        return f"{start}{mark} {prefix}{body}{_RESET}"
    if start:
        return f"{start}{mark}{_RESET} {prefix}{body}"
    return f"{mark} {prefix}{body}"


def _op(op: int, text: str, color: bool) -> str:
    # The same marks as the word and paragraph views.
    return _mark(op, text, color)
