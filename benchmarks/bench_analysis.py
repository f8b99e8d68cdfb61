"""Time change analysis on 10 KB version pairs and print the figures.

Run: PYTHONPATH=src python benchmarks/bench_analysis.py
Target: median at most 5 ms per pair on a 2-core machine.
"""

from __future__ import annotations

import random
import statistics
import time

from newsarchive.analysis import analyse_texts, blame, segment
from newsarchive.models import Version

WORDS = [
    "the",
    "council",
    "said",
    "budget",
    "vote",
    "mayor",
    "residents",
    "officials",
    "police",
    "on",
    "Monday",
    "week",
    "city",
    "plan",
    "would",
    "could",
    "million",
    "percent",
    "after",
    "before",
    "during",
    "report",
    "according",
    "people",
]
NAMES = ["Smith", "Lopez", "Chan", "Okafor", "Novak"]


def article(rng: random.Random, size: int = 10_000) -> str:
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < size:
        sentences = []
        for _ in range(rng.randint(1, 3)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
            words.insert(rng.randrange(len(words)), rng.choice(NAMES))
            words.insert(rng.randrange(len(words)), str(rng.randint(2, 900)))
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return "\n".join(paragraphs)


def edit(rng: random.Random, text: str) -> str:
    """A typical revision: a few words changed, a sentence added, one moved, one deleted."""
    paras = text.split("\n")
    for _ in range(3):
        k = rng.randrange(len(paras))
        words = paras[k].split(" ")
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        paras[k] = " ".join(words)
    paras.insert(rng.randrange(len(paras)), "A new paragraph was added with more details today.")
    paras.append(paras.pop(rng.randrange(len(paras))))
    del paras[rng.randrange(len(paras))]
    return "\n".join(paras)


def measure(label: str, fn: object, runs: int) -> None:
    assert callable(fn)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"{label:<42} median {statistics.median(times):6.2f} ms   "
        f"p90 {times[int(len(times) * 0.9)]:6.2f} ms   (n={runs})"
    )


def main() -> None:
    rng = random.Random(8)
    pairs = []
    for _ in range(300):
        old = article(rng)
        pairs.append((old, edit(rng, old)))
    kb = len(pairs[0][0]) / 1000
    print(f"pairs of {kb:.1f} KB, {len(segment(pairs[0][0]).sentences)} sentences")
    it = iter(pairs)

    def typical() -> None:
        # Every run gets a pair not seen before, so no cache helps across runs.
        analyse_texts(*next(it))

    measure("analyse_texts, typical edit", typical, len(pairs))
    same = pairs[0][0]
    measure("analyse_texts, identical texts", lambda: analyse_texts(same, same + " "), 300)
    rewrite = (pairs[1][0], pairs[2][0])
    measure("analyse_texts, full rewrite", lambda: analyse_texts(rewrite[0] + " ", rewrite[1]), 30)

    texts = [pairs[3][0]]
    for _ in range(19):
        texts.append(edit(rng, texts[-1]))
    from datetime import UTC, datetime

    t = datetime(2024, 1, 1, tzinfo=UTC)
    history = [
        Version(id=f"v{n}", url="u", number=n, text=x, content_hash="h", text_hash="h",
                first_captured_at=t, last_captured_at=t)
        for n, x in enumerate(texts, start=1)
    ]  # fmt: skip
    measure("blame, 20 versions of 10 KB", lambda: blame(history, 20), 10)


if __name__ == "__main__":
    main()
