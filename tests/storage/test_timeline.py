"""Backfills place a capture in its article's timeline, changing only what they must.

The store adds a capture to the versions it already has. These tests hold it to the
timeline's definition, computed from scratch from every capture after each one: a
version is a maximal run of consecutive good captures, ordered by capture time and
then by capture id, with the same content; a version keeps its id for as long as any
of its captures starts a run, and a new one takes its id from its head capture.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import at
from newsarchive import Archive, Version
from newsarchive.storage._timeline import (
    Run,
    TimelineCapture,
    may_split,
    neighbours,
    place,
    version_id,
)
from newsarchive.times import to_micros

URL = "https://news.example.com/2017/06/06/sessions"
TEXTS = {
    "a": "Sessions offered to resign.",
    "b": "Sessions offered to resign, ABC News reported.",
    "c": "Sessions offered to resign, ABC News reported. Trump refused.",
}


def defined(captures: Sequence[TimelineCapture], old: Sequence[Run], url: str = URL) -> list[Run]:
    """The versions ``captures`` form, keeping the ids of ``old`` (the versions before)."""
    ordered = sorted(captures, key=lambda c: c.key)
    groups: list[list[TimelineCapture]] = []
    for capture in ordered:
        if groups and groups[-1][-1].content_hash == capture.content_hash:
            groups[-1].append(capture)
        else:
            groups.append([capture])
    heads = [r.head for r in old]
    used: set[str] = set()
    first_number: dict[bytes, int] = {}
    runs = []
    for number, group in enumerate(groups, start=1):
        head = group[0]
        run_id = None
        for capture in group:
            # The old version this capture belonged to: the last one starting at or before it.
            index = bisect.bisect_right(heads, capture.key) - 1
            if index >= 0 and old[index].id not in used:
                run_id = old[index].id
                break
        if run_id is None:
            run_id = version_id(url, head.captured_at, head.content_hash)
            while run_id in used:
                run_id = version_id(url + "#", head.captured_at + number, head.content_hash)
        used.add(run_id)
        reverted_to = first_number.get(head.content_hash)
        first_number.setdefault(head.content_hash, number)
        runs.append(
            Run(
                number=number,
                id=run_id,
                content_hash=head.content_hash,
                capture_id=head.id,
                first_captured_at=head.captured_at,
                last_captured_at=group[-1].captured_at,
                capture_count=len(group),
                reverted_to=reverted_to,
            )
        )
    return runs


def members(
    captures: Sequence[TimelineCapture], run: Run, runs: Sequence[Run]
) -> list[TimelineCapture]:
    """The captures of ``run``: from its head up to the next version's head."""
    following = runs[run.number] if run.number < len(runs) else None
    return sorted(
        (
            c
            for c in captures
            if c.key >= run.head and (following is None or c.key < following.head)
        ),
        key=lambda c: c.key,
    )


# Few times and contents, so captures share times, join runs, split them and revert.
_CAPTURES = st.lists(
    st.tuples(st.integers(0, 6), st.sampled_from(sorted(TEXTS))), unique=True, max_size=16
)


@settings(max_examples=400, deadline=None)
@given(captures=_CAPTURES, shuffler=st.randoms(use_true_random=False))
def test_placing_each_capture_gives_the_defined_timeline(
    captures: list[tuple[int, str]], shuffler: random.Random
) -> None:
    """In any order, with capture ids that need not grow with time (as a PostgreSQL
    sequence shared by concurrent savers hands them out)."""
    ids = list(range(1, len(captures) + 1))
    shuffler.shuffle(ids)
    seen: list[TimelineCapture] = []
    runs: list[Run] = []
    for capture_id, (minute, letter) in zip(ids, captures, strict=True):
        capture = TimelineCapture(capture_id, minute, letter.encode())
        before, _ = neighbours(runs, capture)
        near = members(seen, before, runs) if before and may_split(before, capture) else ()
        placed, run = place(URL, runs, capture, near)
        seen.append(capture)
        assert placed == defined(seen, runs)
        assert run in placed and capture.key >= run.head
        runs = placed


# Each example saves into an article of its own, so one archive serves them all.
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(captures=_CAPTURES)
def test_captures_saved_in_any_order_form_the_defined_versions(
    archive: Archive, captures: list[tuple[int, str]]
) -> None:
    """The store writes exactly the versions the definition gives, after every save."""
    url = f"{URL}?example={next(_EXAMPLES)}"
    hashes = {k: bytes.fromhex(archive.prepare(url, text=t).content_hash) for k, t in TEXTS.items()}
    seen: list[TimelineCapture] = []
    expected: list[Run] = []
    for minute, letter in captures:
        result = archive.save(url, text=TEXTS[letter], captured_at=at(minute))
        seen.append(TimelineCapture(result.capture.id, to_micros(at(minute)), hashes[letter]))
        before = {r.id for r in expected}
        expected = defined(seen, expected, url)
        assert [_run(v) for v in archive.history(url)] == [
            (
                r.number,
                r.id,
                r.first_captured_at,
                r.last_captured_at,
                r.capture_count,
                r.reverted_to,
            )
            for r in expected
        ]
        assert result.version is not None
        assert result.is_new_version == (result.version.id not in before)


_EXAMPLES = itertools.count()


def _run(version: Version) -> tuple[int, str, int, int, int, int | None]:
    return (
        version.number,
        version.id,
        to_micros(version.first_captured_at),
        to_micros(version.last_captured_at),
        version.capture_count,
        version.reverted_to,
    )


def test_a_version_landing_first_whose_id_is_taken_gets_another(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids are derived from a version's head, so two could clash: each version still gets
    an id of its own, however early in the timeline it lands."""
    from newsarchive.storage import _timeline

    derived = _timeline.version_id

    def clashing(url: str, first_captured_at: int, content_hash: bytes) -> str:
        # Every first choice is the same id; only the fallback (the URL with "#") differs.
        return derived(url, first_captured_at, content_hash) if "#" in url else "0" * 16

    monkeypatch.setattr(_timeline, "version_id", clashing)
    for minute, letter in [(30, "c"), (20, "b"), (10, "a")]:
        archive.save(URL, text=TEXTS[letter], captured_at=at(minute))
    history = archive.history(URL)
    assert [v.text for v in history] == [TEXTS["a"], TEXTS["b"], TEXTS["c"]]
    assert len({v.id for v in history}) == 3
    # As the timeline's definition has it, the earliest version takes the first choice.
    assert history[0].id == "0" * 16
