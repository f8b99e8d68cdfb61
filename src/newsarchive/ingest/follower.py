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

An article the archive held before the import is taken up where the store left it (see
:class:`StoredTails`): its latest versions are read back once, so its next version is
analysed as the save will, and a capture the store holds already is neither framed nor
analysed again, which makes a re-run of an import, or a file that grows day by day,
cost little more than reading it.
"""

from __future__ import annotations

import contextlib
import json
import re
import zlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ..errors import StorageError
from ..models import Version
from ..storage import CaptureRecord, version_id
from ..storage.framer import TextFramer
from ..times import from_micros, to_micros
from ..urls import canonical_url as make_canonical

if TYPE_CHECKING:
    from ..storage import ArticleTail, Store

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

# Stored captures of an article read at a time, to tell which lines of an import the
# archive holds already: a round trip per this many lines, and some 25 KB a worker keeps
# per article.
STORED_WINDOW = 128

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


class StoredTails(Protocol):
    """What a follower asks of the store an import saves into (a ``Store`` is one)."""

    def article_tail(self, url: str, keep: int) -> ArticleTail | None: ...

    def captures_from(
        self, url: str, since: datetime, limit: int
    ) -> list[tuple[datetime, str]]: ...


class OpenedTails:
    """A worker process's own connection to the store, opened when first asked.

    A forked worker never uses the connection it inherits: ``opener`` opens another. A
    store that cannot be opened again, or fails to answer, tells nothing from then on:
    every article is followed from its first capture in the import, as if it were new,
    and the save analyses what the worker could not. An import never fails for it.
    """

    def __init__(self, opener: Callable[[], Store]) -> None:
        self._opener: Callable[[], Store] | None = opener
        self._store: Store | None = None

    def _opened(self) -> Store | None:
        if self._store is None and self._opener is not None:
            with contextlib.suppress(StorageError):
                self._store = self._opener()
            self._opener = None
        return self._store

    def article_tail(self, url: str, keep: int) -> ArticleTail | None:
        store = self._opened()
        try:
            return None if store is None else store.article_tail(url, keep)
        except StorageError:
            self._store = None
            return None

    def captures_from(self, url: str, since: datetime, limit: int) -> list[tuple[datetime, str]]:
        store = self._opened()
        try:
            return [] if store is None else store.captures_from(url, since, limit)
        except StorageError:
            self._store = None
            return []


class _MetUrls:
    """The URLs a follower has met, as a Bloom filter of a megabyte.

    A URL met is always found again; one never met is found now and then (a few in a
    hundred after a million articles), which costs that article only what taking it up
    from the store would have saved.
    """

    _BITS = 1 << 23

    def __init__(self) -> None:
        self._bits = bytearray(self._BITS // 8)

    def add(self, url: str) -> bool:
        """Note ``url``; whether it was (as far as the filter can tell) met before."""
        h = hash(url)
        met = True
        for part in (h, h >> 21, h >> 42):
            at = part % self._BITS
            byte, bit = at >> 3, 1 << (at & 7)
            if not self._bits[byte] & bit:
                met = False
                self._bits[byte] |= bit
        return met


@attrs.define
class _Article:
    """What a worker keeps of an article: its latest versions and capture time."""

    versions: list[Version] = attrs.field(factory=list)
    firsts: dict[str, int] = attrs.field(factory=dict)
    last_at: int | None = None
    count: int = 0
    # Captured out of order: where its versions land is the store's to tell.
    lost: bool = False
    # Taken up from the store: the URL it is filed under, and its latest capture then.
    url: str | None = None
    stored_until: int | None = None
    # The stored captures (time, content hash) from ``window[0]`` to ``window[1]``, read
    # when first needed: a line of the import at or before ``stored_until`` may be one.
    stored: frozenset[tuple[int, str]] = frozenset()
    window: tuple[int, int] | None = None


class ArticleFollower:
    """One worker's view of its articles' timelines, as the store will build them."""

    def __init__(
        self,
        summarise: Summarise | None,
        limit: int = KEPT_ARTICLES,
        tails: StoredTails | None = None,
    ) -> None:
        self.framer = TextFramer(limit)
        self._summarise = summarise
        self._articles: dict[str, _Article] = {}
        self._limit = limit
        self._tails = tails
        self._met = _MetUrls() if tails is not None else None

    @property
    def analyses(self) -> bool:
        """Whether it analyses versions ahead (else it only frames texts)."""
        return self._summarise is not None

    def archived(self, record: CaptureRecord) -> bool:
        """Whether the store holds this capture already (asked only of one no later than
        the article's latest capture when this follower took it up): a save of it adds
        nothing, so there is nothing to frame or analyse. Ask before ``follow``."""
        if self._tails is None:
            return False
        article = self._article(record.url)
        at = to_micros(record.captured_at)
        if article.stored_until is None or at > article.stored_until:
            # Past what the store held: no later line of it can be archived either (a line
            # out of order is a backfill, which the save checks).
            article.stored, article.window = frozenset(), None
            return False
        if article.window is None or not article.window[0] <= at <= article.window[1]:
            # A file imported again, or grown since: its archived lines come in time order,
            # so the next stretch of stored captures is what the next lines ask about.
            rows = self._tails.captures_from(record.url, record.captured_at, STORED_WINDOW)
            article.stored = frozenset((to_micros(t), h) for t, h in rows)
            # A full stretch may stop among captures made at one time: those are read again
            # with the next. A shorter one holds every stored capture from here on.
            full = len(rows) == STORED_WINDOW
            article.window = (at, to_micros(rows[-1][0]) - 1 if full else article.stored_until)
        return (at, record.content_hash) in article.stored

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
        url = article.url or record.url
        version = Version(
            id=version_id(url, at, bytes.fromhex(record.content_hash)),
            url=url,
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
            article = self._taken_up(url)
            if len(self._articles) >= self._limit:
                del self._articles[next(iter(self._articles))]
        self._articles[url] = article  # the most recently seen now
        return article

    def _taken_up(self, url: str) -> _Article:
        """A new article to follow: where the store left it, if it holds it.

        Only the first time this follower meets it: the store then holds none of the
        import's captures of it (every one comes here first). Met again, after it was
        forgotten for room, it may hold some and not yet others; it is followed from
        scratch then, and its versions are analysed after the save.
        """
        if self._tails is None or self._met is None or self._met.add(url):
            return _Article()
        tail = self._tails.article_tail(url, KEPT_VERSIONS)
        if tail is None:
            return _Article()
        latest = tail.versions[-1]
        self.framer.start(
            url, latest.text_hash, latest.text.encode("utf-8", "surrogatepass"), tail.text_depth
        )
        return _Article(
            versions=list(tail.versions),
            firsts=dict(tail.firsts),
            last_at=tail.last_captured_at,
            count=latest.number,
            url=tail.url,
            stored_until=tail.last_captured_at,
        )
