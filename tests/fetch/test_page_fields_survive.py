"""Page fields (template, images, captions, links) survive every way out of an archive."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from newsarchive import Archive
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.interop.transfer import copy_archive
from newsarchive.interop.warc import export_warc, import_warc
from newsarchive.scrape import fetch_pages, reextract
from scrape_server import ScrapeServer, scrape_server

__all__ = ["scrape_server"]

PAIRS = Path(__file__).parent.parent / "data" / "pages" / "pairs"
NAMES = ("edit-reuters-link-removed", "edit-bbc-caption", "template-metro-vaccine")
FAST = FetchOptions(timeout_seconds=5.0, retries=0, per_host_interval_seconds=0.0)


@pytest.fixture
def source(tmp_path: Path, scrape_server: ScrapeServer) -> Any:
    with Archive.open(tmp_path / "source") as archive, HttpFetcher(FAST) as fetcher:
        for name in NAMES:
            pages = [(PAIRS / name / f"{side}.html").read_bytes() for side in ("before", "after")]
            url = scrape_server.html(f"/news/{name}", *pages)
            fetch_pages(archive, [url], fetcher=fetcher)
            fetch_pages(archive, [url], fetcher=fetcher)
        yield archive


def state(archive: Archive) -> list[tuple[Any, ...]]:
    out = []
    for article in archive.articles():
        for v in archive.history(article.url):
            analysis = v.analysis or {}
            codes = sorted(r["code"] for r in analysis.get("reasons", []))
            out.append((v.url, v.number, v.content_hash, v.metadata.get("page"), codes))
    return sorted(out, key=lambda row: (row[0], row[1]))


def test_fetched_versions_carry_page_fields_and_reasons(source: Archive) -> None:
    rows = {(url.rsplit("/", 1)[-1], n): (page, codes) for url, n, _, page, codes in state(source)}
    link_page, link_codes = rows[("edit-reuters-link-removed", 2)]
    assert link_codes == ["link-removed"]
    assert "links" not in link_page
    assert rows[("edit-reuters-link-removed", 1)][0]["links"] == [
        {
            "url": "https://climate.example-state.gov/drought/2024",
            "text": "state climatologist's office",
        }
    ]
    caption_page, caption_codes = rows[("edit-bbc-caption", 2)]
    assert caption_codes == ["caption-changed"]
    assert caption_page["lead_image"]["caption"].startswith("Officials counted ballots")
    assert rows[("template-metro-vaccine", 2)][1] == ["extraction-changed"]


def test_page_fields_survive_export_and_import(source: Archive, tmp_path: Path) -> None:
    buffer = io.StringIO()
    source.export_jsonl(buffer)
    with Archive.open(tmp_path / "copy") as target:
        target.import_jsonl(io.BytesIO(buffer.getvalue().encode("utf-8")))
        assert state(target) == state(source)


def test_page_fields_survive_a_warc_round_trip(source: Archive, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    export_warc(source, buffer)
    with Archive.open(tmp_path / "copy") as target:
        import_warc(target, io.BytesIO(buffer.getvalue()))
        assert state(target) == state(source)


def test_page_fields_survive_a_copy_to_every_backend(source: Archive, archive: Archive) -> None:
    copy_archive(source, archive)
    assert state(archive) == state(source)


def test_reextract_fills_page_fields_of_older_captures(tmp_path: Path) -> None:
    html = (PAIRS / "edit-bbc-caption" / "before.html").read_text("utf-8")
    with Archive.open(tmp_path / "old") as archive:
        archive.save("https://news.example.com/story", text="An older extraction.", html=html)
        [result] = reextract(archive)
        assert result.outcome == "changed"
        page = archive.get("https://news.example.com/story").metadata["page"]
        assert page["lead_image"]["caption"].startswith("Voters lined up")
        assert page["template"]
