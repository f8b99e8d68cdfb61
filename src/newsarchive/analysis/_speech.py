"""Speech verbs near the changed words of a sentence: a helper of the significance rules."""

from __future__ import annotations


class Speech:
    """Where the speech verbs outside quotes are in the two sides of one edited sentence.

    Found once per side when first needed, however many changes the sentence has.
    """

    def __init__(
        self,
        verbs: frozenset[str],
        old_w: list[tuple[str, int]],
        old_quotes: list[tuple[int, int]],
        new_w: list[tuple[str, int]],
        new_quotes: list[tuple[int, int]],
    ) -> None:
        self.verbs = verbs
        self.sides = ((old_w, old_quotes), (new_w, new_quotes))
        self.found: list[tuple[dict[int, int], list[int]] | None] = [None, None]

    def near(self, words: list[tuple[str, int]], side: int) -> bool:
        """Whether changed words are, or sit within four words of, a speech verb outside quotes."""
        if not words:
            return False
        sentence, quotes = self.sides[side]
        found = self.found[side]
        if found is None:
            index = {pos: k for k, (_, pos) in enumerate(sentence)}
            verb_at = [
                k
                for k, (w, pos) in enumerate(sentence)
                if w.lower().rstrip(".") in self.verbs and not inside(pos, quotes)
            ]
            found = self.found[side] = (index, verb_at)
        index, verb_at = found
        for w, pos in words:
            if inside(pos, quotes):
                continue
            if w.lower().rstrip(".") in self.verbs:
                return True
            k = index[pos]
            if any(abs(k - v) <= 4 for v in verb_at):
                return True
        return False


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` falls strictly inside one of ``spans``."""
    return any(lo < pos < hi for lo, hi in spans)
