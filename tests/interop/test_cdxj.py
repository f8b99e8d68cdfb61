from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive import Archive
from newsarchive.errors import WarcFormatError
from newsarchive.interop.cdxj import index_warc, write_cdxj
from newsarchive.interop.surt import surt
from newsarchive.interop.warc import export_warc

T0 = datetime(2017, 6, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


def fill(archive: Archive) -> None:
    html = "<html><body><p>Same page.</p></body></html>"
    for url in ("https://www.example.com/b", "https://example.com/a?z=1&y=2"):
        archive.save(
            url,
            html=html,
            captured_at=T0,
            source="fetch",
            http_status=200,
            fetched_url=url,
            http_headers=[("Content-Type", "text/html")],
        )
        archive.save(
            url,
            html=html,
            captured_at=T0 + timedelta(hours=1),
            source="fetch",
            http_status=200,
            fetched_url=url,
        )
    archive.save("https://example.com/c", text="Text only.", captured_at=T0 - timedelta(days=1))


def export(archive: Archive, path: Path, urls: list[str] | None = None) -> Path:
    with path.open("wb") as stream:
        export_warc(archive, stream, urls)
    return path


def test_lines_point_at_their_records(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    path = export(archive, tmp_path / "all.warc.gz")
    out = io.StringIO()
    report = write_cdxj([path], out)
    lines = out.getvalue().splitlines()
    assert report.ok and report.lines == len(lines) == 5
    data = path.read_bytes()
    for line in lines:
        key, timestamp, block = line.split(" ", 2)
        fields = json.loads(block)
        assert key == surt(fields["url"])
        assert fields["filename"] == "all.warc.gz"
        start, length = int(fields["offset"]), int(fields["length"])
        member = data[start : start + length]
        [record] = list(ArchiveIterator(io.BytesIO(member)))
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
        assert (
            record.rec_headers.get_header("WARC-Date")
            .replace("-", "")
            .replace(":", "")
            .replace("T", "")[:14]
            == timestamp
        )
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        assert digest == "sha1:" + fields["digest"]
        kind = record.rec_type
        assert (
            fields["mime"]
            == {"response": "text/html", "revisit": "warc/revisit", "resource": "text/plain"}[kind]
        )
        assert ("status" in fields) == (kind != "resource")
    assert lines == sorted(lines)
    assert [line.split(" ", 2)[:2] for line in lines] == [
        ["com,example)/a?y=2&z=1", "20170606120000"],
        ["com,example)/a?y=2&z=1", "20170606130000"],
        ["com,example)/b", "20170606120000"],
        ["com,example)/b", "20170606130000"],
        ["com,example)/c", "20170605120000"],
    ]


def test_several_files_sort_together(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    first = export(archive, tmp_path / "one.warc.gz", ["https://example.com/c"])
    second = export(archive, tmp_path / "two.warc.gz", ["https://www.example.com/b"])
    out = io.StringIO()
    write_cdxj([second, first], out)
    lines = out.getvalue().splitlines()
    assert lines == sorted(lines)
    assert [json.loads(line.split(" ", 2)[2])["filename"] for line in lines] == [
        "two.warc.gz",
        "two.warc.gz",
        "one.warc.gz",
    ]


def test_damaged_record_is_reported_and_the_rest_indexed(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    data = export(archive, tmp_path / "ok.warc.gz").read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(
        data + gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 900\r\n\r\ncut")
    )
    out = io.StringIO()
    report = write_cdxj([damaged], out)
    assert report.lines == 5
    [problem] = report.problems
    assert problem.offset == len(data)


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(WarcFormatError, match="cannot read"):
        write_cdxj([tmp_path / "nope.warc.gz"], io.StringIO())


def test_foreign_records_are_indexed(tmp_path: Path) -> None:
    from test_warc import heritrix_warc

    entries = list(index_warc(io.BytesIO(heritrix_warc()), "h.warc.gz"))
    assert [(e.key, e.fields["mime"], e.fields.get("status")) for e in entries] == [
        ("org,example,town)/cafe", "text/html", "200"),
        ("org,example,town)/logo.png", "image/png", "200"),
        ("org,example,town)/missing", "text/html", "404"),
        ("org,example,town)/cafe", "warc/revisit", "200"),
    ]


def test_json_index_matches_the_cdxj_lines(archive: Archive, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    fill(archive)
    warc = export(archive, tmp_path / "a.warc.gz")
    runner = CliRunner()
    lines = runner.invoke(cli, ["cdxj", str(warc)]).stdout.splitlines()
    result = runner.invoke(cli, ["cdxj", str(warc), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["problems"] == [] and len(data["entries"]) == len(lines) > 0
    for line, entry in zip(lines, data["entries"], strict=True):
        key, timestamp, block = line.split(" ", 2)
        assert entry == {"urlkey": key, "timestamp": timestamp, **json.loads(block)}
