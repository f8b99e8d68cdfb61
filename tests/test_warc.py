from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
from base64 import b32encode
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive import Archive
from newsarchive.errors import WarcFormatError
from newsarchive.warc import export_warc, import_warc, iter_records

DATA = Path(__file__).parent / "data" / "warc"
T0 = datetime(2017, 6, 6, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/2017/06/story"
OTHER = "https://news.example.com/2017/06/other"


def page(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


def fill(archive: Archive) -> None:
    """A history with fetched HTML, hand-saved text, repeats, a backfill and odd text."""
    archive.save(
        URL,
        html=page("Storm hits coast", "The storm hit the coast on Monday."),
        text="The storm hit the coast on Monday.",
        title="Storm hits coast",
        byline="A. Reporter",
        published_at=T0 - timedelta(hours=1),
        captured_at=T0,
        source="fetch",
        fetched_url=URL + "?utm_source=feed",
        http_status=200,
        http_headers=[
            ("Content-Type", "text/html; charset=ISO-8859-1"),
            ("Content-Encoding", "gzip"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ],
        metadata={"feed": "front", "extractor": {"name": "x"}},
    )
    # Unchanged page an hour later: its payload becomes a revisit record.
    archive.save(
        URL,
        html=page("Storm hits coast", "The storm hit the coast on Monday."),
        text="The storm hit the coast on Monday.",
        title="Storm hits coast",
        byline="A. Reporter",
        published_at=T0 - timedelta(hours=1),
        captured_at=T0 + timedelta(hours=1),
        source="fetch",
        fetched_url=URL,
        http_status=200,
        http_headers=[("Content-Type", "text/html")],
    )
    archive.save(
        URL,
        html=page("Storm hits coast, two dead", "The storm hit the coast on Monday.",
                  "Two people died."),
        text="The storm hit the coast on Monday.\n\nTwo people died.",
        title="Storm hits coast, two dead",
        byline="A. Reporter",
        published_at=T0 - timedelta(hours=1),
        modified_at=T0 + timedelta(hours=2),
        captured_at=T0 + timedelta(hours=3, microseconds=250),
        source="fetch",
        fetched_url=URL,
        http_status=200,
        http_headers=[("Content-Type", "text/html; charset=utf-8")],
    )
    # Saved before the others although captured earlier: a backfilled capture.
    archive.save(URL, text="Early draft.", captured_at=T0 - timedelta(days=1), source="wayback")
    archive.save(
        OTHER,
        text="Emoji 🎉, RTL שלום, CRLF\r\nline, tab\tand NUL\x00 bytes.",
        title="Odd text",
        captured_at=T0,
    )
    archive.save(OTHER, text="Second text.", captured_at=T0 + timedelta(minutes=5), source="manual")
    archive.save(
        OTHER,
        text="Emoji 🎉, RTL שלום, CRLF\r\nline, tab\tand NUL\x00 bytes.",
        title="Odd text",
        captured_at=T0 + timedelta(minutes=10),
    )


def snapshot(archive: Archive) -> dict[str, object]:
    """Everything an archive holds, without row ids."""
    result: dict[str, object] = {}
    for article in archive.articles():
        captures = [
            (
                c.url, c.captured_at, c.source, c.version, c.version_id, c.content_hash,
                c.text_hash, c.html_hash, c.fetched_url, c.http_status, c.http_headers,
                c.quality, dict(c.metadata), archive.text_of(c), archive.raw_html(c),
            )
            for c in archive.captures(article.url)
        ]
        versions = [
            (v.id, v.number, v.text, v.title, v.byline, v.published_at, v.modified_at,
             dict(v.metadata), v.content_hash, v.first_captured_at, v.last_captured_at,
             v.capture_count)
            for v in archive.history(article.url)
        ]
        result[article.url] = (article.aliases, captures, versions)
    return result


def export_bytes(archive: Archive, urls: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    export_warc(archive, buffer, urls)
    return buffer.getvalue()


def test_export_writes_the_expected_records(archive: Archive) -> None:
    fill(archive)
    data = export_bytes(archive, [URL])
    records = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        payload = record.content_stream().read()
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        records.append((record.rec_type, record.rec_headers, record.http_headers, payload))
    kinds = [r[0] for r in records]
    assert kinds == [
        "warcinfo",
        "resource", "metadata",  # the backfilled text-only capture comes first in time
        "response", "conversion", "metadata",
        "revisit", "metadata",
        "response", "conversion", "metadata",
    ]
    info = records[0][3].decode()
    assert "software: newsarchive/" in info

    _, headers, http, payload = records[3]
    assert headers.get_header("WARC-Target-URI") == URL + "?utm_source=feed"
    assert headers.get_header("WARC-Date") == "2017-06-06T12:00:00Z"
    assert http.get_statuscode() == "200"
    # Headers describing wire encoding are dropped: the payload is decoded UTF-8.
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("Content-Type") == "text/html; charset=utf-8"
    assert http.get_header("Content-Length") == str(len(payload))
    assert [v for k, v in http.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    digest = "sha1:" + b32encode(hashlib.sha1(payload).digest()).decode()
    assert headers.get_header("WARC-Payload-Digest") == digest
    response_id = headers.get_header("WARC-Record-ID")
    assert records[4][1].get_header("WARC-Refers-To") == response_id
    assert records[4][3] == b"The storm hit the coast on Monday."
    meta = json.loads(records[5][3])
    assert records[5][1].get_header("WARC-Refers-To") == response_id
    assert meta["url"] == URL and meta["version"]["title"] == "Storm hits coast"

    _, revisit, _, _ = records[6]
    assert revisit.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert revisit.get_header("WARC-Payload-Digest") == digest
    assert revisit.get_header("WARC-Refers-To") == response_id
    assert revisit.get_header("WARC-Refers-To-Target-URI") == URL + "?utm_source=feed"
    assert revisit.get_header("WARC-Refers-To-Date") == "2017-06-06T12:00:00Z"
    assert records[9][1].get_header("WARC-Date") == "2017-06-06T15:00:00.000250Z"


def test_export_is_one_gzip_member_per_record(archive: Archive) -> None:
    fill(archive)
    data = export_bytes(archive)
    offsets = []
    iterator = ArchiveIterator(io.BytesIO(data))
    for record in iterator:
        record.content_stream().read()
        offsets.append((iterator.get_record_offset(), iterator.get_record_length()))
    for offset, length in offsets:
        member = gzip.decompress(data[offset : offset + length])
        assert member.startswith(b"WARC/1.1\r\n")
    assert sum(length for _, length in offsets) == len(data)


def test_export_passes_warcio_check(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    target = tmp_path / "out.warc.gz"
    with target.open("wb") as stream:
        report = export_warc(archive, stream)
    assert (report.articles, report.captures, report.revisits) == (2, 7, 2)
    checked = subprocess.run(
        [sys.executable, "-c", "import sys; from warcio.cli import main; main()", "check", "-v",
         str(target)],
        capture_output=True, text=True, check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout
    assert "digest failed" not in checked.stdout


def test_export_is_deterministic(archive: Archive) -> None:
    fill(archive)
    first, second = export_bytes(archive), export_bytes(archive)
    # Only the warcinfo record (its creation date) may differ.
    records_a = list(iter_records(io.BytesIO(first)))[1:]
    records_b = list(iter_records(io.BytesIO(second)))[1:]
    assert [(r.record_id, r.payload) for r in records_a] == [
        (r.record_id, r.payload) for r in records_b
    ]


def test_round_trip_gives_same_versions_and_captures(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    data = export_bytes(archive)
    with Archive.open(tmp_path / "copy") as copy:
        progress: list[tuple[int, int]] = []
        report = import_warc(copy, io.BytesIO(data), on_progress=lambda d, t: progress.append((d, t)))
        assert report.ok, report.problems
        assert report.captures_added == 7
        assert snapshot(copy) == snapshot(archive)
        assert progress[-1] == (len(data), len(data))
        again = import_warc(copy, io.BytesIO(data))
        assert (again.captures_added, again.versions_added, again.unchanged) == (0, 0, 7)
        assert snapshot(copy) == snapshot(archive)


def test_round_trip_through_files_in_any_order(archive: Archive, tmp_path: Path) -> None:
    """Articles exported to separate files import into one archive, later file first."""
    fill(archive)
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    first.write_bytes(export_bytes(archive, [URL]))
    second.write_bytes(export_bytes(archive, [OTHER]))
    with Archive.open(tmp_path / "copy") as copy:
        report = import_warc(copy, [second, str(first)])
        assert report.ok and report.files == 2
        assert snapshot(copy) == snapshot(archive)


def test_missing_file_is_reported_and_others_import(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    good = tmp_path / "good.warc.gz"
    good.write_bytes(export_bytes(archive, [OTHER]))
    with Archive.open(tmp_path / "copy") as copy:
        report = import_warc(copy, [tmp_path / "missing.warc.gz", good])
        assert [(p.file, p.offset) for p in report.problems] == [
            (str(tmp_path / "missing.warc.gz"), None)
        ]
        assert report.captures_added == 3


def test_iter_records_raises_on_damage_without_handler() -> None:
    data = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nshort"
    with pytest.raises(WarcFormatError) as caught:
        list(iter_records(io.BytesIO(data), name="bad.warc"))
    assert caught.value.offset == 0
