"""``export --wacz`` writes a WACZ that ``wacz validate`` accepts, with a page per article."""

from __future__ import annotations

import json
import struct
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from webarchive_tools import run_tool

from newsarchive import Archive
from newsarchive.cli import cli

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def _page(title: str, text: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>".encode()


def _local_extra(path: Path, info: zipfile.ZipInfo) -> bytes:
    with path.open("rb") as stream:
        stream.seek(info.header_offset)
        header = stream.read(30)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        stream.seek(name_length, 1)
        return stream.read(extra_length)


def test_export_wacz_is_valid_and_lists_each_article_and_its_captures(tmp_path: Path) -> None:
    story, other = "https://news.example.com/story", "https://news.example.com/other"
    with Archive.open(tmp_path / "archive") as archive:
        for n, words in enumerate(["First draft.", "Second draft.", "Second draft."]):
            archive.save(
                story,
                html=_page("Story", words),
                html_charset="utf-8",
                captured_at=T0 + timedelta(hours=n),
            )
        archive.save(other, text="Text only.", title="Other", captured_at=T0)
    wacz = tmp_path / "news.wacz"

    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "archive"), "export", "--wacz", str(wacz)]
    )

    assert result.exit_code == 0, result.output
    assert "exported 4 captures of 2 articles (4 pages)" in result.stderr
    assert "Validation succeeded" in run_tool("wacz", "validate", "-f", str(wacz))
    with zipfile.ZipFile(wacz) as opened:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in opened.infolist())
        # No zip64 fields in a small file's local header: ReplayWeb.page misreads them.
        assert [_local_extra(wacz, i) for i in opened.infolist()] == [b""] * 6
        pages = [json.loads(x) for x in opened.read("pages/pages.jsonl").splitlines()]
        extra = [json.loads(x) for x in opened.read("pages/extraPages.jsonl").splitlines()]
        index = opened.read("indexes/index.cdxj").decode()
    assert pages[0]["format"] == "json-pages-1.0"
    assert sorted((p["url"], p["ts"], p["title"]) for p in pages[1:]) == [
        (other, "2024-05-01T08:00:00Z", "Other"),
        (story, "2024-05-01T10:00:00Z", "Story"),
    ]
    assert sorted((p["url"], p["ts"]) for p in extra[1:]) == [
        (story, "2024-05-01T08:00:00Z"),
        (story, "2024-05-01T09:00:00Z"),
    ]
    assert index.count("com,example,news)/story ") == 3


def test_export_wacz_and_warc_together_is_a_usage_error(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive") as archive:
        archive.save("https://news.example.com/story", text="Text.")
    result = CliRunner().invoke(
        cli,
        [
            "--archive",
            str(tmp_path / "archive"),
            "export",
            "--wacz",
            str(tmp_path / "a.wacz"),
            "--warc",
            str(tmp_path / "a.warc.gz"),
        ],
    )
    assert result.exit_code == 2
    assert "give --warc or --wacz, not both" in result.stderr
