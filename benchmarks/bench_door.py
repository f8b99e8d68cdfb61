"""What checking every capture at the door costs an import: this tree against another.

python benchmarks/bench_door.py --anchor-src ../other-checkout/src [--versions 5000] [--runs 5]

Times ``newsarchive import FILE`` (the CLI's default path, whole process, into a fresh
archive each run) on news-like JSON Lines (generated articles with metadata and HTTP
headers), alternating this tree and the anchor run by run, and prints the median of each
and the median of the per-pair ratios. Quote ratios: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import histories  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"


def write_corpus(path: Path, versions: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n, row in enumerate(histories(versions)):
            line = {
                **row,
                "captured_at": row["captured_at"].replace("+00:00", "Z"),
                "http_status": 200,
                "http_headers": [["Content-Type", "text/html; charset=utf-8"], ["ETag", f'"{n}"']],
                "metadata": {"feed": "https://news.example.com/rss", "rank": n % 50, "score": 0.5},
            }
            out.write(json.dumps(line) + "\n")


def one_run(src: Path, corpus: Path, work: Path) -> float:
    archive = work / f"archive-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "newsarchive.cli", "--archive", str(archive)]
    started = time.perf_counter()
    subprocess.run(
        [*command, "import", "-q", str(corpus)], env=env, check=True, stderr=subprocess.DEVNULL
    )
    elapsed = time.perf_counter() - started
    shutil.rmtree(archive)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchor-src", type=Path, required=True, help="the other tree's src/")
    parser.add_argument("--versions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        write_corpus(corpus, args.versions)
        size = corpus.stat().st_size
        print(f"corpus: {args.versions} versions, {size / 1e6:.1f} MB of JSON Lines")
        one_run(SRC, corpus, work)  # warm the page cache and bytecode
        one_run(args.anchor_src, corpus, work)
        ours, anchor = [], []
        for _ in range(args.runs):
            ours.append(one_run(SRC, corpus, work))
            anchor.append(one_run(args.anchor_src, corpus, work))
    ratios = [a / b for a, b in zip(ours, anchor, strict=True)]
    print(f"this tree: median {statistics.median(ours):.2f} s")
    print(f"anchor:    median {statistics.median(anchor):.2f} s")
    print(
        f"ratio this/anchor: median {statistics.median(ratios):.3f}"
        f" (min {min(ratios):.3f}, max {max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
