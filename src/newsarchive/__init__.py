"""newsarchive: keep every version of a news article and see exactly what changed.

The names below load on first use, so that ``import newsarchive`` (and every CLI call
made by a scheduled job) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .archive import Archive
    from .diff import diff_texts, diff_versions
    from .errors import (
        ExtractionError,
        FetchError,
        InputError,
        MissingDependencyError,
        NewsArchiveError,
        NotFoundError,
        SchemaError,
        StorageError,
        WarcFormatError,
    )
    from .models import (
        Article,
        Capture,
        Change,
        DiffOp,
        DiffStats,
        FieldChange,
        ImportReport,
        Problem,
        SaveResult,
        TextDiff,
        Version,
        VersionDiff,
    )
    from .urls import canonical_url

__version__ = "0.1.0"

_EXPORTS = {
    "Archive": "archive",
    "diff_texts": "diff",
    "diff_versions": "diff",
    "canonical_url": "urls",
    **dict.fromkeys(
        [
            "ExtractionError",
            "FetchError",
            "InputError",
            "MissingDependencyError",
            "NewsArchiveError",
            "NotFoundError",
            "SchemaError",
            "StorageError",
            "WarcFormatError",
        ],
        "errors",
    ),
    **dict.fromkeys(
        [
            "Article",
            "Capture",
            "Change",
            "DiffOp",
            "DiffStats",
            "FieldChange",
            "ImportReport",
            "Problem",
            "SaveResult",
            "TextDiff",
            "Version",
            "VersionDiff",
        ],
        "models",
    ),
}

__all__ = sorted([*_EXPORTS, "__version__"])

# No logging set-up here: importing logging would slow every CLI call, and the modules
# that log give their own loggers a NullHandler, so they stay quiet unless the
# application configures logging.


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsarchive' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
