"""The sample story's changes, read as a reader would, at every granularity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli as run
from newsarchive import Archive
from newsarchive.models import DELETE, EQUAL, GRANULARITIES, INSERT, VersionDiff

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
PUBLICLY = (
    "Publicly, Trump said at the time that he had “total” confidence in his attorney general."
)
CONTACTS = (
    "The contacts came during a year in which Sessions was one of the campaign's most "
    "prominent allies."
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    sample_dir = Path(__file__).resolve().parents[2] / "archive" / "sample"
    with Archive.open(tmp_path_factory.mktemp("sample")) as archive:
        archive.import_from(sample_dir)
        yield archive


def _runs(d: VersionDiff) -> list[tuple[int, str]]:
    return [(o.op, o.text) for o in d.body.ops]


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_unchanged_paragraph_is_only_equal(sample: Archive, granularity: str) -> None:
    d = sample.diff(URL, 1, -1, granularity=granularity)  # type: ignore[arg-type]
    holding = [op for op, text in _runs(d) if PUBLICLY[:40] in text]
    assert holding == [EQUAL]


@pytest.mark.parametrize("granularity", ["word", "char"])
def test_new_paragraph_is_inserted_whole_with_its_full_stop(
    sample: Archive, granularity: str
) -> None:
    d = sample.diff(URL, 1, -1, granularity=granularity)  # type: ignore[arg-type]
    inserted = [text for op, text in _runs(d) if op == INSERT and CONTACTS in text]
    assert len(inserted) == 1
    assert inserted[0].startswith(CONTACTS)
    assert inserted[0].endswith("met in the senator's office.\n\n")


def test_changed_month_is_one_word_replaced(sample: Archive) -> None:
    runs = _runs(sample.diff(URL, 1, -1))
    at = runs.index((DELETE, "February"))
    assert runs[at - 1][1].endswith("hearing in ")
    assert runs[at + 1] == (INSERT, "January")
    assert runs[at + 2][0] == EQUAL and runs[at + 2][1].startswith(".\n\n")


def test_stats_are_the_same_at_every_granularity(sample: Archive) -> None:
    stats = {sample.diff(URL, 1, -1, granularity=g).body.stats for g in GRANULARITIES}  # type: ignore[arg-type]
    assert len(stats) == 1
    (s,) = stats
    assert (s.words_added, s.words_removed) == (126, 3)
    assert 0.72 < s.similarity < 0.73


def test_stat_output_agrees_across_granularities(runner: CliRunner, loaded: Path) -> None:
    lines = {
        run(runner, loaded, "diff", URL, "1", "-1", "--stat", "-g", g).stdout.splitlines()[-1]
        for g in GRANULARITIES
    }
    assert lines == {"text: +777/-17 chars, +126/-3 words, similarity 0.7273"}
    documents = [
        json.loads(run(runner, loaded, "diff", URL, "1", "-1", "--format", "json", "-g", g).stdout)
        for g in GRANULARITIES
    ]
    assert len({json.dumps(doc["stats"]) for doc in documents}) == 1


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_headline_change_shows_both_headlines(
    runner: CliRunner, loaded: Path, granularity: str
) -> None:
    out = run(runner, loaded, "diff", URL, "3", "4", "-g", granularity, "--color", "never").stdout
    assert (
        "headline: [-Sessions Offered to Resign as Relationship With Trump Soured-]"
        "{+Report: Sessions Offered to Quit After Trump Fumed Over Recusal+}"
    ) in out


def test_sentence_view_marks_words_as_the_word_view_does(runner: CliRunner, loaded: Path) -> None:
    out = run(runner, loaded, "diff", URL, "1", "2", "-g", "sentence", "--color", "always").stdout
    assert "\x1b[31m\x1b[9mpoeple\x1b[0m\x1b[32mpeople\x1b[0m" in out


def test_paragraph_view_shows_old_then_new_paragraphs(runner: CliRunner, loaded: Path) -> None:
    """The new paragraph comes first, as the new text reads; then old and new quote."""
    out = run(runner, loaded, "diff", URL, "1", "-1", "-g", "paragraph", "--color", "never")
    lines = out.stdout.splitlines()
    announcing = [k for k, line in enumerate(lines) if line.startswith("[-Announcing")]
    assert len(announcing) == 1 and lines[announcing[0]].endswith("campaign.”-]")
    assert lines[announcing[0] - 2].startswith("{+The contacts came")
    assert lines[announcing[0] + 2].startswith("{+Announcing his recusal")
    assert not [line for line in lines if "¶" in line]


@pytest.mark.parametrize(("old", "new"), [(1, 2), (2, 3), (5, 6), (6, 7), (1, 7)])
def test_analysis_counts_the_words_the_diff_counts(sample: Archive, old: int, new: int) -> None:
    d = sample.diff(URL, old, new)
    analysis = sample.analyse(URL, d.old, d.new)
    assert (analysis.words_added, analysis.words_removed) == (
        d.body.stats.words_added,
        d.body.stats.words_removed,
    )


def _reasons(sample: Archive, old: int, new: int) -> list[tuple[str, int, str]]:
    d = sample.diff(URL, old, new)
    return [(r.code, r.count, r.detail) for r in sample.analyse(URL, d.old, d.new).reasons]


def test_changed_quote_is_one_reason_quoting_the_words_around_it(sample: Archive) -> None:
    assert _reasons(sample, 5, 6) == [
        (
            "quote-changed",
            1,
            "“to discuss issues of the campaign.” → “to discuss any issues of any campaign.”",
        )
    ]


def test_correction_is_reported_once_and_dates_in_plain_words(sample: Archive) -> None:
    assert _reasons(sample, 6, 7) == [
        ("date-changed", 1, "“hearing in February.” → “hearing in January.”"),
        (
            "correction-note",
            1,
            "“Correction: An earlier version of this article misstated the month of Sessions'…”",
        ),
        ("dates-changed", 1, "last modified set to 2017-06-07T14:12:00Z"),
    ]


def test_page_counts_words_in_the_singular_and_never_rounds_to_identical(sample: Archive) -> None:
    from newsarchive.render._markup import similarity_text
    from newsarchive.render.html import render_diff_page

    assert "Text: 1 word added, 1 word removed (99% similar)." in render_diff_page(
        sample.diff(URL, 1, 2)
    )
    assert [similarity_text(s) for s in (1.0, 0.9999, 0.9951, 0.995, 0.7273)] == [
        "100%",
        "99.9%",
        "99.5%",
        "99.5%",
        "73%",
    ]
