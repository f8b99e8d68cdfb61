from __future__ import annotations

import importlib
import random
from datetime import UTC, datetime
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.diff import _sequence, diff_summary, diff_texts, diff_versions
from newsarchive.diff import _split as diff_module
from newsarchive.errors import InputError
from newsarchive.models import GRANULARITIES, DiffStats, Version

NASTY = [
    "",
    " ",
    "\n",
    "\n\n\n",
    "\r\n\r\n",
    "line one\r\nline two\r\n\r\nline three",
    "a\x00b\x00",
    "\x00",
    "emoji 😀😃 and 🎉!",
    "family 👨\u200d👩\u200d👧\u200d👦 and flags 🇺🇸🇫🇷",
    "skin tones 👍🏽 👍🏿",
    "RTL שלום עולם مرحبا بالعالم",
    "mixed \u202eRTL override\u202c text",
    "combining e\u0301 and cafe\u0301s and n\u0303",
    "astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈 𠜎",
    "private \U000f0000\U000f0001 use",
    "\ufeffbyte order mark",
    "tabs\tand\x0bvertical\x0cfeed\u2028line\u2029para",
    "...!!!???",
    "Mr. Smith went to Washington. He said: “Hello!” Then left…",
]

ALL_NASTY_PAIRS = [(a, b) for a in NASTY for b in NASTY]


def _ops(old: str, new: str, granularity: str = "word") -> list[tuple[int, str]]:
    return [(o.op, o.text) for o in diff_texts(old, new, granularity=granularity).ops]  # type: ignore[arg-type]


def _assert_reconstructs(old: str, new: str, granularity: str) -> None:
    d = diff_texts(old, new, granularity=granularity)  # type: ignore[arg-type]
    assert d.old_text == old
    assert d.new_text == new
    assert all(o.text for o in d.ops), "no empty runs"
    for a, b in zip(d.ops, d.ops[1:], strict=False):
        assert a.op != b.op, "adjacent runs of one kind are merged"
        assert (a.op, b.op) != (1, -1), "a deletion comes before its insertion"


# --- exact results per granularity -------------------------------------------------


def test_word_diff_replaces_whole_words() -> None:
    assert _ops("The quick brown fox jumps.", "The quick red fox leaps.") == [
        (0, "The quick "),
        (-1, "brown"),
        (1, "red"),
        (0, " fox "),
        (-1, "jumps"),
        (1, "leaps"),
        (0, "."),
    ]


def test_word_diff_inserted_word_keeps_its_space() -> None:
    assert _ops("The cat sat.", "The big cat sat.") == [(0, "The "), (1, "big "), (0, "cat sat.")]


def test_inserted_word_keeps_its_space_next_to_unchanged_paragraphs() -> None:
    old = "The bridge would reopen.\n\nWork began.\n"
    new = "The bridge would not reopen.\n\nWork began.\n"
    assert _ops(old, new) == [
        (0, "The bridge would "),
        (1, "not "),
        (0, "reopen.\n\nWork began.\n"),
    ]


def test_word_diff_semantic_cleanup_merges_scattered_changes() -> None:
    """Changing every word shows one replacement, not a word-by-word stutter."""
    assert _ops("the cat sat", "a dog ran") == [(-1, "the cat sat"), (1, "a dog ran")]


def test_word_diff_does_not_split_words() -> None:
    assert _ops("Officials said 12 died.", "Officials said 14 died.") == [
        (0, "Officials said "),
        (-1, "12"),
        (1, "14"),
        (0, " died."),
    ]


def test_word_diff_keeps_quotes_and_accents_as_typed() -> None:
    old = "“We will not resign,” the café’s owner said."
    new = "“We will resign,” the café’s owner said."
    assert _ops(old, new) == [
        (0, "“We will "),
        (-1, "not "),
        (0, "resign,” the café’s owner said."),
    ]


def test_one_pass_tokenizing_is_only_skipped_where_nothing_can_join() -> None:
    """Text without a character the joining rules look at is tokenized by the regex alone."""
    skipped = (chr(c) for c in range(0x110000) if not diff_module._MAYBE_JOINING_RE.match(chr(c)))
    assert not [
        c
        for c in skipped
        if diff_module._is_extender(c) or diff_module._is_regional_indicator(c) or c == "\u200d"
    ]


def test_char_diff_marks_single_characters() -> None:
    assert _ops("Officials said 12 died.", "Officials said 14 died.", "char") == [
        (0, "Officials said 1"),
        (-1, "2"),
        (1, "4"),
        (0, " died."),
    ]


def test_sentence_diff_replaces_changed_sentence_only() -> None:
    old = "First sentence. Second one here. Third!"
    new = "First sentence. Second one there. Third!"
    assert _ops(old, new, "sentence") == [
        (0, "First sentence. "),
        (-1, "Second one here."),
        (1, "Second one there."),
        (0, " Third!"),
    ]


def test_paragraph_sharing_its_beginning_and_end_is_diffed_by_word_despite_repeated_words() -> None:
    # As word sets, {ha, x} and {ha, y, z, w, v} are only 29% alike.
    old = "Ha ha ha ha ha ha ha ha ha ha ha ha, X.\n"
    new = "Ha ha ha ha ha ha ha ha ha ha ha ha, Y Z W V.\n"
    assert _ops(old, new) == [
        (0, "Ha ha ha ha ha ha ha ha ha ha ha ha, "),
        (-1, "X"),
        (1, "Y Z W V"),
        (0, ".\n"),
    ]


def test_sentence_view_keeps_abbreviations_initials_and_decimals_inside_their_sentence() -> None:
    old = 'Gov. J. R. Smith met U.S. officials at 3.5 p.m. on Mar. 4 "to talk." He left.'
    new = 'Gov. J. R. Smith met U.S. officials at 4.5 p.m. on Mar. 4 "to talk." He left.'
    assert _ops(old, new, "sentence") == [
        (-1, old.removesuffix(" He left.")),
        (1, new.removesuffix(" He left.")),
        (0, " He left."),
    ]


def test_sentence_view_splits_as_the_analysis_does() -> None:
    from newsarchive.analysis import split_sentences

    old = (
        'He said "it is over. We are done" and left. Mr. Lee, 52, of St. Louis, '
        "declined… Others spoke.\nA second paragraph. It ends here."
    )
    sentences = [s.text for s in split_sentences(old)]
    for k, sentence in enumerate(sentences):
        new = old.replace(sentence, sentence.replace(" ", "  ", 1) if " " in sentence else "X")
        changed = [o.text for o in diff_texts(old, new, granularity="sentence").ops if o.op < 0]
        assert changed == [sentence], (k, changed)


def test_paragraph_diff_replaces_changed_paragraph_only() -> None:
    old = "Intro.\n\nMiddle para.\n\nEnd.\n"
    new = "Intro.\n\nMiddle paragraph.\n\nEnd.\n"
    assert _ops(old, new, "paragraph") == [
        (0, "Intro.\n\n"),
        (-1, "Middle para."),
        (1, "Middle paragraph."),
        (0, "\n\nEnd.\n"),
    ]


def test_paragraph_diff_treats_each_line_as_a_paragraph() -> None:
    assert _ops("a\nb\nc\n", "a\nB\nc\n", "paragraph") == [
        (0, "a\n"),
        (-1, "b"),
        (1, "B"),
        (0, "\nc\n"),
    ]


def test_inserted_paragraph_is_one_insertion() -> None:
    old = "One.\n\nThree.\n"
    new = "One.\n\nTwo is new.\n\nThree.\n"
    assert _ops(old, new) == [(0, "One.\n\n"), (1, "Two is new.\n\n"), (0, "Three.\n")]


def test_combining_marks_and_emoji_sequences_stay_whole() -> None:
    """A word diff never splits an accented letter, a ZWJ family or a flag."""
    assert _ops("cafe\u0301 ok", "cafe ok") == [(-1, "cafe\u0301"), (1, "cafe"), (0, " ok")]
    family = "👨\u200d👩\u200d👧"
    assert _ops(f"a {family} b", "a 👨 b") == [(0, "a "), (-1, family), (1, "👨"), (0, " b")]
    assert _ops("flag 🇺🇸!", "flag 🇫🇷!") == [(0, "flag "), (-1, "🇺🇸"), (1, "🇫🇷"), (0, "!")]


def test_identical_and_empty_texts() -> None:
    assert _ops("same", "same") == [(0, "same")]
    assert _ops("", "") == []
    assert _ops("", "new") == [(1, "new")]
    assert _ops("old", "") == [(-1, "old")]


def test_unknown_granularity_is_an_input_error() -> None:
    with pytest.raises(InputError, match="granularity"):
        diff_texts("a", "b", granularity="line")  # type: ignore[arg-type]


# --- statistics ------------------------------------------------------------------------


def test_stats_count_characters_words_and_similarity() -> None:
    d = diff_texts("The quick brown fox.", "The quick red fox jumps.")
    # 15 equal characters of 20 + 24: 2 * 15 / 44.
    assert d.stats == DiffStats(
        chars_added=9, chars_removed=5, words_added=2, words_removed=1, similarity=0.6818
    )


def test_stats_of_identical_and_empty_texts() -> None:
    assert diff_texts("", "").stats.similarity == 1.0
    assert diff_texts("abc", "abc").stats.similarity == 1.0
    assert diff_texts("", "abc").stats.similarity == 0.0


# --- the reconstruction invariant --------------------------------------------------


@pytest.mark.parametrize("granularity", GRANULARITIES)
@pytest.mark.parametrize(("old", "new"), ALL_NASTY_PAIRS)
def test_nasty_strings_reconstruct(old: str, new: str, granularity: str) -> None:
    _assert_reconstructs(old, new, granularity)


# Text drawn from everything but surrogates, with plenty of spaces, newlines
# and punctuation so that every tokenizer sees boundaries.
_any_text = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from([" ", "\n", "\r\n", ". ", "!", "\u200d", "\u0301", "🇺", "🏽", "\x00"]),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(old=_any_text, new=_any_text, granularity=st.sampled_from(GRANULARITIES))
def test_arbitrary_unicode_reconstructs(old: str, new: str, granularity: str) -> None:
    _assert_reconstructs(old, new, granularity)


_BASE = (
    "The mayor said on Tuesday that the bridge would reopen. Critics disagreed!\n\n"
    "Work began in March, officials said. It cost $4.2m.\n\n"
    "“We are pleased,” she said. Nobody else commented.\n"
)


@st.composite
def _edited(draw: st.DrawFn) -> str:
    text = _BASE
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 30)))
        text = text[:start] + draw(_any_text.filter(lambda s: len(s) < 20)) + text[end:]
    return text


@settings(max_examples=150, deadline=None)
@given(new=_edited(), granularity=st.sampled_from(GRANULARITIES))
def test_edits_of_an_article_reconstruct(new: str, granularity: str) -> None:
    _assert_reconstructs(_BASE, new, granularity)
    _assert_reconstructs(new, _BASE, granularity)


@settings(max_examples=150, deadline=None)
@given(old=_edited(), new=_edited(), granularity=st.sampled_from(GRANULARITIES))
def test_anchored_paths_reconstruct(old: str, new: str, granularity: str) -> None:
    """With a tiny exact-diff limit every stretch is cut at unique tokens first."""
    with mock.patch.object(_sequence, "MYERS_LIMIT", 2):
        _assert_reconstructs(old, new, granularity)
        _assert_reconstructs(old, _BASE.replace(".", " indeed."), granularity)


# --- determinism and bounded work ------------------------------------------------------


def test_same_input_gives_same_ops() -> None:
    old, new = _BASE, _BASE.replace("Tuesday", "Wednesday").replace("March", "May")
    assert diff_texts(old, new) == diff_texts(old, new)


def test_result_does_not_depend_on_machine_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a clock that leaps an hour per reading (a very slow machine), results are the same."""
    rng = random.Random(7)
    words = [f"w{n}" for n in range(40)]
    old = " ".join(rng.choices(words, k=60))
    new = " ".join(rng.choices(words, k=60))
    expected = {g: diff_texts(old, new, granularity=g) for g in GRANULARITIES}

    clock = iter(range(0, 10**9, 3600))
    dmp_module = importlib.import_module("diff_match_patch.diff_match_patch")
    monkeypatch.setattr(dmp_module, "time", SimpleNamespace(time=lambda: float(next(clock))))
    for granularity, diff in expected.items():
        assert diff_texts(old, new, granularity=granularity) == diff


def _random_document(rng: random.Random, size: int) -> str:
    words = ["".join(rng.choices("abcdefghijklmnop", k=rng.randint(2, 9))) for _ in range(4000)]
    paragraphs = []
    length = 0
    while length < size:
        sentences = [" ".join(rng.choices(words, k=rng.randint(6, 25))) + "." for _ in range(4)]
        paragraphs.append(" ".join(sentences))
        length += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_large_full_rewrite_reconstructs(granularity: str) -> None:
    rng = random.Random(1)
    old, new = _random_document(rng, 200_000), _random_document(rng, 200_000)
    _assert_reconstructs(old, new, granularity)


def test_large_document_with_every_paragraph_edited_keeps_unchanged_sentences() -> None:
    """Past the work bound, similar paragraphs are still paired and word-diffed."""
    rng = random.Random(2)
    old = _random_document(rng, 200_000)
    paragraphs = old.split("\n\n")
    new = "\n\n".join(p.replace(".", " indeed.", 1) for p in paragraphs)
    d = diff_texts(old, new)
    assert d.old_text == old and d.new_text == new
    assert d.stats.chars_added == len(" indeed") * len(paragraphs)
    assert d.stats.chars_removed == 0


def test_huge_single_line_rewrite_reconstructs() -> None:
    rng = random.Random(3)
    old = _random_document(rng, 60_000).replace("\n", " ")
    new = _random_document(rng, 60_000).replace("\n", " ").replace(".", ",")
    _assert_reconstructs(old, new, "word")
    _assert_reconstructs(old, new, "char")


# --- versions ----------------------------------------------------------------------------


def _version(number: int, text: str, **fields: object) -> Version:
    at = datetime(2024, 5, number, 12, 0, tzinfo=UTC)
    values: dict[str, object] = {
        "id": f"v{number}id",
        "url": "https://example.com/story",
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


def test_diff_versions_reports_changed_fields_in_order() -> None:
    old = _version(1, "Same text.", byline="A. Writer")
    new = _version(
        2,
        "Same text.",
        title="Bridge will not reopen",
        byline="A. Writer",
        modified_at=datetime(2024, 5, 2, 9, 30, tzinfo=UTC),
    )
    d = diff_versions(old, new)
    assert [(f.field, f.old, f.new) for f in d.fields] == [
        ("title", "Bridge to reopen", "Bridge will not reopen"),
        ("modified_at", None, "2024-05-02T09:30:00Z"),
    ]
    assert not d.body.has_changes
    assert d.has_changes
    assert diff_summary(d) == "headline, last modified changed; no text change"


def test_diff_versions_body_and_summary() -> None:
    d = diff_versions(_version(1, "Two people died."), _version(2, "Three people died today."))
    assert d.url == "https://example.com/story"
    assert d.fields == ()
    assert diff_summary(d) == "+11/-3 chars, +2/-1 words"


def test_counts_are_shown_with_thousands_separators_as_lengths_are() -> None:
    old = "Two people died."
    new = old + "\n\n" + "Officials said more rain was expected overnight. " * 30
    d = diff_versions(_version(1, old), _version(2, new))
    s = d.body.stats
    assert (s.chars_added, s.words_added) == (2 + 49 * 30, 7 * 30)
    assert diff_summary(d) == "+1,472/-0 chars, +210/-0 words"


def test_diff_versions_of_different_articles_is_an_input_error() -> None:
    with pytest.raises(InputError, match="different articles"):
        diff_versions(_version(1, "a"), _version(2, "b", url="https://example.com/other"))


def test_many_repeated_lines_pair_in_order() -> None:
    """Repeated identical lines (a common page artefact) pair with their neighbours."""
    old = "same line\n" * 3000
    new = "same line\nother\n" * 1500
    d = diff_texts(old, new, granularity="paragraph")
    assert d.old_text == old and d.new_text == new
    assert d.stats.chars_removed == len("same line\n") * 1500
    assert d.stats.chars_added == len("other\n") * 1500


def test_rewritten_sentence_is_one_replacement_not_cut_at_common_words() -> None:
    intro = "Officials in the northern province said on Monday that schools would reopen. "
    outro = " Residents were told to check the regional website for further updates tonight."
    old = (
        intro + "The council voted on the budget for the new school in the north of "
        "the city after a long debate about the cost of the land and the delay." + outro
    )
    new = (
        intro + "A storm closed the harbour for the third day as the fishing fleet "
        "waited in the bay and the ferry to the islands was cancelled again by the port." + outro
    )
    ops = _ops(old, new)
    assert [op for op, _ in ops] == [0, -1, 1, 0]
    assert ops[1][1].startswith("The council") and ops[2][1].startswith("A storm")


def test_words_are_counted_as_a_reader_counts_them() -> None:
    """Apostrophes, hyphens, initialisms and numbers do not split a word in the stats."""
    d = diff_texts("", "The campaign's mid-July talks cost $3,000 or 4.5m, U.S. officials said.")
    assert d.stats.words_added == 11
