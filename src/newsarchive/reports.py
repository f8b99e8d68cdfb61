"""What saves, batch operations and listings report: values of ``models`` that reading
one article never builds.

They are named and documented as ``newsarchive.models`` values, which loads this module
the first time one is asked for, so that a command that only reads never makes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

import attrs

from .models import BatchReport, str_tuple, timezone_aware

if TYPE_CHECKING:
    from .models import Capture, Version

__all__ = ["Article", "Change", "ImportReport", "Problem", "SaveResult"]


@attrs.frozen(kw_only=True)
class Article:
    """One story, identified by its canonical URL."""

    url: str
    aliases: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    title: str | None = None
    version_count: int = 0
    capture_count: int = 0
    first_captured_at: datetime | None = attrs.field(default=None, validator=timezone_aware)
    last_captured_at: datetime | None = attrs.field(default=None, validator=timezone_aware)
    last_changed_at: datetime | None = attrs.field(default=None, validator=timezone_aware)


@attrs.frozen(kw_only=True)
class Change:
    """A version as listed among recent changes: where, when, and how much it matters."""

    url: str
    title: str | None
    version: int
    version_id: str
    captured_at: datetime = attrs.field(validator=timezone_aware)
    reverted_to: int | None = None
    level: str | None = None
    reasons: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    stealth: bool = False


@attrs.frozen(kw_only=True)
class Problem:
    """One item a batch operation could not use, and why; the batch went on without it.

    Batches (JSON Lines, WARC and git imports, backfills, watch runs) all report their
    problems as this value. The location fields say which item, as far as it applies:
    ``file`` and ``offset`` or ``line`` in a file, ``commit`` (and ``item`` in it) in a git
    history, ``url`` for a page.
    """

    message: str
    file: str | None = None
    line: int | None = None
    offset: int | None = None
    commit: str | None = None
    item: str | None = None
    url: str | None = None

    @property
    def where(self) -> str:
        """The item as a reader would name it, e.g. ``news.warc.gz at offset 1024``."""
        if self.commit is not None:
            return f"commit {self.commit[:12]}" + (f" [{self.item}]" if self.item else "")
        parts = [self.file or ""]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.offset is not None:
            parts.append(f"at offset {self.offset}")
        if self.url is not None:
            parts.append(self.url)
        return " ".join(p for p in parts if p)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message


@attrs.frozen(kw_only=True)
class ImportReport(BatchReport):
    """What an import did, line by line: counts, and the lines it could not use.

    Each problem names its ``line``: the line of a JSON Lines input, or for capture files
    the file's place in the list (``unit`` says which).
    """

    lines: int = 0
    captures_added: int = 0
    versions_added: int = 0
    unchanged: int = 0
    problems: tuple[Problem, ...] = ()
    unit: Literal["line", "file"] = "line"


@attrs.frozen(kw_only=True)
class SaveResult:
    """What one save stored: the capture, and the version it is now part of."""

    capture: Capture
    #: None only for a flagged capture of an article that has no version yet.
    version: Version | None
    is_new_version: bool
    is_new_capture: bool = True

    @property
    def reverted_to(self) -> int | None:
        return None if self.version is None else self.version.reverted_to
