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
        found, lowest, count = self._one(_AT["<" if before else "<="], (at, article_id, RECENT))
        if found is not None:
            return int(found)
        if int(count) < RECENT:
            return None
        # The answer is below the latest RECENT: the largest number whose version is
        # early enough, by halves over the versions before the lowest of them (by their
        # places: a bulk import may hold some numbers free for a moment).
        room = self._free_numbers.get(article_id)
        number = (lambda place: place) if room is None else room.number
        place = (lambda held: held) if room is None else room.position
        low, high, answer = 1, place(int(lowest)) - 1, None
        while low <= high:
            middle = (low + high) // 2
            row = self._one(
                "SELECT first_captured_at FROM versions WHERE article_id = ? AND number = ?",
                (article_id, number(middle)),
            )
            first = int(row[0])
            if first < at or (first == at and not before):
                answer, low = number(middle), middle + 1
            else:
                high = middle - 1
        return answer
