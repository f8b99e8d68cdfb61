"""Every error newsarchive raises on purpose.

Messages are written to be shown to a user as they are.

    NewsArchiveError
    ├── StorageError
    │   ├── NotFoundError(StorageError, LookupError)   article or version missing
    │   ├── SchemaError                                database newer than the code
    │   └── ArchiveBusyError                           another process holds the archive
    ├── InputError(NewsArchiveError, ValueError)       bad text, date, URL or version reference
    ├── FetchError                                     .url, .status (None if no response)
    ├── ExtractionError                                .url
    ├── WarcFormatError(NewsArchiveError, ValueError)  .offset
    └── MissingDependencyError(NewsArchiveError, ImportError)  names the extra to install
"""

from __future__ import annotations


class NewsArchiveError(Exception):
    """Base of every error newsarchive raises on purpose."""


class StorageError(NewsArchiveError):
    """The archive could not be read or written."""


class NotFoundError(StorageError, LookupError):
    """An article or version is not in the archive."""


class SchemaError(StorageError):
    """The database schema is newer than this code, or a migration failed."""


class ArchiveBusyError(StorageError):
    """Another process holds a lock this operation needs."""


class InputError(NewsArchiveError, ValueError):
    """Input that cannot be archived: bad text, date, URL or version reference."""


class FetchError(NewsArchiveError):
    """A page could not be fetched."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class ExtractionError(NewsArchiveError):
    """No article could be extracted from a page."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class WarcFormatError(NewsArchiveError, ValueError):
    """A WARC or ARC record is malformed."""

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


class MissingDependencyError(NewsArchiveError, ImportError):
    """An optional dependency is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs an optional dependency: pip install 'newsarchive[{extra}]'"
        )
        self.extra = extra


def describe_failure(exc: BaseException) -> str:
    """One line saying why an item of a batch failed, for its problem report.

    Args:
        exc: what the item raised.

    Returns:
        The message of one of the archive's own errors, which reads well as it is;
        anything else prefixed by its type, so the report shows an unexpected failure
        as such. Whitespace runs become one space and the line stays under 300 characters.
    """
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:299] + "…"
    if isinstance(exc, NewsArchiveError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
