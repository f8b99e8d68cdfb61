"""newsarchive: keep every version of a news article and see exactly what changed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .archive import Archive, ImportReport
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
    DiffOp,
    DiffStats,
    FieldChange,
    SaveResult,
    TextDiff,
    Version,
    VersionDiff,
)
from .urls import canonical_url

if TYPE_CHECKING:
    from .diff import diff_texts, diff_versions

__version__ = "0.1.0"

__all__ = [
    "Archive",
    "Article",
    "Capture",
    "DiffOp",
    "DiffStats",
    "ExtractionError",
    "FetchError",
    "FieldChange",
    "ImportReport",
    "InputError",
    "MissingDependencyError",
    "NewsArchiveError",
    "NotFoundError",
    "SaveResult",
    "SchemaError",
    "StorageError",
    "TextDiff",
    "Version",
    "VersionDiff",
    "WarcFormatError",
    "__version__",
    "canonical_url",
    "diff_texts",
    "diff_versions",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    # The diff engine loads diff-match-patch; keep it out of `import newsarchive`
    # so that short CLI calls start fast.
    if name in ("diff_texts", "diff_versions"):
        from . import diff

        return getattr(diff, name)
    raise AttributeError(f"module 'newsarchive' has no attribute {name!r}")
