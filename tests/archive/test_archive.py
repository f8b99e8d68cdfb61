"""The archive's behaviour through the public API, on every storage backend."""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import at, story
from newsarchive import Archive, InputError, NotFoundError, Problem, StorageError
from newsarchive.ingest import blocks as _blocks
from newsarchive.ingest import records as _records
from newsarchive.ingest import shards as _shards
from newsarchive.storage import _blobs
from newsarchive.storage.framer import TextFramer
from newsarchive.times import parse_time

URL = "https://news.example.com/2017/06/06/sessions"
A = "Sessions offered to resign.\n\nThe recusal angered Trump."
B = "Sessions offered to resign, ABC News reported.\n\nThe recusal angered Trump."
C = "Sessions offered to resign, ABC News reported.\n\nThe recusal enraged Trump."


def numbers(archive: Archive, url: str = URL) -> list[tuple[int, int | None, int]]:
    return [(v.number, v.reverted_to, v.capture_count) for v in archive.history(url)]


def test_first_save_creates_version_one(archive: Archive) -> None:
    result = archive.save(URL, text=A, title="Sessions", captured_at=at(0))
    assert result.is_new_version and result.is_new_capture
    assert result.version is not None
    assert (result.version.number, result.version.text, result.version.title) == (1, A, "Sessions")
    assert result.capture.version == 1 and result.capture.version_id == result.version.id


def test_unchanged_content_adds_a_capture_not_a_version(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    result = archive.save(URL, text=A, captured_at=at(15))
    assert not result.is_new_version and result.is_new_capture
    assert numbers(archive) == [(1, None, 2)]
    v = archive.get(URL)
    assert (v.first_captured_at, v.last_captured_at) == (at(0), at(15))


def test_whitespace_and_line_endings_do_not_make_a_version(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    result = archive.save(
        URL, text="  " + A.replace("\n", "\r\n").replace(" ", "  ") + "\n", captured_at=at(5)
    )
    assert not result.is_new_version
    assert len(archive.history(URL)) == 1


def test_saving_the_same_capture_twice_adds_nothing(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    again = archive.save(URL, text=A, captured_at=at(0))
    assert not again.is_new_capture and not again.is_new_version
    assert len(archive.captures(URL)) == 1


def test_changed_content_adds_versions_in_order(archive: Archive) -> None:
    for minute, text in [(0, A), (10, B), (20, C)]:
        archive.save(URL, text=text, captured_at=at(minute))
    history = archive.history(URL)
    assert [v.text for v in history] == [A, B, C]
    assert [v.number for v in history] == [1, 2, 3]
    assert len({v.id for v in history}) == 3


def test_title_byline_and_dates_are_part_of_the_content(archive: Archive) -> None:
    archive.save(URL, text=A, title="One", captured_at=at(0))
    assert archive.save(URL, text=A, title="Two", captured_at=at(1)).is_new_version
    assert archive.save(URL, text=A, title="Two", byline="Ann", captured_at=at(2)).is_new_version
    assert archive.save(
        URL, text=A, title="Two", byline="Ann", modified_at=at(3), captured_at=at(3)
    ).is_new_version
    assert len(archive.history(URL)) == 4


def test_revert_to_an_earlier_version_is_a_new_version_that_says_so(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    archive.save(URL, text=B, captured_at=at(10))
    result = archive.save(URL, text=A, captured_at=at(20))
    assert result.is_new_version and result.reverted_to == 1
    assert numbers(archive) == [(1, None, 1), (2, None, 1), (3, 1, 1)]


def test_backfilled_capture_lands_in_its_place_and_keeps_ids(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    archive.save(URL, text=C, captured_at=at(30))
    ids_before = {v.text: v.id for v in archive.history(URL)}
    result = archive.save(URL, text=B, captured_at=at(15), source="wayback")
    assert result.is_new_version and result.version is not None and result.version.number == 2
    history = archive.history(URL)
    assert [v.text for v in history] == [A, B, C]
    assert history[0].id == ids_before[A] and history[2].id == ids_before[C]
    assert archive.get(URL, at=at(20)).text == B


def test_backfill_splitting_a_version_marks_the_later_part_as_a_revert(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    archive.save(URL, text=A, captured_at=at(30))
    archive.save(URL, text=B, captured_at=at(15))
    assert numbers(archive) == [(1, None, 1), (2, None, 1), (3, 1, 1)]
    assert [c.version for c in archive.captures(URL)] == [1, 2, 3]


def test_backfill_joining_a_neighbour_adds_no_version(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    archive.save(URL, text=B, captured_at=at(30))
    result = archive.save(URL, text=B, captured_at=at(20))
    assert not result.is_new_version
    assert numbers(archive) == [(1, None, 1), (2, None, 2)]
    assert archive.get(URL, 2).first_captured_at == at(20)


def test_backfill_into_versions_that_disagree_with_their_captures_changes_nothing(
    tmp_path: Path,
) -> None:
    with Archive.open(tmp_path) as archive:
        archive.save(URL, text=A, captured_at=at(0))
        archive.save(URL, text=A, captured_at=at(30))
    with sqlite3.connect(tmp_path / "newsarchive.db") as conn:
        conn.execute("UPDATE versions SET capture_count = 3")  # damaged by hand
    with Archive.open(tmp_path) as archive:
        with pytest.raises(StorageError, match="versions of .* do not match its captures"):
            archive.save(URL, text=B, captured_at=at(15))
        assert len(archive.captures(URL)) == 2 and numbers(archive) == [(1, None, 3)]


def test_stored_text_comes_back_byte_identical(archive: Archive) -> None:
    nasty = "Emoji 👩‍👩‍👧 RTL مرحبا e\u0301 CRLF\r\nNUL\x00 tab\t end  \n\n\n"
    archive.save(URL, text=nasty, captured_at=at(0))
    assert archive.get(URL).text == nasty
    assert archive.text_of(archive.captures(URL)[0]) == nasty


def test_raw_html_is_kept_and_text_extracted(archive: Archive) -> None:
    html = (
        "<html><head><title>Site | Story</title><script>x()</script></head><body>"
        "<nav>Home</nav><h1>Sessions offered to resign</h1><p>First &amp; <b>bold</b>.</p>"
        "<p>Second.</p></body></html>"
    )
    result = archive.save(URL, html=html, captured_at=at(0))
    assert result.version is not None
    assert result.version.title == "Sessions offered to resign"
    assert result.version.text == "First & bold.\n\nSecond."
    assert archive.raw_html(result.capture) == html


def test_many_versions_decode_through_delta_chains(archive: Archive) -> None:
    texts = [f"{A}\n\nUpdate number {i} with more reporting." for i in range(40)]
    for i, text in enumerate(texts):
        archive.save(URL, text=text, captured_at=at(i))
    assert [v.text for v in archive.history(URL)] == texts
    assert archive.get(URL, 7).text == texts[6]


def test_canonical_url_and_aliases(archive: Archive) -> None:
    archive.save(
        "https://m.example.com/s?utm_source=x",
        text=A,
        captured_at=at(0),
        canonical_url="https://www.example.com/s",
    )
    article = archive.article("https://m.example.com/s")
    assert article.url == "https://www.example.com/s"
    assert article.aliases == ("https://m.example.com/s",)
    assert archive.get("https://M.example.com/s#top").text == A
    assert [a.url for a in archive.articles()] == ["https://www.example.com/s"]


def test_flagged_capture_is_recorded_but_never_a_version(archive: Archive) -> None:
    archive.save(URL, text=A, captured_at=at(0))
    result = archive.save(URL, text="Just a moment...", captured_at=at(5), quality="bot-challenge")
    assert not result.is_new_version
    assert result.version is not None and result.version.number == 1
    assert len(archive.history(URL)) == 1
    flagged = archive.captures(URL)[1]
    assert (flagged.quality, flagged.version) == ("bot-challenge", 0)
    # the next good capture is compared with version 1, not with the challenge page
    assert not archive.save(URL, text=A, captured_at=at(10)).is_new_version


def test_version_references(archive: Archive) -> None:
    for minute, text in [(0, A), (10, B), (20, C)]:
        archive.save(URL, text=text, captured_at=at(minute))
    assert archive.get(URL, "1").text == A
    assert archive.get(URL, "-1").text == C
    assert archive.get(URL, "-2").text == B
    assert archive.get(URL, "@2017-06-06T20:15:00Z").text == B
    assert archive.get(URL, "@2017-06-06T20:20:00+00:00").text == C
    v2 = archive.get(URL, 2)
    assert archive.get(URL, v2.id) == v2
    with pytest.raises(InputError, match="before the first capture"):
        archive.get(URL, "@2017-06-06T19:00:00Z")
    with pytest.raises(NotFoundError, match="no version 4"):
        archive.get(URL, "4")
    with pytest.raises(InputError):
        archive.get(URL, "latest")
    with pytest.raises(InputError):
        archive.get(URL, "0")


def test_unknown_article(archive: Archive) -> None:
    with pytest.raises(NotFoundError, match="no article"):
        archive.history("https://example.com/nothing")


def test_save_needs_text_or_html(archive: Archive) -> None:
    with pytest.raises(InputError):
        archive.save(URL, captured_at=at(0))
    with pytest.raises(InputError):
        archive.save("not a url", text=A)
    assert archive.articles() == []


def test_diff_between_versions(archive: Archive) -> None:
    archive.save(URL, text=A, title="One", captured_at=at(0))
    archive.save(URL, text=B, title="Two", captured_at=at(10))
    d = archive.diff(URL)
    assert (d.old.number, d.new.number) == (1, 2)
    assert d.body.old_text == A and d.body.new_text == B
    assert [(f.field, f.old, f.new) for f in d.fields] == [("title", "One", "Two")]
    assert archive.diff(URL, "1", "1").has_changes is False


def test_export_then_import_gives_the_same_versions(archive: Archive, tmp_path) -> None:
    archive.save(URL, text=A, title="T", byline="Ann", captured_at=at(0), metadata={"k": [1]})
    archive.save(
        URL + "?utm_source=x",
        text=A,
        captured_at=at(5),
        title="T",
        byline="Ann",
        metadata={"k": [1]},
    )
    archive.save(
        "https://m.example.com/x",
        html="<p>Hi</p>",
        captured_at=at(6),
        canonical_url="https://example.com/x",
        http_status=200,
        http_headers=[("ETag", '"1"')],
    )
    archive.save(URL, text=B, title="T", byline="Ann", captured_at=at(10), modified_at=at(9))
    archive.save(URL, text="oops", captured_at=at(11), quality="soft-404")
    buffer = io.StringIO()
    assert archive.export_jsonl(buffer) == 5
    lines = buffer.getvalue()

    with Archive.open(tmp_path / "copy") as copy:
        report = copy.import_jsonl(io.BytesIO(lines.encode()))
        assert (report.captures_added, report.versions_added, report.problems) == (5, 3, ())
        again = copy.import_jsonl(io.BytesIO(lines.encode()))
        assert (again.captures_added, again.unchanged) == (0, 5)
        assert copy.history(URL) == archive.history(URL)
        assert copy.captures(URL)[-1].quality == "soft-404"
        out = io.StringIO()
        copy.export_jsonl(out)
        strip = [{k: v for k, v in json.loads(x).items()} for x in lines.splitlines()]
        assert [json.loads(x) for x in out.getvalue().splitlines()] == strip


def test_export_then_import_keeps_the_ids_of_versions_a_backfill_reshaped(
    archive: Archive, tmp_path: Path
) -> None:
    archive.save(URL, text=A, captured_at=at(20))
    archive.save(URL, text=C, captured_at=at(40))
    archive.save(URL, text=A, captured_at=at(10))  # version 1 now starts earlier
    archive.save(URL, text=B, captured_at=at(30))  # a new version between the two
    archive.save(URL, text=A, captured_at=at(25))  # one more capture of version 1
    archive.save(URL, text=C, captured_at=at(22))  # splits version 1 in two
    buffer = io.StringIO()
    archive.export_jsonl(buffer)
    with Archive.open(tmp_path / "restored") as restored:
        restored.import_jsonl(io.BytesIO(buffer.getvalue().encode()))
        assert restored.history(URL) == archive.history(URL)
        assert numbers(restored) == [(1, None, 2), (2, None, 1), (3, 1, 1), (4, None, 1), (5, 2, 1)]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([URL, "https://example.com/other"]),
            st.integers(0, 8),
            st.sampled_from([A, B, C]),
            st.booleans(),
        ),
        max_size=14,
    )
)
def test_export_then_import_restores_any_history(rows: list[tuple[str, int, str, bool]]) -> None:
    """Saved in any order, flagged captures included: the restored archive is the same,
    down to version ids, and exports the same file again."""
    with Archive.open(":memory:") as archive, Archive.open(":memory:") as restored:
        for url, minute, text, flagged in rows:
            quality = "soft-404" if flagged else None
            archive.save(url, text=text, title=text[:9], captured_at=at(minute), quality=quality)
        exported = io.StringIO()
        archive.export_jsonl(exported)
        report = restored.import_jsonl(io.BytesIO(exported.getvalue().encode()), analyse=False)
        assert report.problems == ()
        for article in archive.articles():
            assert restored.history(article.url) == archive.history(article.url)
            assert [attrs.evolve(c, id=0) for c in restored.captures(article.url)] == [
                attrs.evolve(c, id=0) for c in archive.captures(article.url)
            ]
        again = io.StringIO()
        restored.export_jsonl(again)
        assert again.getvalue() == exported.getvalue()


def test_a_lone_surrogate_survives_export_and_import(archive: Archive, tmp_path) -> None:
    """Text is kept as given, even a broken surrogate pair that a scraper passed on."""
    archive.save(URL, text="Broken \ud800 pair.", captured_at=at(0))
    raw = io.BytesIO()
    strict = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    assert archive.export_jsonl(strict) == 1
    assert "\\ud800" in raw.getvalue().decode("ascii")
    with Archive.open(tmp_path / "copy") as copy:
        copy.import_jsonl(io.BytesIO(raw.getvalue()))
        assert copy.get(URL).text == "Broken \ud800 pair."
        assert copy.history(URL) == archive.history(URL)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "T\udc00"),
        ("byline", "\ud800"),
        ("metadata", {"k": "\ud800"}),
        ("http_headers", [("ETag", "\ud800")]),
        ("canonical_url", "https://example.com/\ud800"),
    ],
)
def test_a_lone_surrogate_outside_the_text_is_refused(
    archive: Archive, field: str, value: Any
) -> None:
    with pytest.raises(InputError, match="lone surrogate"):
        archive.save(URL, text=A, **{field: value})
    assert archive.articles() == []


def test_import_reports_bad_lines_and_keeps_going(archive: Archive) -> None:
    good = json.dumps({"url": URL, "captured_at": "2017-06-06T20:00:00Z", "text": A})
    data = (
        "\n".join(
            [
                good,
                "{not json",
                json.dumps({"url": URL, "text": A}),
                json.dumps({"url": URL, "captured_at": "yesterday", "text": A}),
                json.dumps({"url": URL, "captured_at": "2017-06-06T20:10:00Z", "text": B}),
            ]
        ).encode()
        + b"\n\xff\xfe\n"
    )
    report = archive.import_jsonl(io.BytesIO(data))
    assert [p.line for p in report.problems] == [2, 3, 4, 6]
    assert "UTF-8" in report.problems[-1].message
    assert (report.captures_added, report.versions_added) == (2, 2)


def test_import_in_any_order_builds_the_timeline(archive: Archive) -> None:
    rows = [(20, C), (0, A), (10, B), (30, A)]
    data = "".join(
        json.dumps({"url": URL, "captured_at": at(m).isoformat(), "text": t}) + "\n"
        for m, t in rows
    ).encode()
    archive.import_jsonl(io.BytesIO(data))
    assert [v.text for v in archive.history(URL)] == [A, B, C, A]
    assert archive.history(URL)[3].reverted_to == 1


def test_import_newest_first_builds_the_timeline_of_a_sorted_import(
    archive: Archive, tmp_path
) -> None:
    """Every capture lands before all the versions archived so far, which move up a run at
    a time; contents that come back make some of them reverts, whose marks move too."""
    texts = [f"Update {k % 6}: the council met on day {k % 4}." for k in range(30)]
    rows = [(m * 10, t) for m, t in enumerate(texts)]

    def lines(order: list[tuple[int, str]]) -> bytes:
        return "".join(
            json.dumps({"url": URL, "captured_at": at(m).isoformat(), "text": t}) + "\n"
            for m, t in order
        ).encode()

    archive.import_jsonl(io.BytesIO(lines(rows[::-1])))
    with Archive.open(tmp_path / "sorted") as sorted_archive:
        sorted_archive.import_jsonl(io.BytesIO(lines(rows)))
        expected = sorted_archive.history(URL)
    got = archive.history(URL)
    assert [(v.number, v.text, v.reverted_to, v.first_captured_at) for v in got] == [
        (v.number, v.text, v.reverted_to, v.first_captured_at) for v in expected
    ]
    assert any(v.reverted_to for v in got) and len(got) == 30
    stored = {v.id: v.analysis for v in got}
    assert stored == dict(archive._analyses.recomputed(URL))


def test_import_gives_the_same_archive_as_saving_each_capture(archive: Archive, tmp_path) -> None:
    """Import appends in bulk; what it builds matches one save after another."""
    other = "https://example.com/other"
    rows: list[dict[str, Any]] = [
        {"url": URL, "captured_at": at(0), "text": A, "title": "T"},
        {"url": other, "captured_at": at(1), "text": B},
        {"url": URL, "captured_at": at(2), "text": A, "title": "T"},  # unchanged
        {"url": URL, "captured_at": at(3), "text": B, "title": "T"},
        {"url": other, "captured_at": at(4), "text": B, "title": "New"},  # title only
        {"url": URL, "captured_at": at(5), "text": A, "title": "T"},  # a revert
        {"url": URL, "captured_at": at(1), "text": C, "title": "T"},  # a backfill
        {"url": URL, "captured_at": at(6), "text": "gone", "quality": "soft-404"},
        {"url": URL, "captured_at": at(7), "text": C, "title": "T"},
        {"url": URL, "captured_at": at(7), "text": C, "title": "T"},  # a duplicate
        {
            "url": "https://m.example.com/x",
            "captured_at": at(8),
            "html": "<p>Hi</p>",
            "canonical_url": other,
        },
        {"url": other, "captured_at": at(9), "text": A + " More."},
        # The same article by its alias, then by its own URL again.
        {"url": "https://m.example.com/x", "captured_at": at(10), "text": B},
        {"url": other, "captured_at": at(11), "text": C},
        {"url": "https://m.example.com/x", "captured_at": at(12), "text": B},
    ]
    lines = "".join(
        json.dumps({k: v.isoformat() if k == "captured_at" else v for k, v in row.items()}) + "\n"
        for row in rows
    )
    report = archive.import_jsonl(io.BytesIO(lines.encode()), analyse=False)
    with Archive.open(tmp_path / "saved") as saved:
        results = []
        for row in rows:
            fields = dict(row)
            results.append(saved.save(fields.pop("url"), source="import", analyse=False, **fields))
        assert (report.captures_added, report.unchanged, report.versions_added) == (
            sum(r.is_new_capture for r in results),
            sum(not r.is_new_capture for r in results),
            sum(r.is_new_version for r in results),
        )
        assert len(saved.history(URL)) == 6
        assert [v.text for v in saved.history(other)][-3:] == [B, C, B]
        for url in (URL, other):
            assert archive.history(url) == saved.history(url)
            assert archive.captures(url) == [
                attrs.evolve(c, id=mine.id)
                for c, mine in zip(saved.captures(url), archive.captures(url), strict=True)
            ]


@contextlib.contextmanager
def _another_thread() -> Iterator[None]:
    """A second thread alive, as in a threaded application: workers are not forked then."""
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def test_workers_are_forked_only_from_a_single_threaded_process() -> None:
    with _another_thread():
        assert _shards._pool_context().get_start_method() in ("forkserver", "spawn")
    if sys.platform == "linux" and _shards._threads() == 1:
        assert _shards._pool_context().get_start_method() == "fork"


@pytest.mark.parametrize("from_file", [False, True], ids=["stream", "file"])
@pytest.mark.parametrize("forked", [True, False], ids=["fork", "forkserver"])
def test_parallel_import_gives_the_same_archive_as_a_serial_one(
    tmp_path, monkeypatch, from_file: bool, forked: bool
) -> None:
    """Lines prepared in worker processes are saved in input order, errors included.

    Blocks of a few lines each, so that lines, articles and delta chains cross blocks;
    from a file, workers read their blocks themselves.
    """
    rows = [(m, t) for m in range(0, 40, 5) for t in (A, B, C)]
    lines = [
        json.dumps({"url": f"{URL}/{m % 3}", "captured_at": at(m + i).isoformat(), "text": text})
        for i, (m, text) in enumerate(rows)
    ]
    lines.insert(7, "{broken")
    lines.insert(12, "")
    data = "\n".join(lines).encode()  # the last line has no line feed
    source = tmp_path / "in.jsonl"
    source.write_bytes(data)
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 300)
    exports = []
    for workers in (0, 2):
        with (
            Archive.open(tmp_path / f"w{workers}") as archive,
            open(source, "rb") if from_file else io.BytesIO(data) as stream,
            contextlib.nullcontext() if forked else _another_thread(),
        ):
            report = archive.import_jsonl(stream, workers=workers, analyse=False)
            assert report.problems == (
                Problem(
                    line=8,
                    message="line is not valid JSON: "
                    "Expecting property name enclosed in double quotes at column 2",
                ),
            )
            assert report.lines == len(lines)
            out = io.StringIO()
            archive.export_jsonl(out)
            exports.append(out.getvalue())
    assert exports[0] == exports[1] and exports[0].count("\n") == len(rows)
    # Workers compress texts ahead; the stored frames are those a serial import makes.
    blobs = []
    for workers in (0, 2):
        with sqlite3.connect(tmp_path / f"w{workers}" / "newsarchive.db") as conn:
            blobs.append(
                conn.execute(
                    "SELECT b.hash, p.hash, b.depth, b.size, b.data FROM blobs b"
                    " LEFT JOIN blobs p ON p.id = b.base_id ORDER BY b.hash"
                ).fetchall()
            )
    assert blobs[0] == blobs[1] and any(depth > 0 for _, _, depth, _, _ in blobs[0])


def test_workers_compress_keyframes_with_the_dictionary_the_store_trained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the store has trained its dictionary, the workers of an import that does not
    analyse compress keyframes with it, and the store keeps their frames as they are."""
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            json.dumps({"url": f"{URL}/{n}", "captured_at": at(n).isoformat(), "text": story(n)})
            + "\n"
            for n in range(6 * _blobs.TRAIN_AFTER)
        )
    )
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 20_000)
    monkeypatch.setattr("newsarchive.ingest.bulk.IMPORT_BATCH", 16)
    # Keyframes this process compresses with a dictionary (the workers have their own).
    here: list[bytes] = []
    compress = _blobs.compress_keyframe

    def counted(data: bytes, dictionary: _blobs.Dictionary | None = None) -> bytes:
        if dictionary is not None and os.getpid() == parent:
            here.append(data)
        return compress(data, dictionary)

    parent = os.getpid()
    monkeypatch.setattr(_blobs, "compress_keyframe", counted)
    stored = []
    for workers in (0, 2):
        here.clear()
        with Archive.open(tmp_path / f"w{workers}") as archive, open(source, "rb") as stream:
            archive.import_jsonl(stream, workers=workers, analyse=False)
        with sqlite3.connect(tmp_path / f"w{workers}" / "newsarchive.db") as conn:
            stored.append(
                conn.execute("SELECT hash, dictionary_id, data FROM blobs ORDER BY hash").fetchall()
            )
    # The frames are those a serial import makes, yet most were not made by the writer.
    assert stored[0] == stored[1]
    trained = sum(dictionary is not None for _, dictionary, _ in stored[1])
    assert trained > 4 * _blobs.TRAIN_AFTER and len(here) < trained / 2


def test_workers_read_a_compressed_file_through_its_stream(tmp_path) -> None:
    """A gzip stream has a file name and seeks, but its bytes are not the file's."""
    lines = "".join(
        json.dumps({"url": f"{URL}/{i % 3}", "captured_at": at(i).isoformat(), "text": text}) + "\n"
        for i, text in enumerate([A, B, C] * 4)
    )
    with gzip.open(tmp_path / "in.jsonl.gz", "wt") as out:
        out.write(lines)
    with (
        Archive.open(tmp_path / "a") as archive,
        gzip.open(tmp_path / "in.jsonl.gz", "rb") as stream,
    ):
        report = archive.import_jsonl(stream, workers=2, analyse=False)
        assert (report.lines, report.captures_added, report.problems) == (12, 12, ())


def test_a_worker_refuses_a_file_replaced_during_the_import(tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"{}\n")
    with open(source, "rb") as stream:
        identity = _blocks.file_identity(stream)
    (tmp_path / "new.jsonl").write_bytes(b"{}\n")
    (tmp_path / "new.jsonl").replace(source)
    with pytest.raises(InputError, match="was replaced while it was being imported"):
        _records._prepare_range(str(source), identity, 0, 3, "import")


def test_a_record_sent_as_its_frame_alone_saves_its_text(tmp_path) -> None:
    framer = TextFramer()
    records = [
        _records.prepare_record(URL, text=text, captured_at=at(m), framer=framer)
        for m, text in ((0, A), (1, B))
    ]
    assert [r.text for r in records] == ["", ""] and records[1].text_frame.is_delta
    with Archive.open(tmp_path / "a") as archive:
        results = archive.store.save(records)
        assert [r.version.text for r in results] == [A, B]
        assert [v.text for v in archive.history(URL)] == [A, B]


def test_frames_after_a_repeated_capture_in_other_spacing_still_decode(tmp_path) -> None:
    """A worker's next frame may be a delta against the repeat's text, not the stored one."""
    long_a = A + "\n\n" + " ".join(f"word{i}" for i in range(300))
    texts = [(0, long_a), (0, long_a.replace(" to", "  to")), (1, long_a + " More.")]
    lines = "".join(
        json.dumps({"url": URL, "captured_at": at(m).isoformat(), "text": t}) + "\n"
        for m, t in texts
    )
    framed = functools.partial(_records._prepare_chunk, frames=True)
    with (
        Archive.open(tmp_path / "a") as archive,
        mock.patch.object(_records, "_prepare_chunk", framed),
    ):
        report = archive.import_jsonl(io.BytesIO(lines.encode()), analyse=False)
        assert (report.captures_added, report.unchanged, report.problems) == (2, 1, ())
        assert [v.text for v in archive.history(URL)] == [long_a, long_a + " More."]


_ALIAS = "https://m.example.com/sessions"
_TAIL = "\n\n" + " ".join(f"word{i}" for i in range(300))
_ROW = st.fixed_dictionaries(
    {
        "url": st.sampled_from([URL, _ALIAS, "https://example.com/other"]),
        "captured_at": st.integers(0, 12).map(lambda m: at(m).isoformat()),
        # Long enough that frames computed ahead are deltas; the last differs from A in
        # spacing alone, so the same capture comes twice with two texts.
        "text": st.sampled_from([A, B, C, A.replace(" to", "  to")]).map(lambda t: t + _TAIL),
    },
    optional={
        "title": st.sampled_from(["T", "U"]),
        "quality": st.just("soft-404"),
        "canonical_url": st.just(URL),  # files the alias under URL's article
    },
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(_ROW, max_size=12),
    batch=st.sampled_from([2, 3, 500]),
    framed=st.booleans(),
)
def test_import_matches_saving_each_capture_whatever_the_order(
    rows: list[dict[str, Any]], batch: int, framed: bool
) -> None:
    """Bulk import, in batches of any size, builds what saving one capture at a time does.

    ``framed``: lines prepared as a worker process prepares them, each text sent as its
    compressed frame alone, for the store to decode wherever it needs the text.
    """
    lines = "".join(json.dumps(row) + "\n" for row in rows).encode()
    with Archive.open(":memory:") as imported, Archive.open(":memory:") as saved:
        with (
            mock.patch("newsarchive.ingest.bulk.IMPORT_BATCH", batch),
            mock.patch.object(_records, "CHUNK_LINES", 4),
            mock.patch.object(
                _records,
                "_prepare_chunk",
                functools.partial(_records._prepare_chunk, frames=framed),
            ),
        ):
            report = imported.import_jsonl(io.BytesIO(lines), analyse=False)
        results = [
            saved.save(
                row["url"],
                source="import",
                analyse=False,
                **{
                    k: parse_time(v) if k == "captured_at" else v
                    for k, v in row.items()
                    if k != "url"
                },
            )
            for row in rows
        ]
        assert report.versions_added == sum(r.is_new_version for r in results)
        assert report.captures_added == sum(r.is_new_capture for r in results)
        assert [a.url for a in imported.articles()] == [a.url for a in saved.articles()]
        for article in saved.articles():
            assert imported.history(article.url) == saved.history(article.url)
            assert [attrs.evolve(c, id=0) for c in imported.captures(article.url)] == [
                attrs.evolve(c, id=0) for c in saved.captures(article.url)
            ]


def test_a_text_over_the_size_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a", max_text_bytes=1000) as archive:
        archive.save(URL, text="x" * 1000)
        with pytest.raises(InputError) as caught:
            archive.save(URL, text="é" * 600)  # 1,200 bytes of UTF-8
        assert str(caught.value) == (
            "the text is 1,200 bytes, over the limit of 1,000 bytes a capture may hold"
        )
        assert len(archive.history(URL)) == 1


@pytest.mark.parametrize("workers", [0, 2])
def test_an_import_skips_a_text_over_the_limit_and_keeps_the_rest(
    tmp_path: Path, workers: int
) -> None:
    lines = [
        {"url": URL, "captured_at": "2024-05-01T00:00:00Z", "text": "short"},
        {"url": URL, "captured_at": "2024-05-01T01:00:00Z", "text": "long " * 300},
        {"url": URL, "captured_at": "2024-05-01T02:00:00Z", "text": "short again"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with Archive.open(tmp_path / "a", max_text_bytes=1000) as archive, path.open("rb") as stream:
        report = archive.import_jsonl(stream, workers=workers)
        assert report.versions_added == 2
        assert [(p.line, p.message) for p in report.problems] == [
            (2, "the text is 1,500 bytes, over the limit of 1,000 bytes a capture may hold")
        ]
