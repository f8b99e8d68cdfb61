"""Judge how much a new version changed, and why.

``analyse`` aligns the sentences of two versions, classifies every change into reason
codes (see ``docs/analysis.md``) and takes the highest level among them: ``none`` <
``cosmetic`` < ``minor`` < ``substantive``. A change is ``stealth`` when it is substantive
but the page neither declares a new modification time nor adds a correction or update note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import attrs

from ..diff import word_counts
from ..diff.sentences import word_set
from ..errors import InputError
from ..models import Version
from ..times import format_time
from ._counting import WORD as _WORD
from ._counting import count_words
from ._hunks import edit_distance, hunks
from ._quoting import Detail, change_detail, collapse, quote, spaced
from ._speech import Speech, inside
from .align import Alignment, AlignmentCounts, align
from .rules import DEFAULT_RULES, LEVELS, Level, Rules, compile_patterns

__all__ = ["SUMMARY_FORMAT_VERSION", "Analysis", "Reason", "analyse", "analyse_texts"]

SUMMARY_FORMAT_VERSION = 1

_RUNS = re.compile(r"\w++")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_MONTHS = word_set(
    """january february march april may june july august september october november
    december jan jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug. sep sep. sept
    sept. oct oct. nov nov. dec dec."""
)
_DAYS = word_set(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    tonight weekend"""
)
_NUMBER_WORDS = word_set(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred hundreds thousand thousands million millions billion billions
    trillion dozen dozens half percent first second third fourth fifth"""
)
# Short function words whose small spelling changes alter meaning ("not" → "now").
_NOT_TYPO = word_set(
    """not now no new nor non can can't cannot could would should will won't wont did didn't
    does doesn't was wasn't were weren't is isn't are aren't has hasn't had hadn't never
    ever"""
)
# After these, a capital letter says nothing about names.
_OPENING = frozenset(".!?:;“\"‘'(—–-")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


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
    # These modules build on this one's reason collector.
    from .headlines import judge_headlines
    from .liveblog import judge_live_blog
    from .page import judge_page

    found = _Found(rules)
    alignment = judge_live_blog(old, new, rules, found)
    if alignment is None:
        alignment = _analyse_body(old.text, new.text, rules, found)
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
    found = _Found(rules)
    alignment = _analyse_body(old, new, rules, found)
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


class _Found:
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


def _analyse_body(old: str, new: str, rules: Rules, found: _Found) -> Alignment:
    alignment = align(old, new, pair_threshold=rules.pair_threshold)
    boilerplate = compile_patterns(rules.boilerplate_patterns)
    correction = compile_patterns(rules.correction_patterns)
    update = compile_patterns(rules.update_patterns)
    verbs = _speech_verbs(rules)

    # A sentence is looked up again when its paragraph is judged whole: each answer is kept.
    notes: dict[str, str | None] = {}
    boilerplates: dict[str, bool] = {}

    def note(text: str) -> str | None:
        if text in notes:
            return notes[text]
        found_note = None
        if correction is not None and correction.search(text):
            found_note = "correction-note"
        elif update is not None and update.search(text):
            found_note = "update-note"
        notes[text] = found_note
        return found_note

    def is_boilerplate(text: str | None) -> bool:
        if text is None or boilerplate is None:
            return False
        answer = boilerplates.get(text)
        if answer is None:
            answer = boilerplates[text] = bool(boilerplate.search(text))
        return answer

    added_paras = set(alignment.added_paragraphs)
    deleted_paras = set(alignment.deleted_paragraphs)
    for change in alignment.changed:
        kind = change.kind
        if is_boilerplate(change.old) or is_boilerplate(change.new):
            found.add_quoted("boilerplate", change.new if change.new is not None else change.old)
            continue
        if change.new is not None and kind != "moved" and (code := note(change.new)):
            found.add_quoted(code, change.new)
            continue
        if kind == "added":
            assert change.new is not None
            found.words_added += _word_count(change.new)
            if change.new_paragraph in added_paras:
                continue  # reported once per paragraph below
            found.add_quoted("sentence-added", change.new)
        elif kind == "deleted":
            assert change.old is not None
            found.words_removed += _word_count(change.old)
            if change.old_paragraph in deleted_paras:
                continue
            found.add_quoted("sentence-deleted", change.old)
        else:
            assert change.old is not None and change.new is not None
            if kind == "moved":
                found.add_quoted("sentence-moved", change.new)
            _classify_edit(change.old, change.new, rules, verbs, found)
    _add_paragraphs(alignment, added_paras, deleted_paras, is_boilerplate, note, found)
    # A rewrite both removes and adds words (unless any share is enough): only then are the
    # versions' words counted.
    needed = (found.words_removed and found.words_added) or rules.rewrite_threshold <= 0
    old_words, new_words = _word_totals(alignment) if needed else (0, 0)
    if (
        old_words
        and new_words
        and found.words_removed / old_words >= rules.rewrite_threshold
        and found.words_added / new_words >= rules.rewrite_threshold
    ):
        found.add("rewrite", f"{found.words_removed} of {old_words} words replaced")
    if old != new and not alignment.has_changes:
        found.add("whitespace", "spacing between sentences or paragraphs")
    return alignment


@lru_cache(maxsize=8)
def _speech_verbs(rules: Rules) -> frozenset[str]:
    """The rules' speech verbs, lowercased: every judged edit looks words up in them."""
    return frozenset(v.lower() for v in rules.speech_verbs)


def _add_paragraphs(
    alignment: Alignment,
    added: set[int],
    deleted: set[int],
    is_boilerplate: Any,
    note: Any,
    found: _Found,
) -> None:
    for code, paras, side in (
        ("paragraph-added", added, alignment.new_outline),
        ("paragraph-deleted", deleted, alignment.old_outline),
    ):
        if not paras:
            continue
        # Each paragraph's sentences, found in one pass over the side (a rewrite adds dozens).
        by_para: dict[int, list[str]] = {}
        for text, p in zip(side.texts, side.paragraph_of, strict=True):
            if p in paras:
                by_para.setdefault(p, []).append(text)
        for para in sorted(paras):
            texts = by_para.get(para, [])
            # A paragraph that is only boilerplate, or opens with a correction or update
            # note, was reported as such already.
            if (texts and note(texts[0])) or all(is_boilerplate(t) or note(t) for t in texts):
                continue
            found.add_quoted(code, " ".join(texts))


def _classify_edit(old: str, new: str, rules: Rules, verbs: frozenset[str], found: _Found) -> None:
    """Add the reasons for one sentence edited from ``old`` to ``new``."""
    if old == new:
        return
    if spaced(old) == spaced(new):
        found.add("whitespace", f"spacing in {quote(new, 40)}")
        return
    # The sentences' runs of word characters: what is left of them with the punctuation
    # made spaces and the spacing collapsed, compared without building those strings.
    old_runs, new_runs = _RUNS.findall(old), _RUNS.findall(new)
    if old_runs == new_runs:
        found.add_lazily("punctuation", lambda: change_detail(old, new))
        return
    if " ".join(old_runs).casefold() == " ".join(new_runs).casefold():
        old_n, new_n = collapse(old), collapse(new)
        found.add_lazily("capitalisation", lambda: change_detail(old_n, new_n))
        if old_n.casefold() != new_n.casefold():
            found.add_lazily("punctuation", lambda: change_detail(old_n, new_n))
        return
    old_w = [(m.group(), m.start()) for m in _WORD.finditer(old)]
    new_w = [(m.group(), m.start()) for m in _WORD.finditer(new)]
    old_quotes = [m.span() for m in _QUOTED.finditer(old)]
    new_quotes = [m.span() for m in _QUOTED.finditer(new)]
    wording = 0
    first_wording = ""
    speech = Speech(verbs, old_w, old_quotes, new_w, new_quotes)
    for gone, came, before, span in hunks(old_w, new_w):
        gone_words = [w for w, _ in gone]
        came_words = [w for w, _ in came]
        found.words_removed += len(gone_words)
        found.words_added += len(came_words)
        detail = Detail(old, new, old_w, new_w, span)
        category = _categorise(gone_words, came_words, before, gone, came, old, new, rules)
        if category is None:
            continue  # only punctuation attached to words changed
        if category in ("capitalisation", "typo"):
            found.add_lazily(category, detail)
            continue
        in_quote = any(inside(pos, old_quotes) for _, pos in gone) or any(
            inside(pos, new_quotes) for _, pos in came
        )
        told = False
        if in_quote:
            found.add_lazily("quote-changed", detail)
            told = True
        elif speech.near(gone, 0) or speech.near(came, 1):
            found.add_lazily("attribution-changed", detail)
            told = True
        if category == "wording":
            wording += max(len(gone_words), len(came_words))
            if not told:
                # A changed quote is already reported; the same words once more say nothing new.
                first_wording = first_wording or detail()
        else:
            found.add_lazily(category, detail)
    if wording >= rules.rewritten_sentence_words:
        found.add_lazily("sentence-rewritten", lambda: first_wording or change_detail(old, new))
    elif first_wording:
        found.add("wording-changed", first_wording)


def _categorise(
    gone: list[str],
    came: list[str],
    before: str | None,
    gone_pos: list[tuple[str, int]],
    came_pos: list[tuple[str, int]],
    old: str,
    new: str,
    rules: Rules,
) -> str | None:
    plain_gone = [w.rstrip(".") for w in gone]
    plain_came = [w.rstrip(".") for w in came]
    if plain_gone == plain_came:
        return None
    if [w.casefold() for w in plain_gone] == [w.casefold() for w in plain_came]:
        return "capitalisation"
    changed = [w.lower() for w in plain_gone + plain_came]
    if any(w in _MONTHS or w in _DAYS or _YEAR.match(w) for w in changed) or (
        before is not None and before.lower() in _MONTHS and _has_number(changed)
    ):
        return "date-changed"
    if _has_number(changed):
        return "number-changed"
    if len(plain_gone) == 1 and len(plain_came) == 1:
        a, b = plain_gone[0], plain_came[0]
        if (
            a.isalpha()
            and b.isalpha()
            and min(len(a), len(b)) >= 4
            and a.lower() not in _NOT_TYPO
            and b.lower() not in _NOT_TYPO
            and edit_distance(a.lower(), b.lower()) <= rules.typo_max_edits
            and edit_distance(a.lower(), b.lower()) * 3 <= max(len(a), len(b))
        ):
            return "typo"
    if _has_name(gone_pos, old) or _has_name(came_pos, new):
        return "name-changed"
    return "wording"


def _has_number(words: list[str]) -> bool:
    return any(any(map(str.isdigit, w)) or w in _NUMBER_WORDS for w in words)


def _has_name(words: list[tuple[str, int]], sentence: str) -> bool:
    """Whether ``words`` hold a capitalised word that does not open a sentence or quotation."""
    for w, pos in words:
        if not w[:1].isupper() or w.lower().rstrip(".") in _MONTHS or w.lower() in _DAYS:
            continue
        before = sentence[:pos].rstrip()
        if not before:
            continue
        # A straight quote right after a word closes a quotation rather than opening one.
        closing = before[-1] in "\"'" and len(before) > 1 and not before[-2].isspace()
        if closing or before[-1] not in _OPENING:
            return True
    return False


def _analyse_fields(old: Version, new: Version, found: _Found) -> None:
    if (old.title or "") != (new.title or ""):
        probe = _Found(found.rules)
        _classify_edit(old.title or "", new.title or "", found.rules, frozenset(), probe)
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


def _word_totals(alignment: Alignment) -> tuple[int, int]:
    old, new = alignment.old_outline, alignment.new_outline
    old_total = old.derived.get("words")
    if old_total is None:
        # Words never hold whitespace, so the sentences joined by spaces have as many as
        # they have one by one, counted in one scan.
        old_total = old.derived["words"] = count_words(" ".join(old.texts))
    new_total = new.derived.get("words")
    if new_total is None:
        changed = alignment.changed
        if len(changed) > _FEW_CHANGES:
            # A rewrite changes most sentences: one scan of the new text counts fewer words.
            new_total = count_words(" ".join(new.texts))
        else:
            # Every unchanged sentence is on both sides: only the others make a difference.
            gone = sum(_word_count(c.old) for c in changed if c.old is not None)
            came = sum(_word_count(c.new) for c in changed if c.new is not None)
            new_total = old_total - gone + came
        new.derived["words"] = new_total
    return old_total, new_total


# Changed sentences up to this many are counted one by one to find a new version's words.
_FEW_CHANGES = 16


@lru_cache(maxsize=8192)
def _word_count(sentence: str) -> int:
    # Successive versions share most sentences, so counts are worth keeping.
    return len(_WORD.findall(sentence))
