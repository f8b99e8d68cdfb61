"""The JSON shapes of batch reports: web-archive imports and exports, copies, scraping runs.

Re-exported by :mod:`newsarchive.render.json`, the one place the CLI takes JSON shapes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..models import Problem
from ..times import format_time

if TYPE_CHECKING:  # shapes of values from the layers above; no import at run time
    from ..interop.cdxj import CdxjReport
    from ..interop.memento import TimeMap
    from ..interop.research import ExportReport as TablesReport
    from ..interop.transfer import CopyReport
    from ..interop.wacz import WaczReport
    from ..interop.warc import ExportReport, WarcImportReport
    from ..interop.wayback import BackfillReport
    from ..scrape.results import FeedResult, ItemResult, RunReport


def problem_to_dict(p: Problem, *where: str) -> dict[str, Any]:
    """Describe a batch's problem as JSON-ready data.

    Args:
        p: The problem.
        where: The location fields the batch uses (``file``, ``offset``, ``line``,
            ``commit``, ``item``, ``url``); each becomes a key, null when unset.

    Returns:
        The location keys, then ``reason``: the message.
    """
    return {**{key: getattr(p, key) for key in where}, "reason": p.message}


def cdxj_to_dict(report: CdxjReport) -> dict[str, Any]:
    """Describe a CDXJ index as JSON-ready data: its entries in index order, and problems.

    Args:
        report: The index, from ``newsarchive.interop.cdxj.index_files``.

    Returns:
        ``entries`` (each ``urlkey``, ``timestamp`` and the fields of its JSON block) and
        ``problems`` (``file``, ``offset``, ``reason``).
    """
    return {
        "entries": [
            {"urlkey": e.key, "timestamp": e.timestamp, **e.fields} for e in report.entries
        ],
        "problems": [problem_to_dict(p, "file", "offset") for p in report.problems],
    }


def warc_export_to_dict(report: ExportReport, output: str) -> dict[str, Any]:
    """Describe what a WARC export wrote as JSON-ready data.

    Args:
        report: The export's counts.
        output: Where the WARC file was written.

    Returns:
        ``output`` and the counts of articles, captures and records by type.
    """
    return {
        "output": output,
        "articles": report.articles,
        "captures": report.captures,
        "records": report.records,
        "responses": report.responses,
        "resources": report.resources,
        "revisits": report.revisits,
    }


def wacz_export_to_dict(report: WaczReport, output: str) -> dict[str, Any]:
    """Describe what a WACZ export wrote as JSON-ready data.

    Args:
        report: The export's counts.
        output: Where the WACZ file was written.

    Returns:
        ``output`` and the counts of articles, captures, pages and WARC records.
    """
    return {
        "output": output,
        "articles": report.articles,
        "captures": report.captures,
        "pages": report.pages,
        "extra_pages": report.extra_pages,
        "records": report.records,
    }


def warc_import_to_dict(report: WarcImportReport) -> dict[str, Any]:
    """Describe what a WARC import did as JSON-ready data.

    Args:
        report: The import's report.

    Returns:
        The counts, and ``problems`` (``file``, ``offset``, ``reason``).
    """
    return {
        "files": report.files,
        "records": report.records,
        "captures_added": report.captures_added,
        "versions_added": report.versions_added,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
        "problems": [problem_to_dict(p, "file", "offset") for p in report.problems],
    }


def backfill_to_dict(report: BackfillReport) -> dict[str, Any]:
    """Describe a Wayback backfill as JSON-ready data.

    Args:
        report: The backfill's report.

    Returns:
        ``url``, one entry per memento listed, and the CDX lines that could not be read.
    """
    return {
        "url": report.url,
        "mementos": [
            {
                "timestamp": r.timestamp,
                "memento_url": r.memento_url,
                "status": r.status,
                "captured_at": format_time(r.captured_at),
                "new_version": r.is_new_version,
                "reason": r.reason,
            }
            for r in report.results
        ],
        "cdx_problems": [str(p) for p in report.cdx_problems],
    }


def timemap_to_dict(tm: TimeMap) -> dict[str, Any]:
    """Describe a Memento TimeMap: the same links as its link format, times in UTC."""
    return {
        "original_uri": tm.original,
        "timemap_uri": tm.self_uri,
        "timegate_uri": tm.timegate_uri,
        "mementos": [
            {
                "uri": m.uri,
                "datetime": format_time(m.datetime),
                "version": m.version,
                "capture_id": m.capture_id,
            }
            for m in tm.mementos
        ],
    }


def copy_report_to_dict(report: CopyReport) -> dict[str, Any]:
    """Describe what a copy between archives read and added, and the captures refused.

    Returns:
        The counts, and ``problems`` (``url``, ``reason``): captures the destination
        refused; every other capture was copied.
    """
    return {
        "articles": report.articles,
        "captures": report.captures,
        "captures_added": report.captures_added,
        "versions_added": report.versions_added,
        "analyses_copied": report.analyses_copied,
        "problems": [problem_to_dict(p, "url") for p in report.problems],
    }


def item_result_to_dict(r: ItemResult) -> dict[str, Any]:
    """Describe what a scraping run did with one URL."""
    return {
        "url": r.url,
        "outcome": r.outcome,
        "origin": r.origin,
        "article_url": r.article_url,
        "version": r.version,
        "http_status": r.http_status,
        "quality": r.quality,
        "message": r.message,
        "title": r.title,
        "reextracted": r.reextracted,
    }


def item_results_to_dict(results: Sequence[ItemResult]) -> dict[str, Any]:
    """Describe a fetch or re-extraction: one item per URL."""
    return {"items": [item_result_to_dict(r) for r in results]}


def feed_result_to_dict(r: FeedResult) -> dict[str, Any]:
    """Describe one feed read during a watch run."""
    return {"url": r.url, "entries": r.entries, "discovered": r.discovered, "message": r.message}


def run_report_to_dict(report: RunReport) -> dict[str, Any]:
    """Describe a watch run: its counts, then every feed and item."""
    return {
        "started_at": format_time(report.started_at),
        "finished_at": format_time(report.finished_at),
        "feeds_read": report.feeds_read,
        "discovered": report.discovered,
        "due": report.due,
        "checked": report.checked,
        "unchanged": report.unchanged,
        "new_versions": report.new_versions,
        "flagged": report.flagged,
        "failures": report.failures,
        "stopped": report.stopped,
        "feeds": [feed_result_to_dict(f) for f in report.feeds],
        "items": [item_result_to_dict(i) for i in report.items],
    }


def tables_export_to_dict(report: TablesReport, fmt: str, output: str) -> dict[str, Any]:
    """Describe what a research export (Parquet or plain SQLite) wrote as JSON-ready data.

    Args:
        report: The export's row counts.
        fmt: ``parquet`` or ``sqlite``.
        output: The directory or database written.

    Returns:
        ``format``, ``output`` and the rows written to each table.
    """
    return {
        "format": fmt,
        "output": output,
        "articles": report.articles,
        "versions": report.versions,
        "sentence_edits": report.sentence_edits,
        "captures": report.captures,
    }
