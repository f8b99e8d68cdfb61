"""Compute what changed between two texts, or two versions of an article.

The diff is a pure, deterministic function of its inputs: the same texts give
the same runs on any machine, however fast, because no step is limited by time.

One diff is computed for every view: the word diff. Paragraphs are aligned
first (a paragraph the same on both sides is always equal); in each changed
stretch the paragraphs that are versions of one another are grouped, and only
those are compared word by word. The sentence and paragraph views widen each
change of the word diff to the whole units it touches; the character view
narrows each replaced run to the characters that differ. The statistics always
come from the word diff, so they are the same whatever the view.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from ..errors import InputError
from ..models import (
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
    field_label,
)
from ._page import page_field_changes
from ._pairing import group_units
from ._sequence import MYERS_LIMIT, char_runs, common_prefix, common_suffix, match_blocks
from ._split import BLANK, content_length, count_words, split_paragraphs
from ._words import Ops, word_ops

__all__ = ["diff_texts", "diff_versions", "diff_summary", "word_counts"]


# --- the word diff ----------------------------------------------------------------


def _word_level(old: str, new: str, *, narrow: bool = False) -> Ops:
    """The word diff of two texts, aligned paragraph by paragraph.

    With ``narrow``, each replacement inside a group of paragraphs that are
    versions of one another is narrowed to the characters that differ.
    """
    # Paragraphs in the text both sides start and end with are equal whatever the
    # alignment finds, so only the part between is split and aligned.
    start = _prefix_paragraphs(old, new)
    tail = _suffix_paragraphs(old[start:], new[start:])
    while True:
        units_a = split_paragraphs(old[start : len(old) - tail])
        units_b = split_paragraphs(new[start : len(new) - tail])
        keys_a = [u.rstrip() for u in units_a]
        keys_b = [u.rstrip() for u in units_b]
        if not tail or any(x != y for x, y in zip(keys_a, keys_b, strict=False)):
            break
        # Paragraphs that differ only in the blank lines after them match from the
        # start; that match would run on into the common end, so it is aligned too.
        tail = 0
    ops: Ops = [(EQUAL, old[:start])]
    i = j = 0
    for bi, bj, size in [*match_blocks(keys_a, keys_b), (len(units_a), len(units_b), 0)]:
        if i < bi or j < bj:
            ops.extend(
                _changed_stretch(units_a[i:bi], units_b[j:bj], keys_a[i:bi], keys_b[j:bj], narrow)
            )
        same = "".join(units_a[bi : bi + size])
        if same == "".join(units_b[bj : bj + size]):
            ops.append((EQUAL, same))
        else:
            ops.extend(_same_text(units_a[bi : bi + size], units_b[bj : bj + size]))
        i, j = bi + size, bj + size
    ops.append((EQUAL, old[len(old) - tail :]))
    return ops


def _starts_paragraph(text: str, at: int) -> bool:
    """Whether a paragraph starts (or the text ends) at ``at``.

    A line that is not blank starts a paragraph wherever it follows a line break.
    """
    if at in (0, len(text)):
        return True
    if text[at - 1] != "\n":
        return False
    end = text.find("\n", at)
    return bool(text[at : len(text) if end < 0 else end].strip(BLANK))


def _prefix_paragraphs(old: str, new: str) -> int:
    """Length of the whole paragraphs both texts start with."""
    at: int = common_prefix(old, new)
    while at > 0:
        if _starts_paragraph(old, at) and _starts_paragraph(new, at):
            return at
        at = old.rfind("\n", 0, at - 1) + 1
    return 0


def _suffix_paragraphs(old: str, new: str) -> int:
    """Length of the whole paragraphs both texts end with."""
    common: int = common_suffix(old, new)
    shift = len(new) - len(old)
    at = len(old) - common
    while at < len(old):
        if _starts_paragraph(old, at) and _starts_paragraph(new, at + shift):
            return len(old) - at
        found = old.find("\n", at)
        if found < 0:
            break
        at = found + 1
    return 0


def _same_text(units_a: Sequence[str], units_b: Sequence[str]) -> Ops:
    """Paragraphs with the same text, some followed by different line breaks."""
    ops: Ops = []
    for unit_a, unit_b in zip(units_a, units_b, strict=True):
        cut: int = common_prefix(unit_a, unit_b)
        ops.extend([(EQUAL, unit_a[:cut]), (DELETE, unit_a[cut:]), (INSERT, unit_b[cut:])])
    return ops


def _changed_stretch(
    units_a: Sequence[str],
    units_b: Sequence[str],
    keys_a: Sequence[str],
    keys_b: Sequence[str],
    narrow: bool,
) -> Ops:
    """Paragraphs between two unchanged ones: grouped ones diffed by word, others whole."""
    if not units_a or not units_b:
        return [(DELETE, "".join(units_a)), (INSERT, "".join(units_b))]
    ops: Ops = []
    i = j = 0
    end = (len(units_a), len(units_a), len(units_b), len(units_b))
    for i_lo, i_hi, j_lo, j_hi in [*group_units(keys_a, keys_b), end]:
        ops.append((DELETE, "".join(units_a[i:i_lo])))
        ops.append((INSERT, "".join(units_b[j:j_lo])))
        if i_lo < i_hi:
            words = word_ops("".join(units_a[i_lo:i_hi]), "".join(units_b[j_lo:j_hi]))
            ops.extend(_narrow(words) if narrow else words)
        i, j = i_hi, j_hi
    return ops


# --- views -----------------------------------------------------------------------


def _paragraph_edges(text: str, lo: int, hi: int) -> list[int]:
    """Where each paragraph's text starts and ends, and every place in the whitespace between.

    Places inside the whitespace let a changed line break show as itself: a last
    paragraph that gains a blank line after it stays equal. (Paragraphs are cheap
    to find, so the whole text is split, whatever ``lo`` and ``hi`` say.)
    """
    edges = [0]
    at = 0
    for unit in split_paragraphs(text):
        edges.extend(range(at + content_length(unit), at + len(unit) + 1))
        at += len(unit)
    return edges


def _sentence_edges(text: str, lo: int, hi: int) -> list[int]:
    """Where each sentence of ``text[lo:hi]`` starts and ends, and every place between.

    Sentences are split as the analysis splits them (abbreviations, initials,
    decimals, quotations and ellipses kept inside their sentence), so the
    sentence view and the sentence alignment show the same sentences. The
    analysis splits each line on its own, so whole lines split alone give the
    same sentences as the whole text.
    """
    # Loaded on first use: only the sentence view needs the splitter's tables.
    from .sentences import segment

    sentences = segment(text[lo:hi]).sentences
    starts = [lo + s.start for s in sentences] + [hi]
    edges = list(range(lo, starts[0] + 1))
    for sentence, following in zip(sentences, starts[1:], strict=True):
        edges.extend(range(lo + sentence.end, following + 1))
    return edges


def _changed_lines(text: str, first: int, last: int) -> tuple[int, int]:
    """The start of the line holding ``first`` and the end of the one holding ``last``."""
    end = text.find("\n", last)
    return text.rfind("\n", 0, first) + 1, len(text) if end < 0 else end + 1


def _widen(
    ops: Sequence[DiffOp], old: str, new: str, edges_of: Callable[[str, int, int], list[int]]
) -> Ops:
    """Widen every change to whole units (sentences or paragraphs) on both sides.

    A place is a unit edge in the view when it is an edge of a unit in both texts
    and sits in unchanged text; between two such places the view shows either
    the unchanged text or everything old replaced by everything new.
    """
    # Only edges between the lines of the first and last change can bound a change:
    # each side of them, the line's own edges are nearer.
    first = len(ops[0].text) if ops[0].op == EQUAL else 0
    kept = len(ops[-1].text) if ops[-1].op == EQUAL else 0
    edges_a = sorted(set(edges_of(old, *_changed_lines(old, first, len(old) - kept))))
    edges_b = set(edges_of(new, *_changed_lines(new, first, len(new) - kept)))
    out: Ops = []
    last_a = last_b = at_a = at_b = 0
    changed = False

    def cut(to_a: int, to_b: int) -> None:
        nonlocal last_a, last_b, changed
        if changed:
            out.extend([(DELETE, old[last_a:to_a]), (INSERT, new[last_b:to_b])])
        else:
            out.append((EQUAL, old[last_a:to_a]))
        last_a, last_b, changed = to_a, to_b, False

    for op in ops:
        size = len(op.text)
        if op.op == EQUAL:
            k = bisect_left(edges_a, at_a)
            while k < len(edges_a) and edges_a[k] <= at_a + size:
                edge = edges_a[k]
                if edge - at_a + at_b in edges_b and (edge > last_a or changed):
                    cut(edge, edge - at_a + at_b)
                k += 1
            at_a, at_b = at_a + size, at_b + size
        elif op.op == DELETE:
            at_a += size
            changed = True
        else:
            at_b += size
            changed = True
    if changed or last_a < len(old):
        cut(len(old), len(new))
    return out


def _narrow(ops: Ops) -> Ops:
    """Replace each replaced run with the characters that differ, where that is cheap."""
    out: Ops = []
    k = 0
    while k < len(ops):
        op, text = ops[k]
        if op == DELETE and k + 1 < len(ops) and ops[k + 1][0] == INSERT:
            a, b = text, ops[k + 1][1]
            if min(len(a), len(b)) * (len(a) + len(b)) <= MYERS_LIMIT:
                out.extend(char_runs(a, b))
            else:
                out.extend([(DELETE, a), (INSERT, b)])
            k += 2
            continue
        out.append((op, text))
        k += 1
    return out


def _normalize(ops: Ops) -> tuple[DiffOp, ...]:
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


# --- statistics and public API -----------------------------------------------


def _similarity(equal: int, total: int) -> float:
    """``2 * equal / total`` to 4 decimals; never 1.0 for texts that differ."""
    if 2 * equal == total:
        return 1.0
    return min(round(2 * equal / total, 4), 0.9999)


def _stats(ops: Sequence[DiffOp], old: str, new: str) -> DiffStats:
    """Counts over the word diff's runs."""
    added = [o.text for o in ops if o.op == INSERT]
    removed = [o.text for o in ops if o.op == DELETE]
    equal = sum(len(o.text) for o in ops if o.op == EQUAL)
    total = len(old) + len(new)
    return DiffStats(
        chars_added=sum(map(len, added)),
        chars_removed=sum(map(len, removed)),
        words_added=sum(map(count_words, added)),
        words_removed=sum(map(count_words, removed)),
        similarity=_similarity(equal, total),
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
    words = _normalize(_word_level(old, new))
    stats = _stats(words, old, new)
    if granularity == "word" or not any(o.op != EQUAL for o in words):
        return TextDiff(granularity=granularity, ops=words, stats=stats)
    if granularity == "char":
        ops = _normalize(_word_level(old, new, narrow=True))
    else:
        edges = _sentence_edges if granularity == "sentence" else _paragraph_edges
        ops = _normalize(_widen(words, old, new, edges))
    return TextDiff(granularity=granularity, ops=ops, stats=stats)


def word_counts(old: str, new: str) -> tuple[int, int]:
    """The words added and removed from ``old`` to ``new``, as :func:`diff_texts` counts them.

    The same word diff, counted without building its runs: what a caller that only
    reports how much changed needs.

    Returns:
        ``(words_added, words_removed)``, equal to ``diff_texts(old, new).stats``'s.
    """
    added = removed = 0
    deleted: list[str] = []
    inserted: list[str] = []
    # Runs are merged as _normalize merges them: a word cut across two runs counts once.
    for op, text in _word_level(old, new):
        if not text:
            continue
        if op == EQUAL:
            if deleted:
                removed += count_words("".join(deleted))
                deleted.clear()
            if inserted:
                added += count_words("".join(inserted))
                inserted.clear()
        else:
            (deleted if op == DELETE else inserted).append(text)
    if deleted:
        removed += count_words("".join(deleted))
    if inserted:
        added += count_words("".join(inserted))
    return added, removed


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


def diff_summary(d: VersionDiff) -> str:
    """Summarise a version diff on one line, e.g. ``headline changed; +120/-8 chars, +21/-2 words``.

    Args:
        d: The diff to summarise.

    Returns:
        The changed fields (if any), then the body's character and word counts,
        or ``no text change``.
    """
    parts = []
    if d.fields:
        names = [field_label(f.field) for f in d.fields]
        parts.append(f"{', '.join(names)} changed")
    if d.body.has_changes:
        parts.append(d.body.stats.counts())
    else:
        parts.append("no text change")
    return "; ".join(parts)
