"""Real news page designs: a redesign is never an edit, and every real edit is found.

The pairs in ``tests/data/pages/pairs`` (written by ``make_pairs.py`` there) are
served by a real HTTP server and fetched by the scraper, each pair into its own
article: ``template`` pairs show one article under a site's two designs,
``edit`` pairs one design before and after a real edit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsarchive import Archive
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.scrape import fetch_pages
from scrape_server import Reply, ScrapeServer

PAIRS = Path(__file__).parent.parent / "data" / "pages" / "pairs"
FAST = FetchOptions(timeout_seconds=5.0, retries=0, per_host_interval_seconds=0.0)


def load_pairs() -> list[tuple[str, dict[str, Any]]]:
    return [
        (folder.name, json.loads((folder / "pair.json").read_text("utf-8")))
        for folder in sorted(PAIRS.iterdir())
        if (folder / "pair.json").is_file()
    ]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    """Each pair fetched twice into one archive: what the second fetch recorded."""
    server = ScrapeServer()
    server.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    server.start()
    results: dict[str, dict[str, Any]] = {}
    with (
        Archive.open(tmp_path_factory.mktemp("pairs") / "archive") as archive,
        HttpFetcher(FAST) as fetcher,
    ):
        for name, info in load_pairs():
            before = (PAIRS / name / "before.html").read_bytes()
            after = (PAIRS / name / "after.html").read_bytes()
            url = server.html(f"/news/{name}", before, after)
            [first] = fetch_pages(archive, [url], fetcher=fetcher)
            [second] = fetch_pages(archive, [url], fetcher=fetcher)
            analysis = None
            if second.outcome == "changed":
                analysis = archive.get(url).analysis
            results[name] = {
                "info": info,
                "first": first.outcome,
                "second": second.outcome,
                "analysis": analysis,
            }
    server.stop()
    yield results


def test_the_set_is_large_enough() -> None:
    kinds = [info["kind"] for _, info in load_pairs()]
    assert kinds.count("template") >= 20
    assert kinds.count("edit") >= 10
    sites = {info["site"] for _, info in load_pairs() if info["kind"] == "template"}
    assert len(sites) >= 8


def test_no_redesign_gives_a_substantive_version(outcomes: dict[str, dict[str, Any]]) -> None:
    false = {
        name: (o["second"], o["analysis"] and o["analysis"]["reasons"])
        for name, o in outcomes.items()
        if o["info"]["kind"] == "template"
        and o["second"] == "changed"
        and (o["analysis"]["level"] == "substantive" or o["analysis"]["stealth"])
    }
    assert false == {}
    assert all(o["first"] == "new" for o in outcomes.values())


def test_a_redesign_adds_no_version_or_says_the_extraction_changed(
    outcomes: dict[str, dict[str, Any]],
) -> None:
    for name, o in outcomes.items():
        if o["info"]["kind"] != "template" or o["second"] == "unchanged":
            continue
        codes = [r["code"] for r in o["analysis"]["reasons"]]
        assert codes == ["extraction-changed"], name
        assert o["analysis"]["level"] == "cosmetic"


def test_every_real_edit_is_found_with_its_reason(outcomes: dict[str, dict[str, Any]]) -> None:
    missed = {}
    for name, o in outcomes.items():
        if o["info"]["kind"] != "edit":
            continue
        codes = {r["code"] for r in o["analysis"]["reasons"]} if o["analysis"] else set()
        if o["second"] != "changed" or not set(o["info"]["reasons"]) <= codes:
            missed[name] = (o["second"], sorted(codes))
    assert missed == {}
