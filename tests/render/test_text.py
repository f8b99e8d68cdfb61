from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.diff import diff_texts, diff_versions
from newsarchive.errors import InputError
from newsarchive.models import Article, Capture, Version, VersionDiff
from newsarchive.render import (
    article_to_dict,
    capture_to_dict,
    diff_to_dict,
    render_json,
    render_text,
    render_unified,
    version_to_dict,
)

URL = "https://example.com/story"

OLD = (
    "Intro para.\n\n"
    "Second para.\n\n"
    "Officials said 12 people died.\n\n"
    "Fourth.\n\n"
    "Fifth.\n\n"
    "Sixth.\n\n"
    "Seventh.\n"
)
NEW = (
    "Intro para.\n\n"
    "Second para.\n\n"
    "Officials said 14 people died.\n\n"
    "Fourth.\n\n"
    "Fifth.\n\n"
    "Sixth.\n\n"
    "Seventh, updated.\n"
)

HEADER = (
    f"{URL}\n"
    "--- version 1 (v1id), captured 2024-05-01T12:00:00Z\n"
    "+++ version 2 (v2id), captured 2024-05-02T12:00:00Z … 2024-05-03T06:30:00Z (3 captures)\n"
)


def _version(number: int, text: str, **fields: object) -> Version:
    at = datetime(2024, 5, number, 12, 0, tzinfo=UTC)
    values: dict[str, object] = {
        "id": f"v{number}id",
        "url": URL,
        "number": number,
        "text": text,
        "title": "Bridge to reopen",
        "content_hash": f"c{number}",
        "text_hash": f"t{number}",
        "first_captured_at": at,
        "last_captured_at": at,
    }
    values.update(fields)
    return Version(**values)  # type: ignore[arg-type]


def _diff(old: str = OLD, new: str = NEW, **new_fields: object) -> VersionDiff:
    fields: dict[str, object] = {
        "last_captured_at": datetime(2024, 5, 3, 6, 30, tzinfo=UTC),
        "capture_count": 3,
    }
    fields.update(new_fields)
    return diff_versions(_version(1, old), _version(2, new, **fields))


# --- terminal text --------------------------------------------------------------------


def test_text_without_color_marks_words_and_folds_far_paragraphs() -> None:
    assert render_text(_diff(), color=False) == HEADER + (
        "\n"
        "  ⋯ 1 unchanged paragraph ⋯\n"
        "\n"
        "Second para.\n\n"
        "Officials said [-12-]{+14+} people died.\n\n"
        "Fourth.\n\n"
        "  ⋯ 1 unchanged paragraph ⋯\n"
        "\n"
        "Sixth.\n\n"
        "Seventh{+, updated+}.\n"
    )


def test_text_with_color_uses_ansi_styles() -> None:
    d = _diff("Officials said 12 died.\n", "Officials said 14 died.\n")
    bold = "\x1b[1m"
    reset = "\x1b[0m"
    expected_header = "".join(f"{bold}{line}{reset}\n" for line in HEADER.splitlines())
    assert render_text(d, color=True) == expected_header + (
        "\nOfficials said \x1b[31m\x1b[9m12\x1b[0m\x1b[32m14\x1b[0m died.\n"
    )


def test_context_zero_keeps_only_changed_paragraphs() -> None:
    assert render_text(_diff(), color=False, context=0) == HEADER + (
        "\n"
        "  ⋯ 2 unchanged paragraphs ⋯\n"
        "\n"
        "Officials said [-12-]{+14+} people died.\n\n"
        "  ⋯ 3 unchanged paragraphs ⋯\n"
        "\n"
        "Seventh{+, updated+}.\n"
    )


def test_context_none_shows_every_paragraph() -> None:
    out = render_text(_diff(), color=False, context=None)
    assert "⋯" not in out
    assert out.endswith(
        "Intro para.\n\nSecond para.\n\nOfficials said [-12-]{+14+} people died.\n\n"
        "Fourth.\n\nFifth.\n\nSixth.\n\nSeventh{+, updated+}.\n"
    )


def test_trailing_unchanged_paragraphs_are_folded_too() -> None:
    d = _diff("A changes.\n\nB.\n\nC.\n\nD.\n", "A changed.\n\nB.\n\nC.\n\nD.\n")
    assert render_text(d, color=False, context=1) == HEADER + (
        "\nA [-changes-]{+changed+}.\n\nB.\n\n  ⋯ 2 unchanged paragraphs ⋯\n"
    )


def test_field_changes_come_before_the_text() -> None:
    d = _diff(OLD, OLD, title="Bridge will not reopen", byline="A. Writer")
    assert render_text(d, color=False) == HEADER + (
        "headline: [-Bridge to reopen-]{+Bridge will not reopen+}\n"
        "byline: {+A. Writer+}\n"
        "\n"
        "(no text change)\n"
    )


def test_markers_never_span_a_line_break() -> None:
    d = _diff("Keep.\n", "Keep.\n\nNew one.\n\nNew two.\n")
    assert render_text(d, color=False).endswith("\nKeep.\n\n{+New one.+}\n\n{+New two.+}\n")
    joined = _diff("One.\n\nTwo.\n", "One. Two.\n")
    assert render_text(joined, color=False).endswith("\nOne.[-¶-]\n\n{+ +}Two.\n")
    colored = render_text(d, color=True)
    for line in colored.splitlines():
        opened = sum(line.count(code) for code in ("\x1b[1m", "\x1b[31m", "\x1b[32m"))
        assert line.count("\x1b[0m") == opened, "every style is reset on its own line"


def test_stat_prints_counts_only() -> None:
    assert render_text(_diff(title="Bridge will not reopen"), color=False, stat=True) == HEADER + (
        "fields changed: headline\n"
        # 91 equal characters of 93 + 102: 2 * 91 / 195.
        "text: +11/-2 chars, +2/-1 words, similarity 0.9333\n"
    )
    assert render_text(_diff(OLD, OLD), color=False, stat=True) == HEADER + "text: no change\n"


def test_text_without_final_newline_still_ends_the_output_with_one() -> None:
    out = render_text(_diff("one two", "one three"), color=False)
    assert out == HEADER + "\none [-two-]{+three+}\n"


def test_control_characters_cannot_reach_the_terminal() -> None:
    """Escape sequences in archived text are shown as symbols, never sent to the terminal."""
    d = _diff(
        "Safe \x1b]0;pwned\x07 text\rover\n",
        "Safe \x1b[2J text\x9b\x00\r\n",
        title="T\x1b[31m\nitle",
    )
    out = render_text(d, color=False)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\x00" not in out
    assert "headline: [-Bridge to reopen-]{+T␛[31m itle+}\n" in out
    assert "Safe ␛" in out and "␍" in out
    assert "\r\n" in out, "CRLF line ends are kept"
    colored = render_text(d, color=True)
    assert "\x1b]" not in colored and "\x1b[2J" not in colored


def test_negative_context_is_an_input_error() -> None:
    with pytest.raises(InputError, match="context"):
        render_text(_diff(), color=False, context=-1)
    with pytest.raises(InputError, match="context"):
        render_unified(_diff(), context=-1)


# --- unified diff applied with patch -----------------------------------------------------

_PATCH = shutil.which("patch")
needs_patch = pytest.mark.skipif(_PATCH is None, reason="GNU patch is not installed")


def _apply(tmp_path: Path, old: str, new: str) -> str:
    target = tmp_path / "article.txt"
    target.write_bytes(old.encode())
    patch_text = render_unified(_diff(old, new))
    assert _PATCH is not None
    result = subprocess.run(
        [_PATCH, "--silent", "--batch", "--force", str(target)],
        input=patch_text.encode(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    return target.read_bytes().decode()


def test_unified_has_headers_and_hunks() -> None:
    assert render_unified(_diff(), context=1) == (
        f"--- a/{URL} v1\n"
        f"+++ b/{URL} v2\n"
        "@@ -4,3 +4,3 @@\n"
        " \n"
        "-Officials said 12 people died.\n"
        "+Officials said 14 people died.\n"
        " \n"
        "@@ -12,2 +12,2 @@\n"
        " \n"
        "-Seventh.\n"
        "+Seventh, updated.\n"
    )


def test_unified_marks_missing_final_newline() -> None:
    assert render_unified(_diff("a\nb", "a\nc")) == (
        f"--- a/{URL} v1\n"
        f"+++ b/{URL} v2\n"
        "@@ -1,2 +1,2 @@\n"
        " a\n"
        "-b\n"
        "\\ No newline at end of file\n"
        "+c\n"
        "\\ No newline at end of file\n"
    )


def test_unified_is_empty_without_text_change() -> None:
    assert render_unified(_diff(OLD, OLD)) == ""


@needs_patch
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (OLD, NEW),
        ("", "Brand new text.\n"),
        ("Gone.\n", ""),
        ("no final newline", "no final newline, still\n"),
        ("ends with newline\n", "now it does not"),
        ("windows\r\nlines\r\n", "windows\r\nlines changed\r\n"),
        ("emoji 👨‍👩‍👧 and RTL שלום\n", "emoji 👍🏽 and RTL مرحبا\n"),
        ("--- looks like a header\n+++ and another\n", "--- looks like a header\n+++ changed\n"),
    ],
)
def test_patch_turns_old_into_new(tmp_path: Path, old: str, new: str) -> None:
    assert _apply(tmp_path, old, new) == new


_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"),
    max_size=12,
)
_doc = st.lists(_line, max_size=12).map("\n".join)


@needs_patch
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(old=_doc, new=_doc)
def test_patch_turns_any_old_into_new(tmp_path: Path, old: str, new: str) -> None:
    assert _apply(tmp_path, old, new) == new


# --- JSON ---------------------------------------------------------------------------------


def test_json_document_shape() -> None:
    d = _diff("Officials said 12 died.\n", "Officials said 14 died.\n", title="New title")
    assert json.loads(render_json(d)) == {
        "format_version": 1,
        "url": URL,
        "old": {
            "number": 1,
            "id": "v1id",
            "first_captured_at": "2024-05-01T12:00:00Z",
            "last_captured_at": "2024-05-01T12:00:00Z",
            "title": "Bridge to reopen",
        },
        "new": {
            "number": 2,
            "id": "v2id",
            "first_captured_at": "2024-05-02T12:00:00Z",
            "last_captured_at": "2024-05-03T06:30:00Z",
            "title": "New title",
        },
        "granularity": "word",
        "ops": [[0, "Officials said "], [-1, "12"], [1, "14"], [0, " died.\n"]],
        "stats": {
            "chars_added": 2,
            "chars_removed": 2,
            "words_added": 1,
            "words_removed": 1,
            "similarity": 0.9167,  # 2 * 22 equal / (24 + 24)
        },
        "fields": [{"field": "title", "old": "Bridge to reopen", "new": "New title"}],
    }


def test_json_ops_rebuild_both_texts_with_nasty_characters() -> None:
    old, new = "a\x00b 😀\r\n\u202eRTL", "a\x00c 👨‍👩‍👧\r\n\u202eRTL!"
    doc = json.loads(render_json(_diff(old, new)))
    assert "".join(t for op, t in doc["ops"] if op != 1) == old
    assert "".join(t for op, t in doc["ops"] if op != -1) == new
    assert diff_to_dict(_diff(old, new)) == doc


def test_json_granularity_follows_the_diff() -> None:
    d = diff_versions(_version(1, OLD), _version(2, NEW), granularity="sentence")
    assert diff_to_dict(d)["granularity"] == "sentence"
    assert d.body == diff_texts(OLD, NEW, granularity="sentence")


def test_version_to_dict() -> None:
    v = _version(
        2,
        "Body.",
        byline="A. Writer",
        published_at=datetime(2024, 5, 1, 8, 0, 0, 250000, tzinfo=UTC),
        metadata={"lang": "en"},
        reverted_to=1,
    )
    assert version_to_dict(v) == {
        "id": "v2id",
        "url": URL,
        "number": 2,
        "title": "Bridge to reopen",
        "byline": "A. Writer",
        "published_at": "2024-05-01T08:00:00.250000Z",
        "modified_at": None,
        "first_captured_at": "2024-05-02T12:00:00Z",
        "last_captured_at": "2024-05-02T12:00:00Z",
        "capture_count": 1,
        "reverted_to": 1,
        "content_hash": "c2",
        "text_hash": "t2",
        "metadata": {"lang": "en"},
        "text": "Body.",
    }
    assert "text" not in version_to_dict(v, text=False)


def test_capture_and_article_to_dict_are_json_ready() -> None:
    c = Capture(
        id=7,
        url=URL,
        captured_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        source="fetch",
        version_id="v1id",
        version=1,
        content_hash="c1",
        text_hash="t1",
        http_status=200,
        http_headers=[("Content-Type", "text/html")],
    )
    data = capture_to_dict(c)
    assert data["captured_at"] == "2024-05-01T12:00:00Z"
    assert data["http_headers"] == [["Content-Type", "text/html"]]
    assert json.loads(json.dumps(data)) == data
    a = Article(url=URL, aliases=("https://example.com/s",), version_count=2, capture_count=3)
    assert article_to_dict(a) == {
        "url": URL,
        "aliases": ["https://example.com/s"],
        "title": None,
        "version_count": 2,
        "capture_count": 3,
        "first_captured_at": None,
        "last_captured_at": None,
        "last_changed_at": None,
    }


def test_documented_example_is_what_the_renderer_gives() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "diff-format.md").read_text(encoding="utf-8")
    example = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    old_text = "".join(t for op, t in example["ops"] if op != 1)
    new_text = "".join(t for op, t in example["ops"] if op != -1)
    old = _version(1, old_text)
    new = _version(
        2,
        new_text,
        title="Bridge will not reopen",
        last_captured_at=datetime(2024, 5, 3, 6, 30, 0, 250000, tzinfo=UTC),
    )
    assert diff_to_dict(diff_versions(old, new)) == example


@pytest.mark.parametrize("granularity", ["word", "char", "paragraph"])
def test_long_story_with_one_edit_fits_on_a_screen(granularity: str) -> None:
    """Forty long paragraphs, one word changed: far paragraphs fold, near ones shorten."""
    paragraphs = [
        f"Paragraph {n} opens here and " + "goes on about the council budget " * 8 + "then ends."
        for n in range(40)
    ]
    old = "\n\n".join(paragraphs) + "\n"
    new = old.replace("Paragraph 20 opens", "Paragraph 20 begins")
    d = diff_versions(_version(1, old), _version(2, new), granularity=granularity)  # type: ignore[arg-type]
    lines = render_text(d, color=False).splitlines()
    assert len(lines) <= 24
    assert "Paragraph 19 opens here and goes on about ⋯ 41 more words ⋯" in "\n".join(lines)
    assert any(line.endswith("council budget then ends.") for line in lines)
    changed = [line for line in lines if "[-" in line]
    assert len(changed) == 1 and "Paragraph 20" in changed[0]


def test_paragraph_view_shows_a_new_paragraph_before_the_one_it_precedes() -> None:
    """A paragraph inserted ahead of an edited one is not read as its replacement."""
    old = "Intro stays.\n\nThe minister said she would stay in office.\n\nEnd stays."
    new = (
        "Intro stays.\n\nA new paragraph about the inquiry.\n\n"
        "The minister said she would not stay in office.\n\nEnd stays."
    )
    d = diff_versions(_version(1, old), _version(2, new), granularity="paragraph")
    text = render_text(d, color=False)
    assert text.index("{+A new paragraph") < text.index("[-The minister said she would stay")
    assert text.index("[-The minister") < text.index("{+The minister said she would not")


@pytest.mark.parametrize("granularity", ["word", "sentence", "paragraph"])
def test_last_paragraph_folds_when_paragraphs_are_added_after_it(granularity: str) -> None:
    """Only the line break after it changed: the paragraph itself is unchanged."""
    last = "The last paragraph " + "says something long about the budget " * 6 + "and ends."
    old = "First stays.\n\n" + last + "\n"
    new = old + "\nA new closing paragraph.\n"
    d = diff_versions(_version(1, old), _version(2, new), granularity=granularity)  # type: ignore[arg-type]
    text = render_text(d, color=False)
    assert "The last paragraph says something long about the ⋯ 27 more words ⋯" in text
    assert "{+A new closing paragraph.+}" in text


def test_a_paragraph_split_is_never_folded_away() -> None:
    """A line break inserted inside a paragraph is the change itself, and stays shown."""
    first = "One sentence " + "goes on about the budget " * 8 + "here."
    second = "Another sentence " + "goes on about the budget " * 8 + "there."
    old = "Intro.\n\n" + first + " " + second + "\n"
    new = "Intro.\n\n" + first + "\n\n" + second + "\n"
    text = render_text(diff_versions(_version(1, old), _version(2, new)), color=False)
    assert first + "[- -]{+¶+}\n\nAnother sentence" in text
