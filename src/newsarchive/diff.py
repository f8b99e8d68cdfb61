"""Compute what changed between two texts, or two versions of an article.

The diff is built on diff-match-patch and is a pure, deterministic function of
its inputs: the same texts give the same runs on any machine, however fast.

Word, sentence and paragraph diffs work on tokens rather than characters: each
distinct token is mapped to one private code point, the coded strings are
diffed, and the result is decoded (the ``diff_linesToChars`` technique). Texts
are diffed paragraph by paragraph first and only the changed stretches are
diffed at the requested granularity, so an article where a few sentences
changed costs little more than comparing it with itself.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import partial
from typing import Any, cast

from diff_match_patch import diff_match_patch

from .errors import InputError
from .models import (
    DELETE,
    EQUAL,
    GRANULARITIES,
    INSERT,
    DiffOp,
    DiffStats,
    FieldChange,
    Granularity,
    TextDiff,
    Version,
    VersionDiff,
)

__all__ = ["diff_texts", "diff_versions", "diff_summary"]

_Ops = list[tuple[int, str]]
_Tokenizer = Callable[[str], list[str]]

# Largest min(n, m) * (n + m) over the changed middle of two token sequences
# that is handed to the Myers diff. Its cost grows with that product (40 to 80 ms
# at this bound on a 2 GHz core, when little matches); past it the text is
# split into paragraphs or sentences, which are paired by similarity instead.
# The bound counts tokens, never time, so results do not depend on the machine.
# The budget is for one whole diff, summed over its hunks: a text rewritten in every
# paragraph falls back to whole-paragraph changes once it is spent.
_WORK_BUDGET = 200_000
_budget_left: ContextVar[list[int]] = ContextVar("_budget_left")


def _spend(cost: int) -> bool:
    """Take ``cost`` from this diff's budget; False (taking nothing) if too little is left."""
    left = _budget_left.get([_WORK_BUDGET])
    if cost > left[0]:
        return False
    left[0] -= cost
    return True


# Similarity (Dice coefficient of word sets) from which two units are paired.
_PAIR_THRESHOLD = 0.4
# Candidate partners looked at per unit, and rare words used to find them.
_PAIR_CANDIDATES = 3
_PAIR_PROBE_WORDS = 8
# Occurrences of a probe word considered, those nearest the unit's position:
# this keeps very common words and repeated lines from costing quadratic time.
_PAIR_POSTINGS = 16

# Unchanged tokens kept on each side of a changed middle for the clean-up.
_CLEANUP_CONTEXT = 8

# Unchanged characters kept on each side of a change before word tokenizing,
# and how far to look for a word boundary beyond them.
_WINDOW_MARGIN = 64
_BOUNDARY_SCAN = 256

_WORD_RE = re.compile(r"\w+")
_WORD_TOKEN_RE = re.compile(r"\w+|\s+|.", re.DOTALL)
# A sentence ends at terminal punctuation (plus closing quotes or brackets)
# followed by whitespace, at a line break, or at the end of the text; it keeps
# the whitespace that follows it.
_SENTENCE_RE = re.compile(r"[^\n]*?(?:[.!?…]+['\"”’»)\]]*(?=\s|\Z)|(?=\n)|\Z)\s*", re.DOTALL)
# A paragraph is one line with its line break plus any blank lines after it, so
# both "one paragraph per line" and "blank line between paragraphs" work.
_PARAGRAPH_RE = re.compile(r"[^\n]*(?:\n(?:[ \t\r\f\v]*\n)*)?")

_ZWJ = "\u200d"
# Characters that may join the token before them: everything but Latin, IPA and spacing
# modifiers (below U+0300, which holds no mark) and General Punctuation other than the
# zero-width joiner. Text without them, as most news is, tokenizes in one pass.
_MAYBE_JOINING_RE = re.compile("[^\x00-\u02ff\u2000-\u200c\u200e-\u206f]")


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    # The default Diff_Timeout (1 s) makes diff_main give up at a wall-clock
    # deadline, so results would depend on machine speed and load. Infinity
    # never hits the deadline, yet keeps the half-match speed-up that a
    # timeout of 0 would switch off. Work is bounded by _WORK_BUDGET instead.
    dmp.Diff_Timeout = float("inf")
    return dmp


_DMP = _dmp()


# --- tokenizers -------------------------------------------------------------


def _is_extender(char: str) -> bool:
    """Whether ``char`` belongs to the character cluster before it."""
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _split_words(text: str) -> list[str]:
    """Runs of word characters, runs of whitespace, and single other characters.

    Combining marks, joiners and emoji modifiers stay with the character they
    modify, and flags stay whole, so no diff splits a visible character.
    """
    tokens: list[str] = _WORD_TOKEN_RE.findall(text)
    if text.isascii() or not _MAYBE_JOINING_RE.search(text):
        return tokens
    out: list[str] = []
    for token in tokens:
        if out:
            prev = out[-1]
            first = token[0]
            if (
                _is_extender(first)
                or prev[-1] == _ZWJ
                or (first.isalnum() and _is_extender(prev[-1]) and prev[0].isalnum())
                or (
                    len(prev) == 1
                    and _is_regional_indicator(prev)
                    and _is_regional_indicator(first)
                )
            ):
                out[-1] = prev + token
                continue
        out.append(token)
    return out


def _split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_RE.findall(text) if s]


def _split_paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPH_RE.findall(text) if p]


# --- token diff -------------------------------------------------------------


def _code_point(index: int) -> str:
    """The index-th code point used to stand for a token.

    The supplementary private use planes come first: their characters are
    neither letters nor spaces, so diff-match-patch's boundary scoring treats
    every token boundary alike. Surrogates are skipped; together there are
    1,112,064 codes, more than any sequence within _WORK_BUDGET can need.
    """
    if index < 0x20000:
        return chr(0xF0000 + index)
    index -= 0x20000
    if index < 0xF0000 - 0xE000:
        return chr(0xE000 + index)
    return chr(index - (0xF0000 - 0xE000))


def _encode(a: Sequence[str], b: Sequence[str]) -> tuple[str, str, dict[str, str]]:
    codes: dict[str, str] = {}
    for token in (*a, *b):
        if token not in codes:
            codes[token] = _code_point(len(codes))
    decode = {code: token for token, code in codes.items()}
    return "".join([codes[t] for t in a]), "".join([codes[t] for t in b]), decode


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: Sequence[str], b: Sequence[str], limit: int) -> int:
    n = 0
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _token_diff(a: Sequence[str], b: Sequence[str], *, cleanup: bool) -> _Ops | None:
    """Diff two token sequences, or return None if that would exceed the budget."""
    prefix = _common_prefix(a, b)
    suffix = _common_suffix(a, b, min(len(a), len(b)) - prefix)
    n, m = len(a) - prefix - suffix, len(b) - prefix - suffix
    if not _spend(min(n, m) * (n + m)):
        return None
    # Only the changed middle is encoded (so codes never run out), with a few
    # unchanged tokens either side so the clean-up can slide edits to word
    # boundaries ("would {+not +}reopen" rather than "would{+ not+} reopen").
    start = max(0, prefix - _CLEANUP_CONTEXT)
    tail = min(suffix, _CLEANUP_CONTEXT)
    coded_a, coded_b, decode = _encode(
        a[start : len(a) - suffix + tail], b[start : len(b) - suffix + tail]
    )
    coded = _DMP.diff_main(coded_a, coded_b, False)
    if cleanup:
        _DMP.diff_cleanupSemantic(coded)
    ops: _Ops = [(EQUAL, "".join(a[:start]))]
    ops.extend((op, "".join([decode[c] for c in text])) for op, text in coded)
    ops.append((EQUAL, "".join(a[len(a) - suffix + tail :])))
    return ops


def _char_diff(a: str, b: str) -> _Ops | None:
    """Character diff with semantic cleanup, or None if over the budget."""
    prefix = _DMP.diff_commonPrefix(a, b)
    suffix = _DMP.diff_commonSuffix(a[prefix:], b[prefix:])
    n, m = len(a) - prefix - suffix, len(b) - prefix - suffix
    if not _spend(min(n, m) * (n + m)):
        return None
    ops: _Ops = _DMP.diff_main(a, b, False)
    _DMP.diff_cleanupSemantic(ops)
    return ops


# --- pairing units of large changes -----------------------------------------


def _pair_units(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Pair similar units of ``a`` and ``b`` keeping their order.

    Each unit of ``a`` proposes a few units of ``b`` (identical text, or sharing
    rare words); proposals at least _PAIR_THRESHOLD similar are kept, and the
    ordered chain of pairs with the greatest total similarity is returned.
    Cost is near-linear in the number of units.
    """
    words_a = [frozenset(_WORD_RE.findall(u.lower())) for u in a]
    words_b = [frozenset(_WORD_RE.findall(u.lower())) for u in b]
    by_text: dict[str, list[int]] = {}
    by_word: dict[str, list[int]] = {}
    for j, unit in enumerate(b):
        by_text.setdefault(unit, []).append(j)
        for word in words_b[j]:
            by_word.setdefault(word, []).append(j)
    scale = len(b) / max(len(a), 1)

    candidates: list[tuple[int, int, float]] = []
    for i, unit in enumerate(a):
        diagonal = i * scale
        if unit in by_text:
            near = _nearest(by_text[unit], diagonal, _PAIR_CANDIDATES)
            candidates.extend((i, j, 1.0) for j in near)
            continue
        words = words_a[i]
        probes = sorted((w for w in words if w in by_word), key=lambda w: (len(by_word[w]), w))
        hits: Counter[int] = Counter()
        for word in probes[:_PAIR_PROBE_WORDS]:
            hits.update(_nearest(by_word[word], diagonal, _PAIR_POSTINGS))
        ranked = sorted(hits, key=lambda j: (-hits[j], abs(j - diagonal), j))
        for j in ranked[:_PAIR_CANDIDATES]:
            shared = len(words & words_b[j])
            score = 2 * shared / (len(words) + len(words_b[j]))
            if score >= _PAIR_THRESHOLD:
                candidates.append((i, j, score))
    return _heaviest_chain(candidates, len(b))


def _nearest(positions: list[int], target: float, count: int) -> list[int]:
    """The ``count`` entries of a sorted list closest to ``target`` (ties: the smaller)."""
    if len(positions) <= count:
        return positions
    lo = bisect_left(positions, target)
    left, right = lo - 1, lo
    chosen: list[int] = []
    while len(chosen) < count:
        if right >= len(positions) or (
            left >= 0 and target - positions[left] <= positions[right] - target
        ):
            chosen.append(positions[left])
            left -= 1
        else:
            chosen.append(positions[right])
            right += 1
    return chosen


def _heaviest_chain(candidates: list[tuple[int, int, float]], size: int) -> list[tuple[int, int]]:
    """The chain of pairs increasing in both indices with the largest total score."""
    # Fenwick tree over j holding (best chain score ending at or before j, index).
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)
    best: list[tuple[float, int]] = []  # per candidate: (chain score, previous candidate)

    def query(j: int) -> tuple[float, int]:  # best chain ending at a j' < j
        result = (0.0, -1)
        while j > 0:
            if tree[j][0] > result[0]:
                result = tree[j]
            j -= j & -j
        return result

    def update(j: int, value: tuple[float, int]) -> None:
        j += 1
        while j <= size:
            if value[0] > tree[j][0]:
                tree[j] = value
            j += j & -j

    start = 0
    while start < len(candidates):
        # All proposals of one unit of ``a`` see only chains of earlier units.
        end = start
        while end < len(candidates) and candidates[end][0] == candidates[start][0]:
            end += 1
        for k in range(start, end):
            score, prev = query(candidates[k][1])
            best.append((score + candidates[k][2], prev))
        for k in range(start, end):
            update(candidates[k][1], (best[k][0], k))
        start = end

    if not best:
        return []
    k = max(range(len(best)), key=lambda k: (best[k][0], -k))
    chain: list[tuple[int, int]] = []
    while k != -1:
        chain.append((candidates[k][0], candidates[k][1]))
        k = best[k][1]
    chain.reverse()
    return chain


def _diff_paired(
    a: Sequence[str], b: Sequence[str], refine: Callable[[str, str], _Ops] | None
) -> _Ops:
    """Diff two unit sequences too long to align directly, by pairing units."""
    ops: _Ops = []
    i = j = 0
    for pi, pj in [*_pair_units(a, b), (len(a), len(b))]:
        ops.append((DELETE, "".join(a[i:pi])))
        ops.append((INSERT, "".join(b[j:pj])))
        if pi < len(a):
            if a[pi] == b[pj]:
                ops.append((EQUAL, a[pi]))
            elif refine is None:
                ops.extend([(DELETE, a[pi]), (INSERT, b[pj])])
            else:
                ops.extend(refine(a[pi], b[pj]))
        i, j = pi + 1, pj + 1
    return ops


# --- assembling the levels ---------------------------------------------------


def _is_word_boundary(text: str, i: int) -> bool:
    """Whether a word token starts at ``i``: whitespace after something else, or an end."""
    if i <= 0 or i >= len(text):
        return True
    return text[i].isspace() and not text[i - 1].isspace() and text[i - 1] != _ZWJ


def _word_window(old: str, new: str) -> tuple[int, int, int]:
    """Where the changed part of two texts starts and ends, widened to word boundaries.

    Returns ``(start, end_old, end_new)``: ``old[:start] == new[:start]`` and
    ``old[end_old:] == new[end_new:]``, with _WINDOW_MARGIN characters or more
    of unchanged text kept inside the window for the clean-up to look at.
    """
    prefix = _DMP.diff_commonPrefix(old, new)
    suffix = _DMP.diff_commonSuffix(old[prefix:], new[prefix:])
    start = max(0, prefix - _WINDOW_MARGIN)
    floor = max(0, start - _BOUNDARY_SCAN)
    while start > floor and not (_is_word_boundary(old, start) and _is_word_boundary(new, start)):
        start -= 1
    if start == floor:
        start = 0
    shift = len(new) - len(old)
    end = min(len(old), len(old) - suffix + _WINDOW_MARGIN)
    ceiling = min(len(old), end + _BOUNDARY_SCAN)
    while end < ceiling and not (
        _is_word_boundary(old, end) and _is_word_boundary(new, end + shift)
    ):
        end += 1
    if end == ceiling:
        end = len(old)
    return start, end, end + shift


def _fine_diff(old: str, new: str, tokenize: _Tokenizer | None) -> _Ops | None:
    if tokenize is None:
        return _char_diff(old, new)
    if tokenize is not _split_words:
        return _token_diff(tokenize(old), tokenize(new), cleanup=True)
    # Tokenize only around the change: most of a changed paragraph is unchanged.
    start, end_old, end_new = _word_window(old, new)
    ops = _token_diff(
        _split_words(old[start:end_old]), _split_words(new[start:end_new]), cleanup=True
    )
    if ops is None:
        return None
    return [(EQUAL, old[:start]), *ops, (EQUAL, old[end_old:])]


def _bounded_diff(
    old: str, new: str, tokenize: _Tokenizer | None, splitters: tuple[_Tokenizer, ...]
) -> _Ops:
    """Diff at the fine level; if too costly, split into units and pair them."""
    ops = _fine_diff(old, new, tokenize)
    if ops is not None:
        return ops
    for depth, split in enumerate(splitters):
        a, b = split(old), split(new)
        if len(a) > 1 or len(b) > 1:
            inner = partial(_bounded_diff, tokenize=tokenize, splitters=splitters[depth + 1 :])
            return _diff_paired(a, b, inner)
    # One huge sentence rewritten on both sides: show it replaced whole.
    return [(DELETE, old), (INSERT, new)]


def _refine_hunks(ops: _Ops, refine: Callable[[str, str], _Ops]) -> _Ops:
    """Re-diff each stretch of deletions and insertions between equal runs."""
    out: _Ops = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted and inserted:
            out.extend(refine("".join(deleted), "".join(inserted)))
        else:
            out.append((DELETE, "".join(deleted)))
            out.append((INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in ops:
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        else:
            flush()
            out.append((op, text))
    flush()
    return out


def _normalize(ops: _Ops) -> tuple[DiffOp, ...]:
    """Merge runs: one deletion then one insertion between equal runs, none empty."""
    out: list[DiffOp] = []
    deleted: list[str] = []
    inserted: list[str] = []
    equal: list[str] = []

    def flush_changes() -> None:
        if deleted:
            out.append(DiffOp(DELETE, "".join(deleted)))
            deleted.clear()
        if inserted:
            out.append(DiffOp(INSERT, "".join(inserted)))
            inserted.clear()

    for op, text in ops:
        if not text:
            continue
        if op == EQUAL:
            if deleted or inserted:
                flush_changes()
            equal.append(text)
            continue
        if equal:
            out.append(DiffOp(EQUAL, "".join(equal)))
            equal.clear()
        (deleted if op == DELETE else inserted).append(text)
    flush_changes()
    if equal:
        out.append(DiffOp(EQUAL, "".join(equal)))
    return tuple(out)


def _compute_ops(old: str, new: str, granularity: Granularity) -> _Ops:
    paragraphs_old = _split_paragraphs(old)
    paragraphs_new = _split_paragraphs(new)
    if granularity == "paragraph":
        ops = _token_diff(paragraphs_old, paragraphs_new, cleanup=False)
        if ops is None:
            ops = _diff_paired(paragraphs_old, paragraphs_new, None)
        return ops

    tokenize: _Tokenizer | None
    splitters: tuple[_Tokenizer, ...]
    if granularity == "sentence":
        tokenize, splitters = _split_sentences, (_split_paragraphs,)
    else:
        tokenize = _split_words if granularity == "word" else None
        splitters = (_split_paragraphs, _split_sentences)

    def refine(a: str, b: str) -> _Ops:
        return _bounded_diff(a, b, tokenize, splitters)

    coarse = _token_diff(paragraphs_old, paragraphs_new, cleanup=False)
    if coarse is None:
        return _diff_paired(paragraphs_old, paragraphs_new, refine)
    return _refine_hunks(coarse, refine)


# --- statistics and public API -----------------------------------------------


def _stats(ops: Sequence[DiffOp], old: str, new: str) -> DiffStats:
    added = [o.text for o in ops if o.op == INSERT]
    removed = [o.text for o in ops if o.op == DELETE]
    equal = sum(len(o.text) for o in ops if o.op == EQUAL)
    total = len(old) + len(new)
    return DiffStats(
        chars_added=sum(map(len, added)),
        chars_removed=sum(map(len, removed)),
        words_added=sum(len(_WORD_RE.findall(t)) for t in added),
        words_removed=sum(len(_WORD_RE.findall(t)) for t in removed),
        similarity=round(2 * equal / total, 4) if total else 1.0,
    )


def diff_texts(old: str, new: str, *, granularity: Granularity = "word") -> TextDiff:
    """Compute the runs of text deleted, kept and inserted from ``old`` to ``new``.

    Joining the runs other than insertions gives ``old`` exactly; joining those
    other than deletions gives ``new`` exactly, for any Unicode text.

    Args:
        old: The earlier text.
        new: The later text.
        granularity: The smallest unit a run may start or end inside of:
            ``"char"``, ``"word"`` (runs of word characters, runs of whitespace
            and single other characters), ``"sentence"`` or ``"paragraph"``
            (a line with its line break and any blank lines after it).

    Returns:
        The diff, with adjacent runs of one kind merged and statistics.

    Raises:
        InputError: If ``granularity`` is not one of ``GRANULARITIES``.
    """
    if granularity not in GRANULARITIES:
        raise InputError(
            f"Unknown diff granularity {granularity!r}; use one of: {', '.join(GRANULARITIES)}"
        )
    token = _budget_left.set([_WORK_BUDGET])
    try:
        ops = _normalize(_compute_ops(old, new, granularity))
    finally:
        _budget_left.reset(token)
    return TextDiff(granularity=granularity, ops=ops, stats=_stats(ops, old, new))


def _field_value(value: str | datetime | None) -> str | None:
    if isinstance(value, datetime):
        # The same form as the JSON output: UTC with a "Z" suffix.
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def diff_versions(old: Version, new: Version, *, granularity: Granularity = "word") -> VersionDiff:
    """Compare two versions of one article: the text, and the title, byline and dates.

    Args:
        old: The version to compare from (usually the earlier one).
        new: The version to compare to.
        granularity: Passed to :func:`diff_texts` for the body.

    Returns:
        The body diff plus one ``FieldChange`` per differing field, in the order
        title, byline, published_at, modified_at; dates as ISO 8601 strings.

    Raises:
        InputError: If the versions belong to different articles, or the
            granularity is unknown.
    """
    if old.url != new.url:
        raise InputError(f"Cannot compare versions of different articles: {old.url} and {new.url}")
    fields = []
    for name in ("title", "byline", "published_at", "modified_at"):
        before = _field_value(getattr(old, name))
        after = _field_value(getattr(new, name))
        if before != after:
            fields.append(FieldChange(field=name, old=before, new=after))
    fields.extend(page_field_changes(old, new))
    return VersionDiff(
        url=new.url,
        old=old,
        new=new,
        body=diff_texts(old.text, new.text, granularity=granularity),
        fields=fields,
    )


def page_field_changes(old: Version, new: Version) -> list[FieldChange]:
    """The changes of a scraped page's lead image, captions and links, as field changes.

    Read from each version's ``metadata["page"]`` (see ``docs/scraping.md``); versions
    without one give none. Fields: ``lead_image`` (URL), ``caption`` (of the lead
    image, or of an in-body image given by URL), ``image`` (an in-body image added or
    removed) and ``link`` (``“anchor” URL``, added or removed).

    Args:
        old: The version to compare from.
        new: The version to compare to.

    Returns:
        Field changes in that order.
    """
    pages = [v.metadata.get("page") if v.metadata else None for v in (old, new)]
    if not all(isinstance(p, Mapping) and "template" in p for p in pages):
        return []
    before, after = cast(Mapping[str, Any], pages[0]), cast(Mapping[str, Any], pages[1])

    def entries(page: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
        value = page.get(key)
        found = value if isinstance(value, list) else []
        return {
            i["url"]: i for i in found if isinstance(i, Mapping) and isinstance(i.get("url"), str)
        }

    def lead(page: Mapping[str, Any]) -> Mapping[str, Any]:
        value = page.get("lead_image")
        return value if isinstance(value, Mapping) else {}

    out = []
    leads = (lead(before), lead(after))
    if leads[0].get("url") != leads[1].get("url"):
        out.append(
            FieldChange(field="lead_image", old=leads[0].get("url"), new=leads[1].get("url"))
        )
    elif (leads[0].get("caption") or "") != (leads[1].get("caption") or ""):
        out.append(
            FieldChange(field="caption", old=leads[0].get("caption"), new=leads[1].get("caption"))
        )
    images = (entries(before, "images"), entries(after, "images"))
    # In page order, so the diff is the same on every run.
    out.extend(FieldChange(field="image", old=u, new=None) for u in images[0] if u not in images[1])
    out.extend(FieldChange(field="image", old=None, new=u) for u in images[1] if u not in images[0])
    for url in (u for u in images[0] if u in images[1]):
        was, now = images[0][url].get("caption") or "", images[1][url].get("caption") or ""
        if was != now:
            out.append(FieldChange(field="caption", old=was or None, new=now or None))
    links = [
        {url: f"“{k.get('text', '')}” {url}" for url, k in entries(p, "links").items()}
        for p in (before, after)
    ]
    for url in links[0]:
        if url not in links[1]:
            out.append(FieldChange(field="link", old=links[0][url], new=None))
    for url in links[1]:
        if url not in links[0]:
            out.append(FieldChange(field="link", old=None, new=links[1][url]))
    return out


def diff_summary(d: VersionDiff) -> str:
    """Summarise a version diff on one line, e.g. ``title changed; +120/-8 chars, +21/-2 words``.

    Args:
        d: The diff to summarise.

    Returns:
        The changed fields (if any), then the body's character and word counts,
        or ``no text change``.
    """
    parts = []
    if d.fields:
        names = [f.field for f in d.fields]
        parts.append(f"{', '.join(names)} changed")
    if d.body.has_changes:
        s = d.body.stats
        parts.append(
            f"+{s.chars_added}/-{s.chars_removed} chars, +{s.words_added}/-{s.words_removed} words"
        )
    else:
        parts.append("no text change")
    return "; ".join(parts)
