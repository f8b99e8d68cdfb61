"""Rebuilding the static site after one new version, against republishing by hand.

python benchmarks/bench_site.py [--articles 10000] [--rounds 5]

Builds an archive of generated news articles (``site_corpus.py``, cached under
benchmarks/out/), writes the whole site once, then, each round, saves one new version
of one article and times, as whole processes, side by side:

- ``newsarchive site -o DIR``: the incremental rebuild (what changed only);
- the anchor, what republishing that article took before: ``newsarchive report URL``
  plus ``newsarchive feed`` of the archive.

Prints each round's wall and CPU seconds and the medians. On a shared machine wall time
grows with the load; CPU time and the ratio of the two medians, measured in the same run,
are the figures to compare.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "site"


def run(*args: str, stdin: str | None = None) -> tuple[float, float]:
    """Run the CLI as a user would; return its wall and CPU (user + system) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newsarchive.cli", *args],
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def _add(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return a[0] + b[0], a[1] + b[1]


def archive_of(articles: int) -> Path:
    """An archive of ``articles`` generated stories, imported once and cached."""
    archive = OUT / f"archive-{articles}"
    if not (archive / "newsarchive.db").exists():
        shutil.rmtree(archive, ignore_errors=True)
        corpus = OUT / f"corpus-{articles}.jsonl"
        corpus.parent.mkdir(parents=True, exist_ok=True)
        with corpus.open("w", encoding="utf-8") as out:
            subprocess.run(
                [sys.executable, str(HERE / "site_corpus.py"), "--articles", str(articles)],
                stdout=out,
                check=True,
            )
        print(f"importing {articles} articles…", file=sys.stderr)
        run("--archive", str(archive), "import", str(corpus))
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    archive = str(archive_of(args.articles))
    site = OUT / f"public-{args.articles}"
    if not (site / ".newsarchive-site.json").exists():
        wall, cpu = run("--archive", archive, "site", "-o", str(site), "--full")
        print(f"full build of {args.articles} articles: {wall:.1f} s ({cpu:.1f} s CPU)")
    url = "https://news.example.com/2024/story-0"
    rebuild, anchor = [], []
    for n in range(args.rounds):
        text = f"Story zero, edition {time.time_ns()}. The council met on day {n}.\n"
        run("--archive", archive, "save", url, "--title", f"Story zero, edition {n}", stdin=text)
        rebuild.append(run("--archive", archive, "site", "-o", str(site)))
        anchor.append(
            _add(
                run("--archive", archive, "report", url, "-o", str(OUT / "report.html")),
                run("--archive", archive, "feed", "-o", str(OUT / "changes.atom")),
            )
        )
        print(
            f"round {n + 1}: site rebuild {rebuild[-1][0]:.2f} s ({rebuild[-1][1]:.2f} s CPU),"
            f" report + feed {anchor[-1][0]:.2f} s ({anchor[-1][1]:.2f} s CPU)"
        )
    for name, times in (("site rebuild", rebuild), ("report + feed", anchor)):
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        print(f"median {name}: {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
