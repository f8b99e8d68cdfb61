"""The analysis benchmark's steps run on a few pairs, so its figures can always be measured again.

Only what the benchmark does around the library is checked here, never a time.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_analysis  # noqa: E402

from newsarchive.analysis import analyse_texts  # noqa: E402
from newsarchive.diff import sentences  # noqa: E402


def test_emptying_the_caches_forgets_every_outline() -> None:
    rng = random.Random(3)
    old = bench_analysis.article(rng, size=2_000)
    analyse_texts(old, bench_analysis.edit(rng, old))
    assert sentences._outline_cached._outlines
    bench_analysis._clear_caches()
    assert not sentences._outline_cached._outlines
    assert sentences._paragraph_sentences.cache_info().currsize == 0


def test_breakdown_and_history_order_print_each_step(capsys) -> None:
    rng = random.Random(4)
    pairs = []
    for _ in range(3):
        old = bench_analysis.article(rng, size=3_000)
        pairs.append((old, bench_analysis.edit(rng, old)))
    bench_analysis.breakdown(pairs)
    bench_analysis.in_history_order(pairs)
    out = capsys.readouterr().out
    for step in ("split", "align", "word counts", "total", "rules, notes, rest", "history order"):
        assert step in out
