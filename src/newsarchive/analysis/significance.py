"""Judge how much a new version changed, and why.

``analyse`` aligns the sentences of two versions, classifies every change into reason
codes (see ``docs/analysis.md``) and takes the highest level among them: ``none`` <
``cosmetic`` < ``minor`` < ``substantive``. A change is ``stealth`` when it is substantive
but the page neither declares a new modification time nor adds a correction or update note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..diff import word_counts
from ..errors import InputError
from ..models import Version
from ..times import format_time
from ._body import analyse_body, classify_edit
from ._quoting import collapse, quote
from .align import Alignment, AlignmentCounts
from .headlines import judge_headlines
from .liveblog import judge_live_blog
from .page import judge_page
from .reasons import Found, Reason
from .rules import DEFAULT_RULES, LEVELS, Level, Rules

__all__ = ["SUMMARY_FORMAT_VERSION", "Analysis", "Reason", "analyse", "analyse_texts"]

SUMMARY_FORMAT_VERSION = 1


@attrs.frozen(kw_only=True)
class Analysis:
    """How much a version changed from the one before, and why.

    ``alignment`` is the sentence alignment the judgement came from; it is not
    part of the summary and not compared for equality.
    """

    level: Level
    reasons: tuple[Reason, ...]
    counts: AlignmentCounts
    stealth: bool
    rules_id: str
    words_added: int = 0
    words_removed: int = 0
    alignment: Alignment | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(r.code for r in self.reasons)

    def to_summary(self) -> dict[str, Any]:
        """A compact JSON-ready dict to store with a version.

        Returns:
            ``format_version``, ``level``, ``reasons`` (code, level, count, detail),
            ``counts``, ``words_added``, ``words_removed``, ``stealth``, ``rules_id``.
        """
        return {
            "format_version": SUMMARY_FORMAT_VERSION,
            "level": self.level,
            "reasons": [
                {"code": r.code, "level": r.level, "count": r.count, "detail": r.detail}
                for r in self.reasons
            ],
            "counts": self.counts.to_dict(),
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "stealth": self.stealth,
            "rules_id": self.rules_id,
        }

    @classmethod
    def from_summary(cls, data: Mapping[str, Any]) -> Analysis:
        """Rebuild an analysis (without its alignment) from ``to_summary()`` output.

        Args:
            data: A stored summary.

        Returns:
            The analysis; equal to the one summarised.

        Raises:
            InputError: The summary is malformed or from a newer format.
        """
        try:
            if data["format_version"] > SUMMARY_FORMAT_VERSION:
                raise InputError(
                    f"analysis summary format {data['format_version']} is newer than this "
                    f"version of newsarchive understands ({SUMMARY_FORMAT_VERSION})"
                )
            if data["level"] not in LEVELS:
                raise InputError(f"unknown analysis level {data['level']!r}")
            return cls(
                level=data["level"],
                reasons=tuple(Reason(**r) for r in data["reasons"]),
                counts=AlignmentCounts(**data["counts"]),
                words_added=data.get("words_added", 0),
                words_removed=data.get("words_removed", 0),
                stealth=bool(data["stealth"]),
                rules_id=data["rules_id"],
            )
        except (KeyError, TypeError) as exc:
            raise InputError(f"malformed analysis summary: {exc}") from None


def analyse(
    old: Version | None,
    new: Version,
    *,
    rules: Rules = DEFAULT_RULES,
    history: Sequence[Version] = (),
) -> Analysis:
    """Judge the change from ``old`` to ``new``.

    Args:
        old: The previous version, or None when ``new`` is the first one.
        new: The version to judge.
        rules: Thresholds, patterns and levels.
        history: Earlier versions of the article; used to notice a return to an
            earlier state when ``new.reverted_to`` is not set.

    Returns:
        The analysis. A first version has level ``none`` and no reasons.
    """
    if old is None:
        return Analysis(
            level="none", reasons=(), counts=AlignmentCounts(), stealth=False,
            rules_id=rules.rules_id,
        )  # fmt: skip
    found = Found(rules)
    alignment = judge_live_blog(old, new, rules, found)
    if alignment is None:
        alignment = analyse_body(old.text, new.text, rules, found)
    found = judge_page(old, new, alignment, found)
    _analyse_fields(old, new, found)
    judge_headlines(old, new, history, found)
    reverted_to = new.reverted_to
    if reverted_to is None:
        reverted_to = _find_revert(old, new, history)
    if reverted_to is not None:
        found.add("reverted", f"returned to version {reverted_to}")
    level = found.level()
    notes = {"correction-note", "update-note"} & found.codes()
    declared = new.modified_at is not None and new.modified_at != old.modified_at
    return Analysis(
        level=level,
        reasons=found.reasons(),
        counts=alignment.counts,
        **_word_counts(old.text, new.text),
        stealth=level == "substantive" and not declared and not notes,
        rules_id=rules.rules_id,
        alignment=alignment,
    )


def _word_counts(old: str, new: str) -> dict[str, int]:
    # The diff's own counts, so every view of a change (CLI, JSON, report, feed) agrees.
    added, removed = word_counts(old, new)
    return {"words_added": added, "words_removed": removed}


def analyse_texts(old: str, new: str, *, rules: Rules = DEFAULT_RULES) -> Analysis:
    """Judge the change between two bodies of text, without metadata.

    Args:
        old: The earlier text.
        new: The later text.
        rules: Thresholds, patterns and levels.

    Returns:
        The analysis; ``stealth`` is True for any substantive change, since
        plain texts declare no modification time.
    """
    found = Found(rules)
    alignment = analyse_body(old, new, rules, found)
    level = found.level()
    notes = {"correction-note", "update-note"} & found.codes()
    return Analysis(
        level=level,
        reasons=found.reasons(),
        counts=alignment.counts,
        **_word_counts(old, new),
        stealth=level == "substantive" and not notes,
        rules_id=rules.rules_id,
        alignment=alignment,
    )


def _analyse_fields(old: Version, new: Version, found: Found) -> None:
    if (old.title or "") != (new.title or ""):
        probe = Found(found.rules)
        classify_edit(old.title or "", new.title or "", found.rules, frozenset(), probe)
        cosmetic = probe.codes() <= {"whitespace", "punctuation", "capitalisation"}
        code = "headline-restyled" if cosmetic else "headline-changed"
        found.add(code, f"{quote(old.title or '')} → {quote(new.title or '')}")
    if collapse(old.byline or "") != collapse(new.byline or ""):
        found.add("byline-changed", f"{quote(old.byline or '')} → {quote(new.byline or '')}")
    for name in ("published_at", "modified_at"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            label = _DATE_LABELS[name]
            change = f"{_iso(before)} → {_iso(after)}"
            if before is None or after is None:
                change = f"set to {_iso(after)}" if after else f"removed (was {_iso(before)})"
            found.add("dates-changed", f"{label} {change}")


def _find_revert(old: Version, new: Version, history: Sequence[Version]) -> int | None:
    matches = [
        v.number
        for v in history
        if v.number < old.number and v.content_hash == new.content_hash and v.id != new.id
    ]
    return max(matches) if matches else None


_DATE_LABELS = {"published_at": "published", "modified_at": "last modified"}


def _iso(value: Any) -> str:
    # The same form as every other time the archive prints: UTC with a "Z".
    return format_time(value) or ""
