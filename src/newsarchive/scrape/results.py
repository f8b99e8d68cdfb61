"""What a scraping run reports: one result per page and per feed, and the run's totals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

import attrs

from ..models import BatchReport, Problem

SOURCE_FETCH = "fetch"
SOURCE_WATCH = "watch"
SOURCE_REEXTRACT = "reextract"
EXTRACTOR_CHANGED = "extractor-changed"
# Captures from these sources make an article "watched" (re-checked by default).
SCRAPED_SOURCES = frozenset({SOURCE_FETCH, SOURCE_WATCH, SOURCE_REEXTRACT})

Outcome = Literal["new", "changed", "unchanged", "not-modified", "flagged", "failed", "skipped"]
Origin = Literal["requested", "discovered", "listed", "due"]
ProgressCallback = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class ItemResult:
    """What happened to one URL.

    ``outcome``: ``new`` (first version), ``changed`` (new version),
    ``unchanged``, ``not-modified`` (a 304), ``flagged`` (kept as a capture
    with a quality flag), ``failed`` (nothing usable; see ``message``) or
    ``skipped`` (nothing to do).
    """

    url: str
    outcome: Outcome
    origin: Origin = "requested"
    article_url: str | None = None
    version: int | None = None
    http_status: int | None = None
    quality: str | None = None
    message: str | None = None
    title: str | None = None
    reextracted: bool = False

    @property
    def is_failure(self) -> bool:
        return self.outcome == "failed"


@attrs.frozen(kw_only=True)
class FeedResult:
    """One feed read during a watch run."""

    url: str
    entries: int = 0
    discovered: int = 0
    message: str | None = None

    @property
    def is_failure(self) -> bool:
        return self.message is not None


@attrs.frozen(kw_only=True)
class RunReport(BatchReport):
    """The outcome of one watch run."""

    started_at: datetime
    finished_at: datetime
    feeds: tuple[FeedResult, ...] = ()
    items: tuple[ItemResult, ...] = ()
    due: int = 0
    stopped: str | None = None

    @property
    def feeds_read(self) -> int:
        return sum(1 for f in self.feeds if not f.is_failure)

    @property
    def discovered(self) -> int:
        return sum(1 for i in self.items if i.origin in ("discovered", "listed"))

    @property
    def checked(self) -> int:
        return sum(1 for i in self.items if i.origin == "due")

    @property
    def unchanged(self) -> int:
        return sum(1 for i in self.items if i.outcome in ("unchanged", "not-modified"))

    @property
    def new_versions(self) -> int:
        return sum(1 for i in self.items if i.outcome in ("new", "changed"))

    @property
    def flagged(self) -> int:
        return sum(1 for i in self.items if i.outcome == "flagged")

    @property
    def failures(self) -> int:
        return sum(1 for i in self.items if i.is_failure) + sum(
            1 for f in self.feeds if f.is_failure
        )

    @property
    def has_failures(self) -> bool:
        return self.failures > 0

    @property
    def problems(self) -> tuple[Problem, ...]:  # type: ignore[override]
        """The feeds that could not be read, then the pages that failed."""
        results: tuple[FeedResult | ItemResult, ...] = (*self.feeds, *self.items)
        return tuple(
            Problem(url=r.url, message=r.message or "failed") for r in results if r.is_failure
        )
