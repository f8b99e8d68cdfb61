"""Bulk imports straight into a store: capture files, JSON Lines files and streams."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.errors import InputError
from newsarchive.ingest.bulk import ImportAnalysis, import_source
from newsarchive.storage import Store, open_store

URL = "https://example.com/story"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "archive")
    yield opened
    opened.close()


def lines(*texts: str) -> bytes:
    return "".join(
        json.dumps({"url": URL, "captured_at": f"2024-01-01T00:0{i}:00Z", "text": t}) + "\n"
        for i, t in enumerate(texts)
    ).encode()


def test_a_stream_a_file_and_a_directory_import_alike(store: Store, tmp_path: Path) -> None:
    seen: list[list[str]] = []

    def on_saved(urls: object, pool: object, ahead: object) -> None:
        assert pool is None and ahead == {}  # no workers for a stream, nothing to analyse
        assert [len(store.versions(URL))] == [2]  # inside the batch's transaction
        seen.append(list(urls))  # type: ignore[call-overload]

    analysis = ImportAnalysis(on_saved=on_saved)
    report = import_source(store, io.BytesIO(lines("A.", "B.")), analysis=analysis)
    assert (report.unit, report.lines, report.versions_added, report.ok) == ("line", 2, 2, True)
    assert seen == [[URL]]
    path = tmp_path / "more.jsonl"
    path.write_bytes(lines("A.", "B.", "C."))
    again = import_source(store, path)
    assert (again.captures_added, again.unchanged, again.versions_added) == (1, 2, 1)
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "1.txt").write_text(f"URL: {URL}\nCaptured-At: 2024-01-02T00:00:00Z\n\nD.\n")
    (folder / "2.txt").write_bytes(b"\xff not UTF-8")
    files = import_source(store, folder)
    assert (files.unit, files.lines, files.versions_added) == ("file", 2, 1)
    [problem] = files.problems
    assert problem.line == 2 and "not valid UTF-8" in problem.message
    assert [v.text for v in store.versions(URL)] == ["A.", "B.", "C.", "D.\n"]


def test_a_directory_without_capture_files_is_an_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="holds no capture files"):
        import_source(store, tmp_path)


def test_an_unreadable_file_is_one_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read .*missing.jsonl"):
        import_source(store, tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    "block",
    [
        b"",
        b"\n",
        b'{"url": "https://a.example/1"}\n\n{"url": "https://b.example/2"}\n',
        b'{"url": "https://a.example/1"}\n{"url": "https://b.example/2"}',
        b'\n{"canonical_url": "https://c.example/3", "url": "https://a.example/1"}\n\n\n',
    ],
)
def test_a_block_is_shared_out_line_by_line_as_splitting_it_would(block: bytes) -> None:
    """Workers route the lines of a block where they lie: between them they take each
    line once, numbered as the block's lines split at newlines."""
    from newsarchive.ingest.follower import Router
    from newsarchive.ingest.records import _lines_of

    whole = block.split(b"\n")
    if whole[-1] == b"":
        whole.pop()
    route = Router(3)
    shares = [_lines_of(block, route, shard) for shard in range(3)]
    assert {count for count, _ in shares} == {len(whole)}
    taken = sorted(line for _, mine in shares for line in mine)
    assert taken == list(enumerate(whole, start=1))
    assert all(
        route(bytes(line)) == shard for shard, (_, mine) in enumerate(shares) for _, line in mine
    )


def test_a_worker_skips_blank_lines_and_reports_the_rest_by_number() -> None:
    from newsarchive.ingest.records import _prepare_block

    line = json.dumps({"url": URL, "captured_at": "2024-01-01T00:00:00Z", "text": "t"})
    block = f"\n   \n\t\r\n{line}\n \x0c{{\n".encode()
    count, prepared, _ = _prepare_block(block, "import")
    assert count == 5
    assert [number for number, _ in prepared] == [4, 5]
    assert prepared[0][1].url == URL  # type: ignore[union-attr]
    assert prepared[1][1] == "line is not valid JSON: Expecting value at column 2"
