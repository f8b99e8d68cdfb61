"""Read WARC and ARC records lazily, skipping past damaged ones."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, BinaryIO

import attrs

from ...errors import InputError, NewsArchiveError, WarcFormatError
from ...models import Problem, header_value
from ...times import parse_time
from ._format import _GZIP_MAGIC, _SCAN_CHUNK, _import_warcio

# What warcio finds, and warns of on its own, when bytes follow a record where blank lines
# should: its Content-Length is shorter than what was written.
_OVERLONG = (
    "the record runs past its stated length (Content-Length); the bytes after it were skipped"
)


@functools.cache
def _quiet(iterator: type) -> type:
    """warcio's record iterator without the warning it writes straight to stderr when a
    record runs past its stated length: three lines, with the raw bytes that follow. The
    damaged record is reported as a problem of its own, in one line, like any other."""
    return type("QuietArchiveIterator", (iterator,), {"INC_RECORD": ""})


@attrs.frozen(kw_only=True)
class WarcRecord:
    """One record as read from a WARC or ARC file, payload in memory.

    ``payload`` is the content after HTTP headers, with transfer and content encodings
    undone; ``http_status`` and ``http_headers`` are None for records without HTTP.
    ``length`` is the record's size in the file (compressed, when gzipped).
    """

    file: str
    offset: int
    length: int
    type: str
    record_id: str | None
    target_uri: str | None
    date: datetime | None
    content_type: str | None
    headers: tuple[tuple[str, str], ...] = attrs.field(repr=False)
    http_status: int | None
    http_headers: tuple[tuple[str, str], ...] | None = attrs.field(repr=False)
    payload: bytes = attrs.field(repr=False)
    payload_digest: str | None

    def header(self, name: str) -> str | None:
        """Return the first WARC header called ``name`` (case-insensitive), or None."""
        return header_value(self.headers, name)

    def http_header(self, name: str) -> str | None:
        """Return the first HTTP header called ``name`` (case-insensitive), or None."""
        return header_value(self.http_headers or (), name)

    @property
    def mime(self) -> str | None:
        """The payload's media type, without parameters, lower case."""
        value = self.http_header("content-type") if self.http_headers is not None else None
        if value is None and self.type != "response":
            value = self.content_type
        if not value:
            return None
        return value.split(";", 1)[0].strip().lower() or None


def iter_records(
    source: BinaryIO,
    *,
    name: str | None = None,
    on_problem: Callable[[WarcFormatError], None] | None = None,
) -> Iterator[WarcRecord]:
    """Yield the records of a WARC or ARC stream (gzipped or not) one at a time.

    A broken record is passed to ``on_problem`` and skipped; when ``source`` can seek,
    reading resumes at the next record, otherwise it stops there.

    Args:
        source: a binary stream positioned at the start of the file.
        name: the file name used in records and problems.
        on_problem: receives a :class:`WarcFormatError` (with ``.offset``) per broken
            record; when None, the first broken record raises it.

    Yields:
        The records, payloads decoded.

    Raises:
        MissingDependencyError: warcio is not installed.
        WarcFormatError: a broken record, when ``on_problem`` is None.
    """
    _import_warcio()
    from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

    label = name or str(getattr(source, "name", "<stream>"))
    seekable = _is_seekable(source)
    start = source.tell() if seekable else 0
    compressed = _peek_gzip(source) if seekable else None

    def report(message: str, offset: int) -> None:
        error = WarcFormatError(f"{label} at offset {offset}: {message}", offset=offset)
        if on_problem is None:
            raise error
        on_problem(error)

    position = start
    while True:
        iterator = _quiet(ArchiveIterator)(source, arc2warc=True, check_digests=True)
        offset = position
        overlong = 0  # records seen running past their stated length (warcio counts them)
        try:
            for raw in iterator:
                if iterator.err_count != overlong:  # met looking for this record
                    overlong = iterator.err_count
                    report(_OVERLONG, offset)
                offset = iterator.offset
                record, problem = _read_record(raw, iterator, label, offset)
                if problem is not None:
                    report(problem, offset)
                elif record is not None:
                    yield record
            if iterator.err_count != overlong:
                report(_OVERLONG, offset)
            return
        except NewsArchiveError:
            raise
        except Exception as exc:  # warcio and zlib signal damage with many exception types
            # The iterator's offset is where the record it was reading starts.
            offset = max(offset, position, int(getattr(iterator, "offset", 0) or 0))
            report(_describe(exc), offset)
        if not seekable:
            return
        resume = _find_next_record(source, offset + 1, compressed=bool(compressed))
        if resume is None:
            return
        source.seek(resume)
        position = resume


def as_problem(error: WarcFormatError, file: str) -> Problem:
    """The batch problem a damaged record of ``file`` is, as :func:`iter_records` reported it.

    Args:
        error: the error passed to ``on_problem``.
        file: the name ``iter_records`` was given.

    Returns:
        The problem, its message without the file and offset it names apart.
    """
    prefix = f"{file} at offset {error.offset}: "
    return Problem(file=file, offset=error.offset, message=str(error).removeprefix(prefix))


def _read_record(
    raw: Any, iterator: Any, label: str, offset: int
) -> tuple[WarcRecord | None, str | None]:
    """Read one warcio record fully; return it, or a reason why it is broken."""
    payload = raw.content_stream().read()
    remaining = getattr(raw.raw_stream, "limit", 0)
    if remaining:
        return None, f"record truncated: {remaining} of {raw.length} bytes missing"
    checker = getattr(raw, "digest_checker", None)
    if checker is not None and checker.passed is False:
        return None, "digest mismatch: " + "; ".join(str(p) for p in checker.problems)
    length = iterator.get_record_length()
    rec = raw.rec_headers
    date_text = rec.get_header("WARC-Date")
    try:
        date = parse_time(date_text) if date_text else None
    except InputError:
        return None, f"bad WARC-Date {date_text!r}"
    http_status: int | None = None
    http_headers: tuple[tuple[str, str], ...] | None = None
    if raw.http_headers is not None and raw.http_headers.statusline:
        http_headers = tuple((str(k), str(v)) for k, v in raw.http_headers.headers)
        code = raw.http_headers.get_statuscode()
        http_status = int(code) if code and code.isdigit() else None
    return (
        WarcRecord(
            file=label,
            offset=offset,
            length=length,
            type=str(raw.rec_type),
            record_id=rec.get_header("WARC-Record-ID"),
            target_uri=rec.get_header("WARC-Target-URI"),
            date=date,
            content_type=raw.content_type or rec.get_header("Content-Type"),
            headers=tuple((str(k), str(v)) for k, v in rec.headers),
            http_status=http_status,
            http_headers=http_headers,
            payload=payload,
            payload_digest=rec.get_header("WARC-Payload-Digest"),
        ),
        None,
    )


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    if isinstance(exc, zlib.error):
        return f"bad gzip data ({text})"
    if name == "ArchiveLoadFailed":
        if text.startswith("Unknown archive format"):
            return "not a WARC or ARC record (damaged data, or not an archive file)"
        return f"unreadable record ({text[:200]})"
    return f"{name}: {text[:200]}" if text else name


def _is_seekable(source: BinaryIO) -> bool:
    try:
        return bool(source.seekable()) and source.tell() >= 0
    except (AttributeError, OSError, ValueError):
        return False


def _peek_gzip(source: BinaryIO) -> bool:
    here = source.tell()
    magic = source.read(2)
    source.seek(here)
    return magic == _GZIP_MAGIC[:2]


def _find_next_record(source: BinaryIO, start: int, *, compressed: bool) -> int | None:
    """Find where the next readable record starts at or after ``start``."""
    source.seek(start)
    position = start
    carry = b""
    marker = _GZIP_MAGIC if compressed else b"\nWARC/1."
    while True:
        chunk = source.read(_SCAN_CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        base = position - len(carry)
        found = data.find(marker)
        while found != -1:
            candidate = base + found + (0 if compressed else 1)
            if not compressed or _starts_record(source, candidate):
                return candidate
            found = data.find(marker, found + 1)
        carry = data[-(len(marker) - 1) :]
        position += len(chunk)
        source.seek(position)


def _starts_record(source: BinaryIO, offset: int) -> bool:
    # Gzip magic bytes also occur inside compressed data; check they open a record.
    here = source.tell()
    source.seek(offset)
    head = source.read(4096)
    source.seek(here)
    try:
        text = zlib.decompressobj(31).decompress(head)
    except zlib.error:
        return False
    return text.startswith((b"WARC/", b"http", b"filedesc:", b"dns:", b"ftp"))
