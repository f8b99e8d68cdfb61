"""Import WARC and ARC files: foreign captures, revisits, and our own exports restored exactly."""

from __future__ import annotations

import io
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from ...errors import NewsArchiveError, StorageError, WarcFormatError, describe_failure
from ...fetch.decode import decode_html
from ...models import BatchReport, Capture, Problem, SavedCaptures, Version
from ...times import parse_time
from ._format import (
    _HTML_TYPES,
    METADATA_CONTENT_TYPE,
    ProgressCallback,
    _import_warcio,
    _load_meta,
    _sha1_digest,
    _time_or_none,
)
from .fields import extract_fields
from .read import WarcRecord, as_problem, iter_records

if TYPE_CHECKING:
    from ...archive import Archive


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
class WarcImportReport(SavedCaptures, BatchReport):
    """The outcome of :func:`import_warc`: one entry per capture or problem.

    Each problem names its ``file`` and, for a damaged record, its ``offset``.
    """

    files: int
    records: int
    captures: tuple[ImportedCapture, ...] = attrs.field(repr=False)
    skipped: int
    problems: tuple[Problem, ...]


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
                importer.problems.append(Problem(file=label, message=exc.strerror or str(exc)))
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


# A page's bytes and their charset; None for a page kept re-encoded as UTF-8.
_Page = tuple[bytes, str | None]


def _as_page(value: Any) -> _Page:
    body, charset = value
    return bytes(body), None if charset is None else str(charset)


def _html_arguments(page: _Page | None) -> dict[str, Any]:
    """``Archive.save``'s arguments for a page: as served when it was, else as text."""
    if page is None:
        return {"html": None}
    body, charset = page
    if charset is None:
        return {"html": body.decode("utf-8", "surrogatepass")}
    return {"html": body, "html_charset": charset}


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
        self.problems: list[Problem] = []
        self.payloads: dict[str, _Seen] = {}
        self.texts: dict[str, _Seen] = {}
        self.cache: OrderedDict[tuple[str, str], tuple[Any, str | None]] = OrderedDict()
        self.pending: _Pending | None = None

    def import_stream(
        self, stream: BinaryIO, label: str, *, on_record: Callable[[int], None] | None
    ) -> None:
        def on_problem(error: WarcFormatError) -> None:
            self.problems.append(as_problem(error, label))

        records, problems = self.records, len(self.problems)
        for record in iter_records(stream, name=label, on_problem=on_problem):
            self.records += 1
            self.handle(record)
            if on_record:
                on_record(record.offset + record.length)
        self.flush()
        if self.records == records and len(self.problems) == problems:
            # An empty file, or one cut short before its first record ends: never silent.
            self.problems.append(
                Problem(file=label, offset=0, message="no WARC or ARC record in the file")
            )

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
        except StorageError:
            raise  # the archive itself failed: the import cannot go on
        except Exception as exc:  # noqa: BLE001 - one record never ends an import
            record = pending.record
            self.problems.append(
                Problem(file=record.file, offset=record.offset, message=describe_failure(exc))
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
        html: _Page | None = None
        if meta.get("has_html"):
            if record.type == "response":
                html = (record.payload, meta.get("html_charset"))
            else:
                html = self._html_by_digest(record)
        version = meta.get("version") or {}
        headers = tuple((str(k), str(v)) for k, v in meta.get("http_headers") or ())
        result = self.archive.save(
            str(meta["url"]),
            text=text,
            **_html_arguments(html),
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
        html, charset = decode_html(
            record.payload, record.http_header("content-type") or record.content_type
        )
        fields = extract_fields(html, uri)
        page: _Page = (record.payload, charset)
        result = self.archive.save(
            uri,
            html=record.payload,
            html_charset=charset,
            captured_at=record.date,
            source="warc",
            fetched_url=uri,
            http_status=record.http_status,
            http_headers=record.http_headers,
            **fields,
        )
        self._record_saved(record, result.capture, text_digest=None, text=None, html=page)
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
            **_html_arguments(self.archive.served_html(capture)),
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
        html: _Page | None,
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

    def _remember(self, key: tuple[str, str], value: Any, extra: str | None) -> None:
        self.cache[key] = (value, extra)
        self.cache.move_to_end(key)
        while len(self.cache) > self._CACHE_SIZE:
            self.cache.popitem(last=False)

    def _text_by_digest(self, digest: str) -> str:
        cached = self.cache.get(("text", digest))
        if cached is not None:
            return str(cached[0])
        seen = self.texts.get(digest)
        capture = self._find_capture(seen) if seen is not None else None
        if capture is None:
            raise WarcFormatError("the capture's text record is missing from the file")
        return self.archive.text_of(capture)

    def _html_by_digest(self, record: WarcRecord) -> _Page:
        digest = record.payload_digest or ""
        cached = self.cache.get(("html", digest))
        if cached is not None:
            return _as_page(cached[0])
        seen = self.payloads.get(digest)
        capture = self._find_capture(seen) if seen is not None else None
        html = self.archive.served_html(capture) if capture is not None else None
        if html is None:
            raise WarcFormatError(
                "revisit record refers to a payload that is neither earlier in the file "
                "nor in the archive",
                offset=record.offset,
            )
        return _as_page(html)

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
