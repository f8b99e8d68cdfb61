"""Properties of the diff on arbitrary edits of arbitrary paragraphs, at every granularity."""

from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsarchive.diff as diff_package
from newsarchive.diff import diff_texts, word_counts
from newsarchive.models import DELETE, EQUAL, GRANULARITIES, INSERT, TextDiff

_WORDS = st.sampled_from(
    ["the", "a", "said", "Mr.", "U.S.", "3.5", "March", "he", "“quote”", "it's", "—", "(AP)"]
)
_ENDS = st.sampled_from([".", "!", "?", "…", ".”", ""])


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, min_size=1, max_size=8))
    return " ".join(words) + draw(_ENDS)


@st.composite
def _paragraph(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(_sentence(), min_size=1, max_size=4)))


@st.composite
def _story(draw: st.DrawFn) -> tuple[str, str, list[str], list[str], list[str]]:
    """Old and new text, plus the paragraphs kept, inserted and deleted."""
    base = draw(st.lists(_paragraph(), min_size=0, max_size=6))
    old_paragraphs: list[str] = []
    new_paragraphs: list[str] = []
    kept: list[str] = []
    inserted: list[str] = []
    deleted: list[str] = []
    fresh = iter(range(10_000))

    def unheard() -> str:
        # Words found nowhere else make a paragraph unmistakably new or gone.
        return " ".join(f"Zq{next(fresh)}x" for _ in range(draw(st.integers(1, 6)))) + "."

    for paragraph in base:
        action = draw(st.sampled_from(["keep", "keep", "edit", "delete", "insert"]))
        if action == "insert":
            inserted.append(unheard())
            new_paragraphs.append(inserted[-1])
        if action == "delete":
            deleted.append(unheard())
            old_paragraphs.append(deleted[-1])
        old_paragraphs.append(paragraph)
        if action == "edit":
            new_paragraphs.append(paragraph + " " + draw(_sentence()))
        else:
            kept.append(paragraph)
            new_paragraphs.append(paragraph)
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
    tail = draw(st.sampled_from(["", separator]))
    old = separator.join(old_paragraphs) + tail
    new = separator.join(new_paragraphs) + draw(st.sampled_from(["", separator]))
    # Paragraphs repeated in a text are ambiguous; the properties speak of unique ones.
    unique = [p for p in kept if old_paragraphs.count(p) == 1 and new_paragraphs.count(p) == 1]
    return old, new, unique, inserted, deleted


def _spans(d: TextDiff, side: int) -> list[tuple[int, int, int]]:
    """(start, end, op) of each run in the old (side -1) or new (side 1) text."""
    out = []
    at = 0
    for op in d.ops:
        if op.op == -side:
            continue
        out.append((at, at + len(op.text), op.op))
        at += len(op.text)
    return out


def _covered(d: TextDiff, side: int, start: int, end: int, kind: int) -> bool:
    return all(op == kind for lo, hi, op in _spans(d, side) if lo < end and hi > start and lo != hi)


def _located(text: str, paragraph: str) -> tuple[int, int]:
    lines = text.splitlines(keepends=True)
    at = 0
    for line in lines:
        if line.rstrip("\r\n") == paragraph:
            return at, at + len(paragraph)
        at += len(line)
    raise AssertionError(f"{paragraph!r} not a paragraph of {text!r}")


@settings(max_examples=100, deadline=None)
@given(story=_story(), granularity=st.sampled_from(GRANULARITIES))
def test_paragraph_integrity(
    story: tuple[str, str, list[str], list[str], list[str]], granularity: str
) -> None:
    """Unchanged paragraphs only equal; new ones wholly inserted, removed ones wholly deleted."""
    old, new, kept, inserted, deleted = story
    d = diff_texts(old, new, granularity=granularity)  # type: ignore[arg-type]
    for paragraph in kept:
        assert _covered(d, -1, *_located(old, paragraph), EQUAL), paragraph
        assert _covered(d, 1, *_located(new, paragraph), EQUAL), paragraph
    for paragraph in inserted:
        assert _covered(d, 1, *_located(new, paragraph), INSERT), paragraph
    for paragraph in deleted:
        assert _covered(d, -1, *_located(old, paragraph), DELETE), paragraph


@settings(max_examples=100, deadline=None)
@given(story=_story())
def test_stats_are_the_same_at_every_granularity(
    story: tuple[str, str, list[str], list[str], list[str]],
) -> None:
    old, new = story[0], story[1]
    stats = {diff_texts(old, new, granularity=g).stats for g in GRANULARITIES}
    assert len(stats) == 1


@settings(max_examples=100, deadline=None)
@given(story=_story(), granularity=st.sampled_from(GRANULARITIES))
def test_runs_rebuild_both_texts_and_repeat_exactly(
    story: tuple[str, str, list[str], list[str], list[str]], granularity: str
) -> None:
    old, new = story[0], story[1]
    d = diff_texts(old, new, granularity=granularity)  # type: ignore[arg-type]
    assert d.old_text == old and d.new_text == new
    assert d == diff_texts(old, new, granularity=granularity)  # type: ignore[arg-type]
    assert (d.stats.similarity == 1.0) == (old == new)


@settings(max_examples=150, deadline=None)
@given(old=st.text(max_size=80), new=st.text(max_size=80))
def test_stats_agree_on_arbitrary_text(old: str, new: str) -> None:
    diffs = [diff_texts(old, new, granularity=g) for g in GRANULARITIES]
    assert len({d.stats for d in diffs}) == 1
    for d in diffs:
        assert d.old_text == old and d.new_text == new
    assert (diffs[0].stats.similarity == 1.0) == (old == new)
    words = diffs[1]
    assert words.granularity == "word"
    assert words.stats.chars_added == sum(len(o.text) for o in words.ops if o.op == INSERT)


@settings(max_examples=150, deadline=None)
@given(story=_story(), old=st.text(max_size=80), new=st.text(max_size=80))
def test_word_counts_are_the_word_diffs_statistics(
    story: tuple[str, str, list[str], list[str], list[str]], old: str, new: str
) -> None:
    """Counting alone gives the counts the diff's runs give, on stories and on any text."""
    for a, b in ((story[0], story[1]), (old, new), (old + story[0], new + story[0])):
        stats = diff_texts(a, b).stats
        assert word_counts(a, b) == (stats.words_added, stats.words_removed)


# Few kinds of line, so that repeated paragraphs and ones differing only in the blank
# lines after them, which make paragraph alignment ambiguous, come up often.
_LINES = st.sampled_from(["K", "K", "", " ", "\t", "A b. C d.", "\r"])
_SEPARATORS = st.sampled_from(["\n", "\n\n", "\r\n", " \n", "\n \n"])


@st.composite
def _lines_text(draw: st.DrawFn) -> str:
    separator = draw(_SEPARATORS)
    return separator.join(draw(st.lists(_LINES, max_size=7))) + draw(st.sampled_from(["", "\n"]))


# Generating 500 examples can be slow on a loaded machine; that is no failure of the diff.
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    old=_lines_text(),
    edits=st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(["", "\n", " ", "\t", "K", "Y z.", "\n\n"])),
        max_size=3,
    ),
    granularity=st.sampled_from(GRANULARITIES),
)
def test_paragraphs_shared_at_both_ends_change_nothing(
    old: str, edits: list[tuple[int, str]], granularity: str
) -> None:
    """Skipping the whole paragraphs both texts start and end with gives the same diff."""
    new = old
    for at, text in edits:
        at = min(at, len(new))
        new = new[:at] + text + new[at + (0 if text else 1) :]
    d = diff_texts(old, new, granularity=granularity)  # type: ignore[arg-type]
    with (
        mock.patch.object(diff_package, "_prefix_paragraphs", return_value=0),
        mock.patch.object(diff_package, "_suffix_paragraphs", return_value=0),
    ):
        assert diff_texts(old, new, granularity=granularity) == d  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab \n\u00e9\U0001f600")), max_size=12),
    st.text(alphabet=st.sampled_from(list("ab \n\u00e9\U0001f600")), max_size=12),
)
def test_common_ends_are_measured_as_diff_match_patch_measures_them(a: str, b: str) -> None:
    from newsarchive.diff._sequence import DMP, common_prefix, common_suffix

    assert common_prefix(a, b) == DMP.diff_commonPrefix(a, b)
    assert common_suffix(a, b) == DMP.diff_commonSuffix(a, b)
