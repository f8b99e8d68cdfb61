"""WARC export and import: the archive in the web-archiving world's own file format.

Export writes one gzip member per record (ISO 28500, WARC/1.1):

* a ``warcinfo`` record naming the software;
* per capture, a ``response`` record when raw HTML was kept (with the HTTP status and
  headers as fetched; a plain ``200 OK`` when the page was saved by hand), a
  ``resource`` record holding the text otherwise, or a ``revisit`` record
  (identical-payload-digest profile) when the same payload was already written;
* a ``conversion`` record with the extracted text, once per distinct text, and a
  ``metadata`` record (JSON) with everything else newsarchive knows about the capture,
  both linked to the capture's record with ``WARC-Refers-To``.

Import reads WARC and ARC files from any tool (wget, Heritrix, Browsertrix, pywb, ours).
Records come lazily from warcio; a broken or truncated record is reported with its
file and offset and skipped, and reading resumes at the next record when the stream
can seek. Records written by :func:`export_warc` are restored exactly, so export then
import gives the same versions and captures.

warcio is the optional extra ``newsarchive[warc]``, imported on first use.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

import attrs

from ..errors import (
    ExtractionError,
    InputError,
    MissingDependencyError,
    NewsArchiveError,
    WarcFormatError,
)
from ..models import Capture, SavedCaptures, Version, header_value
from ..times import as_utc, format_time, parse_time

if TYPE_CHECKING:
    from ..archive import Archive

log = logging.getLogger(__name__)

__all__ = [
    "ExportReport",
    "ImportProblem",
    "WarcImportReport",
    "ImportedCapture",
    "export_warc",
    "import_warc",
    "iter_records",
    "WarcRecord",
]

ProgressCallback = Callable[[int, int], None]

# The JSON carried by our metadata records; bump the version on incompatible changes.
METADATA_FORMAT = "newsarchive-capture"
METADATA_FORMAT_VERSION = 1
METADATA_CONTENT_TYPE = "application/json"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_RECORD_ID_NAMESPACE = uuid.UUID("6b1d3b59-1f7e-4c47-9a59-9b5e3c3a7f21")
# Headers describing the bytes on the wire; the payload we write is decoded UTF-8.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_SCAN_CHUNK = 1 << 16


def _import_warcio() -> Any:
    try:
        import warcio  # type: ignore[import-untyped]
    except ImportError as exc:
        raise MissingDependencyError("WARC files", "warc") from exc
    return warcio


def _software() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return f"newsarchive/{version('newsarchive')}"
    except PackageNotFoundError:
        return "newsarchive/dev"


# -- export -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ExportReport:
    """What :func:`export_warc` wrote."""

    articles: int
    captures: int
    records: int
    responses: int
    resources: int
    revisits: int


class _Writer(Protocol):
    def write_record(self, record: Any) -> None: ...


def export_warc(
    archive: Archive,
    stream: BinaryIO,
    urls: Sequence[str] | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    filename: str | None = None,
) -> ExportReport:
    """Write captures to ``stream`` as a gzip-per-record WARC/1.1 file.

    Args:
        archive: the archive to read.
        stream: a binary stream open for writing; it is not closed.
        urls: the articles to export (any URL form the archive resolves); all when None.
        on_progress: called as ``on_progress(captures_done, captures_total)``.
        filename: the name recorded in the ``warcinfo`` record.

    Returns:
        Counts of what was written.

    Raises:
        MissingDependencyError: warcio is not installed.
        NotFoundError: one of ``urls`` is not in the archive.
    """
    _import_warcio()
    from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

    writer = WARCWriter(stream, gzip=True, warc_version="1.1")
    exporter = _Exporter(archive, writer)
    if urls is None:
        targets = [a.url for a in archive.articles()]
    else:
        # Aliases name their article; each article is written once.
        targets = list(dict.fromkeys(archive.article(u).url for u in urls))
    plan = [(url, archive.captures(url)) for url in targets]
    total = sum(len(captures) for _, captures in plan)
    exporter.write_warcinfo(filename)
    done = 0
    if on_progress:
        on_progress(0, total)
    for url, captures in plan:
        versions = {v.id: v for v in archive.history(url)}
        for capture in sorted(captures, key=lambda c: (c.captured_at, c.id)):
            exporter.write_capture(capture, versions.get(capture.version_id))
            done += 1
            if on_progress:
                on_progress(done, total)
    return ExportReport(
        articles=len(plan),
        captures=done,
        records=exporter.records,
        responses=exporter.responses,
        resources=exporter.resources,
        revisits=exporter.revisits,
    )


@attrs.define
class _Written:
    record_id: str
    target_uri: str
    warc_date: str


class _Exporter:
    def __init__(self, archive: Archive, writer: _Writer) -> None:
        self.archive = archive
        self.writer = writer
        # Payload digests already written, so repeats become revisit records.
        self.payloads: dict[str, _Written] = {}
        self.texts: set[str] = set()
        self.records = self.responses = self.resources = self.revisits = 0

    def _write(self, record: Any) -> None:
        self.writer.write_record(record)
        self.records += 1

    def write_warcinfo(self, filename: str | None) -> None:
        from warcio.warcwriter import WARCWriter

        builder: Any = self.writer
        assert isinstance(builder, WARCWriter)
        info = {
            "software": _software(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "description": "Article captures exported from a newsarchive archive",
        }
        self._write(builder.create_warcinfo_record(filename or "", info))

    def write_capture(self, capture: Capture, version: Version | None) -> None:
        from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]

        builder: Any = self.writer
        html = self.archive.raw_html(capture)
        text = self.archive.text_of(capture)
        target = capture.fetched_url or capture.url
        date = _warc_date(capture.captured_at)
        text_bytes = text.encode("utf-8", "surrogatepass")
        text_digest = _sha1_digest(text_bytes)
        base_headers = {"WARC-Date": date}

        if html is not None:
            body = html.encode("utf-8", "surrogatepass")
            digest = _sha1_digest(body)
            http = StatusAndHeaders(
                _status_line(capture.http_status),
                _http_headers(capture, len(body)),
                protocol="HTTP/1.1",
            )
            kind = "response"
        else:
            body, digest, http, kind = text_bytes, text_digest, None, "resource"

        primary_id = _record_id(capture, kind)
        earlier = self.payloads.get(digest)
        if earlier is not None:
            record = builder.create_revisit_record(
                target,
                digest,
                earlier.target_uri,
                earlier.warc_date,
                http_headers=http,
                warc_headers_dict={
                    **base_headers,
                    "WARC-Record-ID": primary_id,
                    "WARC-Refers-To": earlier.record_id,
                },
            )
            if http is None:
                record.content_type = TEXT_CONTENT_TYPE
            self.revisits += 1
        elif kind == "response":
            record = builder.create_warc_record(
                target,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={**base_headers, "WARC-Record-ID": primary_id},
            )
            self.responses += 1
        else:
            record = builder.create_warc_record(
                target,
                "resource",
                payload=io.BytesIO(body),
                length=len(body),
                warc_content_type=TEXT_CONTENT_TYPE,
                warc_headers_dict={**base_headers, "WARC-Record-ID": primary_id},
            )
            self.resources += 1
            self.texts.add(text_digest)
        self._write(record)
        if earlier is None:
            self.payloads[digest] = _Written(primary_id, target, date)

        if html is not None and text_digest not in self.texts:
            self._write(
                builder.create_warc_record(
                    target,
                    "conversion",
                    payload=io.BytesIO(text_bytes),
                    length=len(text_bytes),
                    warc_content_type=TEXT_CONTENT_TYPE,
                    warc_headers_dict={
                        **base_headers,
                        "WARC-Record-ID": _record_id(capture, "conversion"),
                        "WARC-Refers-To": primary_id,
                    },
                )
            )
            self.texts.add(text_digest)

        meta = json.dumps(
            _capture_json(capture, version, text_digest=text_digest, has_html=html is not None),
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8", "surrogatepass")
        self._write(
            builder.create_warc_record(
                target,
                "metadata",
                payload=io.BytesIO(meta),
                length=len(meta),
                warc_content_type=METADATA_CONTENT_TYPE,
                warc_headers_dict={
                    **base_headers,
                    "WARC-Record-ID": _record_id(capture, "metadata"),
                    "WARC-Refers-To": primary_id,
                },
            )
        )


def _record_id(capture: Capture, kind: str) -> str:
    # Derived from the capture, so exporting the same archive twice gives the same ids.
    name = f"{capture.url}\n{capture.captured_at.isoformat()}\n{capture.content_hash}\n{kind}"
    return f"<urn:uuid:{uuid.uuid5(_RECORD_ID_NAMESPACE, name)}>"


def _warc_date(value: datetime) -> str:
    value = as_utc(value)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _status_line(status: int | None) -> str:
    status = status or 200
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    return f"{status} {reason}"


def _http_headers(capture: Capture, length: int) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    has_type = False
    for name, value in capture.http_headers:
        lowered = name.lower()
        if lowered in _WIRE_HEADERS:
            continue
        if lowered == "content-type":
            has_type = True
            mime = value.split(";", 1)[0].strip() or "text/html"
            value = f"{mime}; charset=utf-8"
        headers.append((name, value))
    if not has_type:
        headers.append(("Content-Type", HTML_CONTENT_TYPE))
    headers.append(("Content-Length", str(length)))
    return headers


def _capture_json(
    capture: Capture, version: Version | None, *, text_digest: str, has_html: bool
) -> dict[str, Any]:
    return {
        "format": METADATA_FORMAT,
        "format_version": METADATA_FORMAT_VERSION,
        "url": capture.url,
        "captured_at": format_time(capture.captured_at),
        "source": capture.source,
        "fetched_url": capture.fetched_url,
        "http_status": capture.http_status,
        "http_headers": [list(pair) for pair in capture.http_headers],
        "quality": capture.quality,
        "capture_metadata": dict(capture.metadata),
        "content_hash": capture.content_hash,
        "text_hash": capture.text_hash,
        "text_digest": text_digest,
        "has_html": has_html,
        # A flagged capture (quality set) belongs to no version.
        "version": None
        if version is None
        else {
            "number": version.number,
            "title": version.title,
            "byline": version.byline,
            "published_at": format_time(version.published_at),
            "modified_at": format_time(version.modified_at),
        },
    }


# -- reading ------------------------------------------------------------------------------


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
        iterator = ArchiveIterator(source, arc2warc=True, check_digests=True)
        offset = position
        try:
            for raw in iterator:
                offset = iterator.offset
                record, problem = _read_record(raw, iterator, label, offset)
                if problem is not None:
                    report(problem, offset)
                elif record is not None:
                    yield record
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


# -- import -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ImportProblem:
    """A record that could not be imported, and why."""

    file: str
    offset: int | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.offset is None else f"{self.file} at offset {self.offset}"
        return f"{where}: {self.reason}"


@attrs.frozen(kw_only=True)
class ImportedCapture:
    """One capture an import saved (or found already saved)."""

    file: str
    offset: int
    url: str
    captured_at: datetime
    is_new_capture: bool
    is_new_version: bool


@attrs.frozen(kw_only=True)
class WarcImportReport(SavedCaptures):
    """The outcome of :func:`import_warc`: one entry per capture or problem."""

    files: int
    records: int
    captures: tuple[ImportedCapture, ...] = attrs.field(repr=False)
    skipped: int
    problems: tuple[ImportProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


Source = str | os.PathLike[str] | BinaryIO


def import_warc(
    archive: Archive,
    paths_or_streams: Source | Iterable[Source],
    *,
    on_progress: ProgressCallback | None = None,
) -> WarcImportReport:
    """Import the captures held in WARC and ARC files into ``archive``.

    HTML ``response`` records with status 200 become captures at their ``WARC-Date``
    (text extracted with :mod:`newsarchive.fetch.extract` when the ``scrape`` extra is
    installed, with the archive's built-in step otherwise); ``revisit`` records repeat
    the capture they refer to; records written by :func:`export_warc` are restored
    exactly. Other records are skipped. Importing the same file twice adds nothing.

    Args:
        archive: the archive to save into.
        paths_or_streams: one or more file paths or binary streams.
        on_progress: called as ``on_progress(bytes_done, bytes_total)``; ``bytes_total``
            is 0 when a stream's size is unknown.

    Returns:
        One entry per capture saved and per problem found, in file order.

    Raises:
        MissingDependencyError: warcio is not installed.
    """
    _import_warcio()
    sources: list[Source]
    if isinstance(paths_or_streams, (str, os.PathLike)) or hasattr(paths_or_streams, "read"):
        sources = [paths_or_streams]  # type: ignore[list-item]
    else:
        sources = list(paths_or_streams)
    sizes = [_size_of(s) for s in sources]
    known = [s for s in sizes if s is not None]
    total = sum(known) if len(known) == len(sizes) else 0
    importer = _Importer(archive)
    done_before = 0
    for source, size in zip(sources, sizes, strict=True):
        if isinstance(source, (str, os.PathLike)):
            label = os.fspath(source)
            try:
                handle: BinaryIO = open(source, "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                importer.problems.append(
                    ImportProblem(file=label, offset=None, reason=exc.strerror or str(exc))
                )
                continue
        else:
            handle = source
            label = str(getattr(source, "name", "<stream>"))

        def on_record(offset: int, base: int = done_before) -> None:
            if on_progress:
                on_progress(base + offset, total)

        try:
            importer.import_stream(handle, label, on_record=on_record)
        finally:
            if handle is not source:
                handle.close()
        done_before += size or 0
        if on_progress:
            on_progress(done_before, total)
    return WarcImportReport(
        files=len(sources),
        records=importer.records,
        captures=tuple(importer.captures),
        skipped=importer.skipped,
        problems=tuple(importer.problems),
    )


def _size_of(source: Source) -> int | None:
    if isinstance(source, (str, os.PathLike)):
        try:
            return os.path.getsize(source)
        except OSError:
            return None
    try:
        here = source.tell()
        end = source.seek(0, io.SEEK_END)
        source.seek(here)
        return end - here
    except (AttributeError, OSError, ValueError):
        return None


@attrs.define
class _Pending:
    """A capture record waiting for the conversion and metadata records that follow it."""

    record: WarcRecord
    text: str | None = None
    meta: dict[str, Any] | None = None


@attrs.frozen
class _Seen:
    url: str
    captured_at: datetime


class _Importer:
    # Recently imported payloads by digest; older ones are read back from the archive.
    _CACHE_SIZE = 64

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.records = 0
        self.skipped = 0
        self.captures: list[ImportedCapture] = []
        self.problems: list[ImportProblem] = []
        self.payloads: dict[str, _Seen] = {}
        self.texts: dict[str, _Seen] = {}
        self.cache: OrderedDict[tuple[str, str], tuple[str, str | None]] = OrderedDict()
        self.pending: _Pending | None = None

    def import_stream(
        self, stream: BinaryIO, label: str, *, on_record: Callable[[int], None] | None
    ) -> None:
        def on_problem(error: WarcFormatError) -> None:
            message = str(error)
            prefix = f"{label} at offset {error.offset}: "
            self.problems.append(
                ImportProblem(file=label, offset=error.offset, reason=message.removeprefix(prefix))
            )

        for record in iter_records(stream, name=label, on_problem=on_problem):
            self.records += 1
            self.handle(record)
            if on_record:
                on_record(record.offset + record.length)
        self.flush()

    def handle(self, record: WarcRecord) -> None:
        pending = self.pending
        refers_to = record.header("WARC-Refers-To")
        if record.type in ("response", "resource", "revisit"):
            self.flush()
            self.pending = _Pending(record)
            return
        if pending is not None and refers_to and refers_to == pending.record.record_id:
            if record.type == "conversion":
                pending.text = record.payload.decode("utf-8", "surrogatepass")
                return
            if record.type == "metadata" and record.mime == METADATA_CONTENT_TYPE:
                meta = _load_meta(record.payload)
                if meta is not None:
                    pending.meta = meta
                    self.flush()
                    return
        self.skipped += 1

    def flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        try:
            if pending.meta is not None:
                self._save_exported(pending)
            else:
                self._save_foreign(pending.record)
        except (NewsArchiveError, ValueError) as exc:
            record = pending.record
            self.problems.append(
                ImportProblem(file=record.file, offset=record.offset, reason=str(exc))
            )

    # Records written by export_warc: restore exactly what was exported.
    def _save_exported(self, pending: _Pending) -> None:
        record, meta = pending.record, pending.meta
        assert meta is not None
        digest = str(meta["text_digest"])
        if pending.text is not None:
            text = pending.text
        elif record.type == "resource":
            text = record.payload.decode("utf-8", "surrogatepass")
        else:
            text = self._text_by_digest(digest)
        html: str | None = None
        if meta.get("has_html"):
            if record.type == "response":
                html = record.payload.decode("utf-8", "surrogatepass")
            else:
                html = self._html_by_digest(record)
        version = meta.get("version") or {}
        headers = tuple((str(k), str(v)) for k, v in meta.get("http_headers") or ())
        result = self.archive.save(
            str(meta["url"]),
            text=text,
            html=html,
            title=version.get("title"),
            byline=version.get("byline"),
            captured_at=parse_time(str(meta["captured_at"])),
            published_at=_time_or_none(version.get("published_at")),
            modified_at=_time_or_none(version.get("modified_at")),
            metadata=meta.get("capture_metadata") or None,
            source=str(meta.get("source") or "warc"),
            fetched_url=meta.get("fetched_url"),
            http_status=meta.get("http_status"),
            http_headers=headers or None,
            quality=meta.get("quality"),
        )
        self._record_saved(record, result.capture, text_digest=digest, text=text, html=html)
        self._add(record, result)

    def _save_foreign(self, record: WarcRecord) -> None:
        uri = record.target_uri or ""
        if not uri.startswith(("http://", "https://")) or record.date is None:
            self.skipped += 1
            return
        if record.type == "revisit":
            self._save_revisit(record)
            return
        if record.mime not in _HTML_TYPES or record.http_status not in (None, 200):
            self.skipped += 1
            return
        if record.type == "resource" and record.http_status is not None:
            self.skipped += 1
            return
        from ..fetch.decode import decode_html

        html, _ = decode_html(
            record.payload, record.http_header("content-type") or record.content_type
        )
        fields = _extract(html, uri)
        result = self.archive.save(
            uri,
            html=html,
            captured_at=record.date,
            source="warc",
            fetched_url=uri,
            http_status=record.http_status,
            http_headers=record.http_headers,
            **fields,
        )
        self._record_saved(record, result.capture, text_digest=None, text=None, html=html)
        self._add(record, result)

    def _save_revisit(self, record: WarcRecord) -> None:
        seen = self.payloads.get(record.payload_digest or "")
        if seen is None:
            refers_uri = record.header("WARC-Refers-To-Target-URI")
            refers_date = record.header("WARC-Refers-To-Date")
            if refers_uri and refers_date:
                seen = _Seen(refers_uri, parse_time(refers_date))
        capture = self._find_capture(seen) if seen is not None else None
        if capture is None:
            raise WarcFormatError(
                "revisit record refers to a payload that is neither earlier in the file "
                "nor in the archive",
                offset=record.offset,
            )
        status = record.http_status
        if status is not None and status != 200:
            if status != 304:
                self.skipped += 1
                return
            status = 200  # a server-not-modified revisit repeats the earlier 200
        version = self._version_of(capture)
        uri = record.target_uri or capture.url
        result = self.archive.save(
            uri,
            text=self.archive.text_of(capture),
            html=self.archive.raw_html(capture),
            title=version.title,
            byline=version.byline,
            published_at=version.published_at,
            modified_at=version.modified_at,
            captured_at=record.date,
            canonical_url=capture.url,
            source="warc",
            fetched_url=uri,
            http_status=status,
            http_headers=record.http_headers,
        )
        self._add(record, result)

    def _record_saved(
        self,
        record: WarcRecord,
        capture: Capture,
        *,
        text_digest: str | None,
        text: str | None,
        html: str | None,
    ) -> None:
        seen = _Seen(capture.url, capture.captured_at)
        if record.payload_digest and record.type != "revisit":
            self.payloads[record.payload_digest] = seen
        elif record.type != "revisit" and html is not None:
            self.payloads[_sha1_digest(record.payload)] = seen
        if text_digest is not None:
            self.texts.setdefault(text_digest, seen)
        if text_digest is not None and text is not None:
            self._remember(("text", text_digest), text, None)
        if record.payload_digest and html is not None:
            self._remember(("html", record.payload_digest), html, None)

    def _remember(self, key: tuple[str, str], value: str, extra: str | None) -> None:
        self.cache[key] = (value, extra)
        self.cache.move_to_end(key)
        while len(self.cache) > self._CACHE_SIZE:
            self.cache.popitem(last=False)

    def _text_by_digest(self, digest: str) -> str:
        cached = self.cache.get(("text", digest))
        if cached is not None:
            return cached[0]
        seen = self.texts.get(digest)
        capture = self._find_capture(seen) if seen is not None else None
        if capture is None:
            raise WarcFormatError("the capture's text record is missing from the file")
        return self.archive.text_of(capture)

    def _html_by_digest(self, record: WarcRecord) -> str:
        digest = record.payload_digest or ""
        cached = self.cache.get(("html", digest))
        if cached is not None:
            return cached[0]
        seen = self.payloads.get(digest)
        capture = self._find_capture(seen) if seen is not None else None
        html = self.archive.raw_html(capture) if capture is not None else None
        if html is None:
            raise WarcFormatError(
                "revisit record refers to a payload that is neither earlier in the file "
                "nor in the archive",
                offset=record.offset,
            )
        return html

    def _find_capture(self, seen: _Seen) -> Capture | None:
        try:
            captures = self.archive.captures(seen.url)
        except NewsArchiveError:
            return None
        for capture in captures:
            if capture.captured_at == seen.captured_at:
                return capture
        # WARC-Refers-To-Date may carry whole seconds only.
        for capture in captures:
            if capture.captured_at.replace(microsecond=0) == seen.captured_at:
                return capture
        return None

    def _version_of(self, capture: Capture) -> Version:
        for version in self.archive.history(capture.url):
            if version.id == capture.version_id:
                return version
        raise WarcFormatError(f"no version {capture.version_id} for {capture.url}")

    def _add(self, record: WarcRecord, result: Any) -> None:
        self.captures.append(
            ImportedCapture(
                file=record.file,
                offset=record.offset,
                url=result.capture.url,
                captured_at=result.capture.captured_at,
                is_new_capture=result.is_new_capture,
                is_new_version=result.is_new_version and result.is_new_capture,
            )
        )


def _load_meta(payload: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(payload.decode("utf-8", "surrogatepass"))
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != METADATA_FORMAT:
        return None
    if data.get("format_version") != METADATA_FORMAT_VERSION:
        return None
    return data


def _time_or_none(value: object) -> datetime | None:
    return parse_time(str(value)) if value else None


def _extract(html: str, url: str) -> dict[str, Any]:
    """Read article fields from a page; empty when no extractor is installed."""
    try:
        from ..fetch.extract import extract_article

        article = extract_article(html, url)
    except MissingDependencyError:
        return {}  # archive.save extracts text from html= itself
    except ExtractionError as exc:
        log.info("extraction failed for %s: %s", url, exc)
        return {}
    fields: dict[str, Any] = {
        "title": article.title,
        "byline": article.byline,
        "published_at": article.published_at,
        "modified_at": article.modified_at,
        "canonical_url": article.canonical_url,
    }
    if article.text.strip():
        fields["text"] = article.text
    if article.page:
        fields["metadata"] = {"page": dict(article.page)}
    return fields
