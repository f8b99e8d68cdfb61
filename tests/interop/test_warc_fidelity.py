"""Pages kept as the bytes served, and what the WARC export makes of older captures."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive import Archive
from newsarchive.interop.transfer import copy_archive
from newsarchive.interop.warc import export_warc, import_warc, iter_records
from newsarchive.interop.warc._format import NOT_MODIFIED_PROFILE, REENCODED_HEADER

DATA = Path(__file__).resolve().parents[1] / "data" / "warc"
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
URL = "https://news.example.com/story"
LATIN = (
    '<html><head><meta charset="iso-8859-1"><title>Zo\xeb</title></head>'
    "<body><p>Le caf\xe9 de Zo\xeb rouvre ses portes.</p></body></html>"
).encode("latin-1")
LATIN_TYPE = "text/html; charset=ISO-8859-1"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


def _export(archive: Archive) -> list:  # type: ignore[type-arg]
    stream = io.BytesIO()
    export_warc(archive, stream)
    stream.seek(0)
    return list(iter_records(stream))


def test_page_kept_as_served_is_read_in_its_charset(archive: Archive) -> None:
    saved = archive.save(URL, html=LATIN, html_charset="iso-8859-1", captured_at=T0)

    assert archive.served_html(saved.capture) == (LATIN, "iso8859-1")
    assert archive.raw_html(saved.capture) == LATIN.decode("latin-1")
    assert archive.get(URL).text == "Le café de Zoë rouvre ses portes."


def test_unknown_charset_is_an_input_error(archive: Archive) -> None:
    with pytest.raises(ValueError, match="unknown charset 'klingon'"):
        archive.save(URL, html=LATIN, html_charset="klingon")


def test_export_keeps_the_bytes_and_type_served(archive: Archive) -> None:
    archive.save(
        URL,
        html=LATIN,
        html_charset="iso-8859-1",
        captured_at=T0,
        http_status=200,
        http_headers=[("Content-Type", LATIN_TYPE), ("content-length", "9"), ("X-Rig", "7")],
        metadata={"status_line": "HTTP/1.0 200 Fine"},
    )
    [response] = [r for r in _export(archive) if r.type == "response"]

    assert response.payload == LATIN
    assert response.http_headers == (
        ("Content-Type", LATIN_TYPE),
        ("content-length", str(len(LATIN))),
        ("X-Rig", "7"),
    )
    assert response.header(REENCODED_HEADER) is None


def test_status_line_is_written_as_received(archive: Archive) -> None:
    archive.save(
        URL,
        html=LATIN,
        html_charset="iso-8859-1",
        http_status=200,
        metadata={"status_line": "HTTP/1.0 200 Fine"},
    )
    stream = io.BytesIO()
    export_warc(archive, stream)
    import gzip

    assert b"\r\nHTTP/1.0 200 Fine\r\n" in gzip.decompress(stream.getvalue())


def test_capture_saved_as_text_exports_as_before_marked_reencoded(archive: Archive) -> None:
    """HTML saved as text (as every capture was before pages were kept as served)."""
    archive.save(
        URL,
        html=LATIN.decode("latin-1"),
        captured_at=T0,
        http_status=200,
        http_headers=[("Content-Type", LATIN_TYPE)],
    )
    records = _export(archive)
    [response] = [r for r in records if r.type == "response"]
    [meta] = [r for r in records if r.type == "metadata"]

    assert response.payload == LATIN.decode("latin-1").encode("utf-8")
    assert response.http_header("Content-Type") == "text/html; charset=utf-8"
    assert response.header(REENCODED_HEADER) == "utf-8"
    assert json.loads(meta.payload)["html_charset"] is None


def test_not_modified_capture_exports_as_a_revisit_of_the_page(
    archive: Archive, tmp_path: Path
) -> None:
    first = archive.save(
        URL, html=LATIN, html_charset="iso-8859-1", captured_at=T0, http_status=200
    )
    archive.save(
        URL,
        text=archive.get(URL).text,
        title=first.version.title if first.version else None,
        captured_at=T0 + timedelta(hours=1),
        http_status=304,
        http_headers=[("ETag", '"v1"')],
        metadata={"not_modified": True},
    )
    records = _export(archive)
    [response] = [r for r in records if r.type == "response"]
    [revisit] = [r for r in records if r.type == "revisit"]

    assert revisit.header("WARC-Profile") == NOT_MODIFIED_PROFILE
    assert revisit.header("WARC-Refers-To") == response.record_id
    assert revisit.payload_digest == response.payload_digest
    assert revisit.http_headers is None
    assert not [r for r in records if r.type == "resource"]

    warc = tmp_path / "out.warc.gz"
    with warc.open("wb") as stream:
        export_warc(archive, stream)
    with Archive.open(tmp_path / "copy") as copy:
        report = import_warc(copy, [warc])
        assert not report.problems
        assert [(c.http_status, c.http_headers) for c in copy.captures(URL)] == [
            (c.http_status, c.http_headers) for c in archive.captures(URL)
        ]


def test_text_and_metadata_records_are_not_at_the_pages_address(archive: Archive) -> None:
    archive.save(URL, html=LATIN, html_charset="iso-8859-1", captured_at=T0)
    records = _export(archive)
    linked = [r for r in records if r.type in ("conversion", "metadata")]

    assert sorted(r.type for r in linked) == ["conversion", "metadata"]
    assert all(r.target_uri == f"urn:{kind}:{URL}" for r, kind in _kinds(linked))
    [response] = [r for r in records if r.type == "response"]
    assert all(r.header("WARC-Refers-To") == response.record_id for r in linked)


def _kinds(records: list) -> list:  # type: ignore[type-arg]
    names = {"conversion": "text", "metadata": "capture-metadata"}
    return [(r, names[r.type]) for r in records]


def test_exports_written_before_still_import(archive: Archive, tmp_path: Path) -> None:
    """Metadata records at the page's URL, as earlier exports wrote them, are still read."""
    report = import_warc(archive, [DATA / "export_before_served_bytes.warc.gz"])

    assert not report.problems
    assert report.skipped == 1  # the warcinfo record
    assert len(archive.captures(archive.articles()[0].url)) == 8
    assert len(archive.history(archive.articles()[0].url)) == 7


def test_foreign_response_is_kept_as_the_bytes_recorded(archive: Archive) -> None:
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", LATIN_TYPE)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            URL,
            "response",
            payload=io.BytesIO(LATIN),
            length=len(LATIN),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2024-05-01T08:00:00Z"},
        )
    )
    stream.seek(0)
    report = import_warc(archive, stream)

    assert not report.problems
    [capture] = archive.captures(URL)
    assert archive.served_html(capture) == (LATIN, "cp1252")


def test_copy_keeps_pages_as_served(archive: Archive, tmp_path: Path) -> None:
    archive.save(URL, html=LATIN, html_charset="iso-8859-1", captured_at=T0)
    archive.save(URL, html="<p>Re-encoded long ago.</p>", captured_at=T0 + timedelta(hours=1))
    with Archive.open(tmp_path / "copy") as copy:
        copy_archive(archive, copy)
        assert [copy.served_html(c) for c in copy.captures(URL)] == [
            (LATIN, "iso8859-1"),
            (b"<p>Re-encoded long ago.</p>", None),
        ]
