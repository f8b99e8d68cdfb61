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
from newsarchive.interop.warc import export_warc, import_warc, iter_records

DATA = Path(__file__).resolve().parents[1] / "data" / "warc"
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
        html=page(
            "Storm hits coast, two dead", "The storm hit the coast on Monday.", "Two people died."
        ),
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
                c.url,
                c.captured_at,
                c.source,
                c.version,
                c.version_id,
                c.content_hash,
                c.text_hash,
                c.html_hash,
                c.fetched_url,
                c.http_status,
                c.http_headers,
                c.quality,
                dict(c.metadata),
                archive.text_of(c),
                archive.raw_html(c),
            )
            for c in archive.captures(article.url)
        ]
        versions = [
            (
                v.id,
                v.number,
                v.text,
                v.title,
                v.byline,
                v.published_at,
                v.modified_at,
                dict(v.metadata),
                v.content_hash,
                v.first_captured_at,
                v.last_captured_at,
                v.capture_count,
            )
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
        "resource",
        "metadata",  # the backfilled text-only capture comes first in time
        "response",
        "conversion",
        "metadata",
        "revisit",
        "metadata",
        "response",
        "conversion",
        "metadata",
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
        [
            sys.executable,
            "-c",
            "import sys; from warcio.cli import main; main()",
            "check",
            "-v",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
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
        report = import_warc(
            copy, io.BytesIO(data), on_progress=lambda d, t: progress.append((d, t))
        )
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


# -- files from other tools, written byte by byte -----------------------------------------

ARTICLE_HTML = (
    "<html><head><meta charset='iso-8859-1'><title>Caf\xe9 closes after 40 years</title>"
    "<meta name='author' content='B. Writer'></head><body><article>"
    "<h1>Caf\xe9 closes after 40 years</h1>"
    "<p>The caf\xe9 on Main Street served its last coffee on Saturday after four decades.</p>"
    "<p>Regulars queued around the block to say goodbye to the owners.</p>"
    "</article></body></html>"
)


def sha1(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def warc_record(kind: str, headers: dict[str, str], block: bytes, *, version: str = "1.0") -> bytes:
    lines = [f"WARC/{version}", f"WARC-Type: {kind}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(block)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_response(status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


def response_record(
    url: str,
    date: str,
    body: bytes,
    *,
    status: str = "200 OK",
    ctype: str = "text/html",
    record_id: str = "<urn:uuid:00000000-0000-0000-0000-000000000001>",
    extra: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> bytes:
    block = http_response(status, [("Content-Type", ctype), *extra], body)
    return warc_record(
        "response",
        {
            "WARC-Target-URI": url,
            "WARC-Date": date,
            "WARC-Record-ID": record_id,
            "Content-Type": "application/http; msgtype=response",
            "WARC-Payload-Digest": sha1(body),
            "WARC-Block-Digest": sha1(block),
        },
        block,
    )


def revisit_record(
    url: str,
    date: str,
    body: bytes,
    refers_url: str,
    refers_date: str,
    record_id: str = "<urn:uuid:00000000-0000-0000-0000-0000000000ff>",
) -> bytes:
    block = http_response("200 OK", [("Content-Type", "text/html")], b"")
    return warc_record(
        "revisit",
        {
            "WARC-Target-URI": url,
            "WARC-Date": date,
            "WARC-Record-ID": record_id,
            "WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
            "WARC-Refers-To-Target-URI": refers_url,
            "WARC-Refers-To-Date": refers_date,
            "WARC-Payload-Digest": sha1(body),
            "Content-Type": "application/http; msgtype=response",
        },
        block,
    )


def record_offsets(data: bytes) -> list[int]:
    iterator = ArchiveIterator(io.BytesIO(data), arc2warc=True)
    offsets = []
    for record in iterator:
        record.content_stream().read()
        offsets.append(iterator.get_record_offset())
    return offsets


def chunked(data: bytes, size: int = 50) -> bytes:
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def wget_warc() -> bytes:
    """What ``wget --warc-file`` writes: uncompressed here, chunked and gzip-encoded body."""
    body = ARTICLE_HTML.encode("iso-8859-1")
    wire = chunked(gzip.compress(body, mtime=0))
    block = http_response(
        "200 OK",
        [
            ("Content-Type", "text/html; charset=ISO-8859-1"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ],
        wire,
    )
    info = b"software: Wget/1.21.3 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n"
    request = b"GET /cafe HTTP/1.1\r\nHost: town.example.org\r\n\r\n"
    return b"".join(
        [
            warc_record(
                "warcinfo",
                {
                    "WARC-Date": "2019-03-01T10:00:00Z",
                    "WARC-Record-ID": "<urn:uuid:a0000000-0000-0000-0000-000000000000>",
                    "Content-Type": "application/warc-fields",
                },
                info,
            ),
            warc_record(
                "request",
                {
                    "WARC-Target-URI": "http://town.example.org/cafe",
                    "WARC-Date": "2019-03-01T10:00:01Z",
                    "WARC-Record-ID": "<urn:uuid:a0000000-0000-0000-0000-000000000001>",
                    "Content-Type": "application/http;msgtype=request",
                },
                request,
            ),
            warc_record(
                "response",
                {
                    "WARC-Target-URI": "http://town.example.org/cafe",
                    "WARC-Date": "2019-03-01T10:00:01Z",
                    "WARC-Record-ID": "<urn:uuid:a0000000-0000-0000-0000-000000000002>",
                    "WARC-Block-Digest": sha1(block),
                    "Content-Type": "application/http;msgtype=response",
                },
                block,
            ),
            warc_record(
                "resource",
                {
                    "WARC-Target-URI": "urn:X-wget-log",
                    "WARC-Date": "2019-03-01T10:00:02Z",
                    "WARC-Record-ID": "<urn:uuid:a0000000-0000-0000-0000-000000000003>",
                    "Content-Type": "text/plain",
                },
                b"FINISHED --2019-03-01--\n",
            ),
        ]
    )


def test_imports_a_wget_warc(archive: Archive) -> None:
    report = import_warc(archive, io.BytesIO(wget_warc()))
    assert report.ok, report.problems
    assert (report.records, report.captures_added, report.skipped) == (4, 1, 3)
    [capture] = archive.captures("http://town.example.org/cafe")
    assert capture.captured_at == datetime(2019, 3, 1, 10, 0, 1, tzinfo=UTC)
    assert capture.source == "warc"
    assert capture.http_status == 200
    assert capture.fetched_url == "http://town.example.org/cafe"
    assert ("Content-Encoding", "gzip") in capture.http_headers
    assert archive.raw_html(capture) == ARTICLE_HTML
    text = archive.text_of(capture)
    assert "The café on Main Street served its last coffee" in text
    assert archive.get("http://town.example.org/cafe").title == "Café closes after 40 years"


def heritrix_warc(*, second_changed: bool = False) -> bytes:
    """Gzip per record, with a deduplicated revisit and records that are not articles."""
    body = ARTICLE_HTML.encode("iso-8859-1")
    later = body.replace(b"last coffee", b"final coffee") if second_changed else body
    url = "https://town.example.org/cafe"
    records = [
        response_record(url, "2019-03-01T10:00:00Z", body, ctype="text/html; charset=iso-8859-1"),
        warc_record(
            "metadata",
            {
                "WARC-Target-URI": url,
                "WARC-Date": "2019-03-01T10:00:00Z",
                "WARC-Refers-To": "<urn:uuid:00000000-0000-0000-0000-000000000001>",
                "Content-Type": "application/warc-fields",
            },
            b"outlink: https://town.example.org/ L a/@href\r\n",
        ),
        response_record(
            "https://town.example.org/logo.png",
            "2019-03-01T10:00:01Z",
            b"\x89PNG...",
            ctype="image/png",
            record_id="<urn:uuid:00000000-0000-0000-0000-000000000002>",
        ),
        response_record(
            "https://town.example.org/missing",
            "2019-03-01T10:00:02Z",
            b"<html>gone</html>",
            status="404 Not Found",
            record_id="<urn:uuid:00000000-0000-0000-0000-000000000003>",
        ),
        warc_record(
            "response",
            {
                "WARC-Target-URI": "dns:town.example.org",
                "WARC-Date": "2019-03-01T10:00:00Z",
                "Content-Type": "text/dns",
            },
            b"20190301100000\ntown. 300 IN A 1.2.3.4\n",
        ),
    ]
    if second_changed:
        records.append(
            response_record(
                url,
                "2019-03-02T10:00:00Z",
                later,
                ctype="text/html; charset=iso-8859-1",
                record_id="<urn:uuid:00000000-0000-0000-0000-000000000004>",
            )
        )
    else:
        records.append(
            revisit_record(url, "2019-03-02T10:00:00Z", body, url, "2019-03-01T10:00:00Z")
        )
    return b"".join(gzip.compress(r, mtime=0) for r in records)


def test_imports_heritrix_warc_with_revisit(archive: Archive) -> None:
    report = import_warc(archive, io.BytesIO(heritrix_warc()))
    assert report.ok, report.problems
    assert (report.captures_added, report.versions_added) == (2, 1)
    first, second = archive.captures("https://town.example.org/cafe")
    assert second.captured_at == datetime(2019, 3, 2, 10, tzinfo=UTC)
    assert (second.version_id, second.html_hash) == (first.version_id, first.html_hash)
    [version] = archive.history("https://town.example.org/cafe")
    assert version.capture_count == 2
    assert [a.url for a in archive.articles()] == ["https://town.example.org/cafe"]


def test_changed_page_becomes_a_new_version(archive: Archive) -> None:
    report = import_warc(archive, io.BytesIO(heritrix_warc(second_changed=True)))
    assert (report.captures_added, report.versions_added) == (2, 2)
    diff = archive.diff("https://town.example.org/cafe")
    assert diff.has_changes


def test_revisit_resolves_against_an_earlier_import(archive: Archive) -> None:
    body = ARTICLE_HTML.encode("iso-8859-1")
    url = "https://town.example.org/cafe"
    first = gzip.compress(response_record(url, "2019-03-01T10:00:00Z", body))
    second = gzip.compress(
        revisit_record(url, "2019-03-05T10:00:00Z", body, url, "2019-03-01T10:00:00Z")
    )
    lonely = import_warc(archive, io.BytesIO(second))
    assert lonely.captures_added == 0
    [problem] = lonely.problems
    assert problem.offset == 0 and "revisit" in problem.message
    assert import_warc(archive, io.BytesIO(first)).captures_added == 1
    assert import_warc(archive, io.BytesIO(second)).captures_added == 1
    assert len(archive.history(url)) == 1
    assert len(archive.captures(url)) == 2


def test_truncated_gzip_file_keeps_the_complete_records(archive: Archive) -> None:
    data = heritrix_warc(second_changed=True)
    cut = data[: len(data) - 40]
    report = import_warc(archive, io.BytesIO(cut))
    assert report.captures_added == 1
    [problem] = report.problems
    assert problem.offset == record_offsets(data)[-1]
    assert "truncated" in problem.message


def test_truncated_uncompressed_file_is_reported(archive: Archive) -> None:
    data = wget_warc()
    cut = data[: data.index(b"FINISHED") + 5]
    report = import_warc(archive, io.BytesIO(cut))
    assert report.captures_added == 1
    [problem] = report.problems
    assert problem.offset == data.index(b"WARC/1.0\r\nWARC-Type: resource")


def test_bad_gzip_member_is_skipped_and_the_rest_imports(archive: Archive) -> None:
    body = ARTICLE_HTML.encode("iso-8859-1")
    members = [
        gzip.compress(
            response_record(
                f"https://town.example.org/a{i}",
                f"2019-03-0{i + 1}T10:00:00Z",
                body.replace(b"Saturday", b"day %d" % i),
                record_id=f"<urn:uuid:00000000-0000-0000-0000-00000000000{i}>",
            ),
            mtime=0,
        )
        for i in range(3)
    ]
    broken = bytearray(members[1])
    for i in range(30, 60):
        broken[i] ^= 0x5A
    data = members[0] + bytes(broken) + members[2]
    report = import_warc(archive, io.BytesIO(data))
    assert sorted(c.url for c in report.captures) == [
        "https://town.example.org/a0",
        "https://town.example.org/a2",
    ]
    [problem] = report.problems
    assert problem.offset == len(members[0])
    assert problem.file == "<stream>"


def test_digest_mismatch_is_reported(archive: Archive) -> None:
    body = ARTICLE_HTML.encode("iso-8859-1")
    record = response_record("https://town.example.org/x", "2019-03-01T10:00:00Z", body)
    damaged = record.replace(b"last coffee", b"last toffee")
    report = import_warc(archive, io.BytesIO(gzip.compress(damaged)))
    assert report.captures_added == 0
    [problem] = report.problems
    assert "digest" in problem.message


def arc_file() -> bytes:
    """An ARC v1 file, as the Internet Archive wrote before WARC existed."""
    body = ARTICLE_HTML.encode("iso-8859-1")
    block = http_response("200 OK", [("Content-Type", "text/html")], body)
    header_body = b"1 0 Example\nURL IP-address Archive-date Content-type Archive-length\n"
    first = (
        f"filedesc://sample.arc 0.0.0.0 20050614070144 text/plain {len(header_body)}\n".encode()
        + header_body
        + b"\n"
    )
    second = (
        f"http://town.example.org/cafe 1.2.3.4 20050614070159 text/html {len(block)}\n".encode()
        + block
        + b"\n"
    )
    return gzip.compress(first, mtime=0) + gzip.compress(second, mtime=0)


def test_imports_an_arc_file(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "sample.arc.gz"
    path.write_bytes(arc_file())
    report = import_warc(archive, path)
    assert report.ok, report.problems
    [capture] = archive.captures("http://town.example.org/cafe")
    assert capture.captured_at == datetime(2005, 6, 14, 7, 1, 59, tzinfo=UTC)
    assert "last coffee" in archive.text_of(capture)
    assert import_warc(archive, path).captures_added == 0


def test_sample_files_import(archive: Archive) -> None:
    """The files under tests/data/warc are the samples above, kept for manual use."""
    expected = {
        "wget.warc": wget_warc(),
        "heritrix.warc.gz": heritrix_warc(),
        "truncated.warc.gz": heritrix_warc(second_changed=True)[:-40],
        "sample.arc.gz": arc_file(),
    }
    for name, content in expected.items():
        assert (DATA / name).read_bytes() == content, name
    report = import_warc(archive, [DATA / name for name in expected])
    last = record_offsets(heritrix_warc(second_changed=True))[-1]
    assert [(Path(p.file).name, p.offset) for p in report.problems] == [("truncated.warc.gz", last)]
    assert report.captures_added == 4


# -- command line -------------------------------------------------------------------------


def test_cli_export_then_import_round_trip(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    source, copy = tmp_path / "source", tmp_path / "copy"
    with Archive.open(source) as archive:
        fill(archive)
        expected = snapshot(archive)
    runner = CliRunner()
    out = tmp_path / "news.warc.gz"
    result = runner.invoke(cli, ["--archive", str(source), "export", "--warc", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "exported 7 captures of 2 articles" in result.stderr
    result = runner.invoke(
        cli, ["--archive", str(copy), "import", "--warc", str(out), str(DATA / "wget.warc")]
    )
    assert result.exit_code == 0, result.output
    assert "imported 8 captures" in result.stderr
    with Archive.open(copy) as archive:
        restored = snapshot(archive)
    assert {k: v for k, v in restored.items() if k in expected} == expected
    result = runner.invoke(cli, ["--archive", str(copy), "import", "--warc", str(out)])
    assert "imported 0 captures (0 new versions, 7 already archived)" in result.stderr


def test_cli_import_reports_damage_and_exits_1(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "import", "--warc", str(DATA / "truncated.warc.gz")]
    )
    assert result.exit_code == 1
    assert "truncated.warc.gz at offset" in result.stderr
    assert "record truncated" in result.stderr
    assert "imported 1 capture (" in result.stderr


def test_cli_cdxj(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["cdxj", str(DATA / "heritrix.warc.gz")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and lines == sorted(lines)
    assert json.loads(lines[0].split(" ", 2)[2])["filename"] == "heritrix.warc.gz"
    out = tmp_path / "index.cdxj"
    result = runner.invoke(cli, ["cdxj", "-o", str(out), str(DATA / "truncated.warc.gz")])
    assert result.exit_code == 1
    # The page, the image and the 404; the truncated last record is left out.
    assert len(out.read_text().splitlines()) == 3
    assert "skipped: truncated.warc.gz at offset" in result.stderr


def test_cli_import_of_a_record_longer_than_it_says_prints_one_line_per_problem(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    good = response_record(
        "https://news.example.com/cafe", "2017-06-06T20:10:00Z", ARTICLE_HTML.encode("latin-1")
    )
    overlong = (
        b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\nhello, and more\r\n\r\n"
    )
    path = tmp_path / "overlong.warc"
    path.write_bytes(overlong + good)
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "import", "--warc", str(path)]
    )
    lines = result.stderr.splitlines()
    # warcio's own warning (three lines, with the raw bytes) never reaches the user.
    assert lines and all(line.startswith(("skipped: ", "imported ")) for line in lines), lines
    assert result.exit_code == 1
    assert "imported 1 capture (" in lines[-1]
