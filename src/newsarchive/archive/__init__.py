"""The archive: every version of every article, one call away."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..diff import diff_summary, diff_versions
from ..errors import InputError, NotFoundError
from ..ingest import DEFAULT_MAX_TEXT_BYTES
from ..ingest.served import decode_served, unpack_served
from ..models import (
    GRANULARITIES,
    Capture,
    Granularity,
    LogEntry,
    Version,
    VersionDiff,
    significance_rank,
)
from ..models import SIGNIFICANCE_LEVELS as SIGNIFICANCE_LEVELS  # the CLI's choices
from ..storage import Store, open_store
from ..times import as_utc, format_time, parse_time
from ..urls import canonical_url as make_canonical
from .import_export import ImportExport

if TYPE_CHECKING:
    from ..analysis import Analysis, BlameLine, Rules
    from ..models import Article, Change, SaveResult
    from ..storage import CaptureRecord as CaptureRecord  # what prepare gives, save_many takes
    from ..storage import Ingested
    from .stored_analyses import StoredAnalyses

ProgressCallback = Callable[[int, int], None]

_VERSION_ID = re.compile(r"[0-9a-f]{16}")


@attrs.define
class Archive(ImportExport):
    """A news archive: articles, their captures and their versions.

    Open one with :meth:`Archive.open`; close it with :meth:`close` or a ``with`` block.
    """

    store: Store
    #: The change-analysis rules; None means the defaults.
    rules: Rules | None = None
    #: The largest text a capture may hold, in UTF-8 bytes; a larger one is refused.
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES

    @classmethod
    def open(
        cls,
        location: str | Path = "archive",
        *,
        rules: Rules | str | Path | None = None,
        create: bool = True,
        max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    ) -> Archive:
        """Open the archive at ``location``, creating it if needed.

        Args:
            location: a directory (SQLite database inside it), or a ``postgresql://`` URL.
            rules: change-analysis rules (see :mod:`newsarchive.analysis`), or the path of
                a TOML file of them; the defaults when None.
            create: create the archive if there is none; when False, a missing SQLite
                archive raises StorageError.
            max_text_bytes: the largest text a capture may hold (UTF-8 bytes, default
                20 MB); saving or importing a larger one is an InputError.

        Raises:
            StorageError: the archive cannot be opened, or its schema is newer than this code.
            InputError: a rules file that cannot be read or holds bad rules.
        """
        if isinstance(rules, (str, Path)):
            from ..analysis import Rules  # only to read a rules file

            rules = Rules.from_toml(rules)
        return cls(open_store(location, create=create), rules, max_text_bytes)

    @property
    def location(self) -> str:
        return self.store.location

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- saving ------------------------------------------------------------------------

    def save(
        self,
        url: str,
        *,
        text: str | None = None,
        html: str | bytes | None = None,
        title: str | None = None,
        byline: str | None = None,
        captured_at: datetime | None = None,
        published_at: datetime | None = None,
        modified_at: datetime | None = None,
        metadata: Mapping[str, Any] | None = None,
        canonical_url: str | None = None,
        source: str = "manual",
        fetched_url: str | None = None,
        http_status: int | None = None,
        http_headers: Iterable[tuple[str, str]] | None = None,
        quality: str | None = None,
        analyse: bool = True,
        html_charset: str | None = None,
        allow_empty: bool = True,
    ) -> SaveResult:
        """Record a capture of an article, and a new version if its content changed.

        Args:
            url: the URL the content was seen at.
            text: the article text. When omitted, it is taken from ``html``.
            html: the page's raw HTML, kept byte-identical and content-addressed: as
                bytes, the page as the server sent it (read in ``html_charset``); as
                text, kept as UTF-8.
            title, byline, published_at, modified_at: the article's fields as declared.
            captured_at: when the content was seen (default: now). An earlier time than the
                latest capture places the capture where it belongs in the timeline.
            metadata: free-form JSON-serialisable data kept with the capture.
            canonical_url: the article's canonical URL; ``url`` is then kept as an alias.
            source: where the capture came from (``manual``, ``fetch``, ``import``...).
            fetched_url, http_status, http_headers: how it was fetched, when it was.
            quality: a flag (e.g. ``soft-404``) recording a capture that must not become a
                version; None for a good capture.
            analyse: compute and store the change analysis of a new version (see
                :meth:`reanalyse`).
            html_charset: the charset of ``html`` given as bytes (a label Python knows;
                default UTF-8).
            allow_empty: with False, an empty or whitespace-only text is refused.

        Returns:
            The stored capture and the version it belongs to.

        Raises:
            InputError: no text or HTML, a text over ``max_text_bytes``, a field of the
                wrong type or out of range (it is named; see ``docs/limits.md``), a bad
                URL, metadata that is not finite JSON, or a lone surrogate outside the text.
            StorageError: the archive could not be written; nothing was saved.
        """
        return self.save_many(
            [
                self.prepare(
                    url,
                    text=text,
                    html=html,
                    title=title,
                    byline=byline,
                    captured_at=captured_at,
                    published_at=published_at,
                    modified_at=modified_at,
                    metadata=metadata,
                    canonical_url=canonical_url,
                    source=source,
                    fetched_url=fetched_url,
                    http_status=http_status,
                    http_headers=http_headers,
                    quality=quality,
                    html_charset=html_charset,
                    allow_empty=allow_empty,
                )
            ],
            analyse=analyse,
        )[0]

    def save_many(
        self, records: Iterable[CaptureRecord], *, analyse: bool = True
    ) -> list[SaveResult]:
        """Save prepared captures (see :meth:`prepare`) in one transaction.

        With ``analyse``, each new version's change analysis is computed against the
        version before it and stored in the same transaction, so no version is ever left
        without one; without it, :meth:`reanalyse` fills them in later.
        """
        return self.store.save(records, on_saved=self._analyses.analyse_stale if analyse else None)

    def ingest(self, records: Iterable[CaptureRecord], *, analyse: bool = True) -> list[Ingested]:
        """Save prepared captures as :meth:`save_many` does (their analysis in the same
        transaction, with ``analyse``), reporting only what changed."""
        return self.store.ingest(
            records, on_saved=self._analyses.analyse_stale if analyse else None
        )

    def prepare(self, url: str, **fields: Any) -> CaptureRecord:
        """Validate and hash a capture without saving it; takes :meth:`save`'s arguments."""
        from ..ingest.records import prepare_record  # saving only: reading never loads it

        return prepare_record(url, **{"max_text_bytes": self.max_text_bytes, **fields})

    # -- reading -----------------------------------------------------------------------

    def _lookup_url(self, url: str) -> str:
        try:
            return make_canonical(url)
        except InputError:
            return url  # not a URL at all: it cannot match, and the store says so

    def article(self, url: str) -> Article:
        """The article filed under ``url`` (its canonical URL or any alias).

        Raises:
            NotFoundError: no such article.
        """
        found = self.store.find_article(self._lookup_url(url))
        if found is None:
            raise NotFoundError(f"no article in the archive for {url}")
        return found

    def articles(self) -> list[Article]:
        """Every article, sorted by URL."""
        return self.store.articles()

    def history(self, url: str) -> list[Version]:
        """Every version of the article in timeline order.

        Raises:
            NotFoundError: no such article.
        """
        return self.store.versions(self._lookup_url(url))

    def captures(self, url: str) -> list[Capture]:
        """Every capture of the article in time order, flagged ones included."""
        return self.store.captures(self._lookup_url(url))

    def get(
        self,
        url: str,
        version: int | str | Version | None = None,
        *,
        at: datetime | None = None,
    ) -> Version:
        """One version of an article: the latest by default.

        The one way to name a version. ``version`` is a number (1-based; negative counts
        back from the latest), a version id, a reference as the command line writes it
        (``"3"``, ``"-1"``, ``"@2024-05-01T12:00Z"``: current then), or a :class:`Version`.

        Args:
            url: the article's URL or an alias.
            version: which version; the latest when None.
            at: instead of ``version``, the version current at this time.

        Returns:
            The version.

        Raises:
            NotFoundError: no such article or version.
            InputError: a reference that names no version, or ``at`` before the
                article's first capture.
        """
        if isinstance(version, Version):
            return version
        if isinstance(version, str):
            text = version.strip()
            if text.startswith("@"):
                return self.get(url, at=parse_time(text[1:], what="version time"))
            if _VERSION_ID.fullmatch(text):
                return self._version_by_id(url, text)
            if not re.fullmatch(r"-?\d+", text):
                raise InputError(
                    f"bad version reference {version!r}: use a number, -N from the latest,"
                    " @TIME or an id"
                )
            version = int(text)
            if version == 0:
                raise InputError("version numbers start at 1 (use -1 for the latest)")
        key = self._lookup_url(url)
        if at is not None:
            return self._version_at(url, key, at)
        if version is None or version == -1:
            found = self.store.latest_version(key)
            if found is None:
                raise NotFoundError(f"{url} has no versions")
            return found
        number = version
        if version < 0:
            latest = self.store.latest_version(key)
            number = (latest.number if latest else 0) + version + 1
        # Past 2**63 no database integer can hold the number, and no article has it.
        found = self.store.version(key, number) if 1 <= number < 2**63 else None
        if found is None:
            count = len(self.history(url))
            raise NotFoundError(f"{url} has no version {version} (it has {count})")
        return found

    def _version_by_id(self, url: str, version_id: str) -> Version:
        found = self.store.version_by_id(self._lookup_url(url), version_id)
        if found is None:
            raise NotFoundError(f"{url} has no version with id {version_id}")
        return found

    def _version_at(self, url: str, key: str, at: datetime) -> Version:
        found = self.store.version_at(key, as_utc(at))
        if found is None:
            first = self.store.version(key, 1)
            if first is None:
                raise NotFoundError(f"{url} has no versions")
            raise InputError(
                f"{format_time(at)} is before the first capture of {url}"
                f" ({format_time(first.first_captured_at)})"
            )
        return found

    def diff(
        self,
        url: str,
        old: int | str | Version | None = None,
        new: int | str | Version | None = None,
        *,
        granularity: Granularity = "word",
    ) -> VersionDiff:
        """What changed between two versions (default: the two latest).

        Versions may be given as anything :meth:`get` takes.

        Raises:
            InputError: a bad reference or granularity.
            NotFoundError: no such article or version.
        """
        if granularity not in GRANULARITIES:
            raise InputError(f"unknown granularity {granularity!r}: use {', '.join(GRANULARITIES)}")
        new_version = self.get(url, new)
        old_version = self.get(url, old) if old is not None else self._previous(url, new_version)
        return diff_versions(old_version or new_version, new_version, granularity=granularity)

    def iter_captures(self, urls: Iterable[str] | None = None) -> Iterator[Capture]:
        """Every capture of the given articles (all when None), article by article.

        Each article's captures come in the order they were saved (time order, unless
        some were backfilled), so that saving them again in that order replays its
        history: the same versions, with the same ids.

        Raises:
            NotFoundError: one of ``urls`` is not in the archive.
        """
        keys = None if urls is None else [self.article(u).url for u in urls]
        return self.store.iter_captures(keys)

    def schema_version(self) -> int:
        """The number of the latest schema migration applied to this archive."""
        return self.store.schema_version()

    def log(
        self, url: str, *, min_significance: str | None = None, stealth: bool = False
    ) -> list[LogEntry]:
        """The article's versions with what changed in each and how much it matters.

        Args:
            url: the article.
            min_significance: only versions at least this significant (the first always
                shows), by stored analysis.
            stealth: only stealth edits.

        Returns:
            One entry per version shown, oldest first.

        Raises:
            NotFoundError: no such article.
            InputError: an unknown significance level.
        """
        floor = significance_rank(min_significance)
        versions = self.history(url)
        entries = []
        for i, v in enumerate(versions):
            entry = LogEntry.of(v, "first version")
            rank = significance_rank(entry.significance)
            if (stealth and not entry.stealth) or (i and rank < floor):
                continue  # filtered before diffing: the diff is the costly part
            summary = diff_summary(diff_versions(versions[i - 1], v)) if i else entry.summary
            entries.append(attrs.evolve(entry, summary=summary))
        return entries

    def source_metadata(self, source: str) -> list[tuple[str, datetime, Mapping[str, Any]]]:
        """(article URL, capture time, metadata) of every capture from ``source``, in time order."""
        return self.store.source_metadata(source)

    def text_of(self, capture: Capture) -> str:
        """The text exactly as this capture saved it."""
        return self.store.blob(capture.text_hash).decode("utf-8", "surrogatepass")

    def raw_html(self, capture: Capture) -> str | None:
        """The raw HTML this capture kept, if it kept any, as text."""
        served = self.served_html(capture)
        return None if served is None else decode_served(*served)

    def served_html(self, capture: Capture) -> tuple[bytes, str | None] | None:
        """The HTML this capture kept, as bytes, and the charset they are in.

        Args:
            capture: a capture of this archive.

        Returns:
            None when the capture kept no HTML. Otherwise the page's bytes and their
            charset (a Python codec name) when they are the bytes the server sent; the
            charset is None for a page kept re-encoded as UTF-8, as captures saved before
            pages were kept as served, or saved from text, are.
        """
        if capture.html_hash is None:
            return None
        return unpack_served(self.store.page(capture.id))

    # -- change analysis ----------------------------------------------------------------
    @property
    def _rules(self) -> Rules:
        # Loaded on first use: `log`, `list` and `show` need no analysis.
        from ..analysis import DEFAULT_RULES

        return self.rules or DEFAULT_RULES

    @property
    def _analyses(self) -> StoredAnalyses:
        from .stored_analyses import StoredAnalyses  # writing only: reading never loads it

        return StoredAnalyses(self.store, self._rules)

    def analyse(
        self,
        url: str,
        old: int | str | Version | None = None,
        new: int | str | Version | None = None,
    ) -> Analysis:
        """The change analysis between two versions (default: the latest and its predecessor).

        Returns:
            Significance level, reasons, counts, stealth flag and the sentence alignment.

        Raises:
            NotFoundError: no such article or version.
        """
        # Loaded on first use: `log`, `list` and `show` need no analysis.
        from ..analysis import analyse

        new_version = self.get(url, new)
        old_version = self.get(url, old) if old is not None else self._previous(url, new_version)
        return analyse(old_version, new_version, rules=self._rules)

    def _previous(self, url: str, version: Version) -> Version | None:
        return self.get(url, version.number - 1) if version.number > 1 else None

    def replace_articles(
        self, urls: Sequence[str], records: Iterable[CaptureRecord], *, analyse: bool = True
    ) -> list[SaveResult]:
        """Remove these articles and save ``records`` in their place, in one transaction.

        With ``analyse``, the versions' change analyses are stored in that transaction.
        """
        on_saved = self._analyses.analyse_stale if analyse else None
        return self.store.replace_articles(urls, records, on_saved=on_saved)

    def blame(self, url: str, version: int | str | None = None) -> list[BlameLine]:
        """Each sentence of a version (default: the latest) with the version it came from."""
        # Loaded on first use: `log`, `list` and `show` need no analysis.
        from ..analysis import blame

        history = self.history(url)
        target = self.get(url, version) if version is not None else history[-1]
        return blame(history, target.number)

    def reanalyse(
        self,
        urls: Iterable[str] | None = None,
        *,
        missing_only: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> int:
        """Recompute and store the change analysis of every version of these articles.

        With ``missing_only``, a stored analysis is kept when it was made by the current
        rules, against the same previous version, for the same revert mark; otherwise
        every one is recomputed.

        Returns:
            The number of versions whose analysis was stored.
        """
        articles = [self.article(u) for u in urls] if urls is not None else self.articles()
        targets = [a.url for a in articles]
        stored = 0
        for done, url in enumerate(targets, start=1):
            items = self._analyses.stale(url) if missing_only else self._analyses.recomputed(url)
            self.store.set_analyses(url, items)
            stored += len(items)
            if on_progress:
                on_progress(done, len(targets))
        return stored

    # -- alert channels (see newsarchive.notify): where each stands, what it was sent ----

    def alert_start(self, channel: str, *, start_at: datetime, create: bool = True) -> datetime:
        """Where an alert channel starts; a new channel starts at ``start_at``."""
        return self.store.alert_start(channel, start_at=start_at, create=create)

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
        return self.store.claim_alerts(
            channel, version_ids, now=now, lease_seconds=lease_seconds, commit=commit
        )

    def settle_alerts(
        self,
        channel: str,
        outcomes: Sequence[tuple[str, str | None]],
        *,
        start_at: datetime | None = None,
    ) -> None:
        """Record claimed alerts as sent (error None) or failed; optionally move the start."""
        self.store.settle_alerts(channel, outcomes, start_at=start_at)

    def set_analyses(self, url: str, items: Sequence[tuple[str, Mapping[str, Any] | None]]) -> None:
        """Store analysis summaries as given, e.g. copied from another archive.

        Args:
            url: the article.
            items: ``(version id, summary)`` pairs; a None summary clears the stored one.

        Raises:
            NotFoundError: no such article.
        """
        self.store.set_analyses(self._lookup_url(url), items)

    def changes(
        self,
        *,
        since: datetime | None = None,
        min_significance: str | None = None,
        stealth: bool = False,
        limit: int = 100,
        first_versions: bool = False,
    ) -> list[Change]:
        """Changes (versions after the first) across all articles, newest first.

        Found through an index on the versions' times: the cost is the ``limit``, not the
        archive's size.

        Args:
            since: only versions first captured at or after this time.
            min_significance: only versions at least this significant
                (``none``, ``cosmetic``, ``minor``, ``substantive``).
            stealth: only stealth edits (substantive, with no declared update or note).
            limit: at most this many.
            first_versions: each article's first version counts too (as new in a feed).

        Raises:
            InputError: an unknown significance level.
        """
        significance_rank(min_significance)
        return self.store.changes(
            since=as_utc(since) if since else None,
            min_level=min_significance,
            stealth_only=stealth,
            limit=limit,
            first_versions=first_versions,
        )

    # -- JSON Lines import and export --------------------------------------------------


def __getattr__(name: str) -> Any:
    # CaptureRecord, what prepare gives and save_many take, is made on first use.
    if name != "CaptureRecord":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ..storage import CaptureRecord

    return CaptureRecord
