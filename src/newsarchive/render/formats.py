"""One diff in the format a reader asked for: terminal text, unified, JSON or an HTML page."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

from ..errors import InputError
from ..models import VersionDiff

if TYPE_CHECKING:
    from ..analysis import Alignment

DiffFormat = Literal["text", "unified", "json", "html"]
DIFF_FORMATS: tuple[DiffFormat, ...] = ("text", "unified", "json", "html")


def needs_alignment(fmt: str, granularity: str, *, stat: bool = False) -> bool:
    """Whether :func:`render_diff` shows a sentence alignment for these options."""
    return granularity == "sentence" and (fmt == "json" or (fmt == "text" and not stat))


def render_diff(
    d: VersionDiff,
    fmt: str = "text",
    *,
    color: bool = False,
    context: int = 1,
    stat: bool = False,
    alignment: Alignment | None = None,
) -> str:
    """Render a version diff in one of :data:`DIFF_FORMATS`.

    Args:
        d: The diff.
        fmt: ``text`` (a word diff for a terminal), ``unified``, ``json`` or ``html``.
        color: ANSI colours in ``text``.
        context: unchanged paragraphs shown around each change in ``text``.
        stat: ``text`` shows counts only.
        alignment: the sentence alignment of the two versions, shown by ``text`` (after
            the counts) and ``json`` (as ``alignment``) when given.

    Returns:
        The rendered diff; JSON ends in a newline.

    Raises:
        InputError: an unknown format.
    """
    # Each renderer loads on first use: one diff needs only one of them.
    if fmt == "json":
        from .json import alignment_to_list, diff_to_dict

        data = diff_to_dict(d)
        if alignment is not None or d.body.granularity == "sentence":
            data["alignment"] = alignment_to_list(alignment) if alignment else []
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "unified":
        from .unified import render_unified

        return render_unified(d)
    if fmt == "html":
        from .html import render_diff_page

        return render_diff_page(d)
    if fmt != "text":
        raise InputError(f"unknown diff format {fmt!r}: use {', '.join(DIFF_FORMATS)}")
    from .terminal import render_text, render_text_header

    if alignment is not None and not stat:
        from .alignment import render_alignment_text

        return render_text_header(d, color=color) + render_alignment_text(alignment, color=color)
    return render_text(d, color=color, context=context, stat=stat)
