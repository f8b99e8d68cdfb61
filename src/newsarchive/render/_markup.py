"""Escaping and markup shared by the HTML pages and the Atom feed's HTML content."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypedDict
from urllib.parse import urlsplit

from ..models import DELETE, FIELD_LABELS, INSERT, DiffOp, FieldChange, Version, field_label


class ChangeSummary(TypedDict, total=False):
    """How significant one version's change was, as the change analysis judged it.

    ``level`` is one of none / cosmetic / minor / substantive, and ``stealth`` marks a
    substantive change made without a visible correction notice. ``reasons`` are reason codes,
    either plain strings or mappings with ``code`` and optional ``count`` and ``detail``, as
    in the summaries the change analysis stores with each version.
    """

    level: str
    reasons: Sequence[str | Mapping[str, Any]]
    stealth: bool


def summary_of(
    version: Version, analysis: Mapping[int, ChangeSummary] | None = None
) -> ChangeSummary | None:
    """The change summary to show for ``version``: from ``analysis``, else the stored one."""
    if analysis is not None and version.number in analysis:
        return analysis[version.number]
    stored = version.analysis
    if not stored:
        return None
    return {
        "level": str(stored.get("level", "")),
        "reasons": list(stored.get("reasons", ())),
        "stealth": bool(stored.get("stealth", False)),
    }


# Codes whose words alone would read alike: one is a date written in the text, the
# other the dates the page declares about itself.
_REASON_WORDS = {
    "date-changed": "date in the text changed",
    "dates-changed": "declared dates changed",
}


def reason_text(reason: str | Mapping[str, Any]) -> str:
    """A reason code as words, with its count and detail when it has them."""
    if isinstance(reason, str):
        return _REASON_WORDS.get(reason) or reason.replace("_", " ").replace("-", " ")
    text = reason_text(str(reason.get("code", "")))
    count = reason.get("count", 1)
    if isinstance(count, int) and count > 1:
        text += f" ×{count}"
    detail = reason.get("detail")
    if detail:
        text += f": {detail}"
    return text


# Characters that XML 1.0 forbids and HTML treats as parse errors, plus lone surrogates (which
# cannot be encoded as UTF-8). Tab, newline and carriage return are kept.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Replace characters that cannot appear in HTML or XML text with U+FFFD."""
    return _UNSAFE_CHARS.sub("\ufffd", text)


def escape(text: str | None) -> str:
    """Escape text for HTML element content and double-quoted attributes.

    Bidirectional controls the text leaves open are closed at its end, so a crafted
    headline or paragraph can reorder only itself, never the words around it.
    """
    return html.escape(isolate_bidi(clean_text(text or "")), quote=True)


# Embeddings and overrides (LRE, RLE, LRO, RLO), closed by PDF; isolates (LRI, RLI,
# FSI), closed by PDI.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_PDF, _PDI = "\u202c", "\u2069"


def isolate_bidi(text: str) -> str:
    """Return ``text`` with a PDF or PDI appended for each bidi control it leaves open.

    Follows the pairing rules of the Unicode bidirectional algorithm (UAX #9, X1-X8): a
    PDF closes the innermost embedding or override inside the innermost isolate, a PDI
    closes the innermost isolate and everything opened inside it.
    """
    if _BIDI_CONTROLS.search(text) is None:
        return text
    stack: list[str] = []
    for match in _BIDI_CONTROLS.finditer(text):
        char = match.group()
        if char == _PDF:
            if stack and stack[-1] == _PDF:
                stack.pop()
        elif char == _PDI:
            if _PDI in stack:
                while stack.pop() != _PDI:
                    pass
        else:
            stack.append(_PDI if char >= "\u2066" else _PDF)
    return text + "".join(reversed(stack))


def safe_href(url: str) -> str | None:
    """Return ``url`` if it is safe to use as a link target, else None.

    Only absolute ``http`` and ``https`` URLs without whitespace or control characters pass,
    so ``javascript:``, ``data:`` and obfuscated variants (``java\\tscript:``) never become links.

    Args:
        url: A URL taken from the archive.

    Returns:
        The URL unchanged, or None when it must be shown as text only.
    """
    if not url or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def link_html(url: str) -> str:
    href = safe_href(url)
    if href is None:
        return f'<span class="unlinked">{escape(url)}</span>'
    return f'<a href="{escape(href)}" rel="noopener noreferrer nofollow">{escape(url)}</a>'


def ops_html(ops: Iterable[DiffOp]) -> str:
    parts = []
    previous: DiffOp | None = None
    for op in ops:
        if not op.text:
            continue
        text = escape(op.text)
        if op.op == INSERT:
            if _runs_together(previous, op):
                # A replaced word: keep "February" and "January" apart where styles are
                # dropped (feed readers, copied text), as the terminal's marks do.
                parts.append(" ")
            parts.append(f"<ins>{text}</ins>")
        elif op.op == DELETE:
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
        previous = op
    return "".join(parts)


def _runs_together(previous: DiffOp | None, op: DiffOp) -> bool:
    """Whether an insertion right after a deletion would read as one word without styles."""
    return (
        previous is not None
        and previous.op == DELETE
        and not previous.text[-1].isspace()
        and not op.text[0].isspace()
    )


_Line = list[DiffOp]


def line_ops(block: Sequence[DiffOp], keep: tuple[int, ...]) -> list[_Line]:
    """One side of a block, as lines of non-empty ops."""
    lines: list[_Line] = [[]]
    for op in block:
        if op.op not in keep:
            continue
        for n, piece in enumerate(op.text.split("\n")):
            if n:
                lines.append([])
            if piece:
                lines[-1].append(DiffOp(op.op, piece))
    return lines


def hunks(changed: Sequence[bool], *, context: int) -> list[tuple[bool, range]]:
    """Group items into shown and folded runs: changed items plus ``context`` either side show.

    A folded run of a single item is shown instead: folding it would save nothing.

    Args:
        changed: Whether each item changed.
        context: How many unchanged items to show next to each changed one.

    Returns:
        ``(shown, indices)`` runs covering every item in order.
    """
    shown = [False] * len(changed)
    for n, is_changed in enumerate(changed):
        if is_changed:
            for m in range(max(0, n - context), min(len(changed), n + context + 1)):
                shown[m] = True
    runs: list[tuple[bool, range]] = []
    start = 0
    for n in range(1, len(changed) + 1):
        if n == len(changed) or shown[n] != shown[start]:
            runs.append((shown[start] or n - start == 1, range(start, n)))
            start = n
    merged: list[tuple[bool, range]] = []
    for run in runs:
        if merged and merged[-1][0] == run[0]:
            merged[-1] = (run[0], range(merged[-1][1].start, run[1].stop))
        else:
            merged.append(run)
    return merged


def _field_value(value: str | None) -> str:
    return escape(value) if value else '<span class="muted">(none)</span>'


def field_changes_html(fields: Sequence[FieldChange]) -> str:
    if not fields:
        return ""
    # Headline first: it is the change readers notice.
    order = {name: rank for rank, name in enumerate(FIELD_LABELS)}
    ordered = sorted(fields, key=lambda f: order.get(f.field, len(order)))
    rows = []
    for change in ordered:
        label = field_label(change.field).capitalize()
        css = ' class="headline"' if change.field == "title" else ""
        old = f"<del>{escape(change.old)}</del>" if change.old else _field_value(None)
        new = f"<ins>{escape(change.new)}</ins>" if change.new else _field_value(None)
        rows.append(
            f'<tr{css}><th scope="row">{escape(label)}</th><td>{old}</td><td>{new}</td></tr>'
        )
    return (
        '<table class="fields"><caption class="muted">Changed fields</caption>'
        '<thead><tr><th scope="col">Field</th><th scope="col">Before</th>'
        '<th scope="col">After</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


def similarity_text(similarity: float) -> str:
    """A similarity as a percentage that reads 100% only for identical texts.

    Args:
        similarity: From 0 to 1, as in the diff's statistics (1.0 only when equal).

    Returns:
        For example ``73%``, ``99.9%`` or ``100%``.
    """
    if similarity >= 1:
        return "100%"
    percent = similarity * 100
    # Rounded down near the top, so a small change never shows as "100%".
    return f"{int(percent * 10) / 10:.1f}%" if percent >= 99.5 else f"{percent:.0f}%"
