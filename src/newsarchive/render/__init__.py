"""Turn diffs and archive values into text: for terminals, ``patch``, JSON and HTML.

Renderers are pure: they take values and return ``str``, and never print.
"""

from __future__ import annotations

from .json import (
    FORMAT_VERSION,
    article_to_dict,
    capture_to_dict,
    diff_to_dict,
    format_utc,
    render_json,
    version_to_dict,
)
from .terminal import render_text
from .unified import render_unified

__all__ = [
    "FORMAT_VERSION",
    "article_to_dict",
    "capture_to_dict",
    "diff_to_dict",
    "format_utc",
    "render_json",
    "render_text",
    "render_unified",
    "version_to_dict",
]
