"""Split article text into paragraphs and sentences, keeping exact offsets.

Every line break ends a paragraph (extracted article text puts one paragraph on
each line). Inside a paragraph, a sentence ends at ``.``, ``!``, ``?`` or an
ellipsis, followed by optional closing quotes or brackets, whitespace and
something that can start a sentence. The rules keep news conventions intact:
titles and abbreviations ("Sen.", "Sept. 8", "U.S.", "Jr."), initials,
decimal numbers, datelines ("ST. LOUIS (AP) —") and quotations that carry
several sentences before their attribution.

Sentence text never includes surrounding whitespace; the whitespace between
sentences is returned as ``gaps``, so ``Segmentation.reconstruct()`` gives the
input back byte for byte.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from itertools import chain, repeat

import attrs


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (for keyword tables)."""
    return frozenset(text.split())


__all__ = [
    "Outline",
    "Paragraph",
    "Segmentation",
    "Sentence",
    "outline",
    "outline_of",
    "segment",
    "split_sentences",
]

# A terminator, a run of terminal punctuation plus any closing quotes or brackets after
# it (French typography puts a space before the closing guillemet: "fini. »"), and the
# whitespace after it: a place a sentence may end. ("..." is one run of one character
# class.) The terminator is atomic: one not followed by whitespace is passed over whole,
# even where a shorter run of it would be. Its first character stands alone so the scan
# can look for it quickly.
_CANDIDATE = re.compile(r"[.!?…](?>[.!?…]*(?:[\"”’'»)\]]|\u00a0»| »)*)(\s+)")


_QUOTE_MARK = re.compile(r'[“”"«»]')
_OPENERS = frozenset("\"“‘'«([¿¡„")
_DOTTED = re.compile(r"^(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}$")

# Abbreviations that are followed by a name, so a capital after them never starts a sentence
# (English, then Dutch, German, French and Spanish titles).
_TITLES = word_set(
    """mr mrs ms messrs mmes dr prof sen sens rep reps gov govs gen gens lt col maj capt cmdr
    adm sgt cpl pvt rev fr msgr st ste mt ft supt det insp atty hon amb pres vs v e.g i.e
    cf al approx dept univ
    dhr mevr drs ir ing dipl.-ing mgr
    mme mlle pr
    sr sra srta dra excmo excma ud uds lic ee"""
)
# Abbreviations that are followed by a number.
_BEFORE_NUMBER = word_set(
    """jan feb mar apr jun jul aug sep sept oct nov dec no nos vol art fig ch p pp sec
    nr blz pag pág ca aprox env s mrt okt dez febr wo mi di vr za zo ma mo"""
)
# Month names: a day number with a full stop before one is a date ("am 3. März"), not an end.
_MONTHS = word_set(
    """januar februar märz april mai juni juli august september oktober november dezember
    jänner jan feb febr mär apr jun jul aug sep sept okt nov dez"""
)
# Abbreviations that may end a sentence or sit inside one ("Apple Inc. said", "in Calif. The").
_AMBIGUOUS = word_set(
    """inc corp co cos ltd llc plc bros jr sr esq etc ave blvd rd hwy ala ariz ark calif colo
    conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev okla ore pa tenn
    tex vt va wash wis wyo mio mrd mln mld bzw usw min"""
)
# Words that usually open a sentence; after an ambiguous abbreviation they signal a boundary.
_STARTERS = word_set(
    """the a an he she it they we i you his her its their our my this that these those there
    here but and or so yet in on at for if when while after before as according some many
    most no not one two both all another other such what who why how then now still also
    however meanwhile officials police
    de het een hij zij ze we ik maar en er dit dat
    die der das ein eine er es sie wir ich aber und doch
    le la les l il elle ils elles nous je mais et un une ce
    el los las él ella ellos pero y una"""
)


@attrs.frozen
class Sentence:
    """One sentence: its text (never with leading or trailing whitespace) and where it sits.

    ``start``/``end`` are offsets into the segmented text, so
    ``text == source[start:end]``; ``paragraph`` is the index of its paragraph and
    ``index`` its position among all sentences of the text.
    """

    text: str
    start: int
    end: int
    paragraph: int
    index: int


@attrs.frozen
class Paragraph:
    """One paragraph: offsets of its text (without surrounding whitespace) and its sentences."""

    index: int
    start: int
    end: int
    sentences: tuple[Sentence, ...] = attrs.field(repr=False)


@attrs.frozen
class Segmentation:
    """A text split into paragraphs and sentences.

    ``gaps`` has one entry more than ``sentences``: ``gaps[i]`` is the whitespace
    before sentence ``i`` and ``gaps[-1]`` the whitespace after the last one.
    """

    text: str = attrs.field(repr=False)
    paragraphs: tuple[Paragraph, ...] = attrs.field()
    sentences: tuple[Sentence, ...] = attrs.field(repr=False)
    gaps: tuple[str, ...] = attrs.field(repr=False)

    def reconstruct(self) -> str:
        """Join gaps and sentences back together.

        Returns:
            The segmented text, identical to ``self.text``.
        """
        parts = [self.gaps[0]]
        for sentence, gap in zip(self.sentences, self.gaps[1:], strict=True):
            parts.append(sentence.text)
            parts.append(gap)
        return "".join(parts)


@attrs.frozen(eq=False)
class Outline:
    """The sentences of a text as plain strings, with the paragraph each one sits in.

    What aligning needs and nothing more: ``texts[i]`` is the text of sentence ``i``
    of ``segment(text)`` and ``paragraph_of[i]`` its paragraph; ``paragraphs`` is how
    many paragraphs there are. Unchanged paragraphs of successive versions give the
    very same string objects, so comparing them costs nothing. ``derived`` keeps
    figures worked out from the sentences (the analysis keeps its word count there), so
    a text that is the newer side of one pair and the older of the next is counted once.
    """

    texts: tuple[str, ...]
    paragraph_of: tuple[int, ...]
    paragraphs: int
    derived: dict[str, int] = attrs.field(factory=dict, repr=False)


def outline(text: str) -> Outline:
    """The sentences of ``text`` and their paragraphs, without offsets.

    Args:
        text: Article body as plain text.

    Returns:
        The same sentences, in the same paragraphs, as ``segment(text)``.
    """
    return _outline_cached(text)


def outline_of(segmentation: Segmentation) -> Outline:
    """The outline of a text already segmented."""
    sentences = segmentation.sentences
    return Outline(
        tuple(s.text for s in sentences),
        tuple(s.paragraph for s in sentences),
        len(segmentation.paragraphs),
    )


class _RecentOutlines:
    """The outlines of the texts outlined lately, kept while those texts add up to no more
    than ``budget`` characters, the least recently used forgotten first.

    An import analyses each version against the one before, so the newer text of one pair
    is the older of the next; but a scraper's captures of hundreds of other articles lie
    between the two. A budget in characters keeps the predecessor of a 10 KB version, where
    a count of entries small enough for 5 MB texts would have forgotten it.
    """

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._held = 0
        self._outlines: dict[str, Outline] = {}
        self._lock = threading.Lock()

    def __call__(self, text: str) -> Outline:
        with self._lock:
            found = self._outlines.pop(text, None)
            if found is not None:
                self._outlines[text] = found  # the most recently used now
                return found
        found = _outline_of(text)
        if len(text) > self._budget:
            return found
        with self._lock:
            if self._outlines.setdefault(text, found) is found:
                self._held += len(text)
            while self._held > self._budget:
                oldest = next(iter(self._outlines))
                self._held -= len(oldest)
                del self._outlines[oldest]
        return found

    def cache_clear(self) -> None:
        """Forget every outline (as ``functools.lru_cache`` does: a cold measurement)."""
        with self._lock:
            self._outlines.clear()
            self._held = 0


def _outline_of(text: str) -> Outline:
    # The same paragraphs as _segment_cached: a line terminator is whitespace, so
    # stripping a line without it gives the same paragraph.
    found = [_paragraph_sentences(para) for para in map(str.strip, text.splitlines()) if para]
    return Outline(
        tuple(chain.from_iterable(found)),
        tuple(chain.from_iterable(repeat(k, len(group)) for k, group in enumerate(found))),
        len(found),
    )


# Some 800 articles of 10 KB: the texts are those an import's worker keeps of its articles
# anyway (the same objects), so what the cache adds is the outlines.
_outline_cached = _RecentOutlines(8_000_000)


# Successive versions share most paragraphs: their sentences are split once, and the
# same strings come back for every version that has them.
@lru_cache(maxsize=32768)
def _paragraph_sentences(para: str) -> tuple[str, ...]:
    return tuple(para[lo:hi] for lo, hi in _sentence_spans(para))


def segment(text: str) -> Segmentation:
    """Split ``text`` into paragraphs, then sentences.

    Args:
        text: Article body as plain text.

    Returns:
        The segmentation; whitespace-only text has no paragraphs and one gap.
    """
    return _segment_cached(text)


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of ``text`` in order, with offsets into it.

    Args:
        text: Article body as plain text.

    Returns:
        Sentences across all paragraphs; sentence ``i`` has ``index == i``.
    """
    return list(segment(text).sentences)


@lru_cache(maxsize=512)
def _segment_cached(text: str) -> Segmentation:
    # Blame and analysis align each version with both neighbours, so a cache halves work.
    # An import analyses a batch's articles in turn, each against its version of a batch
    # before: the cache holds a batch's worth of articles.
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    gaps: list[str] = []
    cursor = 0
    at = 0
    # str.splitlines breaks lines where the module docstring says a paragraph ends.
    for line in text.splitlines(keepends=True):
        para = line.strip()
        if para:
            lo = at + len(line) - len(line.lstrip())
            first = len(sentences)
            for s_lo, s_hi in _sentence_spans(para):
                start = lo + s_lo
                gaps.append(text[cursor:start])
                sentences.append(
                    Sentence(para[s_lo:s_hi], start, lo + s_hi, len(paragraphs), len(sentences))
                )
                cursor = lo + s_hi
            paragraphs.append(
                Paragraph(len(paragraphs), lo, lo + len(para), tuple(sentences[first:]))
            )
        at += len(line)
    gaps.append(text[cursor:])
    return Segmentation(text, tuple(paragraphs), tuple(sentences), tuple(gaps))


# Successive versions share most paragraphs: an analysing process keeps some five hundred
# articles' worth (about 16 MB), so a version's unchanged paragraphs are not split again.
@lru_cache(maxsize=32768)
def _sentence_spans(para: str) -> tuple[tuple[int, int], ...]:
    """Spans of the sentences of one stripped, non-empty paragraph."""
    quotes: list[tuple[int, int]] | None = None  # found when a boundary needs them
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(para):
        end, nxt = m.span(1)
        if not _is_boundary(para, m.start(), para[m.start() : end], nxt):
            continue
        if quotes is None:
            quotes = _quote_spans(para)
        if any(open_ < end <= close for open_, close in quotes):
            # A quotation closed later in this paragraph stays with its attribution.
            continue
        spans.append((start, end))
        start = nxt
    spans.append((start, len(para)))
    return tuple(spans)


def _is_boundary(para: str, term_start: int, term: str, nxt: int) -> bool:
    first = para[nxt]
    if first in _OPENERS:
        # "« Est-ce", "\"¿Es": look past opening marks and the space French puts after «.
        k = nxt
        while k < len(para) and (para[k] in _OPENERS or para[k] in " \u00a0"):
            k += 1
        if k >= len(para) or not (para[k].isupper() or para[k].isdigit()):
            return False
    elif not (first.isupper() or first.isdigit()):
        return False
    if term.rstrip("\"”’'»)]") != ".":
        # "!", "?" and ellipses end a sentence whenever a capital follows.
        return True
    word = _word_before(para, term_start).lstrip("\"“‘'«([")
    if not word:
        return True
    lower = word.lower()
    if lower in _TITLES:
        return False
    if (lower in _BEFORE_NUMBER or lower.endswith("str")) and first.isdigit():
        return False
    if word.isdigit() and len(word) <= 2 and _next_word(para, nxt).lower().rstrip(".") in _MONTHS:
        return False
    if (
        lower in _AMBIGUOUS
        or _DOTTED.match(word)
        or (len(word) == 1 and word.isupper())
        or lower in _BEFORE_NUMBER
    ):
        # French elision: "L'avion" starts with the article "l".
        return re.split("['’]", _next_word(para, nxt).lower())[0] in _STARTERS
    return True


def _word_before(para: str, at: int) -> str:
    """The characters before ``at`` back to the nearest whitespace."""
    if not at or para[at - 1].isspace():
        return ""
    # Most words follow a plain space; any other whitespace is found among the rest.
    return para[para.rfind(" ", 0, at) + 1 : at].split()[-1]


def _next_word(para: str, pos: int) -> str:
    while pos < len(para) and para[pos] in _OPENERS:
        pos += 1
    end = pos
    while end < len(para) and (para[end].isalnum() or para[end] in "'’-"):
        end += 1
    return para[pos:end]


def _quote_spans(para: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of double quotations that close inside the paragraph.

    A straight quote opens when it follows a space (or starts the paragraph) and is
    followed by text, and closes when it follows text; an opening quote that is never
    closed is dropped when the next one opens, so one stray quote cannot join the
    sentences of a whole paragraph into one.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _QUOTE_MARK.finditer(para):
        ch, i = m.group(), m.start()
        if ch == '"':
            after = para[i + 1 : i + 2]
            before = para[i - 1 : i]
            opening = (not before or before.isspace() or before in "([{—–") and (
                after and not after.isspace()
            )
            ch = "“" if opening or (open_at is None and not before.strip()) else "”"
        if ch in "“«":
            open_at = i
        elif open_at is not None:
            spans.append((open_at, i))
            open_at = None
    return spans


def paragraph_sentences(paragraph: str) -> tuple[str, ...]:
    """The texts of one paragraph's sentences, as ``segment`` finds them.

    Args:
        paragraph: one line of text, stripped and not empty.

    Returns:
        What ``segment(paragraph)`` gives as its sentences' texts, without building the
        segmentation: an export splits every distinct paragraph of an archive, and needs
        nothing else.
    """
    return tuple(paragraph[lo:hi] for lo, hi in _sentence_spans(paragraph))
