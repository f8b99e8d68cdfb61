"""Memento (RFC 7089) TimeMaps of an article's captures.

A TimeMap lists the original resource, the TimeMap itself, a TimeGate and one memento per
capture, in ``application/link-format`` (RFC 6690) with RFC 1123 datetimes. Memento URIs
follow the pywb layout ``{base}{YYYYMMDDhhmmss}/{url}``, so a WARC export indexed with
``newsarchive cdxj`` and served by pywb under ``base`` answers every link.

TimeGate negotiation itself (latest capture at or before a time) is
:meth:`newsarchive.Archive.get` with ``at=``.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from ..errors import InputError, NotFoundError
from ..times import as_utc

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = [
    "DEFAULT_BASE_URL",
    "Link",
    "Memento",
    "TimeMap",
    "format_http_date",
    "parse_link_format",
    "timemap",
]

DEFAULT_BASE_URL = "http://localhost:8080/newsarchive/"


def format_http_date(value: datetime) -> str:
    """RFC 1123 form, as Memento-Datetime uses: ``Tue, 06 Jun 2017 12:00:00 GMT``."""
    return email.utils.format_datetime(as_utc(value).replace(microsecond=0), usegmt=True)


@attrs.frozen(kw_only=True)
class Memento:
    """One capture as a memento."""

    uri: str
    datetime: datetime
    version: int | None
    capture_id: int


@attrs.frozen(kw_only=True)
class TimeMap:
    """Every memento of one original resource, oldest first."""

    original: str
    self_uri: str
    timegate_uri: str
    mementos: tuple[Memento, ...]

    def to_link_format(self) -> str:
        """Serialise as ``application/link-format``, one link per line."""
        links = [f'<{self.original}>; rel="original"']
        timemap = f'<{self.self_uri}>; rel="self"; type="application/link-format"'
        if self.mementos:
            timemap += (
                f'; from="{format_http_date(self.mementos[0].datetime)}"'
                f'; until="{format_http_date(self.mementos[-1].datetime)}"'
            )
        links.append(timemap)
        links.append(f'<{self.timegate_uri}>; rel="timegate"')
        last = len(self.mementos) - 1
        for index, memento in enumerate(self.mementos):
            rel = "memento"
            if index == last:
                rel = "last memento"
            if index == 0:
                rel = "first last memento" if last == 0 else "first memento"
            links.append(
                f'<{memento.uri}>; rel="{rel}"; datetime="{format_http_date(memento.datetime)}"'
            )
        return ",\n".join(links) + "\n"


def timemap(archive: Archive, url: str, *, base_url: str = DEFAULT_BASE_URL) -> TimeMap:
    """Build the TimeMap of an article: one memento per capture that became part of a version.

    Captures flagged with a quality problem are left out. Captures within the same second
    at the same URL share a memento URI and are listed once.

    Args:
        archive: the archive to read.
        url: the article's URL or an alias.
        base_url: where the mementos are served (pywb collection URL).

    Returns:
        The TimeMap, mementos oldest first.

    Raises:
        NotFoundError: the article is not in the archive.
    """
    article = archive.article(url)
    base = base_url if base_url.endswith("/") else base_url + "/"
    mementos: list[Memento] = []
    seen: set[str] = set()
    numbers = {v.id: v.number for v in archive.history(article.url)}
    for capture in archive.captures(article.url):
        if capture.quality is not None:
            continue
        target = capture.fetched_url or capture.url
        uri = f"{base}{as_utc(capture.captured_at):%Y%m%d%H%M%S}/{target}"
        if uri in seen:
            continue
        seen.add(uri)
        mementos.append(
            Memento(
                uri=uri,
                datetime=capture.captured_at,
                version=numbers.get(capture.version_id),
                capture_id=capture.id,
            )
        )
    if not mementos:
        raise NotFoundError(f"{url} has no captures to list")
    return TimeMap(
        original=article.url,
        self_uri=f"{base}timemap/link/{article.url}",
        timegate_uri=f"{base}{article.url}",
        mementos=tuple(mementos),
    )


@attrs.frozen(kw_only=True)
class Link:
    """One link of a link-format document: its target, relation types and parameters."""

    uri: str
    rel: tuple[str, ...]
    params: dict[str, str] = attrs.field(eq=True, hash=False)


_LINK = re.compile(r'\s*<([^>]*)>\s*((?:;\s*[\w.*-]+\s*=\s*(?:"[^"]*"|[^;,\s]*)\s*)*)\s*(?:,|$)')
_PARAM = re.compile(r';\s*([\w.*-]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))')


def parse_link_format(text: str) -> list[Link]:
    """Parse an ``application/link-format`` document (as TimeMaps are served).

    Args:
        text: the document.

    Returns:
        The links in order.

    Raises:
        InputError: the text is not link-format.
    """
    links: list[Link] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _LINK.match(text, position)
        if match is None or match.end() == position:
            raise InputError(f"not application/link-format at character {position}")
        params = {
            m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _PARAM.finditer(match.group(2))
        }
        rel = tuple(params.pop("rel", "").split())
        links.append(Link(uri=match.group(1), rel=rel, params=params))
        position = match.end()
    return links
