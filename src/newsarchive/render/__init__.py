"""Turn diffs and archive values into text: for terminals, ``patch``, JSON and HTML.

Renderers are pure: they take values and return ``str``, and never print.

The names below load on first use, so that a command importing one renderer (``log``,
``diff``) does not pay for all of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS = {
    **dict.fromkeys(
        [
            "FORMAT_VERSION",
            "article_to_dict",
            "capture_to_dict",
            "diff_to_dict",
            "format_utc",
            "render_json",
            "version_to_dict",
        ],
        "json",
    ),
    "render_text": "terminal",
    "render_unified": "unified",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsarchive.render' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
