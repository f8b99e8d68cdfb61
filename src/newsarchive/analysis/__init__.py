"""Change analysis: sentences, their alignment between versions, significance and blame.

Everything here is pure: it takes texts or ``Version`` values and returns frozen
values, with no I/O.
"""

from __future__ import annotations

from newsarchive.analysis.align import Alignment, AlignmentCounts, SentenceChange, align
from newsarchive.analysis.sentences import (
    Paragraph,
    Segmentation,
    Sentence,
    segment,
    split_sentences,
)

__all__ = [
    "Alignment",
    "AlignmentCounts",
    "Paragraph",
    "Segmentation",
    "Sentence",
    "SentenceChange",
    "align",
    "segment",
    "split_sentences",
]
