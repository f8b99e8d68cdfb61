"""A bulk import that lands versions before others gives what saving them one by one does.

An import leaves free numbers for the versions its batch goes on to land in one gap (see
``storage/_sql/free_numbers.py``); these tests hold every order of captures, on every
backend, to the versions, revert marks and analyses the save path gives, and count the
moves of an article's later versions that an import read newest first costs.
"""

from __future__ import annotations

import io
import itertools
import json
import random
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import at
from newsarchive import Archive, Version
from newsarchive.storage.sqlite import SQLiteStore
from newsarchive.times import to_micros

URL = "https://news.example.com/2017/06/06/sessions"
TEXTS = [
    "Sessions offered to resign.",
    "Sessions offered to resign, ABC News reported.",
    "Sessions offered to resign, ABC News reported. Trump refused.",
    "Sessions offered to resign after a tense meeting.",
    "Sessions offered to resign; the president refused it.",
    "Sessions stays on, the White House said.",
]


def _lines(url: str, captures: Sequence[tuple[int, int]]) -> bytes:
    return "".join(
        json.dumps({"url": url, "captured_at": at(m).isoformat(), "text": TEXTS[k]}) + "\n"
        for m, k in captures
    ).encode()


def _state(archive: Archive, url: str) -> list[tuple[object, ...]]:
    """Each version, naming the one its analysis is against by number (ids are seeded
    by the URL)."""
    history = archive.history(url)
    numbers = {v.id: v.number for v in history}
    return [_version(v, numbers) for v in history]


def _version(v: Version, numbers: dict[str, int]) -> tuple[object, ...]:
    analysis = dict(v.analysis or {})
    return (
        v.number, v.text, v.first_captured_at, v.last_captured_at, v.capture_count,
        v.reverted_to, numbers.get(analysis.get("against") or ""), analysis.get("reverted_to"),
        analysis.get("level"), analysis.get("words_added"), analysis.get("words_removed"),
    )  # fmt: skip


def _saved_one_by_one(captures: Sequence[tuple[int, int]]) -> list[tuple[object, ...]]:
    with Archive.open(":memory:") as reference:
        for minute, k in captures:
            reference.save(URL, text=TEXTS[k], captured_at=at(minute))
        return _state(reference, URL)


def _imported(archive: Archive, url: str, captures: Sequence[tuple[int, int]]) -> None:
    report = archive.import_jsonl(io.BytesIO(_lines(url, captures)))
    assert report.captures_added == len(captures) and not report.problems, report


_EXAMPLES = itertools.count()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    captures=st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, len(TEXTS) - 1)),
        unique_by=lambda c: c[0],
        min_size=1,
        max_size=24,
    ),
    order=st.sampled_from(["reversed", "shuffled", "runs", "interleaved"]),
    shuffler=st.randoms(use_true_random=False),
)
def test_an_import_in_any_order_gives_what_saves_one_by_one_do(
    archive: Archive, captures: list[tuple[int, int]], order: str, shuffler: random.Random
) -> None:
    """Newest first, shuffled, in runs each read newest first, and as two scrapers' files
    one after the other (each capture of the second landing between two of the first),
    in two batches: the same versions, numbers, revert marks and analyses (against the
    same predecessors) as saving each capture in that order."""
    captures.sort()
    if order == "reversed":
        captures.reverse()
    elif order == "shuffled":
        shuffler.shuffle(captures)
    elif order == "interleaved":
        captures = captures[::2] + captures[1::2]
    else:
        cut = sorted(shuffler.sample(range(len(captures) + 1), min(3, len(captures) + 1)))
        runs = [captures[a:b] for a, b in itertools.pairwise([0, *cut, len(captures)])]
        shuffler.shuffle(runs)
        captures = [c for run in runs for c in reversed(run)]
    url = f"{URL}?example={next(_EXAMPLES)}"
    cut = shuffler.randrange(len(captures))  # the rest lands among those archived
    _imported(archive, url, captures[:cut])
    _imported(archive, url, captures[cut:])
    assert _state(archive, url) == _saved_one_by_one(captures)


def test_a_long_history_read_newest_first_with_backfills_far_back(archive: Archive) -> None:
    """More versions than the latest ones a time look-up reads at once, so placing a
    capture far back searches the numbers by halves while some are held free; texts come
    back, so revert marks move with the numbers they name."""
    minutes = list(range(0, 1200, 10))
    captures = [(m, (m // 10) % len(TEXTS)) for m in reversed(minutes)]
    captures += [(m + 5, 1) for m in minutes[3:40:7]]  # split versions far back
    captures += [(m + 1, (m // 10) % len(TEXTS)) for m in minutes[50:60]]  # join them
    _imported(archive, URL, captures)
    assert _state(archive, URL) == _saved_one_by_one(captures)


def test_an_import_read_newest_first_moves_the_later_versions_once_a_batch(
    tmp_path: Path,
) -> None:
    """Each new version lands before every other: without free numbers, each would move
    all the versions after it (quadratic in the history's length)."""
    statements: list[str] = []
    captures = [(m, m % len(TEXTS)) for m in reversed(range(300))]
    with Archive.open(tmp_path / "archive") as archive:
        store = archive.store
        assert isinstance(store, SQLiteStore)
        store._conn.set_trace_callback(statements.append)
        _imported(archive, URL, captures)
        store._conn.set_trace_callback(None)
        history = archive.history(URL)
    assert [v.number for v in history] == list(range(1, 301))
    assert [v.first_captured_at for v in history] == sorted(
        datetime.fromisoformat(at(m).isoformat()) for m in range(300)
    )
    # Made room for once (a move and the turn back to positive numbers), and no more.
    moves = [s for s in statements if s.startswith("UPDATE versions SET number")]
    assert len(moves) == 2, moves
    # Versions have no index by id: whether a new one's id is free is asked once.
    by_id = [s for s in statements if s.startswith("SELECT") and " AND id " in s]
    assert len(by_id) == 1, by_id


def test_two_scrapers_files_one_after_the_other_move_each_version_a_few_times(
    tmp_path: Path,
) -> None:
    """Each capture of the second file lands between two of the first: without free
    numbers, each would move every version after it (quadratic in the history's length)."""
    captures = [(m, m % len(TEXTS)) for m in range(0, 600, 2)]
    captures += [(m, (m + 3) % len(TEXTS)) for m in range(1, 600, 2)]
    with Archive.open(tmp_path / "archive") as archive:
        store = archive.store
        assert isinstance(store, SQLiteStore)
        _imported(archive, URL, captures[:300])
        before = store._conn.total_changes
        _imported(archive, URL, captures[300:])
        changed = store._conn.total_changes - before
        assert [v.number for v in archive.history(URL)] == list(range(1, 601))
    # Each new version: its capture, its blob, its row; each old one moved on and back.
    assert changed <= 10 * 300, changed


def test_an_import_landing_versions_whose_ids_are_taken_gives_each_its_own(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first choices of id of the versions the batch lands ahead of the first clash
    with one another: each version still gets an id of its own, the same ones saving
    one by one gives."""
    from newsarchive.storage import _timeline

    derived = _timeline.version_id
    early = to_micros(at(25))

    def clashing(url: str, first_captured_at: int, content_hash: bytes) -> str:
        if "#" in url or first_captured_at >= early:
            return derived(url, first_captured_at, content_hash)
        return "0" * 16

    monkeypatch.setattr(_timeline, "version_id", clashing)
    captures = [(30, 2), (20, 1), (10, 0), (5, 3)]
    _imported(archive, URL, captures)
    history = archive.history(URL)
    assert [v.text for v in history] == [TEXTS[k] for k in (3, 0, 1, 2)]
    assert len({v.id for v in history}) == 4
    with Archive.open(":memory:") as reference:
        for minute, k in captures:
            reference.save(URL, text=TEXTS[k], captured_at=at(minute))
        assert [v.id for v in history] == [v.id for v in reference.history(URL)]


def test_an_import_read_newest_first_stores_each_text_against_its_neighbour(
    tmp_path: Path,
) -> None:
    """Each text is a delta against the one next to it in time, as in a sorted import,
    not against the article's latest text, which grows apart from it."""
    rng = random.Random(7)
    sentences = [f"Sentence {i} of the report, with {rng.random():.6f} in it." for i in range(200)]
    texts = []
    for n in range(40):
        sentences[rng.randrange(len(sentences))] = f"Edited in version {n}: {rng.random():.6f}."
        sentences.insert(rng.randrange(len(sentences)), f"Added in version {n}.")
        texts.append(" ".join(sentences))
    rows = [
        json.dumps({"url": URL, "captured_at": at(n).isoformat(), "text": t}) + "\n"
        for n, t in enumerate(texts)
    ]
    sizes = []
    for name, order in (("sorted", rows), ("newest-first", rows[::-1])):
        with Archive.open(tmp_path / name) as archive:
            archive.import_jsonl(io.BytesIO("".join(order).encode()), analyse=False)
            assert [v.text for v in archive.history(URL)] == texts
            store = archive.store
            assert isinstance(store, SQLiteStore)
            (deltas,) = store._one("SELECT SUM(LENGTH(data)) FROM blobs WHERE base_id IS NOT NULL")
            sizes.append(int(deltas))
    sorted_size, reversed_size = sizes
    assert reversed_size <= 1.5 * sorted_size, sizes


def test_a_capture_heading_the_version_after_free_numbers_anew_moves_their_bound(
    archive: Archive,
) -> None:
    """A capture with the content of the version after a room becomes its head, earlier:
    a later capture between the two heads lands inside that version, not in the room."""
    first = [(0, 0), (100, 1), (200, 2)]
    _imported(archive, URL, first)
    batch = [(50, 3), (90, 1), (95, 4)]
    _imported(archive, URL, batch)
    assert _state(archive, URL) == _saved_one_by_one(first + batch)
    assert [v.text for v in archive.history(URL)] == [TEXTS[k] for k in (0, 3, 1, 4, 1, 2)]
