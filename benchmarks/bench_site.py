"""Rebuilding the static site after one new version, against republishing by hand.

python benchmarks/bench_site.py [--articles 10000] [--rounds 5]

Builds an archive of generated news articles (``site_corpus.py``, cached under
benchmarks/out/), writes the whole site once, then, each round, saves one new version
of one article and times, as whole processes, side by side:

- ``newsarchive site -o DIR``: the incremental rebuild (what changed only);
- the anchor, what republishing that article took before: ``newsarchive report URL``
  plus ``newsarchive feed`` of the archive.

Prints each round's seconds and the medians. The machine may be shared: compare the
two medians, measured in the same run, rather than absolute times.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "site"


def run(*args: str, stdin: str | None = None) -> float:
    """Run the CLI as a user would; return the wall seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newsarchive.cli", *args],
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


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
    full = run("--archive", archive, "site", "-o", str(site), "--full")
    print(f"full build of {args.articles} articles: {full:.1f} s")
    url = "https://news.example.com/2024/story-0"
    rebuild, anchor = [], []
    for n in range(args.rounds):
        text = f"Story zero, edition {time.time_ns()}. The council met on day {n}.\n"
        run("--archive", archive, "save", url, "--title", f"Story zero, edition {n}", stdin=text)
        rebuild.append(run("--archive", archive, "site", "-o", str(site)))
        anchor.append(
            run("--archive", archive, "report", url, "-o", str(OUT / "report.html"))
            + run("--archive", archive, "feed", "-o", str(OUT / "changes.atom"))
        )
        print(f"round {n + 1}: site rebuild {rebuild[-1]:.2f} s, report + feed {anchor[-1]:.2f} s")
    print(
        f"median: site rebuild {statistics.median(rebuild):.2f} s, "
        f"report + feed {statistics.median(anchor):.2f} s"
    )


if __name__ == "__main__":
    main()
