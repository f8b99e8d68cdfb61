"""How right and how fast the word diff is, beside difflib on the same word tokens.

Run: python benchmarks/bench_diff.py [--pairs N] [--seed S]

Prints the machine, then:

- edit recall and hunk precision on 240 news revisions with known edits
  (``edit_set.py``), beside ``difflib.SequenceMatcher`` over the same tokens;
- the over-report ratio (words reported inserted / words truly inserted) on
  50-200 KB articles where a tenth of the sentences carry a one-word edit;
- sentence splitters' accuracy and speed (``sentence_eval.py``);
- median, p99 and worst time for 10 KB articles where a few sentences were
  edited, inserted or deleted (targets: median <= 0.3 ms, none over 100 ms),
  and the time for 200 KB and 1 MB documents (target: 1 MB under 1 s).

Times are wall-clock with CPU time beside them, because other load on the
machine inflates wall-clock figures (a process waiting for a core adds to its
wall-clock time, not to its CPU time); compare the two tools' figures
from one run. Every diff is checked to reconstruct both texts exactly.
"""

from __future__ import annotations

import argparse
import difflib
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import edit_set  # noqa: E402
import sentence_eval  # noqa: E402

from newsarchive.diff import diff_texts  # noqa: E402
from newsarchive.diff._split import split_words  # noqa: E402

Marked = tuple[set[int], set[int]]


_SYLLABLES = ["ta", "ri", "on", "el", "ma", "ko", "ve", "si", "du", "ne", "pol", "ar", "min", "st"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    return ["".join(rng.choices(_SYLLABLES, k=rng.randint(1, 4))) for _ in range(size)]


def _sentence(rng: random.Random, words: list[str]) -> str:
    body = " ".join(rng.choices(words, k=rng.randint(8, 28)))
    if rng.random() < 0.3:
        cut = body.find(" ", len(body) // 2)
        if cut > 0:
            body = body[:cut] + "," + body[cut:]
    return body[0].upper() + body[1:] + rng.choice([".", ".", ".", "?", "!"])


def _article(rng: random.Random, words: list[str], size: int) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    length = 0
    while length < size:
        paragraph = [_sentence(rng, words) for _ in range(rng.randint(1, 5))]
        length += sum(len(s) + 1 for s in paragraph) + 1
        paragraphs.append(paragraph)
    return paragraphs


def _text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs) + "\n"


def _edit(rng: random.Random, words: list[str], paragraphs: list[list[str]]) -> list[list[str]]:
    """Copy an article with one to four sentences edited, inserted or deleted."""
    edited = [list(p) for p in paragraphs]
    for _ in range(rng.randint(1, 4)):
        p = rng.randrange(len(edited))
        s = rng.randrange(len(edited[p]))
        kind = rng.choice(["edit", "edit", "insert", "delete"])
        if kind == "edit":
            tokens = edited[p][s].split(" ")
            for _ in range(rng.randint(1, 3)):
                tokens[rng.randrange(len(tokens))] = rng.choice(words)
            edited[p][s] = " ".join(tokens)
        elif kind == "insert":
            edited[p].insert(s, _sentence(rng, words))
        elif len(edited[p]) > 1:
            del edited[p][s]
    return edited


def _ours(old: str, new: str) -> Marked:
    d = diff_texts(old, new)
    if d.old_text != old or d.new_text != new:
        raise SystemExit("diff does not reconstruct its inputs")
    deleted, inserted = [], []
    a = b = 0
    for op in d.ops:
        size = len(op.text)
        if op.op < 0:
            deleted.append((a, a + size))
        elif op.op > 0:
            inserted.append((b, b + size))
        a += size if op.op <= 0 else 0
        b += size if op.op >= 0 else 0
    return edit_set.marked_words(old, deleted), edit_set.marked_words(new, inserted)


def _difflib(old: str, new: str, *, autojunk: bool = False) -> Marked:
    a, b = split_words(old), split_words(new)
    at_a, at_b = [0], [0]
    for t in a:
        at_a.append(at_a[-1] + len(t))
    for t in b:
        at_b.append(at_b[-1] + len(t))
    deleted, inserted = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=autojunk)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            deleted.append((at_a[i1], at_a[i2]))
        if tag in ("insert", "replace"):
            inserted.append((at_b[j1], at_b[j2]))
    return edit_set.marked_words(old, deleted), edit_set.marked_words(new, inserted)


def _edit_scores() -> None:
    pairs = list(edit_set.edit_set())
    kinds = sorted({k for p in pairs for k in p.kinds})
    print(f"edit set: {len(pairs)} news revisions, {len(kinds)} kinds of edit")
    tools = {
        "newsarchive": _ours,
        "difflib (autojunk off)": _difflib,
        "difflib (default)": lambda o, n: _difflib(o, n, autojunk=True),
    }
    for name, tool in tools.items():
        truth = reported = hit = 0
        for pair in pairs:
            t, r, h = edit_set.score(pair, *tool(pair.old, pair.new))
            truth, reported, hit = truth + t, reported + r, hit + h
        print(
            f"  {name:<24} recall {hit / truth:.2%}  precision {hit / reported:.2%}"
            f"  ({truth} words changed, {reported} reported)"
        )


def _over_report(rng: random.Random) -> None:
    print("over-report (words reported inserted / words truly inserted), 10% of sentences edited:")
    for size in (50_000, 100_000, 200_000):
        pair = edit_set.large_pair(rng, size)
        ours = len(_ours(pair.old, pair.new)[1]) / len(pair.inserted)
        line = f"  {len(pair.old) // 1000} KB: newsarchive {ours:.3f}x"
        if size <= 50_000:
            # difflib takes minutes past this size (its cost grows with n * m).
            theirs = len(_difflib(pair.old, pair.new, autojunk=True)[1]) / len(pair.inserted)
            line += f", difflib {theirs:.3f}x"
        print(f"{line} ({len(pair.inserted)} words truly inserted)")


def _timed(old: str, new: str) -> tuple[float, float]:
    cpu, start = time.process_time(), time.perf_counter()
    d = diff_texts(old, new)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if d.old_text != old or d.new_text != new:
        raise SystemExit("diff does not reconstruct its inputs")
    return elapsed, cpu


def _small_pairs(rng: random.Random, count: int) -> None:
    words = _vocabulary(rng, 5000)
    times, cpu_times = [], []
    for _ in range(count):
        paragraphs = _article(rng, words, 10_000)
        old, new = _text(paragraphs), _text(_edit(rng, words, paragraphs))
        elapsed, cpu = _timed(old, new)
        times.append(elapsed)
        cpu_times.append(cpu)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"10 KB article, few sentences changed ({count} pairs): "
        f"median {statistics.median(times) * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, "
        f"max {times[-1] * 1e3:.3f} ms (CPU median {statistics.median(cpu_times) * 1e3:.3f} ms,"
        f" max {max(cpu_times) * 1e3:.3f} ms)"
    )


def _large_documents(rng: random.Random) -> None:
    words = _vocabulary(rng, 5000)
    for size in (200_000, 1_000_000):
        pair = edit_set.large_pair(rng, size)
        elapsed, cpu = _timed(pair.old, pair.new)
        print(
            f"{size // 1000} KB, 10% of sentences edited ({len(pair.old)} chars): "
            f"{elapsed:.3f} s (CPU {cpu:.3f} s)"
        )
        old, new = _text(_article(rng, words, size)), _text(_article(rng, words, size))
        elapsed, cpu = _timed(old, new)
        print(
            f"{size // 1000} KB full rewrite ({len(old)} chars): {elapsed:.3f} s (CPU {cpu:.3f} s)"
        )
        paragraphs = _article(rng, words, size)
        touched = [list(p) for p in paragraphs]
        for p in touched:
            p[rng.randrange(len(p))] = _sentence(rng, words)
        elapsed, cpu = _timed(_text(paragraphs), _text(touched))
        print(f"{size // 1000} KB, every paragraph edited: {elapsed:.3f} s (CPU {cpu:.3f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    _edit_scores()
    _over_report(rng)
    _small_pairs(rng, args.pairs)
    _large_documents(rng)
    print("sentence splitters on news sentences in en, nl, de, fr, es (exactly right, speed):")
    print("\n".join(sentence_eval.report()))


if __name__ == "__main__":
    main()
