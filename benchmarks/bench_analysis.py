"""Time change analysis on 10 KB version pairs and print the figures.

Run: PYTHONPATH=src python benchmarks/bench_analysis.py
Target: analysing a 10 KB version against its predecessor takes at most 1 ms (median).

The pairs are consecutive versions of the news-like corpus (``corpus.news_histories``)
whose older side is 8-12 KB, each analysed with every cache emptied first, so each
figure is a pair seen for the first time; the breakdown times each step on its own.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from newsarchive.analysis import align, analyse_texts, blame, segment
from newsarchive.diff import word_counts
from newsarchive.diff.sentences import outline
from newsarchive.models import Version

sys.path.insert(0, str(Path(__file__).parent))
from corpus import news_histories  # noqa: E402

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
    times = [timed(fn) for _ in range(runs)]
    times.sort()
    print(
        f"{label:<42} median {statistics.median(times):6.2f} ms   "
        f"p90 {times[int(len(times) * 0.9)]:6.2f} ms   max {times[-1]:6.2f} ms   (n={runs})"
    )


def _clear_caches() -> None:
    """Forget every text and sentence the analysis has seen, so nothing is reused."""
    from newsarchive.analysis import _similar, significance
    from newsarchive.analysis import align as align_module
    from newsarchive.diff import sentences

    for module in (_similar, align_module, sentences, significance):
        for value in vars(module).values():
            # Only the module's own caches of texts: compiled rules stay compiled.
            own = getattr(value, "__module__", None) == module.__name__
            # A cache's class has the method too, unbound: only the caches themselves.
            cache = own and not isinstance(value, type)
            if cache and callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def news_pairs(limit: int = 600) -> list[tuple[str, str]]:
    """Consecutive versions of the news-like corpus whose older side is 8-12 KB, in each
    article's order."""
    by_url: dict[str, list[str]] = {}
    for row in news_histories(6_000):
        by_url.setdefault(row["url"], []).append(row["text"])
    pairs = [
        (old, new)
        for texts in by_url.values()
        for old, new in zip(texts, texts[1:], strict=False)
        if 8_000 <= len(old.encode()) <= 12_000 and old != new
    ]
    return pairs[:limit]


def in_history_order(pairs: list[tuple[str, str]]) -> None:
    """Each pair analysed after the one before it in its article, caches kept: what a
    process analysing an article's new versions one after another does."""
    _clear_caches()
    times = sorted(timed(lambda: analyse_texts(old, new)) for old, new in pairs)  # noqa: B023
    print(
        f"  {'in history order':<22} median {statistics.median(times):6.3f} ms   "
        f"p90 {times[int(len(times) * 0.9)]:6.3f} ms   max {times[-1]:7.2f} ms"
        f"   mean {statistics.fmean(times):6.3f} ms   (the older side's split is reused)"
    )


def timed(fn: Callable[[], object]) -> float:
    # CPU time of this process: on a shared machine, wall time of a few milliseconds
    # mostly measures when the scheduler let the process run.
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def breakdown(pairs: list[tuple[str, str]]) -> None:
    """Median, p90 and max of each step, every pair cold; 'rules' is what the rest leaves."""
    steps: dict[str, list[float]] = {k: [] for k in ("split", "align", "word counts", "total")}
    for old, new in pairs:
        _clear_caches()
        split = timed(lambda: (outline(old), outline(new)))  # noqa: B023
        steps["split"].append(split)
        steps["align"].append(timed(lambda: align(old, new)))  # noqa: B023
        steps["word counts"].append(timed(lambda: word_counts(old, new)))  # noqa: B023
        _clear_caches()
        steps["total"].append(timed(lambda: analyse_texts(old, new)))  # noqa: B023
    steps["rules, notes, rest"] = [
        t - s - a - w
        for t, s, a, w in zip(
            steps["total"], steps["split"], steps["align"], steps["word counts"], strict=True
        )
    ]
    print(f"news corpus: {len(pairs)} pairs, 8-12 KB, every cache emptied before each")
    for label, times in steps.items():
        times.sort()
        print(
            f"  {label:<22} median {statistics.median(times):6.3f} ms   "
            f"p90 {times[int(len(times) * 0.9)]:6.3f} ms   max {times[-1]:7.2f} ms"
        )


def main() -> None:
    pairs = news_pairs()
    breakdown(pairs)
    in_history_order(pairs)
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
