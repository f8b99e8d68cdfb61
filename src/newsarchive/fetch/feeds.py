"""Read article links out of RSS, Atom and JSON Feed documents.

RSS and Atom go through feedparser, given the bytes we fetched ourselves (so
feedparser never touches the network). JSON Feed is plain JSON.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin, urlsplit

import attrs

from ..errors import FetchError, MissingDependencyError


@attrs.frozen(kw_only=True)
class FeedEntry:
    """One item of a feed: the article link and what the feed says about it."""

    url: str
    title: str | None = None
    id: str | None = None


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> list[FeedEntry]:
    """List the article links of a feed, in feed order, without duplicates.

    Args:
        body: the feed as fetched.
        url: the feed's URL, to resolve relative links.
        content_type: the HTTP Content-Type, if known.

    Returns:
        One entry per distinct http(s) link.

    Raises:
        FetchError: the body is not a readable feed (``.url`` is the feed URL).
        MissingDependencyError: feedparser is missing.
    """
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") or (content_type or "").split(";")[0].strip().endswith("json"):
        entries = _parse_json_feed(stripped, url=url)
    else:
        entries = _parse_xml_feed(body, url=url, content_type=content_type)
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            unique.append(entry)
    return unique


def _parse_xml_feed(body: bytes, *, url: str, content_type: str | None) -> list[FeedEntry]:
    try:
        import feedparser  # type: ignore[import-untyped]
    except ImportError as exc:
        raise MissingDependencyError("Reading feeds", "scrape") from exc
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        raise FetchError(f"Not a readable feed: {url} ({problem or 'no entries'})", url=url)
    entries = []
    for item in parsed.entries:
        link = _link(item, url)
        if link:
            entries.append(FeedEntry(url=link, title=item.get("title"), id=item.get("id")))
    return entries


def _link(item: Any, base: str) -> str | None:
    candidates = [item.get("link")]
    candidates += [
        link.get("href")
        for link in item.get("links", [])
        if link.get("rel", "alternate") == "alternate"
    ]
    guid = item.get("id")
    if item.get("guidislink") or (isinstance(guid, str) and guid.startswith("http")):
        candidates.append(guid)
    for candidate in candidates:
        absolute = _absolute(candidate, base)
        if absolute:
            return absolute
    return None


def _parse_json_feed(body: bytes, *, url: str) -> list[FeedEntry]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FetchError(f"Not a readable feed: {url} (invalid JSON: {exc})", url=url) from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FetchError(f"Not a readable feed: {url} (JSON without an items list)", url=url)
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        link = _absolute(item.get("url"), url) or _absolute(item.get("external_url"), url)
        if link:
            title = item.get("title")
            entry_id = item.get("id")
            entries.append(
                FeedEntry(
                    url=link,
                    title=title if isinstance(title, str) else None,
                    id=str(entry_id) if entry_id is not None else None,
                )
            )
    return entries


def _absolute(value: object, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    resolved = urljoin(base, value.strip())
    parts = urlsplit(resolved)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts._replace(fragment="").geturl()
