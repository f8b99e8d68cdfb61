"""Room a bulk import keeps free in one article's version numbers while it backfills.

Version numbers are dense, so a version landing before others moves every later one up
by one. An import read newest first lands each version before the last, and the second
of two scrapers' files lands each between two of the first's: one move of the rest of
the history per version, time quadratic in its length. Instead, the first version a
batch lands among an article's versions moves the later ones on once, leaving in each
gap between them as many free numbers as the batch's further captures of the article
may take there; those then take the free numbers, in the direction they come, and
whatever is still free is closed by one more move before anything reads the article's
numbers (the batch's analyses, a version's neighbours by number). A batch then moves an
article's versions twice at most, however many versions it lands among them.
"""

from __future__ import annotations

import bisect

import attrs


@attrs.define
class FreeNumbers:
    """Free numbers ``low`` to ``high - 1``: no version holds them. The version before
    holds ``low - 1`` (none if 0) and the one after ``high``; they are taken from the
    bottom when each new version comes after the last (``upward``), else from the top.
    ``floor`` and ``ceiling`` are when those two versions were first captured (-1: none
    before): a capture between them lands in the room."""

    low: int
    high: int
    upward: bool
    floor: int
    ceiling: int

    @property
    def size(self) -> int:
        return self.high - self.low


@attrs.define
class Rooms:
    """The rooms one article holds free, in number order (they never overlap)."""

    _lows: list[int] = attrs.field(factory=list)
    _floors: list[int] = attrs.field(factory=list)
    _rooms: list[FreeNumbers] = attrs.field(factory=list)

    def __bool__(self) -> bool:
        return bool(self._rooms)

    @property
    def first(self) -> int:
        """The lowest free number."""
        return self._lows[0]

    def add(self, room: FreeNumbers) -> None:
        """Hold ``room`` free too: above every room held already."""
        assert not self._rooms or room.low > self._rooms[-1].high
        self._lows.append(room.low)
        self._floors.append(room.floor)
        self._rooms.append(room)

    def following(self, number: int) -> FreeNumbers | None:
        """The room right after the version numbered ``number`` (0: before the first)."""
        i = bisect.bisect_left(self._lows, number + 1)
        return self._rooms[i] if i < len(self._lows) and self._lows[i] == number + 1 else None

    def holding(self, number: int) -> FreeNumbers | None:
        """The room ``number`` is free in, if any."""
        i = bisect.bisect_right(self._lows, number) - 1
        return self._rooms[i] if i >= 0 and number < self._rooms[i].high else None

    def around(self, at: int) -> FreeNumbers | None:
        """The room a capture first captured at ``at`` lands in, if it is known to."""
        i = bisect.bisect_left(self._floors, at) - 1
        return self._rooms[i] if i >= 0 and at < self._rooms[i].ceiling else None

    def take(self, room: FreeNumbers, at: int) -> int:
        """The number the next version landing in ``room``, first captured at ``at``, gets."""
        i = bisect.bisect_left(self._lows, room.low)
        if room.upward:
            number = room.low
            room.low += 1
            room.floor = self._floors[i] = at
            self._lows[i] = room.low
        else:
            room.high -= 1
            room.ceiling = at
            number = room.high
        if not room.size:
            del self._lows[i], self._floors[i], self._rooms[i]
        return number

    def spans(self) -> list[tuple[int, int]]:
        """Each room's ``(low, high)``, in number order."""
        return [(r.low, r.high) for r in self._rooms]

    def position(self, number: int) -> int:
        """What a number some version holds becomes once the rooms are closed."""
        return number - sum(r.size for r in self._rooms if r.high <= number)
