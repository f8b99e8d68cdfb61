"""Judging a body of text edited: its sentences aligned, each change given its reasons.

``analyse_body`` is the body's part of an analysis; headlines, dates, pages and live
blogs are judged beside it (see ``significance``). ``classify_edit`` judges one sentence
edited, the most detailed judgement of all: numbers, names, quotes, attributions, typos.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..diff.sentences import word_set
from ._counting import WORD as _WORD
from ._counting import count_words
from ._hunks import edit_distance, hunks
from ._quoting import Detail, change_detail, collapse, quote, spaced
from ._speech import Speech, inside
from .align import Alignment, align
from .reasons import Found
from .rules import Rules, compile_patterns

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


def analyse_body(old: str, new: str, rules: Rules, found: Found) -> Alignment:
    alignment = align(old, new, pair_threshold=rules.pair_threshold)
    boilerplate = compile_patterns(rules.boilerplate_patterns)
    correction = compile_patterns(rules.correction_patterns)
    update = compile_patterns(rules.update_patterns)
    verbs = speech_verbs(rules)

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
            found.words_added += word_count(change.new)
            if change.new_paragraph in added_paras:
                continue  # reported once per paragraph below
            found.add_quoted("sentence-added", change.new)
        elif kind == "deleted":
            assert change.old is not None
            found.words_removed += word_count(change.old)
            if change.old_paragraph in deleted_paras:
                continue
            found.add_quoted("sentence-deleted", change.old)
        else:
            assert change.old is not None and change.new is not None
            if kind == "moved":
                found.add_quoted("sentence-moved", change.new)
            classify_edit(change.old, change.new, rules, verbs, found)
    _add_paragraphs(alignment, added_paras, deleted_paras, is_boilerplate, note, found)
    # A rewrite both removes and adds words (unless any share is enough): only then are the
    # versions' words counted.
    needed = (found.words_removed and found.words_added) or rules.rewrite_threshold <= 0
    old_words, new_words = word_totals(alignment) if needed else (0, 0)
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
def speech_verbs(rules: Rules) -> frozenset[str]:
    """The rules' speech verbs, lowercased: every judged edit looks words up in them."""
    return frozenset(v.lower() for v in rules.speech_verbs)


def _add_paragraphs(
    alignment: Alignment,
    added: set[int],
    deleted: set[int],
    is_boilerplate: Any,
    note: Any,
    found: Found,
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


def classify_edit(old: str, new: str, rules: Rules, verbs: frozenset[str], found: Found) -> None:
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


def word_totals(alignment: Alignment) -> tuple[int, int]:
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
            gone = sum(word_count(c.old) for c in changed if c.old is not None)
            came = sum(word_count(c.new) for c in changed if c.new is not None)
            new_total = old_total - gone + came
        new.derived["words"] = new_total
    return old_total, new_total


# Changed sentences up to this many are counted one by one to find a new version's words.
_FEW_CHANGES = 16


@lru_cache(maxsize=8192)
def word_count(sentence: str) -> int:
    # Successive versions share most sentences, so counts are worth keeping.
    return len(_WORD.findall(sentence))
