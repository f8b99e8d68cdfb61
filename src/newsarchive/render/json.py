"""The JSON shapes of diffs, versions, captures and articles.

Keys are snake_case and timestamps are ISO 8601 in UTC with a ``Z`` suffix
(``2024-05-01T12:00:00Z``, with ``.ffffff`` microseconds only when non-zero).
The diff document is specified in ``docs/diff-format.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..models import (
    Article,
    Capture,
    Change,
    ImportReport,
    LogEntry,
    SaveResult,
    Version,
    VersionDiff,
)
from ..times import format_time

if TYPE_CHECKING:  # shapes of values from the layers above; no import at run time
    from ..analysis import Alignment, BlameLine
    from ._markup import ChangeSummary
    from .atom import FeedEntry

__all__ = [
    "FORMAT_VERSION",
    "alignment_to_list",
    "article_to_dict",
    "backfill_to_dict",
    "blame_to_dict",
    "capture_to_dict",
    "cdxj_to_dict",
    "change_to_dict",
    "copy_report_to_dict",
    "diff_to_dict",
    "feed_result_to_dict",
    "feed_to_dict",
    "format_utc",
    "import_report_to_dict",
    "item_result_to_dict",
    "item_results_to_dict",
    "listed_article_to_dict",
    "log_to_dict",
    "problem_to_dict",
    "render_json",
    "report_to_dict",
    "run_report_to_dict",
    "save_result_to_dict",
    "schema_to_dict",
    "tables_export_to_dict",
    "timemap_to_dict",
    "version_to_dict",
    "wacz_export_to_dict",
    "warc_export_to_dict",
    "warc_import_to_dict",
]

# Bumped only for changes that break readers; adding keys is not one.
FORMAT_VERSION = 1


def format_utc(value: datetime | None) -> str | None:
    """Format a datetime as ISO 8601 in UTC with a ``Z`` suffix, as the archive prints
    every time (a naive one is taken as UTC).

    Args:
        value: The time, or None.

    Returns:
        For example ``2024-05-01T12:00:00Z``, or None for None.
    """
    return format_time(value)


def _version_ref(v: Version) -> dict[str, Any]:
    return {
        "number": v.number,
        "id": v.id,
        "first_captured_at": format_utc(v.first_captured_at),
        "last_captured_at": format_utc(v.last_captured_at),
        "title": v.title,
    }


def diff_to_dict(d: VersionDiff) -> dict[str, Any]:
    """Describe a version diff as JSON-ready data (``format_version`` 1).

    Args:
        d: The diff, from :func:`newsarchive.diff.diff_versions`.

    Returns:
        A dict with ``format_version``, ``url``, ``old`` and ``new`` (number,
        id, first/last captured times, title), ``granularity``, ``ops`` as
        ``[op, text]`` pairs, ``stats`` and ``fields``.
    """
    s = d.body.stats
    return {
        "format_version": FORMAT_VERSION,
        "url": d.url,
        "old": _version_ref(d.old),
        "new": _version_ref(d.new),
        "granularity": d.body.granularity,
        "ops": [[o.op, o.text] for o in d.body.ops],
        "stats": {
            "chars_added": s.chars_added,
            "chars_removed": s.chars_removed,
            "words_added": s.words_added,
            "words_removed": s.words_removed,
            "similarity": s.similarity,
        },
        "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in d.fields],
    }


def render_json(d: VersionDiff) -> str:
    """Render a version diff as one JSON document (UTF-8 text, indented, no final newline).

    Args:
        d: The diff to render.

    Returns:
        The document described in ``docs/diff-format.md``.
    """
    return json.dumps(diff_to_dict(d), ensure_ascii=False, indent=2)


def version_to_dict(v: Version, *, text: bool = True) -> dict[str, Any]:
    """Describe a version as JSON-ready data.

    Args:
        v: The version.
        text: Whether to include the full ``text``.

    Returns:
        A dict of the version's fields with times formatted by :func:`format_utc`.
    """
    data: dict[str, Any] = {
        "id": v.id,
        "url": v.url,
        "number": v.number,
        "title": v.title,
        "byline": v.byline,
        "published_at": format_utc(v.published_at),
        "modified_at": format_utc(v.modified_at),
        "first_captured_at": format_utc(v.first_captured_at),
        "last_captured_at": format_utc(v.last_captured_at),
        "capture_count": v.capture_count,
        "reverted_to": v.reverted_to,
        "content_hash": v.content_hash,
        "text_hash": v.text_hash,
        "metadata": dict(v.metadata),
    }
    if text:
        data["text"] = v.text
    return data


def capture_to_dict(c: Capture) -> dict[str, Any]:
    """Describe a capture as JSON-ready data.

    Args:
        c: The capture.

    Returns:
        A dict of the capture's fields; HTTP headers as ``[name, value]`` pairs.
    """
    return {
        "id": c.id,
        "url": c.url,
        "captured_at": format_utc(c.captured_at),
        "source": c.source,
        "version_id": c.version_id,
        "version": c.version,
        "content_hash": c.content_hash,
        "text_hash": c.text_hash,
        "html_hash": c.html_hash,
        "title": c.title,
        "byline": c.byline,
        "published_at": format_utc(c.published_at),
        "modified_at": format_utc(c.modified_at),
        "fetched_url": c.fetched_url,
        "http_status": c.http_status,
        "http_headers": [[name, value] for name, value in c.http_headers],
        "quality": c.quality,
        "metadata": dict(c.metadata),
    }


def article_to_dict(a: Article) -> dict[str, Any]:
    """Describe an article as JSON-ready data.

    Args:
        a: The article.

    Returns:
        A dict of the article's fields with times formatted by :func:`format_utc`.
    """
    return {
        "url": a.url,
        "aliases": list(a.aliases),
        "title": a.title,
        "version_count": a.version_count,
        "capture_count": a.capture_count,
        "first_captured_at": format_utc(a.first_captured_at),
        "last_captured_at": format_utc(a.last_captured_at),
        "last_changed_at": format_utc(a.last_changed_at),
    }


def import_report_to_dict(report: ImportReport) -> dict[str, Any]:
    """Describe what a JSON Lines or capture-file import did as JSON-ready data.

    Args:
        report: The import's report.

    Returns:
        The counts, and ``problems`` each with its ``line`` (or file number) and ``reason``.
    """
    return {
        "lines": report.lines,
        "captures_added": report.captures_added,
        "versions_added": report.versions_added,
        "unchanged": report.unchanged,
        "unit": report.unit,
        "problems": [problem_to_dict(p, "line") for p in report.problems],
    }


def log_to_dict(url: str, entries: Sequence[LogEntry]) -> dict[str, Any]:
    """Describe an article's log as JSON-ready data.

    Args:
        url: The article's canonical URL.
        entries: The log's entries, from ``Archive.log``.

    Returns:
        ``url`` and ``versions``: each version without text, with its ``size``, change
        ``summary``, ``significance``, ``reasons`` (codes) and ``stealth``.
    """
    return {
        "url": url,
        "versions": [
            {
                **version_to_dict(e.version, text=False),
                "size": len(e.version.text),
                "summary": e.summary,
                "significance": e.significance,
                "reasons": list(e.reasons),
                "stealth": e.stealth,
            }
            for e in entries
        ],
    }


def report_to_dict(
    versions: Sequence[Version],
    diffs: Sequence[VersionDiff],
    *,
    analysis: Mapping[int, ChangeSummary] | None = None,
) -> dict[str, Any]:
    """Describe an article's history report as JSON-ready data: what its page shows.

    Takes the arguments of :func:`newsarchive.render.html.render_report`.

    Returns:
        ``url``, ``versions`` (without text, each with its ``analysis``) and ``diffs``
        (each as :func:`diff_to_dict` describes it).
    """
    computed = analysis or {}
    return {
        "url": versions[-1].url if versions else None,
        "versions": [
            {
                **version_to_dict(v, text=False),
                "analysis": _summary(v, computed.get(v.number)) if v.number > 1 else None,
            }
            for v in versions
        ],
        "diffs": [diff_to_dict(d) for d in diffs],
    }


def feed_to_dict(
    entries: Sequence[FeedEntry],
    *,
    feed_id: str,
    title: str,
    link: str | None = None,
    self_link: str | None = None,
) -> dict[str, Any]:
    """Describe a feed of new versions as JSON-ready data: what its Atom document holds.

    Takes the arguments of :func:`newsarchive.render.atom.render_feed` (but ``updated``).

    Returns:
        The feed's ids and links, and per entry its Atom ``id``, the version (without
        text), its ``analysis``, and the diff's ``stats`` and ``fields`` (null for a first
        version).
    """
    from .atom import version_entry_id  # feeds only: the atom module loads XML

    items = []
    for entry in entries:
        v = entry.version
        d = diff_to_dict(entry.diff) if entry.diff is not None else None
        items.append(
            {
                "id": version_entry_id(v),
                "version": version_to_dict(v, text=False),
                "analysis": _summary(v, entry.summary) if v.number > 1 else None,
                "stats": d["stats"] if d else None,
                "fields": d["fields"] if d else None,
            }
        )
    return {
        "feed_id": feed_id,
        "title": title,
        "link": link,
        "self_link": self_link,
        "entries": items,
    }


def _summary(v: Version, computed: ChangeSummary | None) -> dict[str, Any] | None:
    """A version's change analysis: as stored, else as computed for the page."""
    stored = v.analysis or {}
    summary: Mapping[str, Any] = computed or stored
    if not summary:
        return None
    return {key: summary.get(key) for key in ("level", "reasons", "stealth")}


def save_result_to_dict(result: SaveResult) -> dict[str, Any]:
    """Describe what one save stored: the flags, the version (without text), the capture."""
    return {
        "is_new_version": result.is_new_version,
        "is_new_capture": result.is_new_capture,
        "reverted_to": result.reverted_to,
        "version": None if result.version is None else version_to_dict(result.version, text=False),
        "capture": capture_to_dict(result.capture),
    }


def listed_article_to_dict(a: Article) -> dict[str, Any]:
    """Describe an article as ``newsarchive list`` does: counts as ``versions``/``captures``."""
    return {
        "url": a.url,
        "title": a.title,
        "aliases": list(a.aliases),
        "versions": a.version_count,
        "captures": a.capture_count,
        "first_captured_at": format_utc(a.first_captured_at),
        "last_captured_at": format_utc(a.last_captured_at),
        "last_changed_at": format_utc(a.last_changed_at),
    }


def alignment_to_list(alignment: Alignment) -> list[dict[str, Any]]:
    """Describe a sentence alignment's changes: kind, sentences, indexes, word-diff ops."""
    return [
        {
            "kind": c.kind,
            "old": c.old,
            "new": c.new,
            "old_index": c.old_index,
            "new_index": c.new_index,
            "ops": [[o.op, o.text] for o in c.diff.ops] if c.diff else None,
        }
        for c in alignment.changes
    ]


def blame_to_dict(version: Version, lines: Sequence[BlameLine]) -> dict[str, Any]:
    """Describe the blame of a version: each sentence with the versions that wrote it."""
    return {
        "url": version.url,
        "version": version.number,
        "sentences": [
            {
                "index": b.index,
                "paragraph": b.paragraph,
                "text": b.text,
                "version": b.version,
                "version_id": b.version_id,
                "captured_at": format_utc(b.captured_at),
                "origin_version": b.origin_version,
                "origin_captured_at": format_utc(b.origin_captured_at),
            }
            for b in lines
        ],
    }


def change_to_dict(c: Change) -> dict[str, Any]:
    """Describe one entry of the changes across the archive."""
    return {
        "url": c.url,
        "title": c.title,
        "version": c.version,
        "version_id": c.version_id,
        "captured_at": format_utc(c.captured_at),
        "significance": c.level,
        "reasons": list(c.reasons),
        "stealth": c.stealth,
        "reverted_to": c.reverted_to,
    }


def schema_to_dict(location: str, version: int) -> dict[str, Any]:
    """Describe an archive's schema: where it is and its migration number."""
    return {"location": location, "schema_version": version}


# Batch reports' shapes live beside this module (they use the helpers above); imported
# last so that this module stays the one place to find every shape.
from .json_reports import (  # noqa: E402
    backfill_to_dict,
    cdxj_to_dict,
    copy_report_to_dict,
    feed_result_to_dict,
    item_result_to_dict,
    item_results_to_dict,
    problem_to_dict,
    run_report_to_dict,
    tables_export_to_dict,
    timemap_to_dict,
    wacz_export_to_dict,
    warc_export_to_dict,
    warc_import_to_dict,
)
