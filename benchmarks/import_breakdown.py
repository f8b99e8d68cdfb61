"""Where an import's CPU goes: by process, then each side measured on its own.

Run: python benchmarks/import_breakdown.py [--versions N] [--runs R]

On the news-like corpus (``corpus.news_histories``) it prints:

- ``newsarchive import``, with change analysis and without, a whole process as a user
  runs it: wall seconds, and the CPU seconds of the writing process and of its workers;
- one worker's share of the lines (half of them, by article, as on two cores) prepared
  in this process as a worker prepares them, with and without analysing: CPU per line;
- the writing process's own work without analysis: the same lines, prepared as the
  workers prepare them, saved in the import's batches with nothing else running;
- SQLite's floor under that: the rows that import wrote, replayed into an empty archive
  of the same schema in transactions of the same size, one statement a row and with
  ``executemany``.

The gaps between these say what a change in one place can give: a faster writer cannot
save more than its own time less SQLite's floor, nor a faster worker more than its own.
Every figure is the median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from corpus import news_histories  # noqa: E402

from newsarchive.analysis.rules import DEFAULT_RULES  # noqa: E402
from newsarchive.archive.stored_analyses import summarise_next  # noqa: E402
from newsarchive.diff import sentences  # noqa: E402
from newsarchive.ingest import records  # noqa: E402
from newsarchive.ingest.blocks import blocks  # noqa: E402
from newsarchive.ingest.bulk import IMPORT_BATCH  # noqa: E402
from newsarchive.ingest.shards import _collect_young_only  # noqa: E402
from newsarchive.storage import CaptureRecord, open_store  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"
# Runs the command line, then reports the CPU of this process and of the workers it
# waited for on stderr's last line.
_MEASURED_CLI = """
import json, resource, sys, time
from newsarchive.cli import main
sys.argv = ["newsarchive", *sys.argv[1:]]
start = time.perf_counter()
try:
    main()
finally:
    me = resource.getrusage(resource.RUSAGE_SELF)
    them = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps([time.perf_counter() - start, me.ru_utime + me.ru_stime,
                      them.ru_utime + them.ru_stime]), file=sys.stderr)
"""
# Tables an import without analysis writes rows into, in the order their rows refer.
_WRITTEN = ("articles", "strings", "blobs", "captures", "versions")
_SHARDS = 2


def median_of(runs: int, measure: Callable[[], tuple[float, ...]]) -> tuple[float, ...]:
    results = [measure() for _ in range(runs)]
    return tuple(statistics.median(column) for column in zip(*results, strict=True))


def cli_import(corpus: Path, work: Path, *, analyse: bool) -> tuple[float, float, float]:
    """Wall seconds, and CPU seconds of the writing process and of its workers."""
    location = work / "cli"
    shutil.rmtree(location, ignore_errors=True)
    command = [sys.executable, "-c", _MEASURED_CLI, "--archive", str(location), "import", "-q"]
    done = subprocess.run(
        [*command, *([] if analyse else ["--no-analyse"]), str(corpus)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    wall, writer, workers = json.loads(done.stderr.strip().splitlines()[-1])
    return wall, writer, workers


def worker_share(corpus: Path, *, analyse: bool) -> tuple[float, int]:
    """CPU seconds one worker spends on its share of every block, and its lines."""
    summarise = functools.partial(summarise_next, DEFAULT_RULES) if analyse else None
    data = [block for _, block in blocks(corpus.open("rb"))]
    records._state.clear()  # a worker's articles, kept from block to block
    sentences._outline_cached.cache_clear()
    thresholds = gc.get_threshold()
    gc.collect()
    _collect_young_only()  # as a worker sets itself up
    lines = 0
    start = time.process_time()
    try:
        for block in data:
            _, prepared, _ = records._prepare_block(
                block, "import", records.DEFAULT_MAX_TEXT_BYTES, (0, _SHARDS, 1), summarise
            )
            lines += len(prepared)
        return time.process_time() - start, lines
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def prepared_lines(
    corpus: Path, store_dictionary: Callable[[], tuple[int, bytes] | None]
) -> Iterator[list[CaptureRecord]]:
    """Every block's lines as the workers prepare them without analysis, in input order.

    Each block is prepared when the writer asks for it, told of the store's dictionary
    as the workers are with their next block; shares of one block stay in line order.
    """
    records._state.clear()
    for _, block in blocks(corpus.open("rb")):
        numbered: list[tuple[int, CaptureRecord | str]] = []
        dictionary = store_dictionary()
        for shard in range(_SHARDS):
            _, prepared, _ = records._prepare_block(
                block, "import", records.DEFAULT_MAX_TEXT_BYTES, (shard, _SHARDS, 1),
                None, None, dictionary,
            )  # fmt: skip
            numbered += prepared
        numbered.sort(key=lambda item: item[0])
        yield [record for _, record in numbered if not isinstance(record, str)]


def writer_alone(corpus: Path, work: Path) -> float:
    """CPU seconds of saving the prepared lines in the import's batches, and nothing else."""
    location = work / "writer"
    shutil.rmtree(location, ignore_errors=True)
    store = open_store(location)
    spent = 0.0
    waiting: list[CaptureRecord] = []

    def save(batch: list[CaptureRecord]) -> float:
        start = time.process_time()
        for _ in store.ingest(batch):
            pass
        return time.process_time() - start

    try:
        for block in prepared_lines(corpus, store.keyframe_dictionary):
            waiting += block
            while len(waiting) >= IMPORT_BATCH:
                spent += save(waiting[:IMPORT_BATCH])
                del waiting[:IMPORT_BATCH]
        if waiting:
            spent += save(waiting)
    finally:
        store.close()
    return spent


def sqlite_floor(archive: Path, work: Path) -> tuple[float, float]:
    """CPU seconds of inserting an archive's rows into an empty copy of its schema: one
    statement a row, then ``executemany``."""
    source = sqlite3.connect(archive / "newsarchive.db")
    schema = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        )
    ]
    page_size = source.execute("PRAGMA page_size").fetchone()[0]
    rows = {table: source.execute(f"SELECT * FROM {table}").fetchall() for table in _WRITTEN}
    source.close()
    batches = range(0, len(rows["captures"]), IMPORT_BATCH)
    spent = []
    for many in (False, True):
        path = work / f"floor-{many}.db"
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute(f"PRAGMA page_size = {page_size}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        for sql in schema:
            db.execute(sql)
        start = time.process_time()
        for table in _WRITTEN[:2]:
            _insert(db, table, rows[table], many)
        for at in batches:
            db.execute("BEGIN")
            for table in _WRITTEN[2:]:
                # Rows a batch wrote: the same share of each table (blobs and versions
                # have about one row a capture).
                share = len(rows[table]) / len(rows["captures"])
                lo, hi = round(at * share), round((at + IMPORT_BATCH) * share)
                _insert(db, table, rows[table][lo:hi], many, transaction=False)
            db.execute("COMMIT")
        spent.append(time.process_time() - start)
        db.close()
    return spent[0], spent[1]


def _insert(
    db: sqlite3.Connection, table: str, rows: list[Any], many: bool, *, transaction: bool = True
) -> None:
    if not rows:
        return
    sql = f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})"
    if transaction:
        db.execute("BEGIN")
    if many:
        db.executemany(sql, rows)
    else:
        for row in rows:
            db.execute(sql, row)
    if transaction:
        db.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = news_histories(args.versions)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        count = len(rows)
        del rows  # what the workers read is the file
        print(f"corpus: {count:,} versions, news-like; medians of {args.runs} runs")
        for analyse in (True, False):
            label = "with analysis" if analyse else "without analysis"
            wall, writer, workers = median_of(
                args.runs, lambda a=analyse: cli_import(corpus, work, analyse=a)
            )
            print(
                f"newsarchive import, {label}: {wall:.2f} s wall; CPU s: writing process "
                f"{writer:.2f}, workers {workers:.2f}, all {writer + workers:.2f}"
            )
            share, lines = median_of(args.runs, lambda a=analyse: worker_share(corpus, analyse=a))
            print(
                f"  one worker's share ({int(lines):,} lines), prepared here: {share:.2f} s, "
                f"{share / lines * 1e6:.0f} µs a line"
            )
        # The last import above, without analysis, left its archive for the floor below.
        (alone,) = median_of(args.runs, lambda: (writer_alone(corpus, work),))
        print(f"  the writing process alone, without analysis: {alone:.2f} s")
        one, many = median_of(args.runs, lambda: sqlite_floor(work / "cli", work))
        print(
            f"  SQLite inserting the same rows alone: {one:.2f} s one statement a row, "
            f"{many:.2f} s with executemany"
        )


if __name__ == "__main__":
    main()
