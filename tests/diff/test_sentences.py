from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.diff.sentences import Outline, segment, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


ARTICLE = (
    "WASHINGTON (AP) — Sen. John A. Smith Jr. said on Sept. 8 that the U.S. would act "
    "before the Nov. 3 election. Prices rose 3.5 percent in the quarter.\n"
    "\n"
    '"We will fight. We will win," Smith told reporters at 5 p.m. Eastern.\n'
    "Mr. Jones, a former aide to George W. Bush, disagreed... He left at 6 p.m. "
    "The meeting ended without a vote.\n"
)


def test_news_article_splits_into_expected_sentences() -> None:
    assert texts(ARTICLE) == [
        "WASHINGTON (AP) — Sen. John A. Smith Jr. said on Sept. 8 that the U.S. would act "
        "before the Nov. 3 election.",
        "Prices rose 3.5 percent in the quarter.",
        '"We will fight. We will win," Smith told reporters at 5 p.m. Eastern.',
        "Mr. Jones, a former aide to George W. Bush, disagreed...",
        "He left at 6 p.m.",
        "The meeting ended without a vote.",
    ]


def test_paragraph_indices_follow_lines() -> None:
    seg = segment(ARTICLE)
    assert len(seg.paragraphs) == 3
    assert [s.paragraph for s in seg.sentences] == [0, 0, 1, 2, 2, 2]
    assert [s.index for s in seg.sentences] == list(range(6))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ST. LOUIS (AP) — Floods rose. Roads closed.",
            ["ST. LOUIS (AP) — Floods rose.", "Roads closed."],
        ),
        (
            "LOS ANGELES, Calif. (Reuters) - It rained.",
            ["LOS ANGELES, Calif. (Reuters) - It rained."],
        ),
        (
            "He works at Apple Inc. The company declined.",
            ["He works at Apple Inc.", "The company declined."],
        ),
        ("Apple Inc. Chief Tim Cook spoke.", ["Apple Inc. Chief Tim Cook spoke."]),
        (
            "She moved to the U.S. The move was hard.",
            ["She moved to the U.S.", "The move was hard."],
        ),
        (
            "U.S. officials and U.N. Secretary-General António Guterres met.",
            ["U.S. officials and U.N. Secretary-General António Guterres met."],
        ),
        ("Martin Luther King Jr. Day is Monday.", ["Martin Luther King Jr. Day is Monday."]),
        ("No. 5 seed Duke won. It was close.", ["No. 5 seed Duke won.", "It was close."]),
        ("The rate is 4.25 percent. It was 4.5.", ["The rate is 4.25 percent.", "It was 4.5."]),
        ("Wait... What happened? Nobody knows!", ["Wait...", "What happened?", "Nobody knows!"]),
        (
            "He said “It is done. We are happy.” Then he left.",
            ["He said “It is done. We are happy.”", "Then he left."],
        ),
        ('"Really?" she asked. "Yes."', ['"Really?" she asked.', '"Yes."']),
        (
            "Dr. Ana Ruiz and Prof. Lee spoke on Jan. 6. Both agreed.",
            ["Dr. Ana Ruiz and Prof. Lee spoke on Jan. 6.", "Both agreed."],
        ),
        ("e.g. This stays. one lower. Next", ["e.g. This stays. one lower.", "Next"]),
        ("J. K. Rowling wrote it.", ["J. K. Rowling wrote it."]),
    ],
)
def test_news_conventions(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_quote_that_stays_open_across_paragraphs_does_not_swallow_sentences() -> None:
    """A quotation continued in the next paragraph has no closing mark, so sentences still split."""
    text = '"We tried everything. Nothing worked.\n"Then the rain came," she said.'
    assert texts(text) == [
        '"We tried everything.',
        "Nothing worked.",
        '"Then the rain came," she said.',
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\n",
        "One.",
        "a\r\nb\rc\u2028d",
        "emoji 🎉. Next 😀!",
        "RTL שלום. עולם.",
        "nul\x00. X",
        "  lead. Trail.  \n",
    ],
)
def test_nasty_strings_reconstruct(text: str) -> None:
    seg = segment(text)
    assert seg.reconstruct() == text
    assert all(gap.strip() == "" for gap in seg.gaps)


def test_whitespace_only_text_has_no_sentences() -> None:
    seg = segment(" \n\t ")
    assert seg.sentences == () and seg.paragraphs == () and seg.gaps == (" \n\t ",)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .!?\"“”\n\r\tAB1…'(")), max_size=80)
    | st.text(max_size=60)
)
def test_spans_cover_text_exactly(text: str) -> None:
    seg = segment(text)
    assert seg.reconstruct() == text
    for s in seg.sentences:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
    for gap in seg.gaps:
        assert gap.strip() == ""
    for p in seg.paragraphs:
        assert all(s.paragraph == p.index for s in p.sentences)
        assert p.sentences[0].start == p.start and p.sentences[-1].end == p.end


_SENTENCES = Path(__file__).resolve().parents[1] / "data" / "sentences"


def _gold(lang: str) -> list[list[str]]:
    lines = [
        line.strip()
        for line in (_SENTENCES / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [lines[k : k + 3] for k in range(0, len(lines), 3)]


@pytest.mark.parametrize("lang", ["en", "nl", "de", "fr", "es"])
def test_news_sentences_split_as_a_reader_would(lang: str) -> None:
    """Abbreviations, initials, decimals, ordinals, ellipses and stray quotes in five languages."""
    paragraphs = _gold(lang)
    right = total = 0
    for gold in paragraphs:
        got = {s.text for s in split_sentences(" ".join(gold))}
        right += sum(1 for s in gold if s in got)
        total += len(gold)
    assert total >= 60
    assert right >= total - 2, lang


def test_unclosed_straight_quote_does_not_swallow_the_next_sentences() -> None:
    text = (
        'He told the BBC: "We are not going to give up. The talks resume on Monday. '
        "Both sides said they were hopeful."
    )
    assert [s.text for s in split_sentences(text)] == [
        'He told the BBC: "We are not going to give up.',
        "The talks resume on Monday.",
        "Both sides said they were hopeful.",
    ]


def test_stray_quote_does_not_join_the_sentences_up_to_the_next_quotation() -> None:
    text = (
        'Witnesses described "a loud bang. Firefighters arrived within minutes. '
        'The chief called it "a miracle" that nobody died.'
    )
    assert [s.text for s in split_sentences(text)] == [
        'Witnesses described "a loud bang.',
        "Firefighters arrived within minutes.",
        'The chief called it "a miracle" that nobody died.',
    ]


def test_title_after_a_no_break_space_keeps_its_sentence_going() -> None:
    """The word a point ends runs back to any whitespace, not only to a plain space."""
    assert texts("He met Lt.\u00a0Gen. Smith on Monday. Talks ended.") == [
        "He met Lt.\u00a0Gen. Smith on Monday.",
        "Talks ended.",
    ]


def test_terminator_followed_by_closing_guillemet_ends_there() -> None:
    assert texts("Il a dit : « C'est fini. » Puis il est parti.") == [
        "Il a dit : « C'est fini. »",
        "Puis il est parti.",
    ]


def test_recent_outlines_keep_a_predecessor_across_other_articles_within_their_budget() -> None:
    from newsarchive.diff.sentences import _RecentOutlines, outline

    recent = _RecentOutlines(budget=1_000)
    first = "An article. It has two sentences.\nAnd a paragraph."
    kept = recent(first)
    others = [f"Article {k} says something else entirely." for k in range(20)]
    for other in others:
        recent(other)
    # 20 texts of 40-odd characters later the first is still held: the same outline.
    assert recent(first) is kept
    assert _parts(kept) == _parts(outline(first))
    for other in others * 2:
        recent(other + " More words to fill the budget of characters.")
    # Past the budget, the least recently used are forgotten: outlined again, equal.
    again = recent(first)
    assert again is not kept
    assert _parts(again) == _parts(kept)


def _parts(found: Outline) -> tuple[object, ...]:
    return found.texts, found.paragraph_of, found.paragraphs


def test_recent_outlines_do_not_keep_a_text_over_their_whole_budget() -> None:
    from newsarchive.diff.sentences import _RecentOutlines

    recent = _RecentOutlines(budget=10)
    small = recent("Short.")
    long_text = "A sentence longer than the budget."
    assert recent(long_text) is not recent(long_text)
    assert recent("Short.") is small
