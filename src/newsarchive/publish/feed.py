"""Feeds of new versions: of one article, or of the whole archive."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime

import attrs

from ..archive import Archive
from ..models import Version
from ..render.atom import FeedEntry, archive_feed_id, article_feed_id
from ..times import utc_now
from .report import change_summaries


@attrs.frozen(kw_only=True)
class Feed:
    """A feed's entries, newest first, and what names and dates it."""

    entries: tuple[FeedEntry, ...] = attrs.field(repr=False)
    feed_id: str
    title: str
    link: str | None = None
    self_link: str | None = None
    #: When the feed last changed; None means the newest entry's time.
    updated: datetime | None = None


def feed_entries(
    archive: Archive, histories: Sequence[Sequence[Version]], limit: int
) -> list[FeedEntry]:
    """The ``limit`` newest versions across ``histories``, each with its diff and analysis.

    Args:
        archive: the archive the versions are from.
        histories: each article's versions, oldest first.
        limit: at most this many entries.

    Returns:
        The entries, newest first.
    """
    newest = sorted(
        ((history, index) for history in histories for index in range(len(history))),
        key=lambda item: (
            item[0][item[1]].first_captured_at,
            item[0][item[1]].url,
            item[0][item[1]].number,
        ),
        reverse=True,
    )[:limit]
    entries = []
    for history, index in newest:
        version = history[index]
        entries.append(_entry_of(archive, history[index - 1] if index else None, version))
    return entries


def _entry(archive: Archive, url: str, version_id: str) -> FeedEntry:
    version = archive.get(url, version_id)
    previous = archive.get(url, version.number - 1) if version.number > 1 else None
    return _entry_of(archive, previous, version)


def _entry_of(archive: Archive, previous: Version | None, version: Version) -> FeedEntry:
    """A version's entry: with its diff and analysis, unless it is the first."""
    if previous is None:
        return FeedEntry(version=version)
    summary = change_summaries([previous, version]).get(version.number)
    d = archive.diff(version.url, previous, version)
    return FeedEntry(version=version, diff=d, summary=summary)


def build_feed(
    archive: Archive,
    url: str | None = None,
    *,
    limit: int = 50,
    title: str | None = None,
    feed_id: str | None = None,
    self_link: str | None = None,
) -> Feed:
    """Gather the feed of new versions of one article, or of every article when ``url`` is None.

    Args:
        archive: the archive.
        url: the article; None for the whole archive.
        limit: at most this many of the newest versions.
        title: the feed's title (default: from the article, or a generic one).
        feed_id: the feed's permanent id (default: derived from the URL or the archive).
        self_link: where the feed will be published.

    Returns:
        The feed, for :func:`newsarchive.render.atom.render_feed` or JSON.

    Raises:
        NotFoundError: no such article.
    """
    if url is not None:
        history = archive.history(url)
        latest = history[-1]
        return Feed(
            entries=tuple(feed_entries(archive, [history], limit)),
            feed_id=feed_id or article_feed_id(latest.url),
            title=title or f"Changes: {latest.title or latest.url}",
            link=latest.url,
            self_link=self_link,
        )
    # The newest versions found through the index on their times, and only they and the
    # versions before them read: a feed rebuilt every few minutes costs the same in an
    # archive of a million versions as in one of a hundred.
    newest = archive.changes(limit=limit, first_versions=True)
    entries = tuple(_entry(archive, change.url, change.version_id) for change in newest)
    location = archive.location
    if "://" not in location and location != ":memory:":
        location = os.path.abspath(location)
    return Feed(
        entries=entries,
        feed_id=feed_id or archive_feed_id(location),
        title=title or "newsarchive: new versions",
        self_link=self_link,
        # An empty archive has no newest version to date the feed by.
        updated=None if entries else utc_now(),
    )
