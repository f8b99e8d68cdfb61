"""Live blogs: new posts are a minor ``live-update``; edited and deleted posts still count."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsarchive import Archive
from newsarchive.fetch.extract import extract_article
from newsarchive.fetch.http import FetchOptions, HttpFetcher
from newsarchive.scrape import fetch_pages
from scrape_server import ScrapeServer, scrape_server

__all__ = ["scrape_server"]

FAST = FetchOptions(timeout_seconds=5.0, retries=0, per_host_interval_seconds=0.0)
URL = "https://news.example.com/live/2024/jun/10/election-live"

POSTS = {
    "p1": ("09:05", "Polls have opened across the region, and officials expect a high "
           "turnout after a campaign dominated by housing and transport."),
    "p2": ("09:40", "Queues of more than 200 people have formed outside the polling station "
           "at the central library, our reporter says."),
    "p3": ("10:15", "The electoral commission says turnout at 10am was 18 percent, up from "
           "14 percent at the same time four years ago."),
    "p4": ("11:02", "The governing coalition's leader cast her vote in Eastfield and told "
           "reporters she was confident of a narrow win."),
    "p5": ("11:30", "Heavy rain is forecast for the afternoon, which could keep some voters "
           "at home, the weather service warned."),
}  # fmt: skip


def live_page(
    order: list[str], *, declared: bool = True, edits: dict[str, str] | None = None
) -> str:
    blocks = []
    for key in order:
        at, text = POSTS[key]
        text = (edits or {}).get(key, text)
        blocks.append(
            f'<article id="block-{key}" class="block"><header><time '
            f'datetime="2024-06-10T{at}:00Z">{at}</time></header><p>{text}</p></article>'
        )
    json_ld = ""
    if declared:
        data = {
            "@context": "https://schema.org",
            "@type": "LiveBlogPosting",
            "headline": "Regional election: live",
        }
        json_ld = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return (
        f"<html><head><title>Regional election: live</title>{json_ld}</head><body>"
        '<nav><a href="/">Home</a></nav><main><h1>Regional election: live</h1>'
        f'<div class="live-blog-body">{"".join(blocks)}</div>'
        '<aside class="most-read"><h2>Most read</h2></aside></main></body></html>'
    )


def test_a_declared_live_blog_is_read_post_by_post() -> None:
    article = extract_article(live_page(["p3", "p2", "p1"]), URL)
    posts = article.page["live_blog"]["posts"]
    assert [p["id"] for p in posts] == ["block-p3", "block-p2", "block-p1"]
    assert [p["start"] for p in posts] == [0, 1, 2]
    assert article.text.split("\n\n") == [POSTS[k][1] for k in ("p3", "p2", "p1")]


def test_time_stamped_posts_make_a_live_blog_without_json_ld() -> None:
    article = extract_article(live_page(["p3", "p2", "p1"], declared=False), URL)
    assert article.page["live_blog"]["source"] == "markup"
    assert len(article.page["live_blog"]["posts"]) == 3


def test_a_list_of_other_stories_with_times_is_not_a_live_blog() -> None:
    story = " ".join(["The council met on Tuesday and agreed a new budget for the year."] * 8)
    items = "".join(
        f'<li><time datetime="2024-06-10T0{i}:00Z">0{i}:00</time> <a href="/s{i}">Story {i}</a>'
        "</li>"
        for i in range(1, 6)
    )
    html = (
        f"<html><body><article><p>{story}</p><p>{story}</p>"
        f'<ul class="latest">{items}</ul></article></body></html>'
    )
    assert "live_blog" not in extract_article(html, URL).page


@pytest.fixture
def history(scrape_server: ScrapeServer, tmp_path: Path) -> Iterator[list[dict[str, Any]]]:
    """Four fetches: three posts, two new on top, an earlier one edited, one deleted."""
    pages = [
        live_page(["p3", "p2", "p1"]),
        live_page(["p5", "p4", "p3", "p2", "p1"]),
        live_page(["p5", "p4", "p3", "p2", "p1"], edits={"p3": POSTS["p3"][1].replace("18", "21")}),
        live_page(["p5", "p4", "p3", "p1"], edits={"p3": POSTS["p3"][1].replace("18", "21")}),
    ]
    url = scrape_server.html("/live", *(p.encode() for p in pages))
    with Archive.open(tmp_path / "archive") as archive, HttpFetcher(FAST) as fetcher:
        for _ in pages:
            fetch_pages(archive, [url], fetcher=fetcher)
        yield [v.analysis or {} for v in archive.history(url)]


def codes(analysis: dict[str, Any]) -> list[str]:
    return [r["code"] for r in analysis["reasons"]]


def test_new_posts_are_a_minor_live_update(history: list[dict[str, Any]]) -> None:
    assert len(history) == 4
    assert codes(history[1]) == ["live-update"]
    assert (history[1]["level"], history[1]["stealth"]) == ("minor", False)
    assert history[1]["reasons"][0]["detail"].startswith("2 new posts, first “Heavy rain")


def test_an_edited_earlier_post_still_counts(history: list[dict[str, Any]]) -> None:
    assert "number-changed" in codes(history[2])
    assert history[2]["level"] == "substantive"


def test_a_deleted_post_is_substantive(history: list[dict[str, Any]]) -> None:
    assert codes(history[3]) == ["paragraph-deleted"]
    assert history[3]["level"] == "substantive"
