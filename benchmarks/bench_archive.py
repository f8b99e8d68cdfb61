"""Speed and size of the core archive on a generated corpus; prints figures and targets.

python benchmarks/bench_archive.py            # 10k versions, plus lookups at 1M
python benchmarks/bench_archive.py --small    # 10k versions only (a minute or two)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from corpus import histories  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"

from newsarchive import Archive, NewsArchiveError  # noqa: E402
from newsarchive.diff import diff_texts  # noqa: E402
from newsarchive.times import parse_time  # noqa: E402


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def line(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    mark = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"  {label:<44} {value:>16}   {target}{mark}")


def db_size(location: Path) -> int:
    with sqlite3.connect(location / "newsarchive.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (location / "newsarchive.db").stat().st_size


# A fresh process importing a file, as `newsarchive import FILE` does; it prints the rate.
_IMPORT = """
import sys, time
from pathlib import Path
from newsarchive import Archive
from newsarchive.ingest.records import default_workers
location, corpus, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
with Archive.open(location) as archive, open(corpus, "rb") as stream:
    start = time.perf_counter()
    report = archive.import_jsonl(
        stream, analyse=False, workers=default_workers(corpus.stat().st_size)
    )
    elapsed = time.perf_counter() - start
assert report.captures_added == n and not report.problems, report
print(report.versions_added / elapsed)
"""


def import_rate(corpus: Path, n: int, work: Path) -> tuple[float, Path]:
    location = work / f"import-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT, str(location), str(corpus), str(n)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out), location


def save_rate(rows: list[dict[str, str]], work: Path, *, analyse: bool = False) -> float:
    location = work / f"save-{time.monotonic_ns()}"
    with Archive.open(location) as archive:
        start = time.perf_counter()
        for row in rows:
            archive.save(
                row["url"],
                text=row["text"],
                title=row["title"],
                captured_at=parse_time(row["captured_at"]),
                analyse=analyse,
            )
        elapsed = time.perf_counter() - start
    shutil.rmtree(location)
    return len(rows) / elapsed


def git_size(rows: list[dict[str, str]], work: Path) -> int:
    """Commit every version into a git repository (one file per article), gc --aggressive."""
    repo = work / "git"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    stream = io.BytesIO()
    for row in rows:
        body = f"{row['title']}\n\n{row['text']}\n".encode()
        path = row["url"].rsplit("/", 1)[1] + ".txt"
        stamp = int(parse_time(row["captured_at"]).timestamp())
        message = f"{row['url']} at {row['captured_at']}".encode()
        stream.write(b"commit refs/heads/main\n")
        stream.write(f"committer scraper <scraper@example.com> {stamp} +0000\n".encode())
        stream.write(b"data %d\n%s\n" % (len(message), message))
        stream.write(f"M 100644 inline {path}\n".encode())
        stream.write(b"data %d\n%s\n" % (len(body), body))
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"], input=stream.getvalue(), check=True
    )
    subprocess.run(["git", "-C", str(repo), "gc", "--aggressive", "--prune=now", "-q"], check=True)
    return sum(f.stat().st_size for f in (repo / ".git").rglob("*") if f.is_file())


def size_breakdown(location: Path) -> str:
    """Megabytes per table and index, largest first (SQLite's dbstat)."""
    with sqlite3.connect(location / "newsarchive.db") as conn:
        rows = conn.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6"
        ).fetchall()
    return ", ".join(f"{name} {size / 1e6:.2f}" for name, size in rows)


def text_floor(rows: list[dict[str, str]], level: int) -> tuple[int, float]:
    """Bytes of every article's versions as one zstd stream: what text costs with no
    per-version framing, no hashes and no indexes; and versions compressed per second."""
    import zstandard

    by_url: dict[str, list[bytes]] = {}
    for row in rows:
        by_url.setdefault(row["url"], []).append(f"{row['title']}\n\n{row['text']}".encode())
    compressor = zstandard.ZstdCompressor(level=level)
    start = time.perf_counter()
    size = sum(len(compressor.compress(b"\0".join(texts))) for texts in by_url.values())
    return size, len(rows) / (time.perf_counter() - start)


def whole_texts(rows: list[dict[str, str]]) -> int:
    """Bytes of each distinct version compressed on its own (zstd level 3): the
    whole-text compression that delta frames are there to beat."""
    import zstandard

    compressor = zstandard.ZstdCompressor(level=3)
    texts = {f"{row['title']}\n\n{row['text']}".encode() for row in rows}
    return sum(len(compressor.compress(text)) for text in texts)


def required_hashes(rows: list[dict[str, str]]) -> int:
    """Bytes of the sha256 digests the data model requires: one keying each distinct text,
    and at least one for each distinct content of an article (its versions' key)."""
    texts = {(row["url"], row["title"], row["text"]) for row in rows}
    return 32 * len({t[2] for t in texts}) + 32 * len(texts)


def diff_times(rows: list[dict[str, str]]) -> list[float]:
    by_url: dict[str, list[str]] = {}
    for row in rows:
        by_url.setdefault(row["url"], []).append(row["text"])
    pairs = [
        (a, b)
        for texts in by_url.values()
        for a, b in zip(texts, texts[1:], strict=False)
        if 9_000 <= len(b) <= 11_000
    ]
    times = []
    for a, b in pairs:
        start = time.perf_counter()
        diff_texts(a, b)
        times.append(time.perf_counter() - start)
    return times


def rewrite_time() -> float:
    rng = random.Random(7)
    words = [f"w{rng.randrange(5000)}" for _ in range(60_000)]
    old = " ".join(words)[:200_000]
    rng.shuffle(words)
    new = " ".join(w.upper() for w in words)[:200_000]
    start = time.perf_counter()
    result = diff_texts(old, new)
    elapsed = time.perf_counter() - start
    assert result.old_text == old and result.new_text == new
    return elapsed


def lookup_times(location: Path, urls: list[str], t0: datetime) -> tuple[float, float]:
    rng = random.Random(1)
    sample = [rng.choice(urls) for _ in range(2000)]
    with Archive.open(location) as archive:
        archive.get(sample[0])
        latest, asof = [], []
        for url in sample:
            start = time.perf_counter()
            archive.get(url)
            latest.append(time.perf_counter() - start)
        for url in sample:
            # A time within the article's first three days (the corpus starts article
            # N at N × 7 minutes), so that nearly every lookup finds a version.
            start = t0 + timedelta(minutes=7 * int(url.rsplit("/", 1)[1]))
            when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 3))
            start = time.perf_counter()
            # A time before the article's first capture raises after a full lookup.
            with contextlib.suppress(NewsArchiveError):
                archive.get(url, at=when)
            asof.append(time.perf_counter() - start)
    return statistics.median(latest), statistics.median(asof)


def build_big(location: Path, n: int) -> list[str]:
    urls = []
    with Archive.open(location) as archive:
        batch = []
        for row in histories(n, seed=99):
            batch.append(
                archive.prepare(
                    row["url"],
                    text=row["text"],
                    title=row["title"],
                    captured_at=parse_time(row["captured_at"]),
                )
            )
            if len(batch) == 2000:
                archive.save_many(batch, analyse=False)
                batch = []
                urls.append(row["url"])
        archive.save_many(batch, analyse=False)
    return urls


def attach_analyses(location: Path, rows: list[dict[str, str]]) -> None:
    """Store an analysis summary with every version of the big archive.

    Analysing a million versions for real would take close to an hour, and the listing
    query's speed does not depend on what the summaries say: real summaries of the small
    corpus's consecutive pairs are stored round-robin.
    """
    from newsarchive.analysis import analyse_texts

    by_url: dict[str, list[str]] = {}
    for row in rows:
        by_url.setdefault(row["url"], []).append(row["text"])
    summaries = [
        analyse_texts(a, b).to_summary()
        for texts in list(by_url.values())[:150]
        for a, b in zip(texts, texts[1:], strict=False)
    ]
    with Archive.open(location) as archive:
        n = 0
        for article in archive.articles():
            items = []
            for version in archive.history(article.url):
                items.append((version.id, summaries[n % len(summaries)]))
                n += 1
            archive.store.set_analyses(article.url, items)


def changes_time(location: Path) -> dict[str, float]:
    with Archive.open(location) as archive:
        queries = {
            "newest 100": lambda: archive.changes(limit=100),
            "newest 100 substantive": lambda: archive.changes(
                min_significance="substantive", limit=100
            ),
            "newest 100 stealth": lambda: archive.changes(stealth=True, limit=100),
        }
        result = {}
        for name, query in queries.items():
            query()
            times = []
            for _ in range(20):
                start = time.perf_counter()
                assert len(query()) == 100
                times.append(time.perf_counter() - start)
            result[name] = statistics.median(times)
    return result


def startup_time() -> float:
    def once() -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "newsarchive.cli", "--version"],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(SRC)},
        )
        return time.perf_counter() - start

    return statistics.median(once() for _ in range(15))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="skip the 1M-version archive")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    rows = list(histories(args.versions))
    raw = sum(len(r["text"].encode()) + len(r["title"].encode()) for r in rows)
    jsonl = "".join(json.dumps(r) + "\n" for r in rows).encode()
    print(
        f"corpus: {len(rows):,} versions of {len({r['url'] for r in rows}):,} articles, "
        f"{raw / 1e6:.1f} MB of text"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        corpus.write_bytes(jsonl)
        runs = [import_rate(corpus, len(rows), work) for _ in range(3)]
        rates, locations = zip(*runs, strict=True)
        rate = statistics.median(rates)
        line("import (versions/s, median of 3)", f"{rate:,.0f}", "target ≥ 8,000", rate >= 8000)
        saves = median_of(3, lambda: save_rate(rows[:3000], work))
        line(
            "save, one transaction each (saves/s)", f"{saves:,.0f}", "target ≥ 2,500", saves >= 2500
        )
        analysed = save_rate(rows[:1000], work, analyse=True)
        line("  the same with change analysis (saves/s)", f"{analysed:,.0f}")
        size = db_size(locations[0])
        gsize = git_size(rows, work)
        line("archive size / raw text", f"{100 * size / raw:.1f}%", f"({size / 1e6:.2f} MB)")
        line(
            "git gc --aggressive size / raw text",
            f"{100 * gsize / raw:.1f}%",
            f"({gsize / 1e6:.2f} MB)",
        )
        line(
            "archive size / git size",
            f"{100 * size / gsize:.1f}%",
            "target ≤ 60%",
            size <= 0.6 * gsize,
        )
        print(f"    (MB by table: {size_breakdown(locations[0])})")
        whole = whole_texts(rows)
        line("  archive size / each version zstd'd alone", f"{100 * size / whole:.1f}%")
        # Lower bounds for any layout of this data model: text, then the hashes it needs.
        for level in (19, 3):
            floor, speed = text_floor(rows, level)
            line(
                f"  text alone, zstd -{level} per article / git",
                f"{100 * floor / gsize:.1f}%",
                f"(compressing alone: {speed:,.0f} versions/s)",
            )
        hashes = floor + required_hashes(rows)
        line("  the same plus its sha256 keys / git", f"{100 * hashes / gsize:.1f}%")
        passes = [diff_times(rows) for _ in range(3)]
        med = statistics.median(statistics.median(times) for times in passes) * 1e3
        worst = max(max(times) for times in passes) * 1e3
        line(
            f"word diff, 10 KB pair (ms, {len(passes[0])} pairs ×3)",
            f"{med:.3f}",
            "target ≤ 0.3",
            med <= 0.3,
        )
        line("word diff, slowest pair (ms)", f"{worst:.1f}", "target ≤ 100", worst <= 100)
        rw = rewrite_time()
        line("200 KB full rewrite diff (s)", f"{rw:.3f}", "target ≤ 0.5", rw <= 0.5)
        t0 = parse_time(rows[0]["captured_at"])
        urls = sorted({r["url"] for r in rows})
        small_latest, small_asof = lookup_times(locations[0], urls, t0)
        line(
            "latest version at 10k (ms, median)",
            f"{small_latest * 1e3:.3f}",
            "target ≤ 0.5",
            small_latest <= 0.0005,
        )
        line(
            "as-of lookup at 10k (ms, median)",
            f"{small_asof * 1e3:.3f}",
            "target ≤ 0.5",
            small_asof <= 0.0005,
        )
        if not args.small:
            start = time.perf_counter()
            big_urls = build_big(work / "big", args.big)
            print(
                f"  (built {args.big:,} versions in {time.perf_counter() - start:.0f} s, "
                f"{db_size(work / 'big') / 1e9:.2f} GB)"
            )
            big_latest, big_asof = lookup_times(work / "big", big_urls, t0)
            line(
                f"latest version at {args.big:,} (ms)",
                f"{big_latest * 1e3:.3f}",
                "target ≤ 0.5",
                big_latest <= 0.0005,
            )
            line(
                f"as-of lookup at {args.big:,} (ms)",
                f"{big_asof * 1e3:.3f}",
                "target ≤ 0.5",
                big_asof <= 0.0005,
            )
            line(
                "latest: 1M time / 10k time",
                f"{big_latest / small_latest:.2f}×",
                "target ≤ 1.5×",
                big_latest <= 1.5 * small_latest,
            )
            start = time.perf_counter()
            attach_analyses(work / "big", rows)
            print(f"  (stored analyses in {time.perf_counter() - start:.0f} s)")
            for name, seconds in changes_time(work / "big").items():
                line(
                    f"changes, {name} (ms)", f"{seconds * 1e3:.1f}", "target ≤ 200", seconds <= 0.2
                )
            line(
                "as-of: 1M time / 10k time",
                f"{big_asof / small_asof:.2f}×",
                "target ≤ 1.5×",
                big_asof <= 1.5 * small_asof,
            )
    start_s = startup_time()
    line(
        "newsarchive --version (ms, median)", f"{start_s * 1e3:.0f}", "target ≤ 100", start_s <= 0.1
    )


if __name__ == "__main__":
    main()
