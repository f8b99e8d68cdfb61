"""PostgreSQL beside SQLite on the same generated corpus; prints figures.

    PYTHONPATH=src python benchmarks/bench_postgres.py [--versions N] [--url URL]

The server comes from --url, else NEWSARCHIVE_TEST_POSTGRES_URL; every run works in
fresh schemas and drops them. First, ``newsarchive import`` as a user runs it (a whole
process, with change analysis and without) into each, in turn, on the news-like corpus;
then, per backend:

- import: prepare + ``ingest`` in batches of 500 (what the JSON Lines import runs), and
  prepare + ``save_many`` in batches of 500 (the same saves, each with its full result);
- one transaction per save (``Archive.save``), 1 writer, and 8 writer processes saving
  different articles at once;
- change analysis is off throughout (it costs the same on either backend, and would
  hide the difference between them);
- lookups on the imported archive, freshly opened: the latest version's text, and the
  version current at a random time (as-of), once per article, median and p95.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from corpus import histories, news_histories  # noqa: E402

from newsarchive import Archive  # noqa: E402

WRITERS = 8
BATCH = 500
LOOKUPS = 400


def _fields(capture: dict[str, str]) -> dict[str, Any]:
    return {**capture, "captured_at": datetime.fromisoformat(capture["captured_at"])}


@contextmanager
def _postgres(url: str) -> Iterator[Callable[[], str]]:
    """Yield a maker of fresh-schema locations; drop every schema made afterwards."""
    import psycopg

    made: list[str] = []

    def fresh() -> str:
        made.append(f"na_bench_{uuid.uuid4().hex[:10]}")
        return f"{url}{'&' if '?' in url else '?'}schema={made[-1]}"

    try:
        yield fresh
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in made:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _import(location: str, corpus: list[dict[str, str]], method: str = "ingest") -> float:
    with Archive.open(location) as archive:
        save = getattr(archive, method)
        start = time.perf_counter()
        for i in range(0, len(corpus), BATCH):
            save([archive.prepare(**_fields(c)) for c in corpus[i : i + BATCH]], analyse=False)
        return len(corpus) / (time.perf_counter() - start)


def _writer(location: str, captures: list[dict[str, str]], ready: Any, go: Any) -> None:
    with Archive.open(location) as archive:
        ready.put(1)
        go.wait()
        for capture in captures:
            archive.save(**_fields(capture), analyse=False)


def _per_save(location: str, corpus: list[dict[str, str]], writers: int) -> float:
    """Saves per second, each its own transaction, by ``writers`` processes at once."""
    Archive.open(location).close()  # create and migrate outside the timing
    shares: list[list[dict[str, str]]] = [[] for _ in range(writers)]
    for capture in corpus:
        shares[int(capture["url"].rsplit("/", 1)[1]) % writers].append(capture)
    context = multiprocessing.get_context("spawn")
    ready, go = context.Queue(), context.Event()
    procs = [context.Process(target=_writer, args=(location, share, ready, go)) for share in shares]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=120)
    start = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"a writer failed with exit code {proc.exitcode}")
    return len(corpus) / (time.perf_counter() - start)


def _lookups(location: str, corpus: list[dict[str, str]]) -> tuple[list[float], list[float]]:
    """Time each kind of lookup once per article, each kind in a freshly opened archive
    (so no decoded text is cached from before)."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for capture in corpus:
        at = datetime.fromisoformat(capture["captured_at"])
        first, last = spans.get(capture["url"], (at, at))
        spans[capture["url"]] = (min(first, at), max(last, at))
    urls = sorted(spans)
    rng = random.Random(6)
    rng.shuffle(urls)
    urls = urls[:LOOKUPS]
    latest, as_of = [], []
    with Archive.open(location) as archive:
        for url in urls:
            start = time.perf_counter()
            archive.get(url).text  # noqa: B018
            latest.append(time.perf_counter() - start)
    with Archive.open(location) as archive:
        for url in urls:
            first, last = spans[url]
            when = first + timedelta(seconds=rng.uniform(0, (last - first).total_seconds()))
            start = time.perf_counter()
            archive.get(url, at=when).text  # noqa: B018
            as_of.append(time.perf_counter() - start)
    return latest, as_of


def _cli_import(location: str, corpus: Path, *, analyse: bool) -> float:
    """Seconds of ``newsarchive import`` as a user runs it: a whole process."""
    command = [sys.executable, "-m", "newsarchive.cli", "--archive", location, "import"]
    command += [] if analyse else ["--no-analyse"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    start = time.perf_counter()
    subprocess.run([*command, "-q", str(corpus)], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def cli_imports(fresh_sqlite: Callable[[], str], fresh_pg: Callable[[], str], work: Path) -> None:
    """The CLI's import into each store, news-like corpus, in turn; median of 3 pairs."""
    rows = news_histories(3000)
    corpus = work / "news.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(f"\nnewsarchive import (whole process), news-like corpus of {len(rows):,} versions")
    for analyse in (True, False):
        pairs = [
            (_cli_import(fresh_sqlite(), corpus, analyse=analyse),
             _cli_import(fresh_pg(), corpus, analyse=analyse))
            for _ in range(3)
        ]  # fmt: skip
        lite = statistics.median(p[0] for p in pairs)
        pg = statistics.median(p[1] for p in pairs)
        ratio = statistics.median(p[0] / p[1] for p in pairs)
        label = "with analysis" if analyse else "without analysis"
        print(
            f"  {label:<17} sqlite {len(rows) / lite:7.0f} v/s   postgres {len(rows) / pg:7.0f}"
            f" v/s   postgres / sqlite {ratio:.2f}x   (target >= 0.5x)"
        )


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=3000, help="captures in the corpus")
    parser.add_argument("--url", default=os.environ.get("NEWSARCHIVE_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    if not args.url:
        raise SystemExit("give --url or set NEWSARCHIVE_TEST_POSTGRES_URL")
    corpus = list(histories(args.versions))
    articles = len({c["url"] for c in corpus})
    size = sum(len(c["text"]) for c in corpus) / len(corpus) / 1024
    print(
        f"{platform.node()}  {platform.machine()}  {os.cpu_count()} CPUs  "
        f"Python {platform.python_version()}"
    )
    print(f"corpus: {len(corpus)} captures of {articles} articles, {size:.1f} KB of text each")
    with tempfile.TemporaryDirectory() as tmp, _postgres(args.url) as fresh_pg:
        counter = iter(range(1_000_000))

        def fresh_sqlite() -> str:
            return str(Path(tmp) / f"a{next(counter)}")

        cli_imports(fresh_sqlite, fresh_pg, Path(tmp))
        for name, fresh in (("sqlite", fresh_sqlite), ("postgres", fresh_pg)):
            print(f"\n{name}")
            imported = fresh()
            print(f"  import, batches of {BATCH}:      {_import(imported, corpus):8.0f} captures/s")
            rate = _import(fresh(), corpus, "save_many")
            print(f"  save_many, batches of {BATCH}:   {rate:8.0f} captures/s")
            for writers in (1, WRITERS):
                rate = _per_save(fresh(), corpus, writers)
                print(
                    f"  one save per transaction, {writers} writer{'s' if writers > 1 else ' '}:"
                    f"{rate:8.0f} saves/s"
                )
            latest, as_of = _lookups(imported, corpus)
            print(f"  latest version text:  {_ms(latest)}")
            print(f"  as-of lookup:         {_ms(as_of)}")


if __name__ == "__main__":
    main()
