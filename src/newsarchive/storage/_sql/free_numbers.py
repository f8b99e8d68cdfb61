"""Room a bulk import keeps free in one article's version numbers while it backfills.

Version numbers are dense, so a version landing before others moves every later one up
by one. An import read newest first lands each version before the last: one move of the
whole history per version, time quadratic in its length. Instead, the first version a
batch lands in a gap moves the later ones up by as many numbers as the batch's further
captures of the article may fill there, in the direction they come; the next versions
take the numbers left free, and whatever is still free is closed by one move down before
anything reads the article's numbers (the batch's analyses, a version's neighbours by
number). A batch then moves an article's later versions twice at most, however many
versions it lands before them.
"""

from __future__ import annotations

import attrs


@attrs.define
class FreeNumbers:
    """Free numbers ``low`` to ``high - 1``: no version holds them. The version before
    holds ``low - 1`` (none if 0) and the one after ``high``; they are taken from the
    bottom when each new version comes after the last (``upward``), else from the top."""

    low: int
    high: int
    upward: bool

    @property
    def size(self) -> int:
        return self.high - self.low

    def follows(self, number: int) -> bool:
        """Whether the room lies right after the version numbered ``number`` (0: none)."""
        return number == self.low - 1

    def take(self) -> int:
        """The number the next version landing in the room gets."""
        if self.upward:
            self.low += 1
            return self.low - 1
        self.high -= 1
        return self.high

    def number(self, position: int) -> int:
        """The number of the version at ``position`` counting from 1 (as if no room)."""
        return position if position < self.low else position + self.size

    def position(self, number: int) -> int:
        """The inverse of :meth:`number`, for a number that some version holds."""
        return number if number < self.low else number - self.size
