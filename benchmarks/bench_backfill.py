"""Importing one article's captures out of time order costs about what a sorted import does.

python benchmarks/bench_backfill.py [--captures 20000]

One article captured every minute, its text changing every 50 minutes, imported into an
empty archive in three orders: sorted; as two scrapers' files one after the other (every
other minute, then the rest: each capture of the second lands inside the timeline); and
shuffled. Then the worst cases for numbering, every capture a new version, in reverse and
as two scrapers' files (each capture of the second landing between two of the first), at
``--distinct`` versions, twice and four times that, to show how their cost grows.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsarchive import Archive  # noqa: E402

URL = "https://news.example.com/2017/11/14/sessions-testimony"
BODY = "The attorney general said on Tuesday that he would testify before the committee. " * 60


def lines(captures: int, every: int) -> list[str]:
    start = datetime(2017, 11, 14, tzinfo=UTC)
    return [
        json.dumps(
            {
                "url": URL,
                "captured_at": (start + timedelta(minutes=i)).isoformat(),
                "text": f"{BODY}Update {i // every}.",
            }
        )
        + "\n"
        for i in range(captures)
    ]


def timed_import(rows: list[str]) -> tuple[float, int]:
    with Archive.open(":memory:") as archive:
        start = time.perf_counter()
        report = archive.import_jsonl(io.BytesIO("".join(rows).encode()), analyse=False)
        elapsed = time.perf_counter() - start
        assert report.captures_added == len(rows) and not report.problems, report
        return elapsed, len(archive.history(URL))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--captures", type=int, default=20_000)
    parser.add_argument("--distinct", type=int, default=2_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    rows = lines(args.captures, every=50)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    orders = {
        "sorted": rows,
        "two scrapers, one after the other": rows[::2] + rows[1::2],
        "shuffled": shuffled,
    }
    sorted_time = 0.0
    for name, order in orders.items():
        elapsed, versions = timed_import(order)
        sorted_time = sorted_time or elapsed
        print(
            f"  {len(order):,} captures, {versions} versions, {name:<34} "
            f"{elapsed:6.2f} s  ({elapsed / sorted_time:.1f}× sorted)"
        )
    distinct = lines(args.distinct, every=1)
    elapsed, versions = timed_import(distinct)
    print(f"  {len(distinct):,} captures, {versions} versions, {'sorted':<34} {elapsed:6.2f} s")
    # How the worst cases grow: twice the versions, twice over (linear would take 2×
    # each time), newest first and as two scrapers' files one after the other.
    for name, reorder in {
        "reversed": lambda rows: rows[::-1],
        "two scrapers, one after the other": lambda rows: rows[::2] + rows[1::2],
    }.items():
        elapsed = 0.0
        for times in (1, 2, 4):
            doubled = reorder(lines(times * args.distinct, every=1))
            twice, versions = timed_import(doubled)
            growth = (
                f"  ({twice / elapsed:.1f}× the time for twice the versions)" if elapsed else ""
            )
            label = f"{len(doubled):,} captures, {versions} versions, {name:<34}"
            print(f"  {label} {twice:6.2f} s{growth}")
            elapsed = twice


if __name__ == "__main__":
    main()
