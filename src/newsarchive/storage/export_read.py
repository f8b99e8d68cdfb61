"""The research export's read path: many articles' versions and captures in a few queries.

Reading article by article through the store (``versions``, ``captures``) costs a query
per article and per text blob, decodes each capture's stored headers and each version's
whole change analysis, and builds model objects the export takes apart again. An export
reads everything, so here a group of articles is read in three queries: their versions,
the frames of their texts, their captures. Texts come back as the UTF-8 bytes stored
(what a Parquet string holds), each delta decoded once against the text before it, and
of each change analysis only what the tables show: its level, reason codes and stealth.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import zstandard

from ..errors import NotFoundError, StorageError
from . import _analysis, _blobs, _linked
from ._sql.read import SQLReader
from ._sql.rows import _CAPTURE_COLUMNS, _VERSION_COLUMNS, _string, _time

if TYPE_CHECKING:
    from ..models import Article

__all__ = ["ExportCapture", "ExportVersion", "list_articles", "read_articles"]


class ExportVersion(NamedTuple):
    """One version as the export reads it; times in microseconds since the epoch (UTC)."""

    number: int
    id: str
    first_captured_at: int
    last_captured_at: int
    capture_count: int
    title: str | None
    byline: str | None
    published_at: int | None
    modified_at: int | None
    #: The text as stored: UTF-8, a lone surrogate as ``surrogatepass`` writes it.
    text: bytes
    #: The stored text's blob; the same blob means the same text.
    text_id: int
    metadata: dict[str, Any]
    #: The change analysis's level, reason codes and stealth flag (None: not analysed).
    level: str | None
    reasons: list[str] | None
    stealth: bool | None
    reverted_to: int | None


class ExportCapture(NamedTuple):
    """One capture as the export reads it, with the version it saw (0 and "": none)."""

    id: int
    captured_at: int
    source: str
    fetched_url: str | None
    http_status: int | None
    quality: str | None
    version: int
    version_id: str
    metadata: dict[str, Any]


# Articles per query: SQLite takes at most 32,766 parameters, and a group of a few
# hundred articles is a batch of the export.
_MAX_IDS = 1_000

# The store's own column lists, so that the export reads the schema as the store does;
# a version also gives its text's blob id and its first capture's time.
_VERSIONS = (
    f"SELECT {_VERSION_COLUMNS}, c.text_id, c.captured_at"
    " FROM versions v JOIN captures c ON c.id = v.capture_id"
)
_FRAMES = "SELECT b.id, b.base_id, b.data, b.dictionary_id FROM blobs b"
_CAPTURES = f"SELECT {_CAPTURE_COLUMNS}, c.article_id FROM captures c"
# Where each value sits in those rows.
_V_ARTICLE, _V_TEXT_ID, _V_CAPTURED_AT = 14, 16, 17
_C_QUALITY, _C_METADATA, _C_ARTICLE = 8, 9, 15


def list_articles(store: Any) -> list[Article]:
    """Every article, sorted by URL, as ``store.articles()`` gives them, in five queries."""
    from ..models import Article

    reader = _sql_reader(store)
    with reader._read():
        listed = reader._all("SELECT id, url FROM articles ORDER BY url")
        aliases: dict[int, list[str]] = {}
        for article_id, url in reader._all(
            "SELECT article_id, url FROM aliases ORDER BY article_id, url"
        ):
            aliases.setdefault(int(article_id), []).append(str(url))
        versions = {
            int(r[0]): (int(r[1]), r[2])
            for r in reader._all(
                "SELECT article_id, COUNT(*), MAX(first_captured_at) FROM versions"
                " GROUP BY article_id"
            )
        }
        captures = {
            int(r[0]): (int(r[1]), r[2], r[3])
            for r in reader._all(
                "SELECT article_id, COUNT(*), MIN(captured_at), MAX(captured_at) FROM captures"
                " GROUP BY article_id"
            )
        }
        titles = dict(
            reader._all(
                f"SELECT v.article_id, {_string('title')} FROM versions v"
                " JOIN captures c ON c.id = v.capture_id"
                " WHERE v.number = (SELECT MAX(w.number) FROM versions w"
                " WHERE w.article_id = v.article_id)"
            )
        )
    found = []
    for article_id, url in listed:
        key = int(article_id)
        version_count, changed = versions.get(key, (0, None))
        capture_count, first, last = captures.get(key, (0, None, None))
        found.append(
            Article(
                url=str(url),
                aliases=tuple(aliases.get(key, ())),
                title=titles.get(key),
                version_count=version_count,
                capture_count=capture_count,
                first_captured_at=_time(first),
                last_captured_at=_time(last),
                last_changed_at=_time(changed),
            )
        )
    return found


def read_articles(
    store: Any, urls: Sequence[str]
) -> Iterator[tuple[str, list[ExportVersion], list[ExportCapture]]]:
    """Each article's versions (by number) and captures (by time), in the order of ``urls``.

    Args:
        store: an archive's store (``archive.store``).
        urls: the articles' canonical URLs.

    Raises:
        NotFoundError: no article has one of these URLs.
        StorageError: a stored text or analysis is damaged.
    """
    reader = _sql_reader(store)
    for start in range(0, len(urls), _MAX_IDS):
        group = urls[start : start + _MAX_IDS]
        with reader._read():
            ids = _article_ids(reader, group)
            marks = ", ".join("?" * len(ids))
            where = f" WHERE v.article_id IN ({marks})"
            version_rows = reader._all(f"{_VERSIONS}{where} ORDER BY v.article_id, v.number", ids)
            frames = {
                int(r[0]): r
                for r in reader._all(
                    f"{_FRAMES} WHERE b.id IN (SELECT c.text_id FROM versions v"
                    f" JOIN captures c ON c.id = v.capture_id{where})",
                    ids,
                )
            }
            capture_rows = reader._all(
                f"{_CAPTURES} WHERE c.article_id IN ({marks})"
                " ORDER BY c.article_id, c.captured_at, c.id",
                ids,
            )
            texts = _Texts(reader, frames)
            by_article: dict[int, list[Any]] = {}
            for row in version_rows:
                by_article.setdefault(int(row[_V_ARTICLE]), []).append(row)
            captured: dict[int, list[Any]] = {}
            for row in capture_rows:
                captured.setdefault(int(row[_C_ARTICLE]), []).append(row)
            for url, article_id in zip(group, ids, strict=True):
                rows = by_article.get(article_id, [])
                versions = [_version(row, texts) for row in rows]
                texts.forget()
                yield url, versions, _captures(rows, captured.get(article_id, []))


def _sql_reader(store: Any) -> SQLReader:
    if not isinstance(store, SQLReader):
        raise StorageError(f"an export reads a SQL store, not {type(store).__name__}")
    return store


def _article_ids(reader: SQLReader, urls: Sequence[str]) -> list[int]:
    marks = ", ".join("?" * len(urls))
    found = {
        str(r[1]): int(r[0])
        for r in reader._all(f"SELECT id, url FROM articles WHERE url IN ({marks})", urls)
    }
    missing = [url for url in urls if url not in found]
    if missing:
        raise NotFoundError(f"no article in the archive for {missing[0]}")
    return [found[url] for url in urls]


class _Texts:
    """Decodes text blobs by row id from frames read ahead, each delta once."""

    def __init__(self, reader: SQLReader, frames: dict[int, Any]) -> None:
        self._reader = reader
        self._frames = frames
        self._decoded: dict[int, bytes] = {}

    def text(self, blob_id: int) -> bytes:
        pending = []
        current: int | None = blob_id
        decoded: bytes | None = None
        while current is not None:
            decoded = self._decoded.get(current)
            if decoded is not None:
                break
            frame = self._frames.get(current) or self._frame(current)
            pending.append(frame)
            current = None if frame[1] is None else int(frame[1])
        for frame in reversed(pending):
            base = decoded if frame[1] is not None else None
            try:
                decoded = _blobs.decompress(
                    bytes(frame[2]), base, self._reader._dictionary(frame[3])
                )
            except zstandard.ZstdError as error:
                raise StorageError(f"stored blob {frame[0]} is damaged ({error})") from error
            self._decoded[int(frame[0])] = decoded
        assert decoded is not None
        return decoded

    def forget(self) -> None:
        """Drop what one article decoded: the next one's chains start elsewhere."""
        self._decoded.clear()

    def _frame(self, blob_id: int) -> Any:
        # A base outside the group's own texts (one shared with another article).
        row = self._reader._one(f"{_FRAMES} WHERE b.id = ?", (blob_id,))
        if row is None:
            raise NotFoundError(f"blob {blob_id} is missing from the archive")
        return row


def _version(row: Any, texts: _Texts) -> ExportVersion:
    level, reasons, stealth = _analysis_brief(row[7])
    return ExportVersion(
        number=int(row[0]),
        id=str(row[1]),
        first_captured_at=int(row[3]),
        last_captured_at=int(row[4]),
        capture_count=int(row[5]),
        title=row[9],
        byline=row[10],
        published_at=row[11],
        modified_at=row[12],
        text=texts.text(int(row[_V_TEXT_ID])),
        text_id=int(row[_V_TEXT_ID]),
        metadata=json.loads(row[13]) if row[13] else {},
        level=level,
        reasons=reasons,
        stealth=stealth,
        reverted_to=row[6],
    )


def _analysis_brief(frame: Any) -> tuple[str | None, list[str] | None, bool | None]:
    """What the export shows of a stored analysis, as the decoded summary holds it."""
    if frame is None:
        return None, None, None
    frame = bytes(frame)
    if frame[:1] == _linked.LAYOUT:
        # A linked frame's head holds these; its quotes would need the texts.
        level, codes, stealth = _analysis.brief(frame)
        return level, list(codes), stealth
    summary = _analysis.decode(frame)
    reasons = summary.get("reasons")
    return (
        summary.get("level"),
        None if reasons is None else [r["code"] for r in reasons],
        summary.get("stealth"),
    )


def _captures(versions: list[Any], rows: list[Any]) -> list[ExportCapture]:
    """The captures, each with the version current when it was made (as ``captures``)."""
    starts = [(int(r[_V_CAPTURED_AT]), int(r[15])) for r in versions]
    found = []
    for row in rows:
        number, vid = 0, ""
        if row[_C_QUALITY] is None:
            index = bisect.bisect_right(starts, (int(row[1]), int(row[0]))) - 1
            if index >= 0:
                number, vid = int(versions[index][0]), str(versions[index][1])
        found.append(
            ExportCapture(
                id=int(row[0]),
                captured_at=int(row[1]),
                source=row[2],
                fetched_url=row[6],
                http_status=row[7],
                quality=row[_C_QUALITY],
                version=number,
                version_id=vid,
                metadata=json.loads(row[_C_METADATA]) if row[_C_METADATA] else {},
            )
        )
    return found
