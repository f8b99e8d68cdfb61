"""Which version of an article was current at a time, found without an index on times.

Version numbers follow the versions' first captures in time (a backfill renumbers the
versions after it), so the article's key, (article, number), orders them by time too:
the version current at a time is the last one first captured by then. Most look-ups ask
about recent times; the latest versions are read first, and only an article with many
versions, asked about early on, is searched by halves.
"""

from __future__ import annotations

from .connection import SQLConnection

# How many of an article's latest versions one query reads before searching by halves.
RECENT = 32
_RECENT = (
    "SELECT MAX(CASE WHEN first_captured_at {op} ? THEN number END), MIN(number), COUNT(*)"
    " FROM (SELECT number, first_captured_at FROM versions WHERE article_id = ?"
    " ORDER BY number DESC LIMIT ?) recent"
)
_AT = {op: _RECENT.format(op=op) for op in ("<=", "<")}


class VersionTimes(SQLConnection):
    """Version numbers by time."""

    def _number_at(self, article_id: int, at: int, *, before: bool = False) -> int | None:
        """The number of the last version first captured at or before ``at`` (strictly
        before, with ``before``), or None if there is none."""
        rooms = self._free_numbers.get(article_id)
        room = rooms.around(at) if rooms else None
        if room is not None:  # a bulk import knows which versions it lands between
            return room.low - 1 or None
        found, lowest, count = self._one(_AT["<" if before else "<="], (at, article_id, RECENT))
        if found is not None:
            return int(found)
        if int(count) < RECENT:
            return None
        # The answer is below the latest RECENT: the largest number whose version is
        # early enough, by halves over 1 .. lowest - 1. A bulk import may hold some
        # numbers free for a moment: a probe among them reads the version next to them.
        low, high, answer = 1, int(lowest) - 1, None
        while low <= high:
            middle = (low + high) // 2
            room = rooms.holding(middle) if rooms else None
            if room is not None:
                if room.low - 1 >= low:
                    middle = room.low - 1
                elif room.high <= high:
                    middle = room.high
                else:
                    break  # no version holds a number from low to high
            row = self._one(
                "SELECT first_captured_at FROM versions WHERE article_id = ? AND number = ?",
                (article_id, middle),
            )
            first = int(row[0])
            if first < at or (first == at and not before):
                answer, low = middle, middle + 1
            else:
                high = middle - 1
        return answer
