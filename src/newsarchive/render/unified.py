"""A version diff's text as a standard unified diff of lines.

The output is what ``diff -u`` would print for the two texts saved as files,
so ``patch`` turns the old text into the new one. Lines are split at ``\\n``
only (as ``patch`` does), and a last line without one is marked
``\\ No newline at end of file``.
"""

from __future__ import annotations

import difflib
import re

from ..errors import InputError
from ..models import VersionDiff

__all__ = ["render_unified"]

_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+")
_NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    return _LINE_RE.findall(text)


def render_unified(d: VersionDiff, *, context: int = 3) -> str:
    """Render the text change of a version diff as a unified diff.

    Args:
        d: The diff to render; only its text is used, as the old and new files.
        context: Unchanged lines shown around each change.

    Returns:
        The diff, with ``--- a/<url> v<old>`` and ``+++ b/<url> v<new>``
        headers, or an empty string when the text did not change.

    Raises:
        InputError: If ``context`` is negative.
    """
    if context < 0:
        raise InputError(f"context must be 0 or more, not {context}")
    old, new = d.body.old_text, d.body.new_text
    out = []
    for line in difflib.unified_diff(
        _lines(old),
        _lines(new),
        fromfile=f"a/{d.url} v{d.old.number}",
        tofile=f"b/{d.url} v{d.new.number}",
        n=context,
    ):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + _NO_NEWLINE)
    return "".join(out)
