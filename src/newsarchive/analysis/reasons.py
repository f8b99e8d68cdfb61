"""The reasons an analysis finds, collected as it goes: each code once, with its count and
the first occurrence's detail, and the level the rules give it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ._quoting import quote
from .rules import LEVELS, Level, Rules


@attrs.frozen
class Reason:
    """One kind of change found, with the level it contributes.

    ``count`` is how many times it occurred; ``detail`` describes the first
    occurrence (e.g. ``"Monday" → "Tuesday"``).
    """

    code: str
    level: Level
    count: int = 1
    detail: str = ""


class Found:
    """Collects reasons in first-seen order, counting repeats."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._reasons: dict[str, list[Any]] = {}
        self.words_added = 0
        self.words_removed = 0

    def add(self, code: str, detail: str = "") -> None:
        self.add_lazily(code, lambda: detail)

    def add_quoted(self, code: str, text: str | None) -> None:
        """Like ``add``, with ``text`` quoted as the detail of the first occurrence."""
        self.add_lazily(code, lambda: quote(text))

    def add_lazily(self, code: str, detail: Callable[[], str]) -> None:
        """Like ``add``, describing only the first occurrence: a rewrite repeats a code
        hundreds of times, and only the first detail is kept."""
        entry = self._reasons.get(code)
        if entry is None:
            self._reasons[code] = [1, detail()]
        else:
            entry[0] += 1

    def codes(self) -> set[str]:
        return set(self._reasons)

    def discard(self, code: str) -> bool:
        """Drop a reason found; whether it was there."""
        return self._reasons.pop(code, None) is not None

    def reasons(self) -> tuple[Reason, ...]:
        return tuple(
            Reason(code, self.rules.level_of(code), count, detail)
            for code, (count, detail) in self._reasons.items()
        )

    def level(self) -> Level:
        best = 0
        for code in self._reasons:
            best = max(best, LEVELS.index(self.rules.level_of(code)))
        return LEVELS[best]
