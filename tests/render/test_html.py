"""The HTML report and diff page: golden output, escaping of hostile archives, structure."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from _report_history import (
    ANALYSIS,
    HOSTILE,
    URL,
    consecutive_diffs,
    history,
    make_diff,
    make_version,
)
from newsarchive.errors import InputError
from newsarchive.models import DiffOp, DiffStats, TextDiff, VersionDiff
from newsarchive.render._markup import hunks
from newsarchive.render._paragraphs import build_paragraph_map, split_paragraphs
from newsarchive.render.html import (
    clean_text,
    render_diff_fragment,
    render_diff_page,
    render_report,
    safe_href,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
# Regenerate with: NEWSARCHIVE_UPDATE_GOLDEN=1 python -m pytest tests/render/test_html.py
UPDATE = os.environ.get("NEWSARCHIVE_UPDATE_GOLDEN") == "1"

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "input", "header", "p", "h1", "h2", "h3",
    "a", "span", "nav", "ul", "ol", "li", "main", "section", "div", "label", "article", "time",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "ins", "del", "strong", "footer",
}  # fmt: skip


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"missing golden {path}: run with NEWSARCHIVE_UPDATE_GOLDEN=1"
    assert text.encode("utf-8") == path.read_bytes()


class Page(HTMLParser):
    """Every tag, attribute and piece of text a browser's parser would see."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    def all_text(self) -> str:
        return "".join(self.text)

    def hrefs(self) -> list[str]:
        return [a["href"] or "" for tag, a in self.tags if tag == "a" and "href" in a]


def assert_inert(source: str) -> Page:
    """The page has only our own tags, no handlers, no script and no outside link but http(s)."""
    page = Page(source)
    for tag, attributes in page.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        assert "style" not in attributes, (tag, attributes)
    for href in page.hrefs():
        assert href.startswith(("#", "http://", "https://")), href
    return page


def test_report_matches_golden() -> None:
    versions = history()
    check_golden(
        "report.html", render_report(versions, consecutive_diffs(versions), analysis=ANALYSIS)
    )


def test_report_without_analysis_matches_golden() -> None:
    versions = history()
    check_golden("report_plain.html", render_report(versions, consecutive_diffs(versions)))


def test_diff_page_matches_golden() -> None:
    versions = history()
    page = render_diff_page(make_diff(versions[0], versions[1]), summary=ANALYSIS[2])
    check_golden("diff_page.html", page)


def test_report_shows_title_url_timeline_and_every_consecutive_diff() -> None:
    versions = history()
    source = render_report(versions, consecutive_diffs(versions), analysis=ANALYSIS)
    page = assert_inert(source)
    text = page.all_text()
    assert "Minister resigns over contracts" in text
    assert f'href="{URL}"' in source
    for number in (1, 2, 3, 4):
        assert f'id="v{number}"' in source
    for old, new in ((1, 2), (2, 3), (3, 4)):
        assert f'id="diff-{old}-{new}"' in source
        assert f'href="#diff-{old}-{new}"' in source
    assert "reverted to version 2" in text
    assert "stealth edit" in text
    assert "quote removed" in text


def test_insertions_and_deletions_are_ins_and_del_elements() -> None:
    versions = history()
    source = render_diff_page(make_diff(versions[0], versions[1]))
    assert "<del>3m</del> <ins>4.5m</ins>" in source
    assert (
        '<p class="text" dir="auto" lang="en"><ins>A spokesperson for the prime minister '
        "thanked her for her service.</ins></p>"
    ) in source
    # Side by side, the added paragraph has a row of its own with nothing opposite.
    assert (
        '<tr class="changed"><td class="text" dir="auto" lang="en"></td>'
        '<td class="text" dir="auto" lang="en"><ins>A spokesperson for the prime minister '
        "thanked her for her service.</ins></td></tr>"
    ) in source
    # The headline change comes before the body diff.
    assert source.index("<del>Minister under pressure over contracts</del>") < source.index(
        "<del>3m</del>"
    )


def test_side_by_side_rows_keep_old_and_new_columns_apart() -> None:
    versions = history()
    fragment = render_diff_fragment(make_diff(versions[1], versions[2]))
    side = fragment[fragment.index('<table class="diff-side">') :]
    rows = re.findall(r"<tr[^>]*><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", side)
    assert rows, side
    for old_cell, new_cell in rows:
        assert "<ins>" not in old_cell
        assert "<del>" not in new_cell
    assert [new for old, new in rows if "nothing wrong" in old] == [""]
    assert [
        old for old, new in rows if new == "<ins>Opposition MPs have called for an inquiry.</ins>"
    ] == [""]
    # Unchanged paragraphs sit level in both columns.
    assert all(old == new for old, new in rows if "<" not in old + new)
    assert sum(1 for old, new in rows if old == new) == 2


def test_chosen_pair_report_shows_only_that_diff() -> None:
    versions = history()
    source = render_report(versions, [make_diff(versions[0], versions[3])])
    assert 'id="diff-1-4"' in source
    assert 'id="diff-1-2"' not in source
    # Analysis belongs to consecutive pairs, so a jump shows none for the pair itself.
    assert (
        "quote removed"
        not in render_report(
            versions, [make_diff(versions[1], versions[3])], analysis={4: ANALYSIS[3]}
        )
        .split('id="changes"')[1]
        .split('id="paragraphs"')[0]
    )


def test_single_version_report_says_nothing_changed() -> None:
    versions = history()[:1]
    page = assert_inert(render_report(versions, []))
    assert "nothing has changed yet" in page.all_text()


def test_report_rejects_empty_or_mixed_histories() -> None:
    versions = history()
    with pytest.raises(InputError):
        render_report([], [])
    other = attrs.evolve(versions[1], url="https://other.example/")
    with pytest.raises(InputError):
        render_report([versions[0], other], [])


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_content_is_escaped_everywhere(hostile: str) -> None:
    """Hostile text in title, byline, body, URL and analysis comes out as text, never markup."""
    url = "https://news.example/" + hostile
    old = make_version(
        1,
        f"Intro.\n\n{hostile}\n\nEnd.",
        title=hostile,
        at=history()[0].first_captured_at,
        url=url,
        byline=hostile,
    )
    new = make_version(
        2,
        f"Intro changed.\n\n{hostile} {hostile}\n\nEnd.",
        title=f"New {hostile}",
        at=history()[1].first_captured_at,
        url=url,
    )
    analysis = {2: {"level": hostile, "reasons": [hostile], "stealth": True}}
    for source in (
        render_report([old, new], [make_diff(old, new)], analysis=analysis),  # type: ignore[dict-item]
        render_diff_page(make_diff(old, new), summary={"level": hostile, "reasons": [hostile]}),
    ):
        page = assert_inert(source)
        assert clean_text(hostile) in page.all_text()
        assert "\x00" not in source and "\ud800" not in source
        source.encode("utf-8")  # no lone surrogates survive


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "https://",
        "https://exa mple.com/",
        "https://[::1",
    ],
)
def test_unsafe_article_urls_are_never_links(url: str) -> None:
    assert safe_href(url) is None
    version = make_version(1, "Text.", title="T", at=history()[0].first_captured_at, url=url)
    page = assert_inert(render_report([version], []))
    assert page.hrefs() == ["#headlines", "#timeline", "#changes", "#paragraphs"]
    assert url.strip() in page.all_text() or clean_text(url) in page.all_text()


def test_safe_href_keeps_ordinary_article_urls() -> None:
    assert safe_href(URL) == URL
    assert safe_href("http://example.com/a?b=1&c=<d>") == "http://example.com/a?b=1&c=<d>"
    source = render_report(
        [
            make_version(
                1,
                "x",
                title="t",
                at=history()[0].first_captured_at,
                url="https://e.example/?a=1&b=<x>",
            )
        ],
        [],
    )
    assert 'href="https://e.example/?a=1&amp;b=&lt;x&gt;"' in source


def test_content_security_policy_forbids_scripts_and_admits_only_our_stylesheet() -> None:
    versions = history()
    source = render_report(versions, consecutive_diffs(versions))
    page = Page(source)
    metas = [
        a
        for tag, a in page.tags
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(metas) == 1
    policy = metas[0]["content"] or ""
    assert "default-src 'none'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy
    (style,) = page.styles
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    # The policy must come before anything that could load.
    assert source.index("Content-Security-Policy") < source.index("<title>")


def test_page_is_readable_in_print_and_at_phone_width() -> None:
    source = render_diff_page(consecutive_diffs(history())[0])
    assert "@media print" in source
    assert "@media (max-width:40rem)" in source
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in source


def test_unchanged_text_says_so() -> None:
    versions = history()
    retitled = attrs.evolve(versions[0], number=2, title="Other")
    d = make_diff(versions[0], retitled)
    assert not d.body.has_changes
    assert "The text did not change." in render_diff_page(d)


def test_heading_level_is_checked() -> None:
    with pytest.raises(InputError):
        render_diff_fragment(consecutive_diffs(history())[0], heading_level=1)


def test_split_paragraphs_drops_blank_lines() -> None:
    assert split_paragraphs("a\n\n  b  \r\n\r\nc\n") == ["a", "b", "c"]
    assert split_paragraphs("") == []


def test_paragraph_map_traces_edits_moves_removals() -> None:
    pmap = build_paragraph_map(history())
    assert pmap.version_numbers == (1, 2, 3, 4)
    current = {row.text[:20]: row.statuses for row in pmap.rows if row.is_current}
    assert current == {
        "The minister resigne": ("present", "edited", "present", "present"),
        "Opposition MPs have ": ("present", "present", "present", "moved"),
        '"I have done nothing': ("present", "present", "removed", "restored"),
        "A spokesperson for t": ("absent", "added", "moved", "present"),
    }
    assert all(row.is_current for row in pmap.rows), "a restored paragraph keeps one row"


def test_paragraph_map_lists_paragraphs_removed_for_good() -> None:
    pmap = build_paragraph_map(history()[:3])
    removed = [(row.text[:20], row.statuses) for row in pmap.rows if not row.is_current]
    assert removed == [('"I have done nothing', ("present", "present", "removed"))]


def test_paragraph_map_of_unrelated_rewrite_marks_everything_new() -> None:
    versions = history()
    rewrite = attrs.evolve(
        versions[1], text="Completely different words here.\n\nAnd more of them."
    )
    pmap = build_paragraph_map([versions[0], rewrite])
    assert [row.statuses for row in pmap.rows if row.is_current] == [("absent", "added")] * 2
    assert [row.statuses for row in pmap.rows if not row.is_current] == [("present", "removed")] * 3


def test_paragraph_map_of_a_long_live_blog_compares_each_paragraph_with_a_few_nearby(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rewritten block of hundreds of paragraphs is not compared every pair with every
    other, and each edited paragraph still finds its old form."""
    from newsarchive.render import _paragraphs

    old = [f"Post {k}: the council met and the mayor spoke about item {k}." for k in range(300)]
    new = [p.replace("spoke", "talked") for p in old]
    versions = history()
    first = attrs.evolve(versions[0], text="\n\n".join(old))
    second = attrs.evolve(versions[1], text="\n\n".join(new))
    compared: list[int] = []
    shared = _paragraphs._shared
    monkeypatch.setattr(_paragraphs, "_shared", lambda a, b: compared.append(1) or shared(a, b))
    pmap = build_paragraph_map([first, second])
    assert [row.statuses for row in pmap.rows] == [("present", "edited")] * 300
    assert len(compared) <= 300 * (2 * _paragraphs._EDIT_REACH + 1)


def test_paragraph_map_counts_a_long_paragraph_edited_by_a_word_as_edited() -> None:
    words = " ".join(f"word{k % 50}" for k in range(20_000))
    versions = history()
    first = attrs.evolve(versions[0], text=f"{words} end.")
    second = attrs.evolve(versions[1], text=f"{words} ending.")
    pmap = build_paragraph_map([first, second])
    assert [row.statuses for row in pmap.rows] == [("present", "edited")]


def test_empty_diff_ops_render_nothing_extra() -> None:
    versions = history()
    d = attrs.evolve(
        make_diff(versions[0], versions[1]),
        body=TextDiff(
            granularity="word",
            ops=[DiffOp(0, ""), DiffOp(1, "x")],
            stats=DiffStats(
                chars_added=1, chars_removed=0, words_added=1, words_removed=0, similarity=0.0
            ),
        ),
    )
    assert "<ins>x</ins>" in render_diff_fragment(d)


def long_story(changed_paragraph: int | None) -> VersionDiff:
    base = history()[0]
    paragraphs = [f"Paragraph {n} stays as it was." for n in range(12)]
    changed = list(paragraphs)
    if changed_paragraph is not None:
        changed[changed_paragraph] = f"Paragraph {changed_paragraph} was rewritten."
    old = attrs.evolve(base, text="\n\n".join(paragraphs))
    return make_diff(old, attrs.evolve(base, number=2, text="\n\n".join(changed)))


def test_long_unchanged_stretches_fold_into_details_in_both_views() -> None:
    fragment = render_diff_fragment(long_story(6))
    inline, side = fragment.split('<div class="diff-side">')
    for view in (inline, side):
        assert view.count('<details class="same">') == 2
        assert "<summary>5 unchanged paragraphs</summary>" in view
        # Folded text is still in the page, for readers who open it.
        assert "Paragraph 0 stays" in view and "Paragraph 11 stays" in view
    shown = re.sub(r"<details.*?</details>", "", inline, flags=re.S)
    assert "Paragraph 5 stays" in shown and "Paragraph 7 stays" in shown
    assert "Paragraph 4 stays" not in shown and "Paragraph 8 stays" not in shown


def test_unchanged_body_is_folded_whole() -> None:
    fragment = render_diff_fragment(long_story(None))
    assert "<summary>12 unchanged paragraphs</summary>" in fragment
    assert "<ins>" not in fragment and "<del>" not in fragment


@pytest.mark.parametrize(
    ("changed", "context", "expected"),
    [
        ([], 1, []),
        ([False] * 3, 1, [(False, range(0, 3))]),
        ([True], 1, [(True, range(0, 1))]),
        ([False, True, False], 1, [(True, range(0, 3))]),
        (
            [False] * 3 + [True] + [False] * 4,
            1,
            [(False, range(0, 2)), (True, range(2, 5)), (False, range(5, 8))],
        ),
        ([True] + [False] * 3 + [True], 1, [(True, range(0, 5))]),
        (
            [True] + [False] * 5 + [True],
            1,
            [(True, range(0, 2)), (False, range(2, 5)), (True, range(5, 7))],
        ),
        ([False] * 3 + [True], 0, [(False, range(0, 3)), (True, range(3, 4))]),
        ([False, False, True, False, False], 1, [(True, range(0, 5))]),
    ],
)
def test_hunks_fold_only_runs_longer_than_one(
    changed: list[bool], context: int, expected: list[tuple[bool, range]]
) -> None:
    assert hunks(changed, context=context) == expected
