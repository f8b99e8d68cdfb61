"""The Atom feed of new versions: valid RFC 4287, stable ids, escaped content."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import attrs
import feedparser
import pytest

from _report_history import ANALYSIS, HOSTILE, URL, history, make_diff, make_version
from newsarchive.errors import InputError
from newsarchive.render.atom import (
    FeedEntry,
    article_feed_id,
    render_feed,
    version_entry_id,
)
from newsarchive.render.html import clean_text

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
# Regenerate with: NEWSARCHIVE_UPDATE_GOLDEN=1 python -m pytest tests/render/test_atom.py
UPDATE = os.environ.get("NEWSARCHIVE_UPDATE_GOLDEN") == "1"
A = "{http://www.w3.org/2005/Atom}"


CONTENT_TAGS = {
    "p",
    "strong",
    "ins",
    "del",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
}


class Tags(HTMLParser):
    """The elements and text a feed reader would find in an entry's HTML content."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Our own markup carries only presentational attributes: drop those, keep the rest.
        allowed = {"class", "scope"}
        self.seen.append((tag, [(k, v) for k, v in attrs if k not in allowed]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def entries() -> list[FeedEntry]:
    versions = history()
    result = [FeedEntry(version=versions[0])]
    for old, new in zip(versions, versions[1:], strict=False):
        result.append(
            FeedEntry(version=new, diff=make_diff(old, new), summary=ANALYSIS.get(new.number))
        )
    return result


def feed_text() -> str:
    return render_feed(
        entries(),
        feed_id=article_feed_id(URL),
        title="Changes: Minister resigns over contracts",
        link=URL,
        self_link="https://feeds.example/minister.atom",
    )


def assert_valid_atom(text: str) -> ET.Element:
    """RFC 4287's required elements, checked by hand, and a clean feedparser parse."""
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    feed_has_author = root.find(f"{A}author/{A}name") is not None
    ids = set()
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        entry_id = entry.findtext(f"{A}id") or ""
        assert entry_id.startswith(("urn:uuid:", "tag:"))
        assert entry_id not in ids
        ids.add(entry_id)
        assert feed_has_author or entry.find(f"{A}author/{A}name") is not None
        content = entry.find(f"{A}content")
        assert content is not None and content.get("type") == "html"
        for link in entry.findall(f"{A}link"):
            assert (link.get("href") or "").startswith(("http://", "https://"))
        datetime.fromisoformat((entry.findtext(f"{A}updated") or "").replace("Z", "+00:00"))
    return root


def test_feed_matches_golden() -> None:
    text = feed_text()
    path = GOLDEN / "feed.atom"
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == path.read_bytes()


def test_feed_is_valid_atom_with_one_entry_per_version_newest_first() -> None:
    root = assert_valid_atom(feed_text())
    titles = [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")]
    assert titles == [
        "Minister resigns over contracts (version 4)",
        "Minister resigns over contracts (version 3)",
        "Minister resigns over contracts (version 2)",
        "Minister under pressure over contracts (first version)",
    ]
    assert root.findtext(f"{A}updated") == "2024-03-06T07:15:00Z"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {"alternate": URL, "self": "https://feeds.example/minister.atom"}


def test_entry_content_is_the_diff_as_escaped_html() -> None:
    text = feed_text()
    # Markup travels escaped inside the XML, never as XML elements.
    assert "&lt;del&gt;3m&lt;/del&gt; &lt;ins&gt;4.5m&lt;/ins&gt;" in text
    parsed = feedparser.parse(text)
    by_title = {e.title: e for e in parsed.entries}
    v2 = by_title["Minister resigns over contracts (version 2)"]
    html = v2.content[0].value
    assert "<del>3m</del> <ins>4.5m</ins>" in html
    assert "<del>Minister under pressure over contracts</del>" in html
    assert v2.summary.startswith("headline changed; +14/-1 words; substantive (headline changed")
    v3 = by_title["Minister resigns over contracts (version 3)"]
    assert "stealth edit" in v3.summary
    assert "<p><del>" in v3.content[0].value
    v4 = by_title["Minister resigns over contracts (version 4)"]
    assert "reverted to version 2" in v4.summary
    assert v4.author == "Jane Doe"


def test_long_unchanged_stretches_are_elided() -> None:
    base = history()[0]
    paragraphs = [f"Paragraph {n} stays as it was." for n in range(10)]
    changed = list(paragraphs)
    changed[5] = "Paragraph 5 was rewritten."
    old = attrs.evolve(base, text="\n\n".join(paragraphs))
    new = attrs.evolve(base, number=2, text="\n\n".join(changed))
    feed = render_feed(
        [FeedEntry(version=new, diff=make_diff(old, new))], feed_id="urn:x:y", title="t"
    )
    content = feedparser.parse(feed).entries[0].content[0].value
    assert "Paragraph 4 stays" in content and "Paragraph 6 stays" in content
    assert "Paragraph 3" not in content and "Paragraph 7" not in content
    assert content.count("<p>…</p>") == 2


def test_entry_ids_survive_renumbering_and_differ_between_versions() -> None:
    versions = history()
    renumbered = attrs.evolve(versions[1], number=7)
    assert version_entry_id(renumbered) == version_entry_id(versions[1])
    assert len({version_entry_id(v) for v in versions}) == len(versions)
    assert article_feed_id(URL) == article_feed_id(URL)
    assert article_feed_id(URL) != article_feed_id(URL + "x")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_content_stays_text_and_the_feed_stays_valid(hostile: str) -> None:
    url = "javascript:alert(1)//" + hostile
    at = datetime(2024, 1, 1, tzinfo=UTC)
    old = make_version(1, f"Intro.\n\n{hostile}", title=hostile, at=at, url=url, byline=hostile)
    new = make_version(
        2, f"Intro!\n\n{hostile} {hostile}", title=hostile + "!", at=at.replace(day=2), url=url
    )
    text = render_feed(
        [
            FeedEntry(version=old),
            FeedEntry(
                version=new,
                diff=make_diff(old, new),
                summary={"level": hostile, "reasons": [hostile]},
            ),
        ],
        feed_id=article_feed_id(url),
        title=hostile,
        link=url,
    )
    root = assert_valid_atom(text)
    assert root.findall(f".//{A}link") == []  # a javascript: URL is never a link
    assert root.findtext(f"{A}title") == clean_text(hostile)
    for entry in root.findall(f"{A}entry"):
        tags = Tags(entry.findtext(f"{A}content") or "")
        assert {tag for tag, _ in tags.seen} <= CONTENT_TAGS
        assert all(not attributes for _, attributes in tags.seen)
        assert clean_text(hostile) in "".join(tags.text)


def test_empty_feed_needs_an_updated_time() -> None:
    with pytest.raises(InputError):
        render_feed([], feed_id="urn:x:y", title="Nothing yet")
    at = datetime(2024, 5, 1, 12, tzinfo=UTC)
    root = assert_valid_atom(render_feed([], feed_id="urn:x:y", title="Nothing yet", updated=at))
    assert root.findtext(f"{A}updated") == "2024-05-01T12:00:00Z"


@pytest.mark.parametrize("feed_id", ["", "not a uri", "plainword"])
def test_feed_id_must_be_a_uri(feed_id: str) -> None:
    with pytest.raises(InputError):
        render_feed(entries(), feed_id=feed_id, title="t")
