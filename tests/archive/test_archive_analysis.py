"""Change analysis stored with versions: log, changes, reanalyse, rules — on every backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import at
from newsarchive import Archive, InputError
from newsarchive.analysis import Rules

URL = "https://news.example.com/story"
OTHER = "https://news.example.com/other"
BASE = (
    "The council approved the budget on Monday.\n\nThree members voted against it, officials said."
)


def levels(archive: Archive, url: str = URL) -> list[str | None]:
    return [(v.analysis or {}).get("level") for v in archive.history(url)]


def test_each_new_version_is_analysed_when_saved(archive: Archive) -> None:
    archive.save(URL, text=BASE, captured_at=at(0))
    archive.save(
        URL, text=BASE.replace("on Monday", "on  Monday"), captured_at=at(5)
    )  # same content
    archive.save(URL, text=BASE.replace("budget", "bugdet"), captured_at=at(10))
    archive.save(
        URL, text=BASE + "\n\nThe vote was 6-3 after a long debate about taxes.", captured_at=at(20)
    )
    history = archive.history(URL)
    assert len(history) == 3
    assert levels(archive) == ["none", "minor", "substantive"]
    assert "typo" in [r["code"] for r in history[1].analysis["reasons"]]
    assert history[2].analysis["stealth"] is True  # no declared modification, no note


def test_declared_update_is_not_stealth(archive: Archive) -> None:
    archive.save(URL, text=BASE, captured_at=at(0), modified_at=at(0))
    archive.save(
        URL,
        text=BASE + "\n\nThe mayor resigned hours later, her office said.",
        captured_at=at(30),
        modified_at=at(25),
    )
    latest = archive.get(URL)
    assert latest.analysis["level"] == "substantive" and latest.analysis["stealth"] is False


def test_backfill_reanalyses_the_neighbours(archive: Archive) -> None:
    archive.save(URL, text=BASE, captured_at=at(0))
    final = BASE + "\n\nThe vote was 6-3 after a long debate about taxes."
    archive.save(URL, text=final, captured_at=at(30))
    archive.save(URL, text=BASE.replace("Monday", "Tuesday"), captured_at=at(15))
    history = archive.history(URL)
    assert [v.analysis["against"] for v in history] == [None, history[0].id, history[1].id]
    assert "date-changed" in [r["code"] for r in history[1].analysis["reasons"]]


def test_backfill_that_makes_a_later_version_a_revert_reanalyses_it(archive: Archive) -> None:
    four = BASE.replace("Three", "Four")
    archive.save(URL, text=BASE, captured_at=at(0))
    archive.save(URL, text=BASE + "\n\nThe mayor praised the vote.", captured_at=at(20))
    archive.save(URL, text=four, captured_at=at(40))
    archive.save(URL, text=four, captured_at=at(10))  # the text of version 3, seen earlier
    archive.save(URL, text=BASE.replace("budget", "bugdet"), captured_at=at(5))  # renumbers
    latest = archive.get(URL)
    assert (latest.number, latest.reverted_to) == (5, 3)
    assert [(r["code"], r["detail"]) for r in latest.analysis["reasons"]][-1] == (
        "reverted",
        "returned to version 3",
    )


def test_backfill_keeps_the_filters_of_versions_it_does_not_touch(archive: Archive) -> None:
    archive.save(URL, text=BASE, captured_at=at(0))
    archive.save(
        URL, text=BASE + "\n\nA new paragraph of reporting on the vote.", captured_at=at(20)
    )
    archive.save(URL, text=BASE, captured_at=at(10))  # seen again: v1 lasted longer
    assert [(c.version, c.stealth) for c in archive.changes(min_significance="substantive")] == [
        (2, True)
    ]
    assert [c.version for c in archive.changes(stealth=True)] == [2]


def test_changes_lists_newest_first_with_filters(archive: Archive) -> None:
    archive.save(URL, text=BASE, captured_at=at(0))
    archive.save(OTHER, text=BASE, captured_at=at(1))
    archive.save(URL, text=BASE.replace("budget", "bugdet"), captured_at=at(10))
    archive.save(
        OTHER, text=BASE + "\n\nA new paragraph of reporting on the vote.", captured_at=at(20)
    )
    found = archive.changes()
    assert [(c.url, c.version, c.level) for c in found] == [
        (OTHER, 2, "substantive"),
        (URL, 2, "minor"),
    ]
    assert [c.url for c in archive.changes(min_significance="substantive")] == [OTHER]
    assert [c.url for c in archive.changes(stealth=True)] == [OTHER]
    assert [c.url for c in archive.changes(since=at(15))] == [OTHER]
    assert archive.changes(limit=1)[0].url == OTHER
    with pytest.raises(InputError):
        archive.changes(min_significance="huge")


def test_reanalyse_applies_new_rules_and_records_them(archive_location: str) -> None:
    with Archive.open(archive_location) as archive:
        archive.save(URL, text=BASE, captured_at=at(0))
        archive.save(URL, text=BASE.replace("budget", "bugdet"), captured_at=at(10))
        default_id = archive.get(URL).analysis["rules_id"]
        strict = Rules.from_mapping({"levels": {"typo": "substantive"}})
        archive.rules = strict
        assert archive.reanalyse(missing_only=True) == 2  # made by other rules: recomputed
        assert archive.reanalyse(missing_only=True) == 0
        latest = archive.get(URL)
        assert latest.analysis["level"] == "substantive"
        assert latest.analysis["rules_id"] == strict.rules_id != default_id


def test_bulk_import_can_defer_analysis(tmp_path: Path) -> None:
    import io
    import json

    lines = "".join(
        json.dumps({"url": URL, "captured_at": at(m).isoformat(), "text": t}) + "\n"
        for m, t in [(0, BASE), (5, BASE.replace("budget", "bugdet"))]
    ).encode()
    with Archive.open(tmp_path / "a") as archive:
        archive.import_jsonl(io.BytesIO(lines), analyse=False)
        assert levels(archive) == [None, None]
        assert archive.changes() and archive.changes()[0].level is None
        assert archive.reanalyse() == 2
        assert levels(archive) == ["none", "minor"]


def test_analyse_and_blame_through_the_archive(archive: Archive) -> None:
    archive.save(URL, text=BASE, captured_at=at(0))
    archive.save(
        URL, text=BASE + "\n\nA new paragraph of reporting on the vote.", captured_at=at(10)
    )
    result = archive.analyse(URL)
    assert result.level == "substantive" and result.alignment is not None
    assert result.alignment.apply(BASE) == archive.get(URL).text
    lines = archive.blame(URL)
    assert [line.version for line in lines] == [1, 1, 2]


def test_log_filters_by_significance_and_stealth_and_summarises(archive: Archive) -> None:
    archive.save(URL, text=BASE, captured_at=at(0))
    archive.save(URL, text=BASE.replace("budget", "bugdet"), captured_at=at(10))
    archive.save(
        URL, text=BASE + "\n\nThe vote was 6-3 after a long debate about taxes.", captured_at=at(20)
    )
    every = archive.log(URL)
    assert [(e.version.number, e.significance) for e in every] == [
        (1, "none"),
        (2, "minor"),
        (3, "substantive"),
    ]
    assert every[0].summary == "first version" and "words" in every[1].summary
    assert "typo" in every[1].reasons
    # The first version always shows; the floor applies to the changes after it.
    substantive = archive.log(URL, min_significance="substantive")
    assert [e.version.number for e in substantive] == [1, 3]
    assert [e.version.number for e in archive.log(URL, stealth=True)] == [3]
    with pytest.raises(InputError):
        archive.log(URL, min_significance="huge")


def test_a_new_version_is_analysed_against_its_predecessor_only(archive: Archive) -> None:
    """Earlier versions' stored analyses are left as they are: none is computed again."""
    archive.save(URL, text=BASE, captured_at=at(0))
    archive.save(URL, text=BASE.replace("budget", "bugdet"), captured_at=at(10))
    second = archive.get(URL)
    marked = {**second.analysis, "level": "cosmetic", "marked": True}
    archive.set_analyses(URL, [(second.id, marked)])
    archive.save(URL, text=BASE.replace("Monday", "Tuesday"), captured_at=at(20))
    history = archive.history(URL)
    assert history[1].analysis == marked
    assert history[2].analysis["against"] == second.id


def test_a_save_whose_analysis_fails_saves_nothing(archive: Archive) -> None:
    """The analysis is part of the save's transaction: if it fails, so does the save."""
    archive.save(URL, text=BASE, captured_at=at(0))
    record = archive.prepare(URL, text=BASE + "\n\nA new paragraph.", captured_at=at(10))
    seen: list[list[str]] = []

    def fail(urls: object) -> None:
        seen.append(list(urls))  # type: ignore[call-overload]
        raise RuntimeError("analysis failed")

    with pytest.raises(RuntimeError):
        archive.store.save([record], on_saved=fail)
    assert seen == [[URL]]
    assert len(archive.history(URL)) == 1 and len(archive.captures(URL)) == 1
    archive.save_many([record])
    assert levels(archive) == ["none", "substantive"]


def test_an_import_stores_every_version_with_its_analysis(archive: Archive, tmp_path: Path) -> None:
    lines = [
        f'{{"url": "{u}", "captured_at": "2024-05-01T0{k}:00:00Z", "text": "{BASE} Part {k}."}}'
        for k in range(4)
        for u in (URL, OTHER)
    ]
    path = tmp_path / "captures.jsonl"
    path.write_text("\n".join(lines).replace("\n\n", "\\n\\n") + "\n")
    with path.open("rb") as stream:
        report = archive.import_jsonl(stream)
    assert report.versions_added == 8
    for url in (URL, OTHER):
        states = archive.store.analysis_states(url)
        assert [s.analysis is not None for s in states] == [True] * 4
        assert [s.analysis["against"] for s in states[1:]] == [s.id for s in states[:-1]]


def test_an_import_analyses_alike_with_worker_processes_or_without(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "url": f"{URL}/{n}",
                "captured_at": f"2024-05-0{day}T00:00:00Z",
                "text": BASE + f" Part {day}." * day,
            }
        )
        for day in range(1, 6)
        for n in range(4)
    ]
    path = tmp_path / "captures.jsonl"
    path.write_text("\n".join(lines) + "\n")
    frames = []
    for workers in (0, 2):
        with Archive.open(tmp_path / f"w{workers}") as archive, path.open("rb") as stream:
            assert archive.import_jsonl(stream, workers=workers).versions_added == 20
            frames.append(
                [s.analysis for n in range(4) for s in archive.store.analysis_states(f"{URL}/{n}")]
            )
    assert frames[0] == frames[1]
    assert all(a is not None for a in frames[0])


@settings(max_examples=150, deadline=None)
@given(
    saves=st.lists(
        st.tuples(
            st.integers(0, 40),
            st.sampled_from([BASE, BASE.replace("Monday", "Tuesday"), BASE + " More."]),
            st.sampled_from(["Budget passes", "Council backs budget", None]),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_saves_in_any_order_keep_every_analysis_current(
    saves: list[tuple[int, str, str | None, bool]],
) -> None:
    """A save analyses only the versions it wrote, and those whose headline test looks
    back on them: in any order of captures (backfills, captures that re-head a version,
    failed pages), what is stored is what analysing the whole history again gives."""
    with Archive.open(":memory:") as archive:
        for quarters, text, title, flagged in saves:
            quality = "soft-404" if flagged else None
            when = at(quarters * 15)  # ten hours: some within a headline test's window
            archive.save(URL, text=text, title=title, captured_at=when, quality=quality)
        for article in archive.articles():
            stored = {v.id: v.analysis for v in archive.history(article.url)}
            assert stored == dict(archive._analyses.recomputed(article.url))
