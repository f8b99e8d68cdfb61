"""The archive published for reading: an article's history report, and feeds of new versions.

Each function reads the archive and returns the values a renderer in
:mod:`newsarchive.render` turns into a page or a feed (HTML, Atom or JSON).
"""

from __future__ import annotations

from .feed import Feed, build_feed, feed_entries
from .report import Report, build_report, change_summaries

__all__ = [
    "Feed",
    "Report",
    "build_feed",
    "build_report",
    "change_summaries",
    "feed_entries",
]
