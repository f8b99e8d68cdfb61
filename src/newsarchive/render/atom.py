"""Atom feeds (RFC 4287) of new versions: one entry per version, newest first.

Each entry carries a one-line change summary and the diff as escaped HTML content, with
insertions and deletions as ``<ins>``/``<del>`` so feed readers that drop styles still show
them. Entry ids are ``urn:uuid:`` URIs derived from the version id, so an entry keeps its id
when a backfilled capture renumbers the timeline. Text that XML cannot carry (control
characters, lone surrogates) becomes U+FFFD; only ``http(s)`` URLs become links.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

import attrs

from ..errors import InputError
from ..models import (
    DELETE,
    EQUAL,
    INSERT,
    DiffOp,
    Version,
    VersionDiff,
    field_label,
    reading_order,
)
from ._markup import (
    ChangeSummary,
    clean_text,
    field_changes_html,
    line_ops,
    ops_html,
    reason_text,
    safe_href,
    summary_of,
)

__all__ = [
    "ATOM_NAMESPACE",
    "FeedEntry",
    "archive_feed_id",
    "article_feed_id",
    "render_feed",
    "version_entry_id",
]

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
# Namespace for the name-based UUIDs of entry and feed ids; fixed forever, as ids must be.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://newsarchive.invalid/atom-ids")
# Unchanged paragraphs kept around each change; the rest is elided so entries stay short.
_CONTEXT_LINES = 1


@attrs.frozen(kw_only=True)
class FeedEntry:
    """One new version: the diff from its predecessor (None for a first version).

    ``summary`` defaults to the change analysis stored with the version.
    """

    version: Version
    diff: VersionDiff | None = None
    summary: ChangeSummary | None = None


def version_entry_id(version: Version) -> str:
    """The Atom entry id of a version: a ``urn:uuid:`` URI stable for its version id.

    Args:
        version: The version the entry announces.

    Returns:
        The URI.
    """
    return _urn(f"version:{version.id}")


def article_feed_id(url: str) -> str:
    """The Atom feed id of one article's feed: a ``urn:uuid:`` URI stable for its URL.

    Args:
        url: The article's canonical URL.

    Returns:
        The URI.
    """
    return _urn(f"article:{url}")


def archive_feed_id(name: str) -> str:
    """The Atom feed id of a whole archive, named by ``name`` (e.g. its location)."""
    return _urn(f"archive:{name}")


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, name.encode('utf-8', 'surrogatepass').hex())}"


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _summary_text(entry: FeedEntry) -> str:
    parts = []
    d = entry.diff
    if d is None:
        parts.append("First version captured")
    else:
        parts.extend(f"{field_label(change.field)} changed" for change in d.fields)
        if d.body.has_changes:
            stats = d.body.stats
            parts.append(f"+{stats.words_added:,}/-{stats.words_removed:,} words")
        else:
            parts.append("no text change")
    summary = entry.summary
    if summary is None and d is not None and d.old.number == entry.version.number - 1:
        summary = summary_of(entry.version)
    summary = summary or {}
    if summary.get("level"):
        reasons = ", ".join(reason_text(r) for r in reading_order(summary.get("reasons", ())))
        parts.append(f"{summary['level']}" + (f" ({reasons})" if reasons else ""))
    if summary.get("stealth"):
        parts.append("stealth edit")
    if entry.version.reverted_to is not None:
        parts.append(f"reverted to version {entry.version.reverted_to}")
    return "; ".join(parts)


def _changed(line: Sequence[DiffOp]) -> bool:
    return any(op.op != EQUAL for op in line)


def _diff_html(ops: Sequence[DiffOp]) -> str:
    """The diff as paragraphs, keeping only changed ones and a little context."""
    lines = [
        line for line in line_ops(ops, (DELETE, EQUAL, INSERT)) if any(o.text.strip() for o in line)
    ]
    keep: set[int] = set()
    for n, line in enumerate(lines):
        if _changed(line):
            keep.update(range(n - _CONTEXT_LINES, n + _CONTEXT_LINES + 1))
    parts, elided = [], False
    for n, line in enumerate(lines):
        if n in keep:
            parts.append(f"<p>{ops_html(line)}</p>")
            elided = False
        elif not elided:
            parts.append("<p>…</p>")
            elided = True
    return "\n".join(parts)


def _content_html(entry: FeedEntry) -> str:
    parts = [f"<p><strong>{ops_html([DiffOp(EQUAL, _summary_text(entry))])}</strong></p>"]
    d = entry.diff
    if d is None:
        lines = line_ops([DiffOp(EQUAL, entry.version.text)], (EQUAL,))
        parts.extend(f"<p>{ops_html(line)}</p>" for line in lines if line)
    else:
        parts.append(field_changes_html(d.fields))
        if d.body.has_changes:
            parts.append(_diff_html(d.body.ops))
    return "\n".join(part for part in parts if part)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: clean_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _entry(feed: ET.Element, entry: FeedEntry) -> None:
    version = entry.version
    element = _sub(feed, "entry")
    headline = version.title or version.url
    label = "first version" if entry.diff is None else f"version {version.number}"
    _sub(element, "title", f"{headline} ({label})")
    _sub(element, "id", version_entry_id(version))
    _sub(element, "updated", _rfc3339(version.first_captured_at))
    _sub(element, "published", _rfc3339(version.first_captured_at))
    href = safe_href(version.url)
    if href is not None:
        _sub(element, "link", rel="alternate", type="text/html", href=href)
    if version.byline:
        _sub(_sub(element, "author"), "name", version.byline)
    _sub(element, "summary", _summary_text(entry), type="text")
    _sub(element, "content", _content_html(entry), type="html")


def render_feed(
    entries: Sequence[FeedEntry],
    *,
    feed_id: str,
    title: str,
    updated: datetime | None = None,
    link: str | None = None,
    self_link: str | None = None,
) -> str:
    """Render new versions as an Atom 1.0 feed.

    Args:
        entries: The versions to announce; they are written newest first.
        feed_id: The feed's permanent id, an IRI (see :func:`article_feed_id`).
        title: The feed's title.
        updated: When the feed last changed; defaults to the newest entry's time.
        link: The page the feed is about (the article's URL), if any; only http(s) is linked.
        self_link: Where the feed itself will be published, if known.

    Returns:
        The feed as an XML document (UTF-8 declared), ending in a newline.

    Raises:
        InputError: there are no entries and no ``updated`` time, or ``feed_id`` is not a URI.
    """
    if ":" not in feed_id or any(c.isspace() for c in feed_id):
        raise InputError(f"a feed id must be a URI, e.g. urn:uuid:..., not {feed_id!r}")
    ordered = sorted(
        entries,
        key=lambda e: (e.version.first_captured_at, e.version.url, e.version.number),
        reverse=True,
    )
    if updated is None:
        if not ordered:
            raise InputError("an empty feed needs an explicit updated time")
        updated = ordered[0].version.first_captured_at
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE})
    _sub(feed, "title", title)
    _sub(feed, "id", feed_id)
    _sub(feed, "updated", _rfc3339(updated))
    if link is not None and safe_href(link) is not None:
        _sub(feed, "link", rel="alternate", type="text/html", href=link)
    if self_link is not None and safe_href(self_link) is not None:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=self_link)
    # A feed-level author covers entries whose version has no byline (RFC 4287 4.1.1).
    _sub(_sub(feed, "author"), "name", "newsarchive")
    _sub(feed, "generator", "newsarchive")
    for entry in ordered:
        _entry(feed, entry)
    ET.indent(feed, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
