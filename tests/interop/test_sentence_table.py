"""The export's sentence operations are those of aligning the two whole texts."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.analysis.edits import sentence_edits
from newsarchive.analysis.rules import DEFAULT_RULES
from newsarchive.diff.sentences import segment
from newsarchive.interop.sentence_table import SentenceSplitter, edit_operations

POOL = [
    "The mayor spoke on Monday about the budget.",
    "The mayor spoke on Tuesday about the budget.",
    "Taxes will rise next year.",
    "Sen. Whitfield said the U.S. plan was dead.",
    "“It is over,” she said.",
    "Parks will close at nine every night.",
    "Parks will close at ten every night.",
    "A vote is due in March.",
    "Police declined to comment.",
    "Police declined to comment.",
    "The river rose 2 metres.",
    "The river rose 3 metres on Friday.",
]


def whole(old: str, new: str) -> list[tuple[object, ...]]:
    return [
        (e.action, list(e.reasons), e.old_index, e.new_index, e.old, e.new)
        for e in sentence_edits(segment(old), segment(new), rules=DEFAULT_RULES)
    ]


def windowed(old: str, new: str) -> list[tuple[object, ...]]:
    splitter = SentenceSplitter()
    return list(edit_operations(splitter.split(old), splitter.split(new), DEFAULT_RULES))


def text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


def test_the_split_is_the_segmentation() -> None:
    body = "  Sen. Smith spoke.  He left.\r\n\r\nU.S. troops arrived. \u2028Then rain.\n  \n"
    split = SentenceSplitter().split(body)
    found = segment(body)
    assert list(split.sentences) == [s.text for s in found.sentences]
    assert list(split.paragraphs) == [s.paragraph for s in found.sentences]


_PIECES = st.sampled_from(
    ["Sen.", "Smith", "said", "U.S.", "it", "was", "over.", "“Done.”", "3.", "März", "L'avion",
     "(AP)", "Inc.", "The", "vote", "ends!", "Why?", "«", "»", '"', "Jan.", "5", "…", "\u00a0",
     "\t", "\r\n", "\n", "\u2028", "  "]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_any_split_is_the_segmentation(pieces: list[str]) -> None:
    """Each paragraph split on its own gives the sentences of segmenting the whole text."""
    body = " ".join(pieces)
    split = SentenceSplitter().split(body)
    found = segment(body)
    assert list(split.sentences) == [s.text for s in found.sentences]
    assert list(split.paragraphs) == [s.paragraph for s in found.sentences]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # A typo in the middle, an added sentence, a deleted one, an appended paragraph.
        ([[POOL[0], POOL[2]], [POOL[5]]], [[POOL[1], POOL[2]], [POOL[5]]]),
        ([[POOL[0], POOL[2]], [POOL[5]]], [[POOL[0], POOL[3], POOL[2]], [POOL[5]]]),
        ([[POOL[0], POOL[2], POOL[3]], [POOL[5]]], [[POOL[0], POOL[3]], [POOL[5]]]),
        ([[POOL[0]], [POOL[5]]], [[POOL[0]], [POOL[5]], [POOL[7], POOL[8]]]),
        # A move, and a swap of neighbours.
        ([[POOL[0], POOL[2]], [POOL[5], POOL[7]]], [[POOL[5], POOL[0], POOL[2]], [POOL[7]]]),
        ([[POOL[0], POOL[2], POOL[3], POOL[4]]], [[POOL[0], POOL[3], POOL[2], POOL[4]]]),
        # A repeated sentence inside the changed stretch and among the shared ones.
        ([[POOL[8], POOL[0], POOL[8]]], [[POOL[8], POOL[8], POOL[1], POOL[8]]]),
        ([[POOL[8], POOL[0]], [POOL[2]]], [[POOL[8], POOL[2], POOL[8]], [POOL[2]]]),
        # Everything rewritten; nothing left; nothing before.
        ([[POOL[0], POOL[2]]], [[POOL[10], POOL[11]]]),
        ([[POOL[0], POOL[2]]], [[]]),
        ([[]], [[POOL[0]]]),
    ],
)
def test_operations_match_whole_alignment(old: list[list[str]], new: list[list[str]]) -> None:
    expected = whole(text(old), text(new))
    assert windowed(text(old), text(new)) == expected
    assert expected or text(old) == text(new)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_random_revisions_match_whole_alignment(seed: int) -> None:
    rng = random.Random(seed)
    old = [rng.sample(POOL, rng.randint(1, 4)) for _ in range(rng.randint(1, 5))]
    new = [list(p) for p in old]
    for _ in range(rng.randint(1, 3)):
        paragraph = new[rng.randrange(len(new))]
        kind = rng.choice(["insert", "delete", "replace", "move", "paragraph"])
        if kind == "insert":
            paragraph.insert(rng.randint(0, len(paragraph)), rng.choice(POOL))
        elif kind == "delete" and paragraph:
            paragraph.pop(rng.randrange(len(paragraph)))
        elif kind == "replace" and paragraph:
            paragraph[rng.randrange(len(paragraph))] = rng.choice(POOL)
        elif kind == "move" and paragraph:
            moved = paragraph.pop(rng.randrange(len(paragraph)))
            new[rng.randrange(len(new))].insert(0, moved)
        else:
            new.insert(rng.randint(0, len(new)), [rng.choice(POOL)])
    assert windowed(text(old), text(new)) == whole(text(old), text(new))
