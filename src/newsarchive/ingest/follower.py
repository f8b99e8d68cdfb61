"""What an import's worker keeps of its articles' timelines, and which lines are its.

A scraper's captures of many articles are interleaved in time, so a block of lines holds
a little of every article. Were blocks dealt to whichever worker is free, no worker would
see an article's previous capture: the store would compress every text again against the
text before it, and analyse every version against a predecessor read back from the store.
Instead every worker reads every block and prepares the lines of its share of the
articles (see :class:`Router`), and keeps, from one block to the next, each of its
articles' latest text and latest versions. It frames a text as a delta against the text
before it, and analyses a new version against the version before it, as the store will
after the save; the store and the import's analysis take that work where it is what they
would have done themselves (same base; same predecessor, number and revert mark), and do
it again otherwise.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ..models import Version
from ..storage import CaptureRecord, version_id
from ..storage.framer import TextFramer
from ..times import from_micros, to_micros
from ..urls import canonical_url as make_canonical

#: How a worker analyses an article's next version: given the versions before it that
#: the worker kept (oldest first, the predecessor last; at most ``KEPT_VERSIONS``) and the
#: new version, the stored summary of its analysis, or None when the kept versions are
#: not enough to be sure of it (the import then analyses it after the save).
Summarise = Callable[[Sequence[Version], Version], "dict[str, Any] | None"]

# Articles a worker keeps the latest text and versions of, the least recently seen
# forgotten first: with ~10 KB texts some 60 MB a worker, and a scraper's captures of
# one article rarely lie further apart in its output than this many other articles.
KEPT_ARTICLES = 2048
# Versions kept per article: enough for the look-backs of an analysis (a headline test
# looks back six hours), which says when they are not.
KEPT_VERSIONS = 16

# A line's "canonical_url" and "url" fields, found without parsing the line.
_CANONICAL = re.compile(rb'"canonical_url"\s*:\s*("(?:[^"\\]|\\.)*")')
_URL = re.compile(rb'"url"\s*:\s*("(?:[^"\\]|\\.)*")')


class Router:
    """Which worker prepares a line: the same for every line of one article.

    The article is the one the line is filed under: its canonical URL, as the save finds
    it. A line whose URL this cannot read (it is not JSON, say) goes to the first worker,
    which reports it as the parse finds it.
    """

    def __init__(self, shards: int) -> None:
        self.shards = shards
        self._known: dict[bytes, int] = {}

    def __call__(self, data: bytes, start: int = 0, end: int | None = None) -> int:
        """The worker of the line ``data[start:end]`` (the whole of ``data`` by default),
        read in place: a worker routes every line of a block, and copying each out of it
        would cost more than the search."""
        end = len(data) if end is None else end
        # A plain search first: the regular expression would scan a whole long line for a
        # field most lines do not have.
        found = (
            data.find(b'"canonical_url"', start, end) >= 0 and _CANONICAL.search(data, start, end)
        ) or _URL.search(data, start, end)
        if found is None:
            return 0
        quoted = found.group(1)
        shard = self._known.get(quoted)
        if shard is None:
            shard = self._known[quoted] = self._shard(quoted)
            if len(self._known) > KEPT_ARTICLES:
                del self._known[next(iter(self._known))]
        return shard

    def _shard(self, quoted: bytes) -> int:
        try:
            url = make_canonical(json.loads(quoted))
        except Exception:  # noqa: BLE001 - a URL the save refuses: its worker reports it
            return 0
        return zlib.crc32(url.encode("utf-8", "surrogatepass")) % self.shards


@attrs.frozen
class AnalysedAhead:
    """A version a worker analysed before it was saved, and what it took for granted.

    The summary holds when the store gives the version this number, this predecessor and
    this revert mark: then the worker saw the article's whole timeline up to it.
    """

    id: str
    number: int
    against: str | None
    reverted_to: int | None
    summary: dict[str, Any]


@attrs.define
class _Article:
    """What a worker keeps of an article: its latest versions and capture time."""

    versions: list[Version] = attrs.field(factory=list)
    firsts: dict[str, int] = attrs.field(factory=dict)
    last_at: int | None = None
    count: int = 0
    # Captured out of order: where its versions land is the store's to tell.
    lost: bool = False


class ArticleFollower:
    """One worker's view of its articles' timelines, as the store will build them."""

    def __init__(self, summarise: Summarise | None, limit: int = KEPT_ARTICLES) -> None:
        self.framer = TextFramer(limit)
        self._summarise = summarise
        self._articles: dict[str, _Article] = {}
        self._limit = limit

    @property
    def analyses(self) -> bool:
        """Whether it analyses versions ahead (else it only frames texts)."""
        return self._summarise is not None

    def follow(self, record: CaptureRecord) -> AnalysedAhead | None:
        """Take in a capture prepared by this worker (its text not yet framed), in input
        order; returns the analysis of the version it makes, if it makes one that can be
        analysed ahead."""
        if record.quality is not None:
            return None  # a capture of a failed page makes no version
        article = self._article(record.url)
        at = to_micros(record.captured_at)
        if article.lost or (article.last_at is not None and at <= article.last_at):
            # At or before the latest capture: a backfill, which may renumber versions.
            article.lost = True
            return None
        article.last_at = at
        versions = article.versions
        if versions and versions[-1].content_hash == record.content_hash:
            versions[-1] = attrs.evolve(
                versions[-1],
                last_captured_at=from_micros(at),
                capture_count=versions[-1].capture_count + 1,
            )
            return None
        article.count += 1
        number = article.count
        first = article.firsts.setdefault(record.content_hash, number)
        when = from_micros(at)
        version = Version(
            id=version_id(record.url, at, bytes.fromhex(record.content_hash)),
            url=record.url,
            number=number,
            text=record.text,
            title=record.title,
            byline=record.byline,
            published_at=record.published_at,
            modified_at=record.modified_at,
            metadata=dict(record.metadata),
            content_hash=record.content_hash,
            text_hash=record.text_hash,
            first_captured_at=when,
            last_captured_at=when,
            reverted_to=None if first == number else first,
        )
        ahead = None
        if self._summarise is not None:
            summary = self._summarise(versions, version)
            if summary is not None:
                ahead = AnalysedAhead(
                    id=version.id,
                    number=number,
                    against=versions[-1].id if versions else None,
                    reverted_to=version.reverted_to,
                    summary=summary,
                )
        if versions:
            # Only the latest version's text is analysed against: the look-backs read
            # titles, times and hashes.
            versions[-1] = attrs.evolve(versions[-1], text="")
        versions.append(version)
        if len(versions) > KEPT_VERSIONS:
            del versions[0]
        return ahead

    def _article(self, url: str) -> _Article:
        # An article forgotten for room starts again at number 1 here, and its versions'
        # numbers then differ from the store's: they are analysed after the save.
        article = self._articles.pop(url, None)
        if article is None:
            article = _Article()
            if len(self._articles) >= self._limit:
                del self._articles[next(iter(self._articles))]
        self._articles[url] = article  # the most recently seen now
        return article
