"""The version current at a time, found by the article's key (numbers follow time)."""

from __future__ import annotations

import random

from conftest import at
from newsarchive import Archive
from newsarchive.storage._sql.asof import RECENT
from newsarchive.times import to_micros

URL = "https://example.com/live"


def _expected(archive: Archive, when_minutes: float) -> int | None:
    when = at(when_minutes)
    earlier = [v.number for v in archive.history(URL) if v.first_captured_at <= when]
    return max(earlier) if earlier else None


def test_as_of_matches_every_version_in_order_beyond_the_recent_ones(archive: Archive) -> None:
    """Many more versions than one query reads, some first captured at one time."""
    minutes = sorted(random.Random(3).sample(range(0, 3 * RECENT * 10), 3 * RECENT))
    minutes[10] = minutes[11]  # two versions first captured at the same time
    for n, minute in enumerate(minutes):
        archive.save(URL, text=f"Update {n}: the count stands at {n * 7}.", captured_at=at(minute))
    history = archive.history(URL)
    assert len(history) == len(minutes)
    for when in [-1, 0, *minutes, *(m + 0.5 for m in minutes), minutes[-1] + 99]:
        expected = _expected(archive, when)
        if expected is None:
            assert archive.store.version_at(URL, at(when)) is None
        else:
            found = archive.get(URL, at=at(when))
            assert found.number == expected, when


def test_strictly_before_skips_versions_first_captured_at_that_time(archive: Archive) -> None:
    for n in range(2 * RECENT):
        archive.save(URL, text=f"Revision {n} of the story.", captured_at=at(n // 2))
    store = archive.store
    (article_id,) = store._one("SELECT id FROM articles WHERE url = ?", (URL,))
    for minute in range(RECENT):
        when = to_micros(at(minute))
        assert store._number_at(article_id, when) == 2 * minute + 2
        assert store._number_at(article_id, when, before=True) == (2 * minute or None)


def test_backfills_far_back_in_a_long_history_land_in_time_order(tmp_path) -> None:
    minutes = list(range(0, 4 * RECENT * 10, 10))
    late = list(enumerate(minutes))
    with Archive.open(tmp_path / "a") as archive, Archive.open(tmp_path / "b") as in_order:
        for n, minute in late[5:]:
            archive.save(URL, text=f"Edit {n}.", captured_at=at(minute))
        for n, minute in reversed(late[:5]):  # backfilled, earliest last
            archive.save(URL, text=f"Edit {n}.", captured_at=at(minute))
        archive.save(URL, text="Edit 3.", captured_at=at(35))  # joins version 4
        for n, minute in late:
            in_order.save(URL, text=f"Edit {n}.", captured_at=at(minute))
        in_order.save(URL, text="Edit 3.", captured_at=at(35))
        got = [
            (v.number, v.text, v.first_captured_at, v.capture_count) for v in archive.history(URL)
        ]
        want = [
            (v.number, v.text, v.first_captured_at, v.capture_count) for v in in_order.history(URL)
        ]
        assert got == want
        assert archive.get(URL, at=at(36)).text == "Edit 3."
