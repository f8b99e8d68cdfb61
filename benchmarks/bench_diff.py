"""Time word diffs of realistic article edits and of a large full rewrite.

Run: PYTHONPATH=src python benchmarks/bench_diff.py [--pairs N] [--seed S]

Prints the machine, then the median, p99 and maximum time per pair for
10 KB articles where a few sentences were edited, inserted or deleted
(targets: median <= 0.3 ms, none over 100 ms), and the time to diff a
200 KB document against a complete rewrite of it (target: <= 0.5 s).
Times are wall-clock; the CPU-time median is also shown because other load on
the machine inflates wall-clock figures. Every result is checked to reconstruct
both texts exactly.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

from newsarchive.diff import diff_texts

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


def _check(old: str, new: str) -> tuple[float, float]:
    """Diff, verify, and return the wall-clock and CPU seconds the diff took."""
    cpu, start = time.process_time(), time.perf_counter()
    d = diff_texts(old, new)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if d.old_text != old or d.new_text != new:
        raise SystemExit("diff does not reconstruct its inputs")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = _vocabulary(rng, 5000)

    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )

    times = []
    cpu_times = []
    for _ in range(args.pairs):
        paragraphs = _article(rng, words, 10_000)
        elapsed, cpu = _check(_text(paragraphs), _text(_edit(rng, words, paragraphs)))
        times.append(elapsed)
        cpu_times.append(cpu)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"10 KB article, few sentences changed ({args.pairs} pairs): "
        f"median {statistics.median(times) * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, "
        f"max {times[-1] * 1e3:.3f} ms "
        f"(CPU time median {statistics.median(cpu_times) * 1e3:.3f} ms)"
    )

    old = _text(_article(rng, words, 200_000))
    new = _text(_article(rng, words, 200_000))
    print(f"200 KB full rewrite ({len(old)} -> {len(new)} chars): {_check(old, new)[0]:.3f} s")

    # Every paragraph touched: the rewrite keeps the structure but edits each one.
    paragraphs = _article(rng, words, 200_000)
    touched = [list(p) for p in paragraphs]
    for p in touched:
        p[rng.randrange(len(p))] = _sentence(rng, words)
    old, new = _text(paragraphs), _text(touched)
    print(
        f"200 KB every paragraph edited ({len(old)} -> {len(new)} chars): "
        f"{_check(old, new)[0]:.3f} s"
    )


if __name__ == "__main__":
    main()
