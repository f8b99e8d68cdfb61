"""The JSON shapes of diffs, versions, captures and articles.

Keys are snake_case and timestamps are ISO 8601 in UTC with a ``Z`` suffix
(``2024-05-01T12:00:00Z``, with ``.ffffff`` microseconds only when non-zero).
The diff document is specified in ``docs/diff-format.md``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..models import Article, Capture, Version, VersionDiff

__all__ = [
    "FORMAT_VERSION",
    "article_to_dict",
    "capture_to_dict",
    "diff_to_dict",
    "format_utc",
    "render_json",
    "version_to_dict",
]

# Bumped only for changes that break readers; adding keys is not one.
FORMAT_VERSION = 1


def format_utc(value: datetime | None) -> str | None:
    """Format an aware datetime as ISO 8601 in UTC with a ``Z`` suffix.

    Args:
        value: The time, or None.

    Returns:
        For example ``2024-05-01T12:00:00Z``, or None for None.
    """
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


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
