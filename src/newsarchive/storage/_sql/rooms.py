"""Making and closing the rooms a bulk import holds free among version numbers (see
``free_numbers``), and what else it knows of its batch while it saves one."""

from __future__ import annotations

import bisect
import itertools
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ...times import to_micros
from .free_numbers import FreeNumbers, Rooms
from .read import SQLReader

if TYPE_CHECKING:
    from .. import _timeline
    from ..records import CaptureRecord

# Moves a stretch of versions on (or back), to their negated numbers: a key may not be
# held twice even for a moment, so they are turned positive once every stretch moved.
_MOVE = "UPDATE versions SET number = -(number + ?) WHERE article_id = ? AND number BETWEEN ? AND ?"
_UNNEGATE = "UPDATE versions SET number = -number WHERE article_id = ? AND number < 0"
_REPOINT = "UPDATE versions SET reverted_to = ? WHERE article_id = ? AND number = ?"
_LAST = 2**62  # beyond any number


class NumberRooms(SQLReader):
    """The batch a bulk import saves, and the rooms it holds free in version numbers."""

    def _landing(
        self, batch: Sequence[CaptureRecord], filed: Sequence[tuple[int, str]]
    ) -> Iterator[tuple[CaptureRecord, tuple[int, str]]]:
        """A bulk import's records, each with the article it is filed under, in order;
        while they are saved, a backfill may leave numbers free for the records of its
        article still to come, and those left free are closed after the last."""
        upcoming = self._upcoming
        for record, (article_id, _) in zip(batch, filed, strict=True):
            at = to_micros(record.captured_at)
            upcoming.setdefault(article_id, deque()).append((at, record.content_hash))
        for record, (article_id, url) in zip(batch, filed, strict=True):
            upcoming[article_id].popleft()
            yield record, (article_id, url)
        upcoming.clear()
        self._ids_taken.clear()
        self._close_rooms()

    def _id_taken(self, article_id: int, url: str, version_id: str) -> bool:
        """Whether a version of the article (``url``) has this id (derived from a head
        capture, two ids may clash). Versions have no index by id: a bulk import asks once
        a batch for the ids its captures of the article may take, rather than once a
        capture."""
        from .._timeline import version_id as derived

        upcoming = self._upcoming.get(article_id)
        if upcoming is None:
            found = self._one(
                "SELECT 1 FROM versions WHERE article_id = ? AND id = ?", (article_id, version_id)
            )
            return found is not None
        taken = self._ids_taken.get(article_id)
        if taken is None:
            asked = [version_id, *(derived(url, at, bytes.fromhex(h)) for at, h in upcoming)]
            marks = ", ".join("?" * len(asked))
            rows = self._all(
                f"SELECT id FROM versions WHERE article_id = ? AND id IN ({marks})",
                (article_id, *asked),
            )
            taken = self._ids_taken[article_id] = {str(r[0]) for r in rows}
        return version_id in taken

    def _next_number(self, article_id: int, below: int) -> int:
        """The number of the version after the one numbered ``below`` (0: the first)."""
        rooms = self._free_numbers.get(article_id)
        room = rooms.following(below) if rooms else None
        return below + 1 if room is None else room.high

    def _number_in_room(
        self,
        article_id: int,
        below: int,
        capture: _timeline.TimelineCapture,
        before: _timeline.Run | None,
        after: _timeline.Run | None,
    ) -> tuple[int, int]:
        """The number a new version of ``capture`` gets, landing between ``before`` (the
        version numbered ``below``, 0 if none) and ``after``, and the number ``before``
        holds then: from a room held free right there, or from rooms made now."""
        rooms = self._free_numbers.get(article_id)
        if rooms:
            room = rooms.following(below)
            if room is None:  # it lands elsewhere: the rooms held are closed first
                below = rooms.position(below)
                self._close_rooms_of(article_id)
        if not rooms or room is None:
            rooms = self._free_numbers[article_id] = Rooms()
            self._make_rooms(article_id, rooms, below, capture, before, after)
            room = rooms.following(below)
            assert room is not None
        number = rooms.take(room, capture.captured_at)
        if not rooms:
            del self._free_numbers[article_id]
        return number, below

    def _make_rooms(
        self,
        article_id: int,
        rooms: Rooms,
        below: int,
        capture: _timeline.TimelineCapture,
        before: _timeline.Run | None,
        after: _timeline.Run | None,
    ) -> None:
        """Move the versions after number ``below`` on, leaving free numbers in each gap
        between them for the new version and the batch's next captures of the article
        that land there. With no version after, later captures append, taking the
        numbers after the new one: none are left for them."""
        floor = -1 if before is None else before.first_captured_at
        upcoming = [at for at, _ in self._upcoming.get(article_id, ())] if after else []
        gaps: dict[int, list[int]] = {0: [capture.captured_at]}
        heads: list[int] = []
        rows: list[tuple[int, int | None]] = []
        if after is not None and any(after.first_captured_at < at for at in upcoming):
            # Some land further on: every version after is read, to know their gaps.
            found = self._all(
                "SELECT number, first_captured_at, reverted_to FROM versions"
                " WHERE article_id = ? AND number > ? ORDER BY number",
                (article_id, below),
            )
            rows = [(int(r[0]), None if r[2] is None else int(r[2])) for r in found]
            heads = [int(r[1]) for r in found]
        elif after is not None:
            heads = [after.first_captured_at]
        for at in upcoming:
            gap = bisect.bisect_left(heads, at)
            # Past the last version a capture may split it; at a head's very time it may
            # come before or after it: either is placed otherwise.
            if at > floor and gap < len(heads) and heads[gap] != at:
                gaps.setdefault(gap, []).append(at)
        self._move_versions(article_id, below, rooms, gaps, rows, [floor, *(heads or [_LAST])])

    def _move_versions(
        self,
        article_id: int,
        below: int,
        rooms: Rooms,
        gaps: dict[int, list[int]],
        rows: list[tuple[int, int | None]],
        heads: list[int],
    ) -> None:
        """Move each version after number ``below`` on by the captures ``gaps`` land before
        it (``rows``: every such version's number and revert mark, if read), holding
        their numbers free as ``rooms``; ``heads``: when the version numbered ``below``
        and each one after it were first captured, as far as known."""
        moved = 0
        starts = sorted(gaps)
        for k, gap in enumerate(starts):
            times = gaps[gap]
            downward = len(times) > 1 and all(a > b for a, b in itertools.pairwise(times))
            low = below + 1 + gap + moved
            rooms.add(FreeNumbers(low, low + len(times), not downward, heads[gap], heads[gap + 1]))
            moved += len(times)
            if rows:
                end = starts[k + 1] + below if k + 1 < len(starts) else _LAST
                self._execute(_MOVE, (moved, article_id, below + 1 + gap, end))
        if not rows:
            # All land in the first gap: one statement moves every version after it.
            self._execute(
                "UPDATE versions SET number = -(number + ?), reverted_to = CASE"
                " WHEN reverted_to > ? THEN reverted_to + ? ELSE reverted_to END"
                " WHERE article_id = ? AND number > ?",
                (moved, below, moved, article_id, below),
            )
        self._execute(_UNNEGATE, (article_id,))
        # Revert marks that name a moved version move with it.
        for number, reverted_to in rows:
            if reverted_to is not None and reverted_to > below:
                new = self._moved(number, below, gaps)
                self._execute(_REPOINT, (self._moved(reverted_to, below, gaps), article_id, new))

    @staticmethod
    def _moved(number: int, below: int, gaps: dict[int, list[int]]) -> int:
        """Where ``_move_versions`` moved the version numbered ``number``."""
        return number + sum(len(t) for gap, t in gaps.items() if below + 1 + gap <= number)

    def _close_rooms_of(self, article_id: int) -> None:
        """Give the article's versions dense numbers again: each moved back past the free
        numbers below it, revert marks with them."""
        rooms = self._free_numbers.pop(article_id, None)
        if not rooms:
            return
        first = rooms.first
        marks = self._all(
            "SELECT number, reverted_to FROM versions"
            " WHERE article_id = ? AND number > ? AND reverted_to >= ?",
            (article_id, first, first),
        )
        freed = 0
        spans = rooms.spans()
        for k, (low, high) in enumerate(spans):
            freed += high - low
            end = spans[k + 1][0] - 1 if k + 1 < len(spans) else _LAST
            self._execute(_MOVE, (-freed, article_id, high, end))
        self._execute(_UNNEGATE, (article_id,))
        for number, reverted_to in marks:
            position = rooms.position(int(number))
            self._execute(_REPOINT, (rooms.position(int(reverted_to)), article_id, position))
        self._wrote_version(article_id, first, None)  # renumbered from there on

    def _close_rooms(self) -> None:
        """Close every room held free: before anything reads the batch's numbers."""
        for article_id in list(self._free_numbers):
            self._close_rooms_of(article_id)
