"""Storage backends behind one small protocol.

``open_store(location)`` picks the backend: a directory path (or ``sqlite:///path``) for
the embedded SQLite store, a ``postgresql://`` URL for the shared PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from ..errors import MissingDependencyError
from ..models import Capture, Version

if TYPE_CHECKING:
    from ..models import Article, Change, SaveResult
    from .records import AnalysisState as AnalysisState
    from .records import ArticleTail as ArticleTail
    from .records import CaptureRecord as CaptureRecord
    from .records import Ingested as Ingested
    from .records import TextFrame as TextFrame
    from .records import WrittenVersions as WrittenVersions
    from .records import version_id as version_id

__all__ = [
    "AnalysisState",
    "ArticleTail",
    "CaptureRecord",
    "Ingested",
    "OnSaved",
    "Store",
    "TextFrame",
    "WrittenVersions",
    "analysed_from",
    "open_store",
    "version_id",
]

#: Called by a save, inside its transaction and before it commits, with the canonical URL
#: of each article whose versions it wrote (added, or renumbered by a backfill) and which
#: (see ``WrittenVersions``): what it does (e.g. store those versions' change analysis)
#: commits with the save, or not at all.
OnSaved: TypeAlias = Callable[[Mapping[str, "WrittenVersions"]], None]


def analysed_from(first: int) -> int:
    """The first version to read to analyse an article's versions from ``first`` on: the
    one before, which ``first`` is analysed against."""
    return max(1, first - 1)


class Store(Protocol):
    """What the archive needs from a storage backend. Every backend passes the contract tests."""

    location: str

    def ingest(
        self, records: Iterable[CaptureRecord], *, on_saved: OnSaved | None = None
    ) -> list[Ingested]:
        """Save records as ``save`` does, in one transaction, reporting only what changed."""

    def save(
        self, records: Iterable[CaptureRecord], *, on_saved: OnSaved | None = None
    ) -> list[SaveResult]:
        """Save captures in one transaction, each idempotent on (article, time, content).

        ``on_saved`` runs inside that transaction (see :data:`OnSaved`).
        """

    def find_article(self, url: str) -> Article | None:
        """The article filed under this canonical URL or alias."""

    def articles(self) -> list[Article]: ...

    def versions(self, url: str) -> list[Version]: ...

    def version(self, url: str, number: int) -> Version | None: ...

    def versions_between(self, url: str, first: int, last: int) -> list[Version]:
        """Versions ``first`` to ``last`` of the article, oldest first, without their texts
        or analyses: their titles, times and hashes, which a headline test looks back on."""

    def version_by_id(self, url: str, version_id: str) -> Version | None:
        """The article's version with this id, without reading the others."""

    def latest_version(self, url: str) -> Version | None: ...

    def version_at(self, url: str, at: datetime) -> Version | None:
        """The version current at ``at``: the latest first captured at or before it."""

    def captures(self, url: str) -> list[Capture]: ...

    def iter_captures(self, urls: Iterable[str] | None = None) -> Iterator[Capture]:
        """Every capture of the given articles (all if None), article by article.

        Each article's come in the order they were saved, so that saving them again in
        that order replays its history: the same versions, with the same ids.
        """

    def source_metadata(self, source: str) -> list[tuple[str, datetime, Mapping[str, Any]]]:
        """The article URL, time and metadata of every capture from ``source``, oldest first.

        What an import needs to tell what it imported before (e.g. the commits of a
        git import), without reading any text.
        """

    def analysis_states(
        self, url: str, *, basis_only: bool = False, since: int = 1
    ) -> list[AnalysisState]:
        """Each version's id, number, revert mark and stored analysis, in number order,
        from version ``since`` on.

        With ``basis_only``, each analysis holds only what decides whether it is current
        (``rules_id``, ``against``, ``reverted_to``), read without the texts compared.
        """

    def article_tail(self, url: str, keep: int) -> ArticleTail | None:
        """The end of the timeline of the article ``url`` is filed under, with its last
        ``keep`` versions; None when the store holds no version of it."""

    def captures_from(self, url: str, since: datetime, limit: int) -> list[tuple[datetime, str]]:
        """The first ``limit`` captures the store holds of the article ``url`` is filed
        under, at ``since`` or later, in time order: each one's capture time and content
        hash (a save of one of those adds nothing). Asked of a stretch of captures at a
        time, where a question a capture would cost a round trip each."""

    def opener(self) -> Callable[[], Store] | None:
        """A picklable function that opens this store again, in another process; None when
        it cannot be (a store in memory)."""

    def keyframe_dictionary(self) -> tuple[int, bytes] | None:
        """The id and bytes of the trained dictionary new keyframes are compressed with,
        None before the store has trained one: a text framed ahead with it is stored as it
        is (see ``TextFrame.dictionary``)."""

    def blob(self, hex_hash: str) -> bytes:
        """The raw bytes stored under a sha256."""

    def page(self, capture_id: int) -> bytes:
        """The raw bytes of the page capture ``capture_id`` kept (NotFoundError if none).

        A re-check's page may be kept in its capture's row, under no sha256 of its own.
        """

    def set_analyses(
        self, url: str, items: Sequence[tuple[str, Mapping[str, Any] | None]], *, since: int = 1
    ) -> None:
        """Store analysis summaries of one article's versions (by id), in one transaction;
        ``since``: no version before it is among them or analysed against (what the store
        reads of the article can start there)."""

    def changes(
        self,
        *,
        since: datetime | None = None,
        min_level: str | None = None,
        stealth_only: bool = False,
        limit: int = 100,
        first_versions: bool = False,
    ) -> list[Change]:
        """Versions after the first across all articles, newest first, by stored analysis;
        with ``first_versions``, each article's first version too."""

    def replace_articles(
        self,
        urls: Sequence[str],
        records: Iterable[CaptureRecord],
        *,
        on_saved: OnSaved | None = None,
    ) -> list[SaveResult]:
        """Remove these articles (captures, versions, aliases) and save ``records``, in one
        transaction: how articles are merged and split. ``on_saved`` runs inside it."""

    def alert_start(self, channel: str, *, start_at: datetime, create: bool = True) -> datetime:
        """Where an alert channel starts; a new channel starts at ``start_at``."""

    def claim_alerts(
        self,
        channel: str,
        version_ids: Sequence[str],
        *,
        now: datetime,
        lease_seconds: float,
        commit: bool = True,
    ) -> list[str]:
        """Claim the versions a channel should send now: not sent, not claimed by a live run."""

    def settle_alerts(
        self,
        channel: str,
        outcomes: Sequence[tuple[str, str | None]],
        *,
        start_at: datetime | None = None,
    ) -> None:
        """Record claimed alerts as sent (error None) or failed; optionally move the start."""

    def schema_version(self) -> int:
        """The number of the latest schema migration applied (opening applies them all)."""

    def close(self) -> None: ...


def open_store(location: str | Path, *, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the store at ``location``.

    Args:
        location: a directory (SQLite database inside it), ``sqlite:///path/to/dir`` or a
            ``postgresql://`` URL.
        create: create a SQLite archive that does not exist yet; when False, a missing
            one is an error (so a mistyped location is not silently a new, empty archive).

    Raises:
        StorageError: the store cannot be opened.
        MissingDependencyError: a PostgreSQL URL without the ``postgres`` extra installed.
    """
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        try:
            # A backend and its driver load only when that backend is opened.
            from .postgres import PostgresStore
        except ImportError as exc:
            if "psycopg" not in str(exc):
                raise
            raise MissingDependencyError("A PostgreSQL archive", "postgres") from None
        return PostgresStore(text)
    # A backend and its driver load only when that backend is opened.
    from .sqlite import SQLiteStore

    return SQLiteStore(Path(text.removeprefix("sqlite://")), create=create)


# What a save is handed is made on first use (see ``records``): reading never needs it,
# and making attrs classes is a noticeable part of a command's start.
_RECORDS = frozenset(
    {
        "AnalysisState",
        "ArticleTail",
        "CaptureRecord",
        "Ingested",
        "TextFrame",
        "WrittenVersions",
        "version_id",
    }
)


def __getattr__(name: str) -> Any:
    if name not in _RECORDS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import records

    value = getattr(records, name)
    globals()[name] = value
    return value
