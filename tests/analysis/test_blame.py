from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_significance import DATA, load_history

from newsarchive.analysis.blame import blame
from newsarchive.diff.sentences import split_sentences
from newsarchive.errors import InputError, NotFoundError
from newsarchive.models import Version


def history_of(texts: list[str]) -> list[Version]:
    versions, _ = load_history(DATA / "minor.toml")
    base = versions[0]
    return [
        attrs.evolve(
            base,
            id=f"id{n}",
            number=n,
            text=text,
            first_captured_at=versions[min(n, len(versions)) - 1].first_captured_at,
        )
        for n, text in enumerate(texts, start=1)
    ]


def summary(history: list[Version], number: int) -> list[tuple[str, int, int]]:
    return [(b.text, b.version, b.origin_version) for b in blame(history, number)]


def test_blame_attributes_added_edited_and_unchanged_sentences() -> None:
    history = history_of(
        [
            "Police closed the road. Two people were hurt.",
            "Police closed the road. Three people were hurt. A suspect fled.",
            "Police closed the main road. Three people were hurt. A suspect fled.",
        ]
    )
    assert summary(history, 3) == [
        ("Police closed the main road.", 3, 1),
        ("Three people were hurt.", 2, 1),
        ("A suspect fled.", 2, 2),
    ]
    lines = blame(history, 3)
    assert lines[0].is_edited and not lines[2].is_edited
    assert lines[1].version_id == "id2"
    assert lines[1].captured_at == history[1].first_captured_at
    assert lines[1].origin_captured_at == history[0].first_captured_at


def test_blame_of_an_earlier_version_ignores_later_ones() -> None:
    history = history_of(["One fact.", "One fact. Two facts."])
    assert summary(history, 1) == [("One fact.", 1, 1)]


def test_moved_sentence_keeps_its_attribution() -> None:
    history = history_of(["Alpha fact here.\nBeta fact here.", "Beta fact here.\nAlpha fact here."])
    assert summary(history, 2) == [("Beta fact here.", 1, 1), ("Alpha fact here.", 1, 1)]


def test_restored_sentence_keeps_its_first_appearance() -> None:
    history = history_of(
        ["The mayor resigned.", "The mayor resigned. Officials wept.", "The mayor resigned."]
    )
    history.append(attrs.evolve(history[1], id="id4", number=4))
    assert summary(history, 4) == [
        ("The mayor resigned.", 1, 1),
        ("Officials wept.", 2, 2),
    ]


def test_fixture_history_blame_points_to_real_versions() -> None:
    versions, _ = load_history(DATA / "substantive.toml")
    lines = blame(versions, len(versions))
    first = next(b for b in lines if b.text.startswith('"We made hard choices.'))
    assert (first.version, first.origin_version) == (6, 1)  # quote edited in 5, attribution in 6


def test_missing_version_is_not_found() -> None:
    history = history_of(["One.", "Two."])
    with pytest.raises(NotFoundError, match="version 3"):
        blame(history, 3)
    with pytest.raises(NotFoundError, match="version 1"):
        blame(history[1:], 2)
    with pytest.raises(NotFoundError):
        blame([], 1)


def test_duplicate_numbers_are_an_input_error() -> None:
    history = history_of(["One."])
    with pytest.raises(InputError, match="twice"):
        blame(history + history, 1)


SENTENCES = [f"{w} said the {n} rose." for w in ("Ana", "Ben", "Cy") for n in ("price", "tax")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(SENTENCES + ["Cy said the tax fell.", "Ana said it rose."]), max_size=5
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_sentence_is_attributed_to_a_version_containing_it(
    texts: list[list[str]],
) -> None:
    history = history_of(["\n".join(t) for t in texts])
    latest = len(history)
    sentences = {v.number: {s.text for s in split_sentences(v.text)} for v in history}
    lines = blame(history, latest)
    assert [b.text for b in lines] == [s.text for s in split_sentences(history[-1].text)]
    for line in lines:
        assert line.text in sentences[line.version]
        assert line.origin_version <= line.version
