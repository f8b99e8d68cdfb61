"""Scheduled scraping: fetch, extract, judge and archive, one result per URL.

Three entry points, each the library side of a CLI command:

* :func:`fetch_pages` fetches given URLs now (``newsarchive fetch``).
* :func:`reextract` re-runs the current extractor over stored raw HTML
  (``newsarchive reextract``).
* :func:`run_watch` is one unattended run (``newsarchive watch``): read the
  feeds, fetch new articles, re-check known ones that are due, then return.

Every page goes through :class:`Scraper.capture`: a conditional request built
from the last capture's ``ETag``/``Last-Modified``; a 304 saved as an
unchanged capture of the current version; decoding and extraction; the
quality gate (a flagged page is kept as a capture, never as a version); and
one ``Archive.save`` call, which is one transaction, so a run killed at any
moment leaves the archive consistent and the next run carries on.

Text that changes only because the extractor changed is never counted as an
edit: such a change is saved first as a capture with source ``reextract`` and
``metadata["reason"] == "extractor-changed"``, and the re-check clock ignores it.
"""

from __future__ import annotations

from ..fetch.http import FetchOptions
from .lock import run_lock
from .reextract import reextract, reextract_article
from .results import (
    EXTRACTOR_CHANGED,
    SCRAPED_SOURCES,
    SOURCE_FETCH,
    SOURCE_REEXTRACT,
    SOURCE_WATCH,
    FeedResult,
    ItemResult,
    RunReport,
)
from .schedule import Due, due_articles, next_check_interval
from .scraper import Scraper, fetch_pages
from .watch import run_watch

__all__ = [
    "EXTRACTOR_CHANGED",
    "SCRAPED_SOURCES",
    "SOURCE_FETCH",
    "SOURCE_REEXTRACT",
    "SOURCE_WATCH",
    "Due",
    "FetchOptions",
    "FeedResult",
    "ItemResult",
    "RunReport",
    "Scraper",
    "due_articles",
    "fetch_pages",
    "next_check_interval",
    "reextract",
    "reextract_article",
    "run_lock",
    "run_watch",
]
