"""Sending each channel the alerts it has not had yet, exactly once.

For each channel: find the changes since its start that pass the filters, claim
those it was not sent (see ``storage/_sql/alerts.py``), send them oldest first, and
record each outcome. A failed alert stays unsent and is tried again next run; one
channel failing never stops the others.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

import attrs

from ..archive import SIGNIFICANCE_LEVELS, Archive
from ..errors import InputError, NewsArchiveError
from ..models import Change
from ..times import utc_now
from .alert import Alert, build_alert
from .channels import Channel, DeliveryError

#: How long a run's claim on an alert holds before another run may send it instead.
LEASE_SECONDS = 600.0
#: Saving a capture may commit this long after its capture time (a long watch run);
#: a channel's start never moves past now minus this, so such versions still alert.
SETTLE_SECONDS = 86_400.0
#: At most this many changes are looked at per channel and run.
SCAN_LIMIT = 10_000
log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # quiet unless the application sets up logging
HEADLINE_CODES = frozenset({"headline-changed", "headline-restyled"})

CardRenderer = Callable[[Alert], str | None]


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class AlertFilter:
    """Which changes a channel alerts on. Every condition given must hold.

    ``reasons`` and ``url_patterns`` match when any one of theirs does; URL patterns
    are shell-style (``*.example.com/politics/*``), matched against the article URL
    with and without its scheme.
    """

    min_significance: str | None = None
    stealth: bool = False
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    headline: bool = False
    url_patterns: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def __attrs_post_init__(self) -> None:
        if self.min_significance is not None and self.min_significance not in SIGNIFICANCE_LEVELS:
            raise InputError(
                f"unknown significance {self.min_significance!r}: use "
                + ", ".join(SIGNIFICANCE_LEVELS)
            )

    def admits(self, change: Change) -> bool:
        """Whether ``change`` passes the filters its stored analysis can decide."""
        codes = set(change.reasons)
        if self.reasons and not codes & set(self.reasons):
            return False
        if self.headline and not codes & HEADLINE_CODES:
            return False
        if self.url_patterns:
            bare = change.url.split("://", 1)[-1]
            return any(
                fnmatch.fnmatchcase(change.url, p) or fnmatch.fnmatchcase(bare, p)
                for p in self.url_patterns
            )
        return True


@attrs.frozen(kw_only=True)
class Delivery:
    """One alert for one channel: sent, failed (``error``), or only shown (dry run)."""

    alert: Alert
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@attrs.frozen(kw_only=True)
class ChannelReport:
    """What one run did for one channel."""

    label: str
    key: str
    start_at: datetime
    deliveries: tuple[Delivery, ...] = ()
    #: Set when the channel could not run at all (its position could not be read...).
    error: str | None = None

    @property
    def sent(self) -> int:
        return sum(1 for d in self.deliveries if d.ok)

    @property
    def failed(self) -> int:
        return sum(1 for d in self.deliveries if not d.ok) + (self.error is not None)


@attrs.frozen(kw_only=True)
class NotifyReport:
    """What a run did, channel by channel."""

    channels: tuple[ChannelReport, ...]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.channels)


def report_url(site_url: str, alert: Alert) -> str:
    """The page of the published site (see ``site``) that shows this change."""
    from ..website.paths import article_page

    anchor = f"diff-{alert.old.number}-{alert.new.number}"
    return f"{site_url.rstrip('/')}/{article_page(alert.url)}#{anchor}"


def notify(
    archive: Archive,
    channels: Sequence[Channel],
    *,
    filters: AlertFilter = AlertFilter(),
    since: datetime | None = None,
    dry_run: bool = False,
    site_url: str | None = None,
    card: CardRenderer | None = None,
    now: datetime | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> NotifyReport:
    """Send every channel one alert per new version it has not been sent.

    Args:
        archive: the archive to read changes from; it also keeps each channel's position.
        channels: where to send (see :func:`channels_from_options`).
        filters: which changes to alert on.
        since: where a channel seen for the first time starts (default: now, so a new
            channel does not replay the archive's history). Ignored for known channels.
        dry_run: build the alerts that would be sent, send nothing and record nothing.
        site_url: where the site (``newsarchive site``) is published, for report links.
        card: makes an image of an alert to attach (a file path), or None.
        now: the current time (tests pass a fixed one).
        lease_seconds: how long a claim of another run, maybe killed, is respected.

    Returns:
        One report per channel, in the order given.

    Raises:
        StorageError: the archive could not be read.
    """
    now = now or utc_now()
    built: dict[str, Alert] = {}

    def alert_for(change: Change) -> Alert:
        if change.version_id not in built:
            new = archive.get(change.url, change.version_id)
            old = archive.get(change.url, new.number - 1)
            alert = build_alert(old, new, archive.analyse(change.url, old, new))
            if site_url:
                links = {**alert.links, "report": report_url(site_url, alert)}
                alert = attrs.evolve(alert, links=links)
            built[change.version_id] = alert
        return built[change.version_id]

    reports = [
        _run_channel(
            archive, channel, filters, since or now, now, dry_run, lease_seconds, alert_for, card
        )
        for channel in channels
    ]
    return NotifyReport(channels=tuple(reports), dry_run=dry_run)


def _run_channel(
    archive: Archive,
    channel: Channel,
    filters: AlertFilter,
    since: datetime,
    now: datetime,
    dry_run: bool,
    lease_seconds: float,
    alert_for: Callable[[Change], Alert],
    card: CardRenderer | None,
) -> ChannelReport:
    start = archive.alert_start(channel.key, start_at=since, create=not dry_run)
    listed = archive.changes(
        since=start,
        min_significance=filters.min_significance,
        stealth=filters.stealth,
        limit=SCAN_LIMIT,
    )
    changes = [c for c in reversed(listed) if filters.admits(c)]
    by_id = {c.version_id: c for c in changes}
    claimed = archive.claim_alerts(
        channel.key, list(by_id), now=now, lease_seconds=lease_seconds, commit=not dry_run
    )
    deliveries = []
    for vid in claimed:
        change = by_id[vid]
        alert, error = alert_for(change), None
        try:
            if not dry_run:
                channel.send(alert, attachment=_attachment(card, alert))
        except DeliveryError as exc:
            error = str(exc)
        deliveries.append(Delivery(alert=alert, error=error))
    if not dry_run:
        archive.settle_alerts(
            channel.key,
            [(d.alert.version_id, d.error) for d in deliveries],
            start_at=_next_start(now, deliveries, listed),
        )
    return ChannelReport(
        label=channel.label, key=channel.key, start_at=start, deliveries=tuple(deliveries)
    )


def _attachment(card: CardRenderer | None, alert: Alert) -> str | None:
    """The card to attach, or None: an alert without its image beats no alert."""
    if card is None:
        return None
    try:
        return card(alert)
    except NewsArchiveError as exc:
        log.warning("sending the alert without a card: %s", exc)
        return None


def _next_start(now: datetime, deliveries: list[Delivery], listed: list[Change]) -> datetime:
    """Where the channel's next scan can start without missing anything unsent."""
    candidates = [now - timedelta(seconds=SETTLE_SECONDS)]
    candidates += [d.alert.new.first_captured_at for d in deliveries if not d.ok]
    if len(listed) == SCAN_LIMIT:
        candidates.append(listed[-1].captured_at)
    return min(candidates)
