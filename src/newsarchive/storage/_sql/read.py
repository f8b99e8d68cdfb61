"""Reading articles, versions, captures and changes back as model values."""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...errors import NotFoundError, StorageError
from ...models import Capture, Version
from ...times import from_micros, to_micros
from .. import _analysis, _pages
from .asof import VersionTimes
from .blobs import BLOB_DEPTH, SQLBlobs, by_key
from .headers import SQLHeaders
from .links import ArticleLinks
from .rows import (
    _CAPTURE_COLUMNS,
    _LEVELS,
    _VERSION_COLUMNS,
    LAST_CAPTURE,
    _string,
    _time,
    content_hash_of,
)

if TYPE_CHECKING:
    from ...models import Article, Change
    from ..records import AnalysisState, ArticleTail


# From a version number on: a save reads only the versions it may have put out of date.
ANALYSIS_STATES = (
    "SELECT id, number, reverted_to, analysis_frame, capture_id, first_captured_at"
    " FROM versions WHERE article_id = ? AND number >= ? ORDER BY number"
)
_LAST_VERSIONS = (
    f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN captures c ON c.id = v.capture_id"
    " WHERE v.article_id = ? ORDER BY v.number DESC LIMIT ?"
)
_VERSIONS_BETWEEN = (
    f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN captures c ON c.id = v.capture_id"
    " WHERE v.article_id = ? AND v.number BETWEEN ? AND ? ORDER BY v.number"
)
_CAPTURES_FROM = (
    f"SELECT c.captured_at, {content_hash_of('c')} FROM captures c"
    " WHERE c.article_id = ? AND c.captured_at >= ? ORDER BY c.captured_at LIMIT ?"
)
_FIRST_NUMBERS = (
    f"SELECT {content_hash_of('c')}, MIN(v.number) FROM versions v"
    " JOIN captures c ON c.id = v.capture_id WHERE v.article_id = ? GROUP BY 1"
)


class SQLReader(SQLBlobs, SQLHeaders, VersionTimes):
    """The read side of the Store protocol."""

    def _version_from_row(
        self,
        url: str,
        row: Any,
        links: ArticleLinks | None = None,
        *,
        text: bool = True,
        analysis: bool = True,
    ) -> Version:
        """The version a row of ``_VERSION_COLUMNS`` holds; without ``text`` or
        ``analysis``, those are left empty (not decoded)."""
        body = self._blob_bytes(bytes(row[8])).decode("utf-8", "surrogatepass") if text else ""
        return Version(
            id=row[1],
            url=url,
            number=row[0],
            text=body,
            title=row[9],
            byline=row[10],
            published_at=_time(row[11]),
            modified_at=_time(row[12]),
            metadata=json.loads(row[13]) if row[13] else {},
            analysis=None
            if row[7] is None or not analysis
            else _analysis.decode(
                row[7], links or ArticleLinks(self, url, int(row[14])), int(row[15])
            ),
            content_hash=bytes(row[2]).hex(),
            text_hash=bytes(row[8]).hex(),
            first_captured_at=from_micros(row[3]),
            last_captured_at=from_micros(row[4]),
            capture_count=row[5],
            reverted_to=row[6],
        )

    def _versions(self, url: str, article_id: int) -> list[Version]:
        rows = self._all(
            f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN captures c ON c.id = v.capture_id"
            " WHERE v.article_id = ? ORDER BY v.number",
            (article_id,),
        )
        links = ArticleLinks(self, url, article_id)
        for row in rows:
            links.know_head(int(row[15]), str(row[1]))
        return [self._version_from_row(url, r, links) for r in rows]

    def _version_where(self, url: str, where: str, params: Sequence[Any]) -> Version | None:
        row = self._one(
            f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN captures c ON c.id = v.capture_id"
            f" WHERE {where}",
            params,
        )
        return None if row is None else self._version_from_row(url, row)

    def _version_by_id(self, url: str, article_id: int, version_id: str) -> Version | None:
        return self._version_where(url, "v.article_id = ? AND v.id = ?", (article_id, version_id))

    def _version_at(self, url: str, article_id: int, at: int) -> Version | None:
        number = self._number_at(article_id, at)
        if number is None:
            return None
        return self._version_where(url, "v.article_id = ? AND v.number = ?", (article_id, number))

    def article_tail(self, url: str, keep: int) -> ArticleTail | None:
        from ..records import ArticleTail

        with self._read():
            found = self._article_row(url)
            if found is None:
                return None
            article_id, canonical = found
            rows = self._all(_LAST_VERSIONS, (article_id, keep))
            if not rows:
                return None
            last = rows[0]
            versions = [
                self._version_from_row(canonical, r, text=r is last, analysis=False)
                for r in rows[::-1]
            ]
            firsts = {bytes(h).hex(): int(n) for h, n in self._all(_FIRST_NUMBERS, (article_id,))}
            latest_capture = self._one(LAST_CAPTURE, (article_id,))
            depth = self._one(BLOB_DEPTH, by_key(bytes(last[8])))
            assert latest_capture is not None and depth is not None
            return ArticleTail(
                url=canonical,
                versions=tuple(versions),
                firsts=firsts,
                last_captured_at=int(latest_capture[0]),
                text_depth=int(depth[0]),
            )

    def captures_from(self, url: str, since: datetime, limit: int) -> list[tuple[datetime, str]]:
        with self._read():
            found = self._article_row(url)
            if found is None:
                return []
            rows = self._all(_CAPTURES_FROM, (found[0], to_micros(since), limit))
            return [(from_micros(r[0]), bytes(r[1]).hex()) for r in rows]

    def versions(self, url: str) -> list[Version]:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._versions(canonical, article_id)

    def analysis_states(
        self, url: str, *, basis_only: bool = False, since: int = 1
    ) -> list[AnalysisState]:
        # Here, as for articles and changes below: reading one article never needs them.
        from ..records import AnalysisState

        read = _analysis.basis if basis_only else _analysis.decode
        with self._read():
            article_id, canonical = self._require_article(url)
            rows = self._ahead_all(ANALYSIS_STATES, (article_id, since))
            links = ArticleLinks(self, canonical, article_id, since)
            for r in rows:
                links.know_head(int(r[4]), r[0])
            return [
                AnalysisState(
                    id=r[0],
                    number=int(r[1]),
                    reverted_to=None if r[2] is None else int(r[2]),
                    analysis=None if r[3] is None else read(r[3], links, int(r[4])),
                    first_captured_at=from_micros(r[5]),
                )
                for r in rows
            ]

    def version(self, url: str, number: int) -> Version | None:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._version_where(
                canonical, "v.article_id = ? AND v.number = ?", (article_id, number)
            )

    def versions_between(self, url: str, first: int, last: int) -> list[Version]:
        with self._read():
            article_id, canonical = self._require_article(url)
            rows = self._all(_VERSIONS_BETWEEN, (article_id, first, last))
            return [self._version_from_row(canonical, r, text=False, analysis=False) for r in rows]

    def version_by_id(self, url: str, version_id: str) -> Version | None:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._version_by_id(canonical, article_id, version_id)

    def latest_version(self, url: str) -> Version | None:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._version_where(
                canonical, "v.article_id = ? ORDER BY v.number DESC LIMIT 1", (article_id,)
            )

    def version_at(self, url: str, at: datetime) -> Version | None:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._version_at(canonical, article_id, to_micros(at))

    def _captures(
        self,
        url: str,
        article_id: int,
        where: str = "",
        params: Sequence[Any] = (),
        order: str = "c.captured_at, c.id",
    ) -> list[Capture]:
        versions = self._all(
            "SELECT v.number, v.id, c.captured_at, c.id FROM versions v"
            " JOIN captures c ON c.id = v.capture_id WHERE v.article_id = ? ORDER BY v.number",
            (article_id,),
        )
        starts = [(int(r[2]), int(r[3])) for r in versions]
        rows = self._all(
            f"SELECT {_CAPTURE_COLUMNS} FROM captures c WHERE c.article_id = ? {where}"
            f" ORDER BY {order}",
            (article_id, *params),
        )
        result = []
        for row in rows:
            number, vid = 0, ""
            if row[8] is None:
                index = bisect.bisect_right(starts, (int(row[1]), int(row[0]))) - 1
                if index >= 0:
                    number, vid = int(versions[index][0]), str(versions[index][1])
            result.append(self._capture_from_row(url, row, number, vid))
        return result

    def _capture_from_row(self, url: str, row: Any, number: int, vid: str) -> Capture:
        capture_id, at = int(row[0]), int(row[1])
        try:
            headers, page = _pages.detach(None if row[14] is None else bytes(row[14]))
        except ValueError as error:
            raise StorageError(f"the stored headers of capture {capture_id} are damaged") from error
        return Capture(
            id=capture_id,
            url=url,
            captured_at=from_micros(at),
            source=row[2],
            version_id=vid,
            version=number,
            content_hash=bytes(row[3]).hex(),
            text_hash=bytes(row[4]).hex(),
            html_hash=self._page_hash(capture_id, row[5], page, at),
            fetched_url=row[6],
            http_status=row[7],
            http_headers=self._stored_headers(capture_id, headers, at),
            quality=row[8],
            metadata=json.loads(row[9]) if row[9] else {},
            title=row[10],
            byline=row[11],
            published_at=_time(row[12]),
            modified_at=_time(row[13]),
        )

    def _page_hash(
        self, capture_id: int, blob_key: Any, delta: bytes | None, at: int
    ) -> str | None:
        """The sha256 of a capture's page: its blob's, or that of the page its row keeps."""
        if blob_key is None:
            return None
        if delta is None:
            return bytes(blob_key).hex()
        import hashlib  # here: it loads OpenSSL, which reading most archives never needs

        page = self._kept_page(capture_id, bytes(blob_key), delta, at)
        return hashlib.sha256(page).hexdigest()

    def _kept_page(self, capture_id: int, blob_key: bytes, delta: bytes | None, at: int) -> bytes:
        """A capture's page: blob ``blob_key``, or the page its row keeps against it."""
        if delta is None:
            return self._blob_bytes(blob_key)
        # Cached under what it is decoded from: a capture's id may pass to another after
        # a rollback, and no blob's sha256 starts like this key.
        key = b"page:%d:" % at + blob_key + delta
        found = self._cache.get(key)
        if found is None:
            try:
                found = _pages.decode(delta, self._blob_bytes(blob_key), at)
            except ValueError as error:
                raise StorageError(
                    f"the stored page of capture {capture_id} is damaged ({error})"
                ) from error
            self._cache.put(key, found)
        return found

    def page(self, capture_id: int) -> bytes:
        with self._read():
            row = self._one(
                "SELECT (SELECT h.hash FROM blobs h WHERE h.id = c.html_id),"
                " c.http_headers_zstd, c.captured_at FROM captures c WHERE c.id = ?",
                (capture_id,),
            )
            if row is None or row[0] is None:
                raise NotFoundError(f"capture {capture_id} kept no page")
            try:
                _, delta = _pages.detach(None if row[1] is None else bytes(row[1]))
            except ValueError as error:
                raise StorageError(f"the stored page of capture {capture_id} is damaged") from error
            return self._kept_page(capture_id, bytes(row[0]), delta, int(row[2]))

    def _capture_by_id(self, url: str, article_id: int, capture_id: int) -> Capture:
        return self._captures(url, article_id, "AND c.id = ?", (capture_id,))[0]

    def captures(self, url: str) -> list[Capture]:
        with self._read():
            article_id, canonical = self._require_article(url)
            return self._captures(canonical, article_id)

    def iter_captures(self, urls: Iterable[str] | None = None) -> Iterator[Capture]:
        if urls is None:
            with self._read():
                targets = [
                    (int(r[0]), str(r[1]))
                    for r in self._all("SELECT id, url FROM articles ORDER BY url")
                ]
        else:
            with self._read():
                targets = [self._require_article(u) for u in urls]
        for article_id, url in targets:
            with self._read():
                chunk = self._captures(url, article_id, order="c.id")
            yield from chunk

    def source_metadata(self, source: str) -> list[tuple[str, datetime, Mapping[str, Any]]]:
        with self._read():
            rows = self._all(
                f"SELECT a.url, c.captured_at, {_string('metadata')} FROM captures c"
                " JOIN articles a ON a.id = c.article_id"
                " WHERE c.source_id IN (SELECT id FROM strings WHERE value = ?)"
                " ORDER BY c.captured_at, c.id",
                (source,),
            )
        return [(str(r[0]), from_micros(r[1]), json.loads(r[2]) if r[2] else {}) for r in rows]

    def find_article(self, url: str) -> Article | None:
        with self._read():
            row = self._article_row(url)
            return None if row is None else self._article(*row)

    def _article(self, article_id: int, url: str) -> Article:
        from ...models import Article

        aliases = [
            str(r[0])
            for r in self._all(
                "SELECT url FROM aliases WHERE article_id = ? ORDER BY url", (article_id,)
            )
        ]
        stats = self._one(
            "SELECT COUNT(*), MAX(first_captured_at), MAX(number) FROM versions"
            " WHERE article_id = ?",
            (article_id,),
        )
        captures = self._one(
            "SELECT COUNT(*), MIN(captured_at), MAX(captured_at) FROM captures"
            " WHERE article_id = ?",
            (article_id,),
        )
        title_row = self._one(
            f"SELECT {_string('title')} FROM versions v JOIN captures c ON c.id = v.capture_id"
            " WHERE v.article_id = ? ORDER BY v.number DESC LIMIT 1",
            (article_id,),
        )
        return Article(
            url=url,
            aliases=tuple(aliases),
            title=title_row[0] if title_row else None,
            version_count=int(stats[0]),
            capture_count=int(captures[0]),
            first_captured_at=_time(captures[1]),
            last_captured_at=_time(captures[2]),
            last_changed_at=_time(stats[1]),
        )

    def articles(self) -> list[Article]:
        with self._read():
            rows = self._all("SELECT id, url FROM articles ORDER BY url")
            return [self._article(int(r[0]), str(r[1])) for r in rows]

    def changes(
        self,
        *,
        since: datetime | None = None,
        min_level: str | None = None,
        stealth_only: bool = False,
        limit: int = 100,
        first_versions: bool = False,
    ) -> list[Change]:
        """Versions across all articles, newest first, filtered by their stored analysis."""
        from ...models import Change

        where: list[str] = [] if first_versions else ["v.number > 1"]
        params: list[Any] = []
        if since is not None:
            where.append("v.first_captured_at >= ?")
            params.append(to_micros(since))
        if min_level is not None:
            where.append("v.significance >= ?")
            params.append(_LEVELS[min_level])
        if stealth_only:
            where.append("v.stealth = 1")
        with self._read():
            rows = self._all(
                f"SELECT a.url, {_string('title')}, v.number, v.id, v.first_captured_at,"
                " v.reverted_to, v.analysis_frame"
                " FROM versions v JOIN articles a ON a.id = v.article_id"
                " JOIN captures c ON c.id = v.capture_id"
                f"{' WHERE ' if where else ''}{' AND '.join(where)}"
                " ORDER BY v.first_captured_at DESC, a.url, v.number DESC LIMIT ?",
                (*params, limit),
            )
        result = []
        for row in rows:
            level, codes, stealth = (None, (), False) if row[6] is None else _analysis.brief(row[6])
            result.append(
                Change(
                    url=row[0],
                    title=row[1],
                    version=int(row[2]),
                    version_id=row[3],
                    captured_at=from_micros(row[4]),
                    reverted_to=row[5],
                    level=level,
                    reasons=codes,
                    stealth=stealth,
                )
            )
        return result
