from __future__ import annotations

import hashlib
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.analysis.rules import DEFAULT_LEVELS, DEFAULT_RULES, Rules
from newsarchive.analysis.significance import Analysis, analyse, analyse_texts
from newsarchive.errors import InputError
from newsarchive.models import Version

DATA = Path(__file__).parents[1] / "data" / "analysis"
FIXTURES = sorted(DATA.glob("*.toml"))
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def load_history(path: Path) -> tuple[list[Version], list[dict[str, Any] | None]]:
    """Versions of a fixture history and, per version, the expected analysis (None for v1).

    Each entry inherits the fields of the one before; ``replace`` applies
    [old, new] pairs to the previous text, each old string occurring exactly once.
    """
    entries = tomllib.loads(path.read_text("utf-8"))["versions"]
    fields: dict[str, Any] = {}
    versions: list[Version] = []
    expected: list[dict[str, Any] | None] = []
    for number, entry in enumerate(entries, start=1):
        entry = dict(entry)
        expected.append(entry.pop("expect", None))
        reverted_to = entry.pop("reverted_to", None)
        for old, new in entry.pop("replace", []):
            assert fields["text"].count(old) == 1, f"{path.name} v{number}: {old!r}"
            fields["text"] = fields["text"].replace(old, new)
        fields.update(entry)
        text = fields["text"]
        content = repr(sorted((k, str(v)) for k, v in fields.items()))
        captured = T0 + timedelta(hours=number)
        versions.append(
            Version(
                id=f"v{number}",
                url=f"https://example.com/{path.stem}",
                number=number,
                text=text,
                title=fields.get("title"),
                byline=fields.get("byline"),
                published_at=fields.get("published_at"),
                modified_at=fields.get("modified_at"),
                metadata=fields.get("metadata", {}),
                content_hash=hashlib.sha256(content.encode()).hexdigest(),
                text_hash=hashlib.sha256(text.encode()).hexdigest(),
                first_captured_at=captured,
                last_captured_at=captured,
                reverted_to=reverted_to,
            )
        )
    return versions, expected


def fixture_steps() -> list[Any]:
    steps = []
    for path in FIXTURES:
        versions, expected = load_history(path)
        for k in range(1, len(versions)):
            steps.append(pytest.param(path, k, id=f"{path.stem}-v{k + 1}"))
    return steps


@pytest.mark.parametrize(("path", "k"), fixture_steps())
def test_fixture_history_step_has_expected_level_and_reasons(path: Path, k: int) -> None:
    versions, expected = load_history(path)
    want = expected[k]
    assert want is not None
    result = analyse(versions[k - 1], versions[k], history=versions[:k])
    assert result.level == want["level"]
    assert sorted(result.codes) == sorted(want["reasons"])
    assert result.stealth is want["stealth"]


def test_fixtures_cover_every_reason_code() -> None:
    seen = set()
    for path in FIXTURES:
        for want in load_history(path)[1]:
            if want:
                seen.update(want["reasons"])
    assert seen == set(DEFAULT_LEVELS)


def test_first_version_has_no_change() -> None:
    versions, _ = load_history(DATA / "minor.toml")
    result = analyse(None, versions[0])
    assert (result.level, result.reasons, result.stealth) == ("none", (), False)


def test_identical_versions_have_level_none() -> None:
    versions, _ = load_history(DATA / "minor.toml")
    assert analyse(versions[0], versions[0]).level == "none"


def test_revert_is_found_from_history_when_not_marked() -> None:
    versions, _ = load_history(DATA / "rewrite_and_revert.toml")
    unmarked = attrs.evolve(versions[2], reverted_to=None)
    result = analyse(versions[1], unmarked, history=versions[:2])
    reverted = next(r for r in result.reasons if r.code == "reverted")
    assert reverted.detail == "returned to version 1"
    assert "reverted" not in analyse(versions[1], unmarked).codes


def test_reason_carries_count_and_first_example() -> None:
    old = "Prices rose 5 percent. Wages rose 3 percent."
    new = "Prices rose 6 percent. Wages rose 4 percent."
    (reason,) = analyse_texts(old, new).reasons
    assert (reason.code, reason.level, reason.count) == ("number-changed", "substantive", 2)
    assert reason.detail == "“Prices rose 5 percent.” → “Prices rose 6 percent.”"


def test_counts_describe_the_alignment() -> None:
    old = "One fact here.\nSecond fact here. Third fact here."
    new = "One fact here, now edited.\nThird fact here. Second fact here.\nA new paragraph."
    counts = analyse_texts(old, new).counts
    assert (counts.sentences_edited, counts.sentences_moved, counts.sentences_added) == (1, 1, 1)
    assert counts.paragraphs_added == 1


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("He was not guilty.", "He was now guilty.", "wording-changed"),
        ("The vote was on Sept. 8 at noon.", "The vote was on Sept. 9 at noon.", "date-changed"),
        ("Three people were hurt.", "Four people were hurt.", "number-changed"),
        ("It happened in 2019.", "It happened in 2020.", "date-changed"),
        ("Crowds gathered — and waited.", "Crowds gathered -- and waited.", "punctuation"),
        ("The ceo resigned.", "The CEO resigned.", "capitalisation"),
        ("Police arrested Smtih on Friday.", "Police arrested Smith on Friday.", "typo"),
        ("Police arrested Smith on Friday.", "Police arrested Jones on Friday.", "name-changed"),
        (
            "The plan failed, according to Smith.",
            "The plan failed, according to Jones.",
            "attribution-changed",
        ),
        ("Share this article", "Share on Facebook", "boilerplate"),
        (
            "Fact one. Fact two.",
            "Fact one. Fact two.\nUPDATE: Police made an arrest.",
            "update-note",
        ),
        ("Fact one.", "Fact one.\nEditor's note: This story was amended.", "correction-note"),
    ],
)
def test_single_edits_get_their_reason(old: str, new: str, code: str) -> None:
    assert code in analyse_texts(old, new).codes


def test_analyse_texts_treats_any_substantive_change_as_stealth() -> None:
    assert analyse_texts("Two were hurt.", "Three were hurt.").stealth is True
    assert analyse_texts("Two were hurt.", "Two were hurt .").stealth is False


def test_summary_round_trips() -> None:
    versions, _ = load_history(DATA / "substantive.toml")
    result = analyse(versions[0], versions[1])
    summary = result.to_summary()
    assert summary["level"] == "substantive"
    assert summary["reasons"][0]["code"] == "number-changed"
    assert summary["counts"]["sentences_edited"] == 1
    assert summary["rules_id"] == DEFAULT_RULES.rules_id
    restored = Analysis.from_summary(summary)
    assert restored == result and restored.alignment is None


@pytest.mark.parametrize(
    "summary",
    [{}, {"format_version": 99}, {"format_version": 1, "level": "huge"}],
)
def test_malformed_summary_is_an_input_error(summary: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        Analysis.from_summary(summary)


def test_rules_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        'name = "newsroom"\nrewrite_threshold = 0.8\nextra_boilerplate = ["^Watch live:"]\n'
        '[levels]\nbyline-changed = "substantive"\n',
        "utf-8",
    )
    rules = Rules.from_toml(path)
    assert rules.name == "newsroom" and rules.rewrite_threshold == 0.8
    assert rules.boilerplate_patterns[-1] == "^Watch live:"
    assert rules.boilerplate_patterns[:-1] == DEFAULT_RULES.boilerplate_patterns
    assert rules.level_of("byline-changed") == "substantive"
    assert rules.rules_id.startswith("a1-newsroom-")
    assert rules.rules_id != DEFAULT_RULES.rules_id
    assert analyse_texts("Fact.", "Fact.\nWatch live: the game", rules=rules).codes == (
        "boilerplate",
    )


def test_rules_in_an_analysis_table_and_round_trip_through_mapping(tmp_path: Path) -> None:
    path = tmp_path / "newsarchive.toml"
    path.write_text("[analysis]\ntypo_max_edits = 1\n", "utf-8")
    rules = Rules.from_toml(path)
    assert rules.typo_max_edits == 1
    assert Rules.from_mapping(rules.to_mapping()) == rules


def test_rules_id_is_stable_and_tracks_changes() -> None:
    assert Rules().rules_id == DEFAULT_RULES.rules_id
    assert Rules(pair_threshold=0.7).rules_id != DEFAULT_RULES.rules_id


def test_level_override_changes_the_judgement() -> None:
    rules = Rules(levels={"typo": "substantive"})
    result = analyse_texts("The storm hit hard.", "The strom hit hard.", rules=rules)
    assert (result.codes, result.level) == (("typo",), "substantive")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("colour = 1\n", "unknown analysis setting 'colour'"),
        ("rewrite_threshold = 2\n", "rewrite_threshold must be between 0 and 1"),
        ("rewrite_threshold = 'high'\n", "rewrite_threshold must be a number"),
        ("extra_boilerplate = ['(']\n", "bad pattern"),
        ("extra_boilerplate = 'Ad'\n", "list of strings"),
        ("[levels]\ntypo = 'huge'\n", "typo must be one of"),
        ("[levels]\nspelling = 'minor'\n", "unknown reason code 'spelling'"),
        ("typo_max_edits = 0\n", "typo_max_edits must be a whole number"),
        ("name = = 1\n", "not valid TOML"),
    ],
)
def test_bad_rules_file_is_an_input_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=message) as info:
        Rules.from_toml(path)
    assert str(path) in str(info.value)


def test_missing_rules_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read analysis rules"):
        Rules.from_toml(tmp_path / "absent.toml")


_SENTENCES = [
    "The vote was held.",
    "The vote was held on Monday, officials said.",
    "It's a U.S.-led plan.",
    "Critics said it was rushed.",
    "“No,” he said.",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=3), max_size=6),
    st.lists(st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=3), max_size=6),
)
def test_word_totals_carried_from_the_older_text_are_the_counted_ones(
    old: list[list[str]], new: list[list[str]]
) -> None:
    """The newer text's word count comes from the older one's and the sentences that
    changed; it is the count of all its sentences."""
    from newsarchive.analysis._body import word_count, word_totals
    from newsarchive.analysis.align import align

    old_text = "\n".join(" ".join(p) for p in old)
    new_text = "\n".join(" ".join(p) for p in new) + "\nA closing line, new each time."
    alignment = align(old_text, new_text)
    assert word_totals(alignment) == (
        sum(map(word_count, alignment.old_outline.texts)),
        sum(map(word_count, alignment.new_outline.texts)),
    )


def test_word_totals_of_a_rewrite_are_the_counted_ones() -> None:
    """A version whose sentences nearly all changed is counted whole, to the same total."""
    from newsarchive.analysis._body import word_count, word_totals
    from newsarchive.analysis.align import align

    old_text = "\n".join(f"Sentence number {k} was here, the U.S. said." for k in range(30))
    new_text = "\n".join(f"Another {k}-th line: it’s new — and “quoted”." for k in range(30))
    alignment = align(old_text, new_text)
    assert len(alignment.changed) > 16
    assert word_totals(alignment) == (
        sum(map(word_count, alignment.old_outline.texts)),
        sum(map(word_count, alignment.new_outline.texts)),
    )
