"""Which known articles are due for a re-check, from when their content last changed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import attrs

from ..archive import Archive
from ..models import Capture
from .config import Schedule
from .results import SCRAPED_SOURCES, SOURCE_REEXTRACT


@attrs.frozen(kw_only=True)
class Due:
    """A known article due for a re-check: ``overdue_seconds`` past its next check time."""

    url: str
    overdue_seconds: float
    interval_seconds: float


def next_check_interval(
    schedule: Schedule, *, last_changed_at: datetime, now: datetime
) -> float | None:
    """Return the re-check interval for an article, or None once it is no longer watched.

    Args:
        schedule: the tiers.
        last_changed_at: when its content last changed (its first capture if never).
        now: the current time.
    """
    return schedule.interval(max(0.0, (now - last_changed_at).total_seconds()))


def due_articles(
    archive: Archive, schedule: Schedule, *, now: datetime, recheck: str = "watched"
) -> Iterator[Due]:
    """Yield the known articles due for a re-check, most overdue first.

    The clock is the time since the content last changed; a change that came
    only from a new extractor (source ``reextract``) does not reset it.

    Args:
        archive: the archive.
        schedule: the tiers.
        now: the current time.
        recheck: ``watched`` (articles captured by fetch or watch), ``all`` or ``none``.
    """
    if recheck == "none":
        return
    candidates = []
    for article in archive.articles():
        due = _due(
            schedule,
            article.last_changed_at or article.first_captured_at,
            article.last_captured_at,
            now,
        )
        if due is not None:
            candidates.append((article.url, due))
    # Most overdue first; the URL breaks ties so runs are repeatable.
    candidates.sort(key=lambda item: (-item[1][0], item[0]))
    for url, _ in candidates:
        # Captures are read only for candidates: the cheap test above can only over-select.
        captures = archive.captures(url)
        if recheck == "watched" and not any(c.source in SCRAPED_SOURCES for c in captures):
            continue
        changed = _last_newsroom_change(captures)
        due = _due(schedule, changed, captures[-1].captured_at if captures else None, now)
        if due is not None:
            yield Due(url=url, overdue_seconds=due[0], interval_seconds=due[1])


def _due(
    schedule: Schedule, changed: datetime | None, checked: datetime | None, now: datetime
) -> tuple[float, float] | None:
    if changed is None or checked is None:
        return None
    interval = next_check_interval(schedule, last_changed_at=changed, now=now)
    if interval is None:
        return None
    overdue = (now - checked).total_seconds() - interval
    return (overdue, interval) if overdue >= 0 else None


def _last_newsroom_change(captures: Sequence[Capture]) -> datetime | None:
    last: datetime | None = None
    previous: str | None = None
    for capture in captures:
        if capture.quality is not None:
            continue
        if capture.source == SOURCE_REEXTRACT:
            # Same page, new reading: the new hash is the baseline, not an edit.
            previous = capture.content_hash
            continue
        if capture.content_hash != previous:
            last = capture.captured_at
            previous = capture.content_hash
    if last is None and captures:
        return captures[0].captured_at
    return last
