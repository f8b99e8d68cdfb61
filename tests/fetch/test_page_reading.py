"""Reading one page: body sources, edges, bylines, images and links, the template fingerprint."""

from __future__ import annotations

import json

import pytest

from newsarchive.fetch.body import image_url, link_url
from newsarchive.fetch.byline import choose_byline, is_person_byline
from newsarchive.fetch.edges import trim_edges
from newsarchive.fetch.extract import extract_article
from scrape_server import STORY

URL = "https://news.example.com/2024/03/05/council-budget"
TITLE = "Council approves budget"


def page(body: str, *, head: str = "", title: str = TITLE) -> str:
    return (
        f"<html><head><title>{title} - Example Gazette</title>"
        f'<meta property="og:site_name" content="Example Gazette">{head}</head>'
        f"<body>{body}</body></html>"
    )


def paragraphs(items: list[str] = STORY) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


@pytest.mark.parametrize(
    "furniture",
    ["Supported by", "Advertisement", TITLE, "Example Gazette", "By Ada Reporter",
     "March 5, 2024", "Listen to this article"],
)  # fmt: skip
def test_furniture_at_the_top_of_the_body_is_dropped(furniture: str) -> None:
    html = page(f'<div class="article-body"><p>{furniture}</p>{paragraphs()}</div>')
    assert extract_article(html, URL).text.split("\n\n") == STORY


def test_the_same_lines_inside_the_body_stay() -> None:
    middle = [*STORY[:2], "By Tuesday evening, the council had voted.", *STORY[2:]]
    html = page(f'<div class="article-body">{paragraphs(middle)}</div>')
    assert extract_article(html, URL).text.split("\n\n") == middle


def test_related_links_carousels_and_newsletters_are_not_the_body() -> None:
    html = page(
        '<article><div class="article-body">'
        + paragraphs()
        + '<div class="newsletter-signup"><p>Sign up for our morning newsletter today.</p></div>'
        '<div class="carousel"><p>Another story entirely, about something else.</p></div>'
        "</div><aside><h2>Related</h2><p>A related story.</p></aside></article>"
    )
    assert extract_article(html, URL).text.split("\n\n") == STORY


def test_a_summary_set_apart_above_the_body_leads_the_text() -> None:
    lead, rest = STORY[0], STORY[1:]
    apart = page(f'<article><p class="article-summary">{lead}</p>'
                 f'<div class="article-body">{paragraphs(rest)}</div></article>')  # fmt: skip
    inside = page(f'<article><div class="article-body">{paragraphs()}</div></article>')
    assert extract_article(apart, URL).text == extract_article(inside, URL).text


def test_json_ld_article_body_comes_first_in_the_page_paragraphs() -> None:
    data = {"@type": "NewsArticle", "headline": TITLE, "articleBody": " ".join(STORY)}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    html = page(f"<div>{paragraphs(['Most read: something else', *STORY])}</div>", head=head)
    article = extract_article(html, URL)
    assert article.text.split("\n\n") == STORY
    assert article.page["text_source"] == "json-ld"


def test_json_ld_author_wins_and_ui_words_are_not_bylines() -> None:
    data = {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Ada Reporter"},
            {"@type": "Organization", "name": "Example Gazette"}]}  # fmt: skip
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    body = f'<div class="byline">Username</div><div class="article-body">{paragraphs()}</div>'
    assert extract_article(page(body, head=head), URL).byline == "Ada Reporter"
    assert extract_article(page(body), URL).byline is None


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [("Username", False), ("Log in", False), ("Subscribe", False), ("Share", False),
     ("Menu", False), ("March 5, 2024", False), ("Updated 2 hours ago", False),
     ("Example Gazette", False), ("By Ada Reporter", True), ("Ada Reporter and Bo Li", True),
     ("Anouk de Vries", True)],
)  # fmt: skip
def test_bylines_are_people(candidate: str, expected: bool) -> None:
    assert is_person_byline(candidate, site_name="Example Gazette") is expected


def test_byline_candidates_are_cleaned() -> None:
    assert choose_byline([], ["Username; BY JANE DOE"], site_name=None) == "Jane Doe"
    assert choose_byline(["Username"], [None, "Log in", "By Ada Reporter"], site_name=None) == (
        "Ada Reporter"
    )


def test_edges_are_trimmed_only_at_the_edges() -> None:
    lines = ["Supported by", "Council approves budget", *STORY, "Related coverage", "Other"]
    assert trim_edges(lines, headline=[f"{TITLE} | Example Gazette"]) == STORY


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("/img/2024/03/05/bridge-1200x800.jpg?w=600", "https://news.example.com/img/2024/03/05/bridge.jpg"),
        ("https://cdn.example.com/976/cpsprod/bridge.jpg", "https://cdn.example.com/cpsprod/bridge.jpg"),
        ("https://cdn.example.com/a/bridge-articleLarge.jpg#x", "https://cdn.example.com/a/bridge.jpg"),
        ("data:image/png;base64,AAAA", None),
    ],
)  # fmt: skip
def test_image_urls_lose_their_size_variants(src: str, expected: str | None) -> None:
    assert image_url(src, URL) == expected


def test_links_are_canonical() -> None:
    assert link_url("/data?utm_source=x#top", URL) == "https://news.example.com/data"
    assert link_url("mailto:desk@example.com", URL) is None


def test_lead_image_caption_and_links_are_page_fields() -> None:
    body = (
        '<article><figure><img src="/img/bridge-640x360.jpg" alt="The bridge">'
        '<figcaption>The bridge on Monday. <span class="credit">Photo: AP</span></figcaption>'
        '</figure><div class="article-body">' + paragraphs(STORY[:-1])
        + f'<p>{STORY[-1]} <a href="/data?utm_medium=x">View this dataset</a></p></div></article>'
    )  # fmt: skip
    head = '<meta property="og:image" content="/img/bridge-1200x675.jpg?q=80">'
    fields = extract_article(page(body, head=head), URL).page
    assert fields["lead_image"] == {
        "url": "https://news.example.com/img/bridge.jpg",
        "alt": "The bridge",
        "caption": "The bridge on Monday.",
    }
    assert fields["links"] == [
        {"url": "https://news.example.com/data", "text": "View this dataset"}
    ]


def test_the_template_fingerprint_follows_the_layout_not_the_text() -> None:
    def layout(cls: str, items: list[str]) -> str:
        return page(f'<main class="{cls}"><article><div class="article-body">'
                    f"{paragraphs(items)}</div></article></main>")  # fmt: skip

    one = extract_article(layout("grid", STORY), URL).page["template"]
    edited = extract_article(layout("grid", STORY[:-1]), URL).page["template"]
    redesigned = extract_article(layout("grid-2024", STORY), URL).page["template"]
    assert one == edited != redesigned


def test_broken_urls_in_the_page_are_left_out() -> None:
    """A link, image or canonical URL that cannot be parsed is ignored, not an error."""
    head = (
        '<link rel="canonical" href="http://[::1/x">'
        '<meta property="og:image" content="http://[::1/a.jpg">'
    )
    body = (
        '<div class="article-body"><img src="http://[::1/b.jpg">'
        + paragraphs(STORY)
        + '<p>See <a href="http://[::1/c">this</a>.</p></div>'
    )
    article = extract_article(page(body, head=head), URL)
    assert article.canonical_url is None
    assert "lead_image" not in article.page and "links" not in article.page
