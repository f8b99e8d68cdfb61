"""Preparing captures for the store: validation, canonical URLs, hashes.

Pure functions of their input, so that a large import can prepare lines in worker
processes while the main process writes to the store.
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from ..errors import InputError, describe_failure
from ..normalize import content_hash, sha256_hex
from ..storage import CaptureRecord, TextFrame
from ..storage.framer import TextFramer
from ..times import utc_now
from ..urls import canonical_url as make_canonical
from . import DEFAULT_MAX_TEXT_BYTES, validate
from .jsonl import parse_line
from .served import decode_served, pack_served

if TYPE_CHECKING:
    # Process pools and HTML parsing load only when an import uses them: a command that
    # saves nothing should not pay for them at start-up.
    from concurrent.futures import Executor, Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

# Lines prepared at a time without workers: few enough to report progress often.
CHUNK_LINES = 200
# Bytes of lines a worker prepares at a time: large enough to amortise passing them
# between processes, small enough to keep memory constant.
BLOCK_BYTES = 2_000_000
# Below this many bytes of input, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4_000_000

Prepared = list[tuple[int, "CaptureRecord | str"]]
Framer = Callable[[str, str, bytes], TextFrame | None]


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
    data, raw_hash, digest = _hashes(text, title, byline, published_at, modified_at, metadata)
    frame = None if framer is None else framer(canonical, raw_hash, data)
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
        content_hash=digest,
        text_hash=raw_hash,
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
    seen = make_canonical(url)
    canonical = make_canonical(canonical_url) if canonical_url else seen
    aliases = {seen} | ({make_canonical(fetched_url)} if fetched_url else set())
    return canonical, tuple(sorted(aliases - {canonical}))


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
) -> tuple[bytes, str, str]:
    """The text as UTF-8, its hash, and the content hash of the version it makes."""
    data = text.encode("utf-8", "surrogatepass")
    raw_hash = sha256_hex(data)
    digest = content_hash(
        text=text,
        title=title,
        byline=byline,
        published_at=published_at,
        modified_at=modified_at,
        encoded=data,
        encoded_hash=raw_hash,
        page=metadata.get("page"),
    )
    return data, raw_hash, digest


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
    chunk: list[tuple[int, bytes]],
    source: str,
    frames: bool = False,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
) -> Prepared:
    """Each line's record, or the reason it cannot be imported.

    With ``frames``, each new text comes with its compressed frame (see ``TextFramer``).
    """
    framer = TextFramer() if frames else None
    out: Prepared = []
    for number, line in chunk:
        if not line.strip():
            continue
        try:
            record = prepare_record(
                **parse_line(line, default_source=source),
                framer=framer,
                max_text_bytes=max_text_bytes,
            )
        except InputError as exc:
            out.append((number, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad line never ends an import
            out.append((number, describe_failure(exc)))
            continue
        out.append((number, record))
    return out


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
    data: bytes, source: str, max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES
) -> tuple[int, Prepared]:
    """The lines of a block of whole lines, prepared with frames and numbered from 1."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    numbered = list(enumerate(lines, start=1))
    return len(lines), _prepare_chunk(numbered, source, frames=True, max_text_bytes=max_text_bytes)


def _prepare_range(
    path: str,
    identity: tuple[int, int],
    start: int,
    end: int,
    source: str,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
) -> tuple[int, Prepared]:
    """``_prepare_block`` of bytes ``start`` to ``end`` of the file at ``path``."""
    if _orphaned():
        os._exit(1)  # the import that wanted this block is gone
    with open(path, "rb") as file:
        if _identity(file) != identity:
            raise InputError(f"{path} was replaced while it was being imported")
        file.seek(start)
        return _prepare_block(file.read(end - start), source, max_text_bytes)


def _orphaned() -> bool:
    """True in a worker whose importing process has died (it was adopted by init)."""
    return os.getppid() == 1


def _identity(file: IO[bytes]) -> tuple[int, int]:
    status = os.fstat(file.fileno())
    return status.st_dev, status.st_ino


def _file_path(stream: IO[bytes]) -> str | None:
    """The path of ``stream`` if it is a regular file that workers can read themselves.

    Only a file opened as is: the bytes of a decompressing stream (``gzip.open``) are not
    the file's, though it has the file's name and seeks.
    """
    raw = stream.raw if isinstance(stream, io.BufferedReader) else stream
    name = getattr(stream, "name", None)
    if not isinstance(raw, io.FileIO) or not isinstance(name, str):
        return None  # a stream in memory or decoding another, or a file opened by descriptor
    # Absolute, and through links: a worker may not share this process's directory, nor
    # its standard input (/dev/stdin).
    path = os.path.realpath(name)
    try:
        if stream.seekable() and os.path.isfile(path):
            with open(path, "rb") as file:
                return path if _identity(file) == _identity(stream) else None
    except (OSError, ValueError):
        pass
    return None


def _blocks(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Blocks of about ``BLOCK_BYTES`` of whole lines, with their ends' offsets."""
    done = 0
    while data := stream.read(BLOCK_BYTES):
        if not data.endswith(b"\n"):
            data += stream.readline()
        done += len(data)
        yield done, data


def _ranges(stream: IO[bytes]) -> Iterator[tuple[int, int, int]]:
    """Like ``_blocks`` for a regular file, without reading it: offsets of the blocks."""
    begin = start = stream.tell()
    size = os.fstat(stream.fileno()).st_size
    while start < size:
        stream.seek(min(start + BLOCK_BYTES, size) - 1)
        stream.readline()  # to the end of the line that crosses the block's end
        end = stream.tell()
        yield end - begin, start, end
        start = end


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
    pool: Executor | None = None,
) -> Iterator[tuple[int, int, Prepared]]:
    """Prepare JSON Lines chunk by chunk, in order.

    Yields the bytes and lines read so far, and each line's record or error.

    With ``workers``, blocks of lines are prepared in that many processes, a bounded
    number at a time, so memory stays constant however long the input. From a regular
    file, the workers read their blocks themselves rather than through this process.
    They are ``pool``'s, when given (see :func:`worker_pool`), else a pool of their own.
    """
    if workers <= 0:
        for done, chunk in _chunks(stream):
            yield done, chunk[-1][0], _prepare_chunk(chunk, source, max_text_bytes=max_text_bytes)
        return
    if pool is None:
        with worker_pool(workers) as own:
            yield from prepare_lines(
                stream, source=source, workers=workers, max_text_bytes=max_text_bytes, pool=own
            )
        return
    path = _file_path(stream)
    pending: deque[tuple[int, Future[tuple[int, Prepared]]]] = deque()
    lines = 0

    def next_result() -> tuple[int, int, Prepared]:
        nonlocal lines
        done, future = pending.popleft()
        count, prepared = future.result()
        numbered = [(lines + number, record) for number, record in prepared]
        lines += count
        return done, lines, numbered

    jobs: Iterator[tuple[int, Future[tuple[int, Prepared]]]]
    if path is None:
        jobs = (
            (done, pool.submit(_prepare_block, data, source, max_text_bytes))
            for done, data in _blocks(stream)
        )
    else:
        identity = _identity(stream)
        jobs = (
            (
                done,
                pool.submit(_prepare_range, path, identity, start, end, source, max_text_bytes),
            )
            for done, start, end in _ranges(stream)
        )
    try:
        for job in jobs:
            pending.append(job)
            if len(pending) > 2 * workers:
                yield next_result()
        while pending:
            yield next_result()
    except BaseException:
        # Stopped (Ctrl-C, a failed write): drop the blocks not started yet.
        pool.shutdown(cancel_futures=True)
        raise


def worker_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes for the work of a bulk import.

    Create it while this process has one thread, so that its workers can be forked (see
    ``_pool_context``); they start at once, and leave with the import (see
    ``_start_worker``). ``initializer(*initargs)`` runs in each as it starts.
    """
    # Process pools load only for imports that start workers.
    from concurrent.futures import ProcessPoolExecutor

    context = _pool_context()
    # A forked worker's parent is this process; others are started by a server process.
    parent = os.getpid() if context.get_start_method() == "fork" else 0
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(parent, initializer, initargs),
    )
    pool.submit(int).result()  # start the workers now, before any other thread
    return pool


def _start_worker(
    parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    """Set a worker up to leave with the import: on Ctrl-C, and when its parent dies.

    Ctrl-C reaches every process of the group; the importing one stops the import, so a
    worker ignores it. A parent killed outright (``kill -9``) cannot stop its workers: on
    Linux the kernel is asked to kill each worker then (``parent`` is its pid, or 0 when
    a server process started the worker), and elsewhere a worker notices at its next
    block (see ``_prepare_range``). Then ``initializer(*initargs)`` runs, if given.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:  # it died before the request above took effect
        os._exit(1)
    if initializer is not None:
        initializer(*initargs)


def _pool_context() -> BaseContext:
    """How to start worker processes: by fork where that is safe, as it is fastest.

    A forked worker starts in milliseconds; a fresh interpreter first spends a tenth of a
    second importing this package. Forking is safe in a process of one thread, on Linux
    (macOS's system libraries are not safe to fork). A forked worker never touches the
    database connection it inherits, and leaves by ``os._exit``, which does not close it.
    """
    # Process pools load only for imports that start workers.
    import multiprocessing

    if sys.platform == "linux" and _threads() == 1:
        return multiprocessing.get_context("fork")
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _threads() -> int:
    """This process's threads, as the system counts them (not only Python's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0
