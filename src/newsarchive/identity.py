"""One article under several URLs: finding it, merging two articles, splitting them again.

:func:`find_same_article` tells the scraper that a URL it has never seen is an
article it already holds: the page declares the same publisher id (JSON-LD
``identifier``/``@id``), its URL path carries the same numeric id as a recent
article of the same site, or its text is near-identical to an article fetched from
the same feed in the last days.

Sites change an article's URL when they change its headline. :func:`merge_articles`
files every capture of one article under another and keeps the first one's URL (and
its aliases) as aliases, so a fetch of either URL lands in one history. Each moved
capture keeps ``metadata["merged_from"]``, which is what :func:`split_articles` reads
to undo it. Both rewrite the two articles in one transaction: nothing is lost if they
fail, and the versions are rebuilt from the captures in timeline order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from .errors import InputError, NotFoundError
from .ingest.records import prepare_record
from .models import Article, Capture

if TYPE_CHECKING:
    from .archive import Archive
    from .storage import CaptureRecord

MERGED_FROM = "merged_from"
# How far back an article counts as a candidate for a new URL of the same story.
RECENT = timedelta(days=3)
# Shared share of word trigrams from which two texts are the same article.
NEAR_IDENTICAL = 0.95
# A run of digits this long in a URL path is the site's article id.
_NUMERIC_ID = re.compile(r"(?<![0-9])[0-9]{6,}(?![0-9])")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class SameArticle:
    """An article a new URL belongs to, and why."""

    url: str
    reason: str


@attrs.frozen
class _Known:
    """What a search compares of one article's latest version."""

    publisher_id: str | None
    feed: str | None
    text: str


@attrs.define
class IdentityIndex:
    """The recent articles a new URL may belong to, read once for a run of fetches.

    Listing the archive's articles and reading their latest versions is the cost of
    a search; a scraper keeps one index for its whole run, tells it about each
    article it creates (:meth:`add`), and so pays it once.
    """

    archive: Archive
    recent: timedelta = RECENT
    _by_host: dict[str, list[Article]] | None = attrs.field(default=None, init=False)
    _ids: dict[str, set[str]] = attrs.field(factory=dict, init=False)
    _known: dict[str, _Known | None] = attrs.field(factory=dict, init=False)
    _shingles: dict[str, set[tuple[str, ...]]] = attrs.field(factory=dict, init=False)

    def find(
        self,
        url: str,
        *,
        text: str,
        publisher_id: str | None = None,
        feed: str | None = None,
        now: datetime,
    ) -> SameArticle | None:
        """The archived article a newly seen URL is another address of, if any.

        Candidates are the articles of the same host captured within ``recent`` of ``now``.

        Args:
            url: the new URL.
            text: the text extracted from it.
            publisher_id: the id its page declares (``metadata["page"]["publisher_id"]``).
            feed: the watch source it came from; near-identical text counts only within one.
            now: the time of the fetch.

        Returns:
            The article and the reason (``publisher id``, ``id in the URL``,
            ``near-identical text``), or None.
        """
        since = now - self.recent
        candidates = [
            a
            for a in self._host(urlsplit(url).hostname or "")
            if a.last_captured_at is not None and a.last_captured_at >= since
            and a.url != url and url not in a.aliases
        ]  # fmt: skip
        numeric = set(_NUMERIC_ID.findall(urlsplit(url).path))
        # Cheapest first: the URLs alone, then what each latest version declares.
        for article in candidates if numeric else ():
            shared = numeric & self._url_ids(article)
            if shared:
                return SameArticle(url=article.url, reason=f"id {min(shared)} in the URL")
        shingles = _shingles(text) if feed else set()
        if not publisher_id and not shingles:
            return None
        for article in candidates:
            known = self._latest(article.url)
            if known is None:
                continue
            if publisher_id and known.publisher_id == publisher_id:
                return SameArticle(url=article.url, reason=f"publisher id {publisher_id}")
            if shingles and known.feed == feed:
                other = self._shingles.setdefault(article.url, _shingles(known.text))
                if len(shingles & other) >= NEAR_IDENTICAL * max(len(shingles), len(other)):
                    return SameArticle(
                        url=article.url, reason=f"near-identical text in feed {feed}"
                    )
        return None

    def add(self, url: str) -> None:
        """Count an article saved during the run among the candidates.

        Args:
            url: any URL of the article.
        """
        if self._by_host is None:
            return  # read in full at the first search
        article = self.archive.article(url)
        host = urlsplit(article.url).hostname or ""
        others = [a for a in self._by_host.get(host, []) if a.url != article.url]
        self._by_host[host] = [article, *others]
        for cache in (self._ids, self._known, self._shingles):
            cache.pop(article.url, None)

    def _host(self, host: str) -> list[Article]:
        if self._by_host is None:
            self._by_host = {}
            for article in self.archive.articles():
                if article.version_count:
                    name = urlsplit(article.url).hostname or ""
                    self._by_host.setdefault(name, []).append(article)
            for articles in self._by_host.values():
                articles.sort(key=lambda a: a.last_captured_at or _EPOCH, reverse=True)
        return self._by_host.get(host, [])

    def _url_ids(self, article: Article) -> set[str]:
        found = self._ids.get(article.url)
        if found is None:
            found = {
                n
                for u in (article.url, *article.aliases)
                for n in _NUMERIC_ID.findall(urlsplit(u).path)
            }
            self._ids[article.url] = found
        return found

    def _latest(self, url: str) -> _Known | None:
        if url not in self._known:
            try:
                version = self.archive.get(url)
            except NotFoundError:
                self._known[url] = None
            else:
                page = version.metadata.get("page")
                declared = page.get("publisher_id") if isinstance(page, Mapping) else None
                feed = version.metadata.get("watch_source")
                self._known[url] = _Known(
                    publisher_id=str(declared) if declared is not None else None,
                    feed=feed if isinstance(feed, str) else None,
                    text=version.text,
                )
        return self._known[url]


def find_same_article(
    archive: Archive,
    url: str,
    *,
    text: str,
    publisher_id: str | None = None,
    feed: str | None = None,
    now: datetime,
    recent: timedelta = RECENT,
) -> SameArticle | None:
    """The archived article a newly seen URL is another address of (see :class:`IdentityIndex`).

    Args:
        archive: the archive.
        url: the new URL.
        text: the text extracted from it.
        publisher_id: the id its page declares.
        feed: the watch source it came from.
        now: the time of the fetch.
        recent: how far back candidates go.

    Returns:
        The article and the reason, or None.
    """
    index = IdentityIndex(archive, recent=recent)
    return index.find(url, text=text, publisher_id=publisher_id, feed=feed, now=now)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


@attrs.frozen(kw_only=True)
class IdentityChange:
    """What a merge or a split did: the article kept, the other URL, captures moved."""

    url: str
    other_url: str
    captures_moved: int
    versions: int


def merge_articles(archive: Archive, url: str, other_url: str) -> IdentityChange:
    """File every capture of ``other_url``'s article under ``url``'s article.

    Args:
        archive: the archive.
        url: the article to keep (any of its URLs).
        other_url: the article to fold into it; its URL and aliases become aliases.

    Returns:
        The article kept, how many captures moved and how many versions it now has.

    Raises:
        NotFoundError: either article is missing.
        InputError: both URLs are already one article.
    """
    kept, other = archive.article(url), archive.article(other_url)
    if kept.url == other.url:
        raise InputError(f"{other_url} is already filed under {kept.url}")
    moved = archive.captures(other.url)
    aliases = (other.url, *other.aliases)
    records = [_record(archive, c, kept.url, aliases=aliases) for c in archive.captures(kept.url)]
    records += [
        _record(archive, c, kept.url, aliases=aliases, metadata={MERGED_FROM: other.url})
        for c in moved
    ]
    # The merged article is analysed in the same transaction.
    archive.replace_articles([kept.url, other.url], _in_time_order(records))
    return IdentityChange(
        url=kept.url,
        other_url=other.url,
        captures_moved=len(moved),
        versions=len(archive.history(kept.url)),
    )


def split_articles(archive: Archive, url: str, other_url: str) -> IdentityChange:
    """Undo :func:`merge_articles`: give ``other_url`` its own article again.

    Args:
        archive: the archive.
        url: the merged article (any of its URLs).
        other_url: the URL that was merged into it.

    Returns:
        The article split off (``url``), the one kept (``other_url``), captures moved.

    Raises:
        NotFoundError: no article for ``url``.
        InputError: no capture of that article was merged from ``other_url``.
    """
    merged = archive.article(url)
    captures = archive.captures(merged.url)
    back = [c for c in captures if c.metadata.get(MERGED_FROM) == other_url]
    if not back:
        raise InputError(f"no capture of {merged.url} was merged from {other_url}")
    kept_aliases = tuple(a for a in merged.aliases if a != other_url)
    records = [
        _record(archive, c, merged.url, aliases=kept_aliases)
        for c in captures
        if c.metadata.get(MERGED_FROM) != other_url
    ]
    records += [
        _record(archive, c, other_url, aliases=(), metadata={MERGED_FROM: None}) for c in back
    ]
    # Both articles are analysed in the same transaction.
    archive.replace_articles([merged.url], _in_time_order(records))
    return IdentityChange(
        url=other_url,
        other_url=merged.url,
        captures_moved=len(back),
        versions=len(archive.history(other_url)),
    )


def _record(
    archive: Archive,
    capture: Capture,
    url: str,
    *,
    aliases: Iterable[str],
    metadata: Mapping[str, Any] | None = None,
) -> CaptureRecord:
    changed = dict(capture.metadata)
    for key, value in (metadata or {}).items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    record = prepare_record(
        capture.fetched_url or url,
        text=archive.text_of(capture),
        html=archive.raw_html(capture),
        title=capture.title,
        byline=capture.byline,
        captured_at=capture.captured_at,
        published_at=capture.published_at,
        modified_at=capture.modified_at,
        metadata=changed,
        canonical_url=url,
        source=capture.source,
        fetched_url=capture.fetched_url,
        http_status=capture.http_status,
        http_headers=capture.http_headers,
        quality=capture.quality,
    )
    # The stored content hash, so captures group into versions as they did before.
    every = (set(record.aliases) | set(aliases)) - {url}
    return attrs.evolve(
        record, url=url, aliases=tuple(sorted(every)), content_hash=capture.content_hash
    )


def _in_time_order(records: list[CaptureRecord]) -> list[CaptureRecord]:
    # Saved in timeline order, every capture appends: the versions come out as a
    # replay of both histories would make them.
    return sorted(records, key=lambda r: r.captured_at)
