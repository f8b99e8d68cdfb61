"""Research exports of a large archive: rows per second and output size.

python benchmarks/bench_export.py [--versions 1000000] [--runs 1] [--only-tables] [--steps N]

Builds (once, kept under benchmarks/out/) an archive of generated news articles, each
with 2–20 revisions of the kinds newsrooms make (see corpus.py), then times what a user
runs, whole process:

    newsarchive --archive DIR export --format parquet -o TABLES/
    newsarchive --archive DIR export --format sqlite -o plain.db
    newsarchive --archive DIR export --format parquet -o TABLES/ --no-sentence-edits

and prints versions and rows per second, and each output's size beside the archive's.
``--steps N`` instead breaks the CPU time of exporting the first N articles down by step,
in one process: reading versions and captures (rows and delta decompression), building
their columns, splitting and aligning sentences, building Arrow batches and writing
Parquet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from corpus import histories  # noqa: E402

from newsarchive import Archive  # noqa: E402
from newsarchive.storage.export_read import list_articles, read_articles  # noqa: E402
from newsarchive.times import parse_time  # noqa: E402


def build(location: Path, versions: int) -> None:
    """An archive of ``versions`` versions, saved in large batches without analysis."""
    start = time.perf_counter()
    with Archive.open(location) as archive:
        batch = []
        for row in histories(versions):
            batch.append(
                archive.prepare(
                    row["url"],
                    text=row["text"],
                    title=row["title"],
                    captured_at=parse_time(row["captured_at"]),
                )
            )
            if len(batch) == 5000:
                archive.store.ingest(batch)
                batch = []
        archive.store.ingest(batch)
    print(f"built {versions:,} versions in {time.perf_counter() - start:.0f} s")


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(command: list[str]) -> tuple[float, float, dict[str, int]]:
    """Wall and CPU seconds of a whole command, and the row counts it reported."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"export failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = json.loads(done.stdout)
    return wall, cpu, {k: v for k, v in report.items() if isinstance(v, int)}


def steps(location: Path, articles: int) -> None:
    """CPU seconds of each step of the Parquet export of the first ``articles`` articles."""
    import pyarrow.parquet

    from newsarchive.interop import parquet, research

    spent: dict[str, float] = {}
    clock = time.process_time()

    def step(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        spent[name] = spent.get(name, 0.0) + now - clock
        clock = now

    with Archive.open(location, create=False) as archive:
        chosen = list_articles(archive.store)[:articles]
        step("listing articles")
        rules = archive.rules or research.DEFAULT_RULES
        batch: research.Columns = {n: [[] for _ in c] for n, c in research.TABLES.items()}
        for url, versions, captures in read_articles(archive.store, [a.url for a in chosen]):
            step("reading versions and captures")
            research._add_versions(batch["versions"], url, versions)
            research._add_captures(batch["captures"], url, captures)
            step("version and capture columns")
            research._add_edits(batch["sentence_edits"], url, versions, rules)
            step("sentence edits (split, align)")
    records = parquet._record_batches(batch)
    step("Arrow batches")
    with tempfile.TemporaryDirectory() as out:
        for name, record in records.items():
            with pyarrow.parquet.ParquetWriter(
                Path(out) / f"{name}.parquet",
                record.schema,
                compression="zstd",
                compression_level=parquet.COMPRESSION_LEVEL,
            ) as writer:
                writer.write_batch(record)
    step("writing Parquet")
    total = sum(spent.values())
    print(
        f"{len(chosen):,} articles, {len(batch['versions'][0]):,} versions, "
        f"{len(batch['sentence_edits'][0]):,} sentence edits: {total:.1f} s CPU"
    )
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:32} {seconds:7.2f} s  {seconds / total:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "export")
    parser.add_argument(
        "--only-tables", action="store_true", help="only the export without sentence edits"
    )
    parser.add_argument(
        "--steps", type=int, metavar="N", help="break down the CPU time of N articles' export"
    )
    args = parser.parse_args()
    archive = args.out / f"archive-{args.versions}"
    if not archive.exists():
        build(archive, args.versions)
    if args.steps:
        steps(archive, args.steps)
        return
    found = shutil.which("newsarchive")
    command = [found] if found else [sys.executable, "-m", "newsarchive.cli"]
    archived = size(archive)
    print(f"archive: {args.versions:,} versions, {archived / 1e6:.1f} MB on disk")
    print(f"(machine load average {os.getloadavg()[0]:.1f}: medians of {args.runs} run(s))\n")
    cases = [
        ("parquet", args.out / "tables", []),
        ("sqlite", args.out / "plain.db", []),
        ("parquet, no sentence edits", args.out / "tables-plain", ["--no-sentence-edits"]),
    ]
    if args.only_tables:
        cases = cases[-1:]
    for label, output, extra in cases:
        fmt = label.split(",")[0]
        walls, cpus = [], []
        counts: dict[str, int] = {}
        for _ in range(args.runs):
            if output.is_dir():
                shutil.rmtree(output)
            output.unlink(missing_ok=True)
            wall, cpu, counts = timed(
                [*command, "--archive", str(archive), "export", "--format", fmt,
                 "-o", str(output), "--json", *extra]
            )  # fmt: skip
            walls.append(wall)
            cpus.append(cpu)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        rows = sum(counts.values())
        written = size(output)
        print(
            f"{label:28} wall {wall:7.1f} s  cpu {cpu:7.1f} s  "
            f"{counts['versions'] / wall:8,.0f} versions/s  {rows / wall:8,.0f} rows/s  "
            f"{written / 1e6:7.1f} MB ({written / archived:.2f}x the archive)"
        )
        print(
            "    rows: "
            + ", ".join(f"{name} {counts[name]:,}" for name in ("articles", "versions",
                                                               "sentence_edits", "captures"))
        )  # fmt: skip


if __name__ == "__main__":
    main()
