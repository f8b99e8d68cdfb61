"""Preparing captures for the store: validation, canonical URLs, hashes.

Pure functions of their input, so that a large import can prepare lines in worker
processes while the main process writes to the store.
"""

from __future__ import annotations

import codecs
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

import attrs

from ..errors import InputError, describe_failure
from ..normalize import content_hash, normalize_text, sha256_hex
from ..storage import CaptureRecord, Store, TextFrame
from ..storage.framer import TextFramer
from ..times import utc_now
from ..urls import canonical_url as make_canonical
from . import DEFAULT_MAX_TEXT_BYTES, validate
from .blocks import blocks, file_identity, ranges, read_range, regular_file_path
from .follower import AnalysedAhead, ArticleFollower, OpenedTails, Router, Summarise
from .jsonl import parse_line
from .served import decode_served, pack_served
from .shards import Shards, orphaned

if TYPE_CHECKING:
    from concurrent.futures import Future

# Lines prepared at a time without workers: few enough to report progress often.
CHUNK_LINES = 200
# Below this many bytes of input, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4_000_000
# Blocks sent to the workers beyond the one this process waits for: more than a batch of
# news (a thousand lines, some six blocks), so that the workers go on preparing while a
# batch is saved. With four, the writer of an import without analysis spent twice as long
# waiting for them, for the same peak memory.
BLOCKS_AHEAD = 8

Prepared = list[tuple[int, "CaptureRecord | str"]]
# A line of input: read from a stream, or a view of the block that holds it.
Line = bytes | memoryview
# The versions of a block's lines analysed ahead, by line number.
Ahead = dict[int, AnalysedAhead]
Framer = Callable[[str, str, bytes], TextFrame | None]
# Opens the store an import saves into, in a worker process (see ``Store.opener``).
Opener = Callable[[], Store]


def prepare_record(
    url: str,
    *,
    text: str | None = None,
    html: str | bytes | None = None,
    title: str | None = None,
    byline: str | None = None,
    captured_at: datetime | None = None,
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
    metadata: Mapping[str, Any] | None = None,
    canonical_url: str | None = None,
    source: str = "manual",
    fetched_url: str | None = None,
    http_status: int | None = None,
    http_headers: Iterable[tuple[str, str]] | None = None,
    quality: str | None = None,
    allow_empty: bool = True,
    framer: Framer | None = None,
    html_charset: str | None = None,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
) -> CaptureRecord:
    """Validate, canonicalise and hash one capture; the arguments of ``Archive.save``.

    ``framer(url, text_hash, utf8_text)``, if given, compresses the text ahead of saving
    (see ``TextFramer``). A record with a frame carries its text in the frame alone: sending
    10 KB of text back from a worker process as well costs a fifth of an import's time.

    ``html`` given as bytes is the page as the server sent it, in ``html_charset``
    (UTF-8 when None); it is stored as those exact bytes, and read in that charset.
    Without ``allow_empty``, an empty or whitespace-only text is refused.

    Raises:
        InputError: no text or HTML, a text over ``max_text_bytes``, a field of the wrong
            type or out of range (see :mod:`newsarchive.ingest.validate`), a bad URL,
            metadata that is not JSON, or a lone surrogate outside the text.
    """
    validate.check_capture_fields(
        url,
        text=text,
        html=html,
        canonical_url=canonical_url,
        fetched_url=fetched_url,
        title=title,
        byline=byline,
        source=source,
        quality=quality,
    )
    captured_at = validate.check_time(captured_at, "captured_at")
    published_at = validate.check_time(published_at, "published_at")
    modified_at = validate.check_time(modified_at, "modified_at")
    http_status = validate.check_http_status(http_status)
    headers = validate.check_headers(http_headers)
    metadata = validate.check_metadata(metadata)
    canonical, aliases = _canonical_and_aliases(url, canonical_url, fetched_url)
    stored_html, html = _served_html(html, html_charset)
    text, title = _read_text(text, html, title, allow_empty=allow_empty, limit=max_text_bytes)
    _require_unicode_fields(headers, title=title, byline=byline, source=source, quality=quality)
    data, hashes = _hashes(text, title, byline, published_at, modified_at, metadata)
    frame = None if framer is None else framer(canonical, hashes["text_hash"], data)
    return CaptureRecord(
        url=canonical,
        aliases=aliases,
        captured_at=captured_at or utc_now(),
        source=source,
        text=text if frame is None else "",
        html=stored_html,
        title=title,
        byline=byline,
        published_at=published_at,
        modified_at=modified_at,
        metadata=metadata,
        **hashes,
        text_frame=frame,
        fetched_url=fetched_url,
        http_status=http_status,
        http_headers=headers,
        quality=quality,
    )


def _canonical_and_aliases(
    url: str, canonical_url: str | None, fetched_url: str | None
) -> tuple[str, tuple[str, ...]]:
    """The URL the capture is filed under, and the other URLs it was seen at."""
    seen = _canonical(url)
    canonical = _canonical(canonical_url) if canonical_url else seen
    if fetched_url is None and canonical is seen:
        return canonical, ()
    aliases = {seen} | ({_canonical(fetched_url)} if fetched_url else set())
    return canonical, tuple(sorted(aliases - {canonical}))


# URLs canonicalised lately: an import names each article once a capture, and one parse
# of its URL is enough (canonical_url is a pure function of it).
_CANONICAL_URLS: dict[str, str] = {}
_KEPT_URLS = 4096


def _canonical(url: str) -> str:
    known = _CANONICAL_URLS.get(url)
    if known is None:
        known = make_canonical(url)  # raises for a URL it refuses: never remembered
        if len(_CANONICAL_URLS) >= _KEPT_URLS:
            _CANONICAL_URLS.clear()
        _CANONICAL_URLS[url] = known
    return known


def _read_text(
    text: str | None, html: str | None, title: str | None, *, allow_empty: bool, limit: int
) -> tuple[str, str | None]:
    """The text and title (see ``_text_and_title``); a blank text refused unless allowed,
    and a text over ``limit`` UTF-8 bytes refused."""
    text, title = _text_and_title(text, html, title)
    if title is not None and "\x00" in title:  # the page's own, read from its HTML
        title = title.replace("\x00", "")
    if not allow_empty and validate.is_blank(text):
        raise InputError("the text is empty: nothing to save (allow it with --allow-empty)")
    _require_size(text, limit)
    return text, title


def _require_size(text: str, max_text_bytes: int) -> None:
    """Refuse a text over ``max_text_bytes`` in UTF-8, without encoding a short one."""
    if len(text) * 4 <= max_text_bytes:
        return
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_text_bytes:
        raise InputError(
            f"the text is {size:,} bytes, over the limit of {max_text_bytes:,}"
            " bytes a capture may hold"
        )


def _hashes(
    text: str,
    title: str | None,
    byline: str | None,
    published_at: datetime | None,
    modified_at: datetime | None,
    metadata: Mapping[str, Any],
) -> tuple[bytes, dict[str, Any]]:
    """The text as UTF-8, and a record's fields of hashes: the text's, the content hash of
    the version it makes, and whether the text is in its normal form (``text_normal``)."""
    data = text.encode("utf-8", "surrogatepass")
    raw_hash = sha256_hex(data)
    normal = normalize_text(text, data)
    digest = content_hash(
        text=text,
        title=title,
        byline=byline,
        published_at=published_at,
        modified_at=modified_at,
        encoded=data,
        encoded_hash=raw_hash,
        page=metadata.get("page"),
        normal_text=normal,
    )
    return data, {"content_hash": digest, "text_hash": raw_hash, "text_normal": normal is text}


def _require_unicode_fields(headers: Iterable[tuple[str, str]], **fields: str | None) -> None:
    # The text is stored as given, even a broken surrogate pair; these fields live in
    # database text columns, which take only valid Unicode.
    for what, value in fields.items():
        if value is not None:
            _require_unicode(what, value)
    for k, v in headers:
        _require_unicode("an HTTP header", f"{k}{v}")


def _served_html(
    html: str | bytes | None, charset: str | None
) -> tuple[str | bytes | None, str | None]:
    """The HTML as stored (bytes as served, with their charset) and as read (text)."""
    if not isinstance(html, bytes):
        return html, html
    charset = charset or "utf-8"
    try:
        stored = pack_served(html, charset)
    except LookupError:
        raise InputError(f"unknown charset {charset!r} for the page's HTML") from None
    return stored, decode_served(html, codecs.lookup(charset).name)


def _text_and_title(
    text: str | None, html: str | None, title: str | None
) -> tuple[str, str | None]:
    """The text as given, else read from the HTML (with the page's title if none given)."""
    if text is not None:
        return text, title
    if html is None:
        raise InputError("nothing to save: give the article's text or its HTML")
    from .htmltext import html_to_text

    page = html_to_text(html)
    return page.text, title if title is not None else page.title


def _require_unicode(what: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{what} holds a lone surrogate at position {exc.start}") from None


def _prepare_chunk(
    chunk: Sequence[tuple[int, Line]],
    source: str,
    frames: bool = False,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    follower: ArticleFollower | None = None,
    ahead: Ahead | None = None,
) -> Prepared:
    """Each line's record, or the reason it cannot be imported.

    With ``frames``, each new text comes with its compressed frame (see ``TextFramer``),
    against the previous text of its URL that ``follower`` saw (if given; else in this
    chunk). ``follower`` also analyses each new version ahead, into ``ahead``.
    """
    framer = None if not frames else follower.framer if follower else TextFramer()
    analyses = follower is not None and follower.analyses
    out: Prepared = []
    for number, line in chunk:
        if _is_blank(line):
            continue
        try:
            record = prepare_record(
                **parse_line(line, default_source=source),
                max_text_bytes=max_text_bytes,
                # Framed as it is made, unless its text is analysed first.
                framer=None if analyses else framer,
            )
        except InputError as exc:
            out.append((number, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad line never ends an import
            out.append((number, describe_failure(exc)))
            continue
        if follower is not None and analyses:
            if follower.archived(record):
                # Saved already: its save adds nothing, and needs no frame.
                out.append((number, attrs.evolve(record, stored_already=True)))
                continue
            analysed = follower.follow(record)
            if analysed is not None and ahead is not None:
                ahead[number] = analysed
            if framer is not None:
                record = _framed(record, framer)
        out.append((number, record))
    return out


def _is_blank(line: Line) -> bool:
    """Whether a line holds only whitespace, found without copying a long one: a line of
    JSON starts with its opening brace."""
    if not line:
        return True
    return line[0] in b" \t\n\r\x0b\x0c" and bytes(line).isspace()


def _framed(record: CaptureRecord, framer: Framer) -> CaptureRecord:
    """The record with its text sent as its frame alone, when there is one: sending 10 KB
    of text back from a worker process as well costs a fifth of an import's time."""
    frame = framer(record.url, record.text_hash, record.text.encode("utf-8", "surrogatepass"))
    if frame is None:
        return record
    return attrs.evolve(record, text="", text_frame=frame)


def _chunks(stream: IO[bytes]) -> Iterator[tuple[int, list[tuple[int, bytes]]]]:
    """Numbered lines in chunks, with the bytes read so far."""
    chunk: list[tuple[int, bytes]] = []
    done = 0
    for number, line in enumerate(stream, start=1):
        done += len(line)
        chunk.append((number, line))
        if len(chunk) == CHUNK_LINES:
            yield done, chunk
            chunk = []
    if chunk:
        yield done, chunk


def _prepare_block(
    data: bytes,
    source: str,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    shard: tuple[int, int, int] = (0, 1, 0),
    summarise: Summarise | None = None,
    opener: Opener | None = None,
    dictionary: tuple[int, bytes] | None = None,
) -> tuple[int, Prepared, Ahead]:
    """The lines of a block of whole lines that fall to worker ``shard`` (its number, of
    how many, in which import), prepared with frames and numbered from 1, and the
    versions analysed ahead (with ``summarise``; ``opener`` opens the store the import
    saves into, to take up the articles it holds already). Keyframes are compressed with
    ``dictionary`` (the store's id and bytes) from this block on, once it is given."""
    number, shards, run = shard
    count, mine = _lines_of(data, _router(shards), number)
    follower = _follower(run, summarise, opener)
    if dictionary is not None:
        follower.framer.use_dictionary(*dictionary)
    ahead: Ahead = {}
    prepared = _prepare_chunk(
        mine, source, frames=True, max_text_bytes=max_text_bytes, follower=follower, ahead=ahead
    )
    return count, prepared, ahead


def _lines_of(data: bytes, route: Router, shard: int) -> tuple[int, list[tuple[int, Line]]]:
    """How many lines a block holds, and those of ``shard``, numbered from 1.

    Every worker routes every line of a block, yet prepares only its own: each line is
    routed where it lies, and its own are read where they lie too (as views of the
    block), never copied out.
    """
    mine: list[tuple[int, Line]] = []
    view = memoryview(data)
    find = data.find
    size = len(data)
    start = number = 0
    while start < size:
        end = find(b"\n", start)
        if end < 0:
            end = size
        number += 1
        if route(data, start, end) == shard:
            mine.append((number, view[start:end]))
        start = end + 1
    return number, mine


def _prepare_range(
    path: str,
    identity: tuple[int, int],
    start: int,
    end: int,
    source: str,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    shard: tuple[int, int, int] = (0, 1, 0),
    summarise: Summarise | None = None,
    opener: Opener | None = None,
    dictionary: tuple[int, bytes] | None = None,
) -> tuple[int, Prepared, Ahead]:
    """``_prepare_block`` of bytes ``start`` to ``end`` of the file at ``path``."""
    if orphaned():
        os._exit(1)  # the import that wanted this block is gone
    data = read_range(path, identity, start, end)
    return _prepare_block(data, source, max_text_bytes, shard, summarise, opener, dictionary)


# A worker process's own: what it keeps of its articles from one block to the next.
_state: dict[str, Any] = {}


def _follower(run: int, summarise: Summarise | None, opener: Opener | None) -> ArticleFollower:
    if _state.get("run") != run:
        # Only an analysing import takes articles up from the store: what it saves is
        # analysis work; an import that only frames texts would pay more in reading.
        tails = OpenedTails(opener) if summarise is not None and opener is not None else None
        _state.update(run=run, follower=ArticleFollower(summarise, tails=tails))
    follower = _state["follower"]
    assert isinstance(follower, ArticleFollower)
    return follower


def _router(shards: int) -> Router:
    router = _state.get("router")
    if router is None or router.shards != shards:
        router = _state["router"] = Router(shards)
    assert isinstance(router, Router)
    return router


def default_workers(total_bytes: int) -> int:
    """Worker processes worth starting for an input of this size (0: prepare in-process)."""
    cores = os.cpu_count() or 1
    if total_bytes < PARALLEL_MIN_BYTES or cores < 2:
        return 0
    # As many as there are cores: the writer waits on the database part of the time.
    return min(4, cores)


def prepare_lines(
    stream: IO[bytes],
    *,
    source: str,
    workers: int,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    pool: Shards | None = None,
    summarise: Summarise | None = None,
    store: Store | None = None,
) -> Iterator[tuple[int, int, Prepared, Ahead]]:
    """Prepare JSON Lines chunk by chunk, in order.

    Yields the bytes and lines read so far, each line's record or error, and the new
    versions analysed ahead with ``summarise`` (by line number; see
    :class:`~newsarchive.ingest.follower.ArticleFollower`).

    With ``workers``, blocks of lines are prepared in that many processes, each taking
    the lines of its share of the articles, a bounded number of blocks at a time, so
    memory stays constant however long the input. From a regular file, the workers read
    their blocks themselves rather than through this process. They are ``pool``'s, when
    given, else a pool of their own.

    ``store``, the store the lines are imported into, if given, is asked where the
    articles it holds already stand, so that their new versions are analysed ahead too.
    """
    if workers <= 0:
        follower = None
        if summarise is not None:
            follower = ArticleFollower(summarise, tails=store)
        for done, chunk in _chunks(stream):
            ahead: Ahead = {}
            prepared = _prepare_chunk(
                chunk, source, max_text_bytes=max_text_bytes, follower=follower, ahead=ahead
            )
            yield done, chunk[-1][0], prepared, ahead
        return
    if pool is None:
        own = Shards(workers)
        try:
            yield from prepare_lines(
                stream,
                source=source,
                workers=workers,
                max_text_bytes=max_text_bytes,
                pool=own,
                summarise=summarise,
                store=store,
            )
        finally:
            own.shutdown(cancel_futures=True)
        return
    opener = None if store is None else store.opener()
    # Compressing keyframes with the store's dictionary took the writer of an import
    # that does not analyse a tenth of its time: its workers, waiting on it, do it
    # instead. One that analyses keeps them busy, and it is the writer that waits.
    dictionary = None if store is None or summarise is not None else store.keyframe_dictionary
    yield from _prepare_in(pool, stream, source, max_text_bytes, summarise, opener, dictionary)


_Block = tuple[int, list["Future[tuple[int, Prepared, Ahead]]"]]


def _prepare_in(
    pool: Shards,
    stream: IO[bytes],
    source: str,
    max_text_bytes: int,
    summarise: Summarise | None,
    opener: Opener | None,
    dictionary: Callable[[], tuple[int, bytes] | None] | None = None,
) -> Iterator[tuple[int, int, Prepared, Ahead]]:
    """``prepare_lines`` in ``pool``'s workers: every block to each, for its share.

    ``dictionary``, if given, asks the store for the dictionary its keyframes are
    compressed with, until it has one: the workers are told of it with their next block.
    """
    path = regular_file_path(stream)
    shards = len(pool)
    run = id(pool)
    pending: deque[_Block] = deque()
    lines = 0
    told = False

    def news() -> tuple[int, bytes] | None:
        nonlocal told
        if told or dictionary is None:
            return None
        found = dictionary()
        told = found is not None
        return found

    def next_result() -> tuple[int, int, Prepared, Ahead]:
        nonlocal lines
        done, futures = pending.popleft()
        numbered: Prepared = []
        ahead: Ahead = {}
        count = 0
        for future in futures:
            count, prepared, analysed = future.result()
            numbered.extend((lines + number, record) for number, record in prepared)
            ahead.update((lines + number, a) for number, a in analysed.items())
        numbered.sort(key=lambda item: item[0])  # back in the order of the input
        lines += count
        return done, lines, numbered, ahead

    def send(*args: Any) -> list[Future[tuple[int, Prepared, Ahead]]]:
        function = _prepare_block if path is None else _prepare_range
        known = news()
        return [
            pool.submit_to(
                k,
                function,
                *args,
                source,
                max_text_bytes,
                (k, shards, run),
                summarise,
                opener,
                known,
            )
            for k in range(shards)
        ]

    jobs: Iterator[_Block]
    if path is None:
        jobs = ((done, send(data)) for done, data in blocks(stream))
    else:
        identity = file_identity(stream)
        jobs = ((done, send(path, identity, start, end)) for done, start, end in ranges(stream))
    try:
        for job in jobs:
            pending.append(job)
            if len(pending) > BLOCKS_AHEAD:
                yield next_result()
        while pending:
            yield next_result()
    except BaseException:
        # Stopped (Ctrl-C, a failed write): drop the blocks not started yet.
        pool.shutdown(cancel_futures=True)
        raise
