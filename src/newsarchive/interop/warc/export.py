"""Write the archive's captures as a gzip-per-record WARC/1.1 file."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

import attrs

from ...models import Capture, Version
from ...times import as_utc, format_time
from ._format import (
    _RECORD_ID_NAMESPACE,
    _WIRE_HEADERS,
    HTML_CONTENT_TYPE,
    METADATA_CONTENT_TYPE,
    METADATA_FORMAT,
    METADATA_FORMAT_VERSION,
    NOT_MODIFIED_PROFILE,
    REENCODED_HEADER,
    TEXT_CONTENT_TYPE,
    ProgressCallback,
    _import_warcio,
    _sha1_digest,
    _software,
)

if TYPE_CHECKING:
    from ...archive import Archive


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
    digest: str


class _Exporter:
    def __init__(self, archive: Archive, writer: _Writer) -> None:
        self.archive = archive
        self.writer = writer
        # Payload digests already written, so repeats become revisit records.
        self.payloads: dict[str, _Written] = {}
        self.texts: set[str] = set()
        # Per article, the last page written, which a later 304 capture confirmed.
        self.pages: dict[str, _Written] = {}
        self.records = self.responses = self.resources = self.revisits = 0

    def _write(self, record: Any) -> None:
        self.writer.write_record(record)
        self.records += 1

    def write_warcinfo(self, filename: str | None) -> None:
        # warcio is the optional extra newsarchive[warc], loaded on first use.
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
        text = self.archive.text_of(capture)
        text_bytes = text.encode("utf-8", "surrogatepass")
        text_digest = _sha1_digest(text_bytes)
        served = self.archive.served_html(capture)
        charset = None if served is None else served[1]
        confirmed = self.pages.get(capture.url) if capture.http_status == 304 else None
        if served is not None:
            body = served[0]
            digest = _sha1_digest(body)
            http = _http_message(capture, _http_headers(capture, len(body), charset))
            primary_id = self._write_payload(capture, body, digest, http, charset=charset)
            self.pages[capture.url] = self.payloads[digest]
        elif confirmed is not None:
            primary_id = self._write_not_modified(capture, confirmed)
        else:
            primary_id = self._write_payload(capture, text_bytes, text_digest, None)
            self.texts.add(text_digest)
        if text_digest not in self.texts:
            self._write_linked(
                capture, "conversion", text_bytes, TEXT_CONTENT_TYPE, refers_to=primary_id
            )
            self.texts.add(text_digest)
        meta = _capture_json(capture, version, text_digest=text_digest, has_html=served is not None)
        if served is not None:
            meta["html_charset"] = charset
        payload = json.dumps(meta, ensure_ascii=False, sort_keys=True)
        self._write_linked(
            capture,
            "metadata",
            payload.encode("utf-8", "surrogatepass"),
            METADATA_CONTENT_TYPE,
            refers_to=primary_id,
        )

    def _write_not_modified(self, capture: Capture, confirmed: _Written) -> str:
        """Write a 304 capture as a revisit of the page it confirmed; return its id."""
        builder: Any = self.writer
        primary_id = _record_id(capture, "revisit")
        record = builder.create_revisit_record(
            capture.fetched_url or capture.url,
            confirmed.digest,
            confirmed.target_uri,
            confirmed.warc_date,
            # No HTTP block: replay tools then serve the confirmed page with its own status
            # and headers (pywb replays any 3xx it finds here as it is, with no body). The
            # 304's status and headers are kept in the capture's metadata record.
            http_headers=None,
            warc_headers_dict={
                "WARC-Date": _warc_date(capture.captured_at),
                "WARC-Record-ID": primary_id,
                "WARC-Refers-To": confirmed.record_id,
            },
        )
        record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        self._write(record)
        self.revisits += 1
        return primary_id

    def _write_payload(
        self, capture: Capture, body: bytes, digest: str, http: Any, *, charset: str | None = None
    ) -> str:
        """Write the capture's own record (response, resource or revisit); return its id."""
        builder: Any = self.writer
        target = capture.fetched_url or capture.url
        date = _warc_date(capture.captured_at)
        kind = "resource" if http is None else "response"
        primary_id = _record_id(capture, kind)
        headers = {"WARC-Date": date, "WARC-Record-ID": primary_id}
        if http is not None and charset is None:
            # Saved before pages were kept as served: the page was decoded and re-encoded.
            headers[REENCODED_HEADER] = "utf-8"
        earlier = self.payloads.get(digest)
        if earlier is not None:
            record = builder.create_revisit_record(
                target,
                digest,
                earlier.target_uri,
                earlier.warc_date,
                http_headers=http,
                warc_headers_dict={**headers, "WARC-Refers-To": earlier.record_id},
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
                warc_headers_dict=headers,
            )
            self.responses += 1
        else:
            record = builder.create_warc_record(
                target,
                "resource",
                payload=io.BytesIO(body),
                length=len(body),
                warc_content_type=TEXT_CONTENT_TYPE,
                warc_headers_dict=headers,
            )
            self.resources += 1
        self._write(record)
        if earlier is None:
            self.payloads[digest] = _Written(primary_id, target, date, digest)
        return primary_id

    def _write_linked(
        self, capture: Capture, kind: str, payload: bytes, content_type: str, *, refers_to: str
    ) -> None:
        """Write a record about the capture's record (its text, or our metadata)."""
        builder: Any = self.writer
        # Not the page's URL: replay tools index these records too, and would serve
        # them at the page's address and time instead of the page.
        prefix = "urn:text:" if kind == "conversion" else "urn:capture-metadata:"
        self._write(
            builder.create_warc_record(
                prefix + (capture.fetched_url or capture.url),
                kind,
                payload=io.BytesIO(payload),
                length=len(payload),
                warc_content_type=content_type,
                warc_headers_dict={
                    "WARC-Date": _warc_date(capture.captured_at),
                    "WARC-Record-ID": _record_id(capture, kind),
                    "WARC-Refers-To": refers_to,
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


def _http_message(capture: Capture, headers: list[tuple[str, str]]) -> Any:
    """The HTTP status line and headers of a capture, as received when they were kept."""
    from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]

    protocol, status = "HTTP/1.1", _status_line(capture.http_status)
    line = capture.metadata.get("status_line")
    if isinstance(line, str) and line.startswith("HTTP/") and " " in line:
        protocol, received = line.split(" ", 1)
        if received.split(" ", 1)[0] == str(capture.http_status):
            status = received
    return StatusAndHeaders(status, headers, protocol=protocol)


def _status_line(status: int | None) -> str:
    status = status or 200
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    return f"{status} {reason}"


def _http_headers(capture: Capture, length: int, charset: str | None) -> list[tuple[str, str]]:
    """The headers a response record carries for a payload of ``length`` bytes.

    Names and order stay as received. Content and transfer encodings are undone in the
    payload, so their headers go and ``Content-Length`` is the payload's size. A page
    kept as served keeps its ``Content-Type``; a re-encoded one says UTF-8.
    """
    headers: list[tuple[str, str]] = []
    has_type = has_length = False
    for name, value in capture.http_headers:
        lowered = name.lower()
        if lowered == "content-length" and not has_length:
            has_length = True
            headers.append((name, str(length)))
            continue
        if lowered in _WIRE_HEADERS:
            continue
        if lowered == "content-type":
            has_type = True
            if charset is None:
                mime = value.split(";", 1)[0].strip() or "text/html"
                value = f"{mime}; charset=utf-8"
        headers.append((name, value))
    if not has_type:
        headers.append(("Content-Type", "text/html" if charset else HTML_CONTENT_TYPE))
    if not has_length:
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
