"""Revision pairs of news-like text where every edit is known, token by token.

Each pair is an article and a copy with a few edits of the kinds newsrooms make:
words and phrases replaced, inserted and deleted (also next to punctuation),
sentences split (", he" -> ". He") and merged, abbreviations expanded ("Mar." ->
"March", "AM" -> "a.m. local time"), numbers and dates rewritten, quotes changed,
and sentences and paragraphs added or removed. Tokens carry where they came
from, so the words truly deleted and inserted are known exactly, and any diff
can be scored against them. Seeded: the same pairs on every run and machine.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+|\s+|.", re.DOTALL)
_WORD = re.compile(r"\w+")

_WORDS = (  # noqa: SIM905 (a word list reads better as prose)
    "the of and to in a that for on was with it as at by from an have has are were but not "
    "they be this which one after who had their been would its officials president department "
    "government election campaign investigation report statement committee senator ambassador "
    "week police city state federal court judge law vote voters percent million market company "
    "shares minister foreign security meeting talks agreement people matter spokesman interview "
    "evidence witnesses prosecutors lawyers house senate justice national public emergency "
    "hospital patients doctors school students budget tax plan policy council mayor residents "
    "officers fire storm flood season team coach players game bridge road contract workers"
).split()
_NAMES = [
    "Sessions",
    "Kislyak",
    "Moreno",
    "Okafor",
    "Lindqvist",
    "Whitfield",
    "Cleveland",
    "Brussels",
    "Utrecht",
]
_TITLES = ["Gov.", "Sen.", "Dr.", "Mr.", "Ms.", "Gen."]
_MONTHS = [("Jan.", "January"), ("Feb.", "February"), ("Mar.", "March"), ("Aug.", "August")]
_SWAPS = ["January", "Tuesday", "dozens", "several", "any", "new", "former", "acting", "local"]

Token = tuple[str, int | None]  # text, index in the old article (None: inserted)


@dataclass(frozen=True)
class EditPair:
    """An old and a new text, and which word offsets truly changed in each."""

    old: str
    new: str
    deleted: frozenset[int]  # start offsets in ``old`` of words removed
    inserted: frozenset[int]  # start offsets in ``new`` of words added
    kinds: tuple[str, ...]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
    for _ in range(rng.randint(0, 2)):
        words[rng.randrange(len(words))] = rng.choice(_NAMES)
    extra = rng.random()
    if extra < 0.15:
        words.insert(rng.randrange(len(words)), f"{rng.choice(_TITLES)} {rng.choice(_NAMES)}")
    elif extra < 0.3:
        month = rng.choice(_MONTHS)[0]
        words.insert(rng.randrange(len(words)), f"on {month} {rng.randint(1, 28)}")
    elif extra < 0.4:
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 9)}.{rng.randint(1, 9)} percent")
    elif extra < 0.5:
        words.insert(rng.randrange(len(words)), f"at {rng.randint(1, 11)} AM in the U.S.")
    if rng.random() < 0.35:
        cut = rng.randrange(3, len(words) - 2)
        words[cut] += ","
    text = " ".join(words)
    text = text[0].upper() + text[1:] + "."
    if rng.random() < 0.2:
        quote = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 10)))
        text = f"“{quote[0].upper()}{quote[1:]},” {rng.choice(_NAMES)} said. {text}"
    return text


def article(rng: random.Random, size: int) -> list[list[Token]]:
    """Paragraphs of tokens adding up to about ``size`` characters."""
    paragraphs: list[list[Token]] = []
    length = 0
    index = 0
    while length < size:
        text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
        tokens: list[Token] = []
        for t in _tokens(text):
            tokens.append((t, index))
            index += 1
        paragraphs.append(tokens)
        length += len(text) + 2
    return paragraphs


def _new(text: str) -> list[Token]:
    return [(t, None) for t in _tokens(text)]


def _word_positions(p: list[Token]) -> list[int]:
    return [k for k, (t, _) in enumerate(p) if t[0].isalnum()]


def _sentence_starts(p: list[Token]) -> list[int]:
    starts = [0]
    for k in range(1, len(p) - 1):
        if p[k - 1][0] in ".!?" and p[k][0] == " " and p[k + 1][0][:1].isupper():
            starts.append(k + 1)
    return starts


def _edit(rng: random.Random, paragraphs: list[list[Token]], kind: str) -> bool:  # noqa: C901
    """Apply one edit of ``kind`` in place; False if the article offers no place for it."""
    p = rng.choice(paragraphs)
    words = _word_positions(p)
    if kind == "replace":
        k = rng.choice(words)
        choice = rng.choice([w for w in _SWAPS + _WORDS if w != p[k][0]])
        p[k] = (choice, None)
    elif kind == "insert":
        k = rng.choice(words)
        p[k + 1 : k + 1] = _new(" " + rng.choice(_SWAPS))
    elif kind == "insert-before-punctuation":
        marks = [k for k, (t, _) in enumerate(p) if t in ".,"]
        if not marks:
            return False
        k = rng.choice(marks)
        p[k:k] = _new(", " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3))))
    elif kind == "delete":
        k = rng.choice(words)
        if k + 1 >= len(p) or p[k + 1][0] != " ":
            return False
        del p[k : k + 2]
    elif kind == "phrase":
        k = rng.choice(words)
        end = min(len(p), k + rng.randint(3, 9))
        while end > k + 1 and not p[end - 1][0][0].isalnum():
            end -= 1
        if any(t in ".“”" for t, _ in p[k:end]):
            return False
        p[k:end] = _new(" ".join(rng.choice(_SWAPS + _NAMES) for _ in range(rng.randint(2, 5))))
    elif kind == "split":
        commas = [k for k, (t, _) in enumerate(p[:-2]) if t == "," and p[k + 1][0] == " "]
        if not commas:
            return False
        k = rng.choice(commas)
        nxt = p[k + 2][0]
        p[k] = (".", None)
        if nxt[0].islower():
            p[k + 2] = (nxt[0].upper() + nxt[1:], None)
    elif kind == "merge":
        starts = [k for k in _sentence_starts(p)[1:] if p[k][0] not in _NAMES and p[k][0] != "“"]
        if not starts:
            return False
        k = rng.choice(starts)
        p[k - 2] = (",", None)
        p[k] = (p[k][0].lower(), None)
    elif kind == "abbreviation":
        spots = [k for k, (t, _) in enumerate(p[:-1]) if p[k + 1][0] == "." and t in _EXPAND]
        if not spots:
            return False
        k = rng.choice(spots)
        p[k : k + 2] = _new(_EXPAND[p[k][0]])
    elif kind == "number":
        digits = [k for k, (t, _) in enumerate(p) if t.isdigit()]
        if not digits:
            return False
        k = rng.choice(digits)
        p[k] = (str(int(p[k][0]) + rng.randint(1, 9)), None)
    elif kind == "quote":
        opens = [k for k, (t, _) in enumerate(p) if t == "“"]
        if not opens:
            return False
        k = rng.choice(opens) + 1 + 2 * rng.randint(0, 2)
        if not p[k][0][0].isalnum():
            return False
        p[k + 1 : k + 1] = _new(" " + rng.choice(_SWAPS))
    elif kind == "add-sentence":
        starts = _sentence_starts(p)
        k = rng.choice(starts)
        p[k:k] = _new(_sentence(rng) + " ")
    elif kind == "remove-sentence":
        starts = _sentence_starts(p)
        if len(starts) < 2:
            return False
        i = rng.randrange(len(starts) - 1)
        del p[starts[i] : starts[i + 1]]
    elif kind == "add-paragraph":
        paragraphs.insert(rng.randint(0, len(paragraphs)), _new(_sentence(rng)))
    elif kind == "remove-paragraph":
        if len(paragraphs) < 3:
            return False
        paragraphs.remove(p)
    return True


_EXPAND = {"Mar": "March", "Feb": "February", "Jan": "January", "Aug": "August"}
_EXPAND.update({"Gov": "Governor", "Sen": "Senator", "Gen": "General"})
_EXPAND["AM"] = "a.m. local time"

KINDS = [
    "replace",
    "insert",
    "insert-before-punctuation",
    "delete",
    "phrase",
    "split",
    "merge",
    "abbreviation",
    "number",
    "quote",
    "add-sentence",
    "remove-sentence",
    "add-paragraph",
    "remove-paragraph",
]


def _fix_am(paragraphs: list[list[Token]]) -> None:
    """ "AM" is written without its dots in the generator; make it expandable."""
    for p in paragraphs:
        for k, (t, origin) in enumerate(p[:-1]):
            if t == "AM" and p[k + 1][0] != ".":
                p.insert(k + 1, (".", origin))
                break


def _render(paragraphs: list[list[Token]]) -> tuple[str, dict[int, int]]:
    """The text, and the offset of each old-token index it holds."""
    parts: list[str] = []
    where: dict[int, int] = {}
    at = 0
    for n, p in enumerate(paragraphs):
        if n:
            parts.append("\n\n")
            at += 2
        for text, origin in p:
            if origin is not None:
                where[origin] = at
            parts.append(text)
            at += len(text)
    return "".join(parts) + "\n", where


def _renumber(paragraphs: list[list[Token]]) -> list[list[Token]]:
    index = 0
    out = []
    for p in paragraphs:
        out.append([(t, (index := index + 1) - 1) for t, _ in p])
    return out


def pair(rng: random.Random, size: int, edits: int, kinds: list[str] | None = None) -> EditPair:
    """One article of about ``size`` characters and a copy with ``edits`` known edits."""
    old = article(rng, size)
    _fix_am(old)
    old = _renumber(old)
    new = [list(p) for p in old]
    done: list[str] = []
    tries = 0
    while len(done) < edits:
        # A kind the article has no place for gives way to any kind after a few tries.
        kind = rng.choice(kinds if kinds and tries < 20 else KINDS)
        tries += 1
        if _edit(rng, new, kind):
            done.append(kind)
    return _score_pair(old, new, done)


def _score_pair(old: list[list[Token]], new: list[list[Token]], done: list[str]) -> EditPair:
    old_text, old_at = _render(old)
    new_text, _ = _render(new)
    kept = {origin for p in new for _, origin in p if origin is not None}
    deleted = {
        old_at[origin]
        for p in old
        for t, origin in p
        if origin not in kept and t[0].isalnum() and origin is not None
    }
    inserted = set()
    at = 0
    for n, p in enumerate(new):
        at += 2 if n else 0
        for t, origin in p:
            if origin is None and t[:1].isalnum():
                inserted.update(m.start() + at for m in _WORD.finditer(t))
            at += len(t)
    return EditPair(old_text, new_text, frozenset(deleted), frozenset(inserted), tuple(done))


def edit_set(count: int = 240, seed: int = 18) -> Iterator[EditPair]:
    """``count`` short news revisions (1–4 KB, one to five edits), the same on every run."""
    rng = random.Random(seed)
    for n in range(count):
        # Every kind of edit appears in turn, then mixed ones.
        kinds = [KINDS[n % len(KINDS)]] if n < 3 * len(KINDS) else None
        yield pair(rng, rng.randint(1_000, 4_000), rng.randint(1, 5), kinds)


def score(pair: EditPair, deleted: set[int], inserted: set[int]) -> tuple[int, int, int]:
    """(words truly changed, words reported changed, words both) for one pair."""
    truth = len(pair.deleted) + len(pair.inserted)
    reported = len(deleted) + len(inserted)
    hit = len(deleted & pair.deleted) + len(inserted & pair.inserted)
    return truth, reported, hit


def marked_words(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Start offsets of the words of ``text`` that begin inside one of ``spans``."""
    starts = [m.start() for m in _WORD.finditer(text)]
    out: set[int] = set()
    for lo, hi in spans:
        k = bisect.bisect_left(starts, lo)
        while k < len(starts) and starts[k] < hi:
            out.add(starts[k])
            k += 1
    return out


def large_pair(rng: random.Random, size: int) -> EditPair:
    """A long article where a tenth of the sentences carry a one-word edit.

    A few sentences are also added and removed. The words truly inserted are
    what a diff should report as inserted, and no more.
    """
    old = _renumber(article(rng, size))
    sentences = sum(len(_sentence_starts(p)) for p in old)
    new = [list(p) for p in old]
    done: list[str] = []
    plan = ["replace", "insert", "delete"] * (sentences // 30) + ["add-sentence"] * 3
    plan += ["remove-sentence"] * 3
    for kind in plan:
        for _ in range(20):
            if _edit(rng, new, kind):
                done.append(kind)
                break
    return _score_pair(old, new, done)
