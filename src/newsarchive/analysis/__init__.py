"""Change analysis: sentences, their alignment between versions, significance and blame.

Everything here is pure: it takes texts or ``Version`` values and returns frozen
values, with no I/O.
"""

from __future__ import annotations

from ..diff.sentences import (
    Paragraph,
    Segmentation,
    Sentence,
    paragraph_sentences,
    segment,
    split_sentences,
)
from .align import Alignment, AlignmentCounts, SentenceChange, align
from .blame import BlameLine, blame
from .rules import DEFAULT_LEVELS, DEFAULT_RULES, LEVELS, Level, Rules
from .significance import Analysis, Reason, analyse, analyse_texts

__all__ = [
    "DEFAULT_LEVELS",
    "DEFAULT_RULES",
    "LEVELS",
    "Alignment",
    "AlignmentCounts",
    "Analysis",
    "BlameLine",
    "Level",
    "Paragraph",
    "Reason",
    "Rules",
    "Segmentation",
    "Sentence",
    "SentenceChange",
    "align",
    "analyse",
    "analyse_texts",
    "blame",
    "paragraph_sentences",
    "segment",
    "split_sentences",
]
