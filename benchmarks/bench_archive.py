"""Speed and size of the core archive; prints figures beside their anchors and targets.

python benchmarks/bench_archive.py                      # news-like corpus, lookups to 1M
python benchmarks/bench_archive.py --corpus generated   # the first, generated corpus
python benchmarks/bench_archive.py --small              # no 100k/1M archives (minutes)
python benchmarks/bench_archive.py --lookups-only       # cold look-ups at 10k, 100k, 1M

Imports are timed as a user runs them: the ``newsarchive import`` command, a whole
process, with change analysis (the default) and without, each in turn with ``git
fast-import`` of the same versions, so that the ratios hold on a busy machine. So are
imports into an archive that holds half the corpus already, as a scheduled job meets it:
the new half alone, the whole file (half of it archived) and the whole file again.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import platform
import random
import resource
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

from corpus import histories, news_histories  # noqa: E402

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


def fast_import_stream(rows: list[dict[str, str]], *, onto: bool = False) -> bytes:
    """Every version as a commit of its article's file, in capture order; with ``onto``,
    the first commit follows the branch as a repository already has it."""
    stream = io.BytesIO()
    for number, row in enumerate(rows):
        body = f"{row['title']}\n\n{row['text']}\n".encode()
        path = row["url"].rsplit("/", 1)[1] + ".txt"
        stamp = int(parse_time(row["captured_at"]).timestamp())
        message = f"{row['url']} at {row['captured_at']}".encode()
        stream.write(b"commit refs/heads/main\n")
        stream.write(f"committer scraper <scraper@example.com> {stamp} +0000\n".encode())
        stream.write(b"data %d\n%s\n" % (len(message), message))
        if onto and not number:
            stream.write(b"from refs/heads/main^0\n")
        stream.write(f"M 100644 inline {path}\n".encode())
        stream.write(b"data %d\n%s\n" % (len(body), body))
    return stream.getvalue()


def git_size(stream: Path, work: Path) -> int:
    """Commit every version into a git repository (one file per article), gc --aggressive."""
    repo = work / "git"
    shutil.rmtree(repo, ignore_errors=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with stream.open("rb") as data:
        subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=data, check=True)
    subprocess.run(["git", "-C", str(repo), "gc", "--aggressive", "--prune=now", "-q"], check=True)
    return dir_size(repo / ".git")


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _timed(command: list[str], **kwargs: object) -> tuple[float, float]:
    """Wall seconds of a command, and the CPU seconds of it and the processes it waited
    for (an import's workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


@dataclasses.dataclass
class ImportTimes:
    """Medians of runs made in turn: wall seconds and CPU seconds of ``newsarchive import``
    and of ``git fast-import``, and of the per-pair ratios (git over ours: above 1, the
    import is faster)."""

    ours: float
    git: float
    ratio: float
    ours_cpu: float
    git_cpu: float
    cpu_ratio: float


def cli_import_vs_git(
    corpus: Path, stream: Path, work: Path, *, analyse: bool, runs: int = 3
) -> tuple[ImportTimes, Path]:
    """``newsarchive import`` and ``git fast-import`` of the same versions, in turn.

    Returns their times, and the last archive imported. The CPU seconds hold on a busy
    machine, where the wall seconds of both stretch with the other work.
    """
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    pairs: list[tuple[float, float, float, float]] = []
    location = work / "cli-import"
    for _ in range(runs):
        shutil.rmtree(location, ignore_errors=True)
        command = [sys.executable, "-m", "newsarchive.cli", "--archive", str(location), "import"]
        mine = _timed([*command, *([] if analyse else ["--no-analyse"]), str(corpus)], env=env)
        repo = work / "fast-import"
        shutil.rmtree(repo, ignore_errors=True)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        with stream.open("rb") as data:
            git = _timed(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=data)
        pairs.append((*mine, *git))
    median = statistics.median
    times = ImportTimes(
        ours=median(p[0] for p in pairs),
        git=median(p[2] for p in pairs),
        ratio=median(p[2] / p[0] for p in pairs),
        ours_cpu=median(p[1] for p in pairs),
        git_cpu=median(p[3] for p in pairs),
        cpu_ratio=median(p[3] / p[1] for p in pairs),
    )
    return times, location


@dataclasses.dataclass
class LaterImports:
    """Median wall seconds of ``newsarchive import`` (with analysis, its default) into an
    archive that holds the first half of the corpus already, as a scheduled job meets it,
    and of ``git fast-import`` of the second half onto a repository of the first."""

    later: float  # the second half alone: new lines only
    grown: float  # the whole file: its first half archived, its second new
    again: float  # the whole file once more, into the archive holding all of it
    git: float


def later_imports(rows: list[dict[str, str]], work: Path, runs: int = 3) -> LaterImports:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    half = len(rows) // 2
    files = {}
    for name, part in (("first", rows[:half]), ("second", rows[half:]), ("whole", rows)):
        files[name] = work / f"{name}.jsonl"
        files[name].write_bytes("".join(json.dumps(r) + "\n" for r in part).encode())
    streams = {name: work / f"{name}.fast-import" for name in ("first", "second")}
    streams["first"].write_bytes(fast_import_stream(rows[:half]))
    streams["second"].write_bytes(fast_import_stream(rows[half:], onto=True))

    def cli(location: Path, corpus: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            "newsarchive.cli",
            "--archive",
            str(location),
            "import",
            str(corpus),
        ]

    base, whole = work / "later-base", work / "later-whole"
    for location, corpus in ((base, files["first"]), (whole, files["whole"])):
        shutil.rmtree(location, ignore_errors=True)
        subprocess.run(cli(location, corpus), check=True, capture_output=True, env=env)
    repo = work / "later-git"
    shutil.rmtree(repo, ignore_errors=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with streams["first"].open("rb") as data:
        subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=data, check=True)
    times: dict[str, list[float]] = {"later": [], "grown": [], "again": [], "git": []}
    copy = work / "later-copy"
    for _ in range(runs):
        for name, source, corpus in (
            ("later", base, files["second"]),
            ("grown", base, files["whole"]),
            ("again", whole, files["whole"]),
        ):
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(source, copy)
            times[name].append(_timed(cli(copy, corpus), env=env)[0])
        git_copy = work / "later-git-copy"
        shutil.rmtree(git_copy, ignore_errors=True)
        shutil.copytree(repo, git_copy)
        with streams["second"].open("rb") as data:
            command = ["git", "-C", str(git_copy), "fast-import", "--quiet"]
            times["git"].append(_timed(command, stdin=data)[0])
    median = statistics.median
    return LaterImports(**{name: median(values) for name, values in times.items()})


@dataclasses.dataclass
class Floor:
    """CPU seconds, on one core, of the steps no import of a corpus can skip, each done
    by the same library calls as the import's: every line parsed, every text encoded,
    checked for NFC and hashed, every text compressed as the archive stores it (a delta
    against its article's previous text, or a keyframe), and, for the analysis, every
    text split into sentences once (each is the newer side of one pair and the older of
    the next, and the import splits it once)."""

    parse: float
    hash: float
    compress: float
    split: float


def work_floor(corpus: Path) -> Floor:
    import hashlib
    import unicodedata

    from newsarchive.diff.sentences import outline
    from newsarchive.storage import _blobs

    lines = corpus.read_bytes().splitlines()
    start = time.process_time()
    rows = [json.loads(raw) for raw in lines]
    parsed = time.process_time()
    texts = []
    for row in rows:
        data = row["text"].encode()
        unicodedata.is_normalized("NFC", row["text"])
        hashlib.sha256(data).digest()
        texts.append((row["url"], data))
    hashed = time.process_time()
    previous: dict[str, bytes] = {}
    for url, data in texts:
        base = previous.get(url)
        _blobs.encode(data, base)
        previous[url] = data
    compressed = time.process_time()
    for row in rows:
        outline(row["text"])
    split = time.process_time()
    return Floor(parsed - start, hashed - parsed, compressed - hashed, split - compressed)


def startup_ratios(location: Path, url: str, runs: int = 15) -> dict[str, float]:
    """Median per-pair ratio of each command's CPU time to ``python -c pass``, in turn,
    from compiled bytecode (see bench_startup.py, which also prints the wall ratios)."""
    from bench_startup import startup_ratios as measure

    return {name: cpu for name, (cpu, _wall) in measure(location, url, runs).items()}


def size_breakdown(location: Path) -> str:
    """Megabytes per table and index (used, unused), largest first (SQLite's dbstat)."""
    with sqlite3.connect(location / "newsarchive.db") as conn:
        rows = conn.execute(
            "SELECT name, SUM(pgsize), SUM(unused) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    return ", ".join(
        f"{name} {size / 1e6:.2f} ({unused / 1e6:.2f} unused)"
        for name, size, unused in rows
        if size > 10_000
    )


def analysis_bytes(location: Path) -> float:
    """Average stored bytes of a version's change analysis."""
    with sqlite3.connect(location / "newsarchive.db") as conn:
        row = conn.execute("SELECT AVG(length(analysis_frame)) FROM versions").fetchone()
    return float(row[0] or 0)


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


def lookup_times(location: Path, firsts: dict[str, datetime]) -> tuple[float, float]:
    """Median latest-version and as-of look-up times over up to 2,000 distinct articles."""
    rng = random.Random(1)
    # Distinct articles: each lookup is cold, none answered from a cache of the one before.
    sample = rng.sample(sorted(firsts), min(2000, len(firsts)))
    latest, asof = [], []
    # Each pass opens the archive anew: a small archive's sample can hold all its
    # articles, and the second pass would find the first one's pages and texts cached.
    with Archive.open(location) as archive:
        for url in sample:
            start = time.perf_counter()
            archive.get(url)
            latest.append(time.perf_counter() - start)
    rng.shuffle(sample)
    with Archive.open(location) as archive:
        for url in sample:
            # A time within the article's first three days, so that nearly every lookup
            # finds a version (one before the first capture raises after a full lookup).
            when = firsts[url] + timedelta(minutes=rng.randrange(0, 60 * 24 * 3))
            start = time.perf_counter()
            with contextlib.suppress(NewsArchiveError):
                archive.get(url, at=when)
            asof.append(time.perf_counter() - start)
    return statistics.median(latest), statistics.median(asof)


def build_big(location: Path, n: int) -> dict[str, datetime]:
    """An archive of ``n`` generated versions; returns each article's first capture time."""
    firsts: dict[str, datetime] = {}
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
            firsts.setdefault(row["url"], parse_time(row["captured_at"]))
        archive.save_many(batch, analyse=False)
    return firsts


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


def large_text_times(work: Path) -> tuple[float, float, float]:
    """Seconds to save a 5 MB text, then a modified copy of it with change analysis, then
    another 5 MB text in its place (the page rewritten: every sentence a leftover)."""
    rng = random.Random(5)
    rows = news_histories(400, seed=5)
    paragraphs = [row["text"] for row in rows]
    text = other = ""
    while len(text.encode()) < 5_000_000:
        text += rng.choice(paragraphs) + "\n\n"
    while len(other.encode()) < 5_000_000:
        other += rng.choice(paragraphs) + "\n\n"
    half = len(text) // 2
    edited = text[:half] + "\n\nA paragraph added by the editors overnight.\n\n" + text[half:]
    edited = edited.replace("Monday", "Tuesday", 3)
    times = []
    with Archive.open(work / "large") as archive:
        for version in (text, edited, other):
            start = time.perf_counter()
            archive.save("https://news.example.org/large", text=version)
            times.append(time.perf_counter() - start)
    return times[0], times[1], times[2]


def lookup_scaling(work: Path, sizes: tuple[int, ...], rows: list[dict[str, str]]) -> None:
    """Cold look-ups over distinct articles as one generated corpus grows: each size is
    built the same way, so the ratio to the smallest measures the archive's growth alone."""
    lookups = {}
    for n in sizes:
        start = time.perf_counter()
        big_firsts = build_big(work / f"big-{n}", n)
        print(f"  (built {n:,} generated versions in {time.perf_counter() - start:.0f} s)")
        lookups[n] = lookup_times(work / f"big-{n}", big_firsts)
        if n == 1_000_000 and rows:
            attach_analyses(work / f"big-{n}", rows)
            for name, seconds in changes_time(work / f"big-{n}").items():
                line(f"changes at 1M, {name} (ms)", f"{seconds * 1e3:.1f}")
        shutil.rmtree(work / f"big-{n}")
    smallest = lookups[sizes[0]]
    for n, (latest, asof) in lookups.items():
        line(
            f"latest / as-of at {n:,} (generated), distinct articles (ms)",
            f"{latest * 1e3:.3f} / {asof * 1e3:.3f}",
            f"target ≤ 0.5 and ≤ 1.5× the {sizes[0]:,} figure",
            max(latest, asof) <= 0.0005
            and latest <= 1.5 * smallest[0]
            and asof <= 1.5 * smallest[1],
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--corpus", choices=["news", "generated"], default="news")
    parser.add_argument("--small", action="store_true", help="skip the 100k and 1M archives")
    parser.add_argument(
        "--lookups-only", action="store_true", help="only the look-ups at 10k, 100k and 1M"
    )
    args = parser.parse_args()
    if args.lookups_only:
        with tempfile.TemporaryDirectory() as tmp:
            lookup_scaling(Path(tmp), (10_000, 100_000, 1_000_000), [])
        return
    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        "times are medians, ratios per pair of runs made in turn"
    )
    if args.corpus == "news":
        rows = news_histories(args.versions)
    else:
        rows = sorted(histories(args.versions), key=lambda r: r["captured_at"])
    raw = sum(len(r["text"].encode()) + len(r["title"].encode()) for r in rows)
    print(
        f"corpus ({args.corpus}): {len(rows):,} versions of {len({r['url'] for r in rows}):,}"
        f" articles, {raw / 1e6:.1f} MB of text, captures interleaved in time"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        corpus.write_bytes("".join(json.dumps(r) + "\n" for r in rows).encode())
        stream = work / "corpus.fast-import"
        stream.write_bytes(fast_import_stream(rows))
        floor = work_floor(corpus)
        for analyse, target in ((True, 2.0), (False, 5.0)):
            times, location = cli_import_vs_git(corpus, stream, work, analyse=analyse)
            label = "with analysis" if analyse else "without analysis"
            line(
                f"newsarchive import, {label} (versions/s)",
                f"{len(rows) / times.ours:,.0f}",
                f"git fast-import: {len(rows) / times.git:,.0f}",
            )
            line(
                f"  speed / git fast-import, {label}",
                f"{times.ratio:.2f}×",
                f"target ≥ {target:g}×",
                times.ratio >= target,
            )
            line(
                "  CPU seconds, all processes / git's",
                f"{times.ours_cpu:.2f} / {times.git_cpu:.2f}",
                f"git's CPU over ours {times.cpu_ratio:.2f}×",
            )
            # The unavoidable steps alone, spread over the machine's cores with nothing
            # else (no database, no Python around them): what no import could beat.
            steps = floor.parse + floor.hash + floor.compress + (floor.split if analyse else 0)
            best = steps / (os.cpu_count() or 1)
            line(
                "  floor: parse / hash / compress"
                + (" / split sentences" if analyse else "")
                + " (CPU s)",
                f"{floor.parse:.2f} / {floor.hash:.2f} / {floor.compress:.2f}"
                + (f" / {floor.split:.2f}" if analyse else ""),
                f"those alone on every core: {times.git / best:.1f}× git",
            )
            if analyse:
                size = dir_size(location)
                print(f"    (MB by table: {size_breakdown(location)})")
                per_version = analysis_bytes(location)
                saved = work / "with-analysis"
                shutil.copytree(location, saved)
        later = later_imports(rows, work)
        line(
            "import into an archive holding the first half (s)",
            f"{later.later:.2f}",
            f"git fast-import of the second half onto the first: {later.git:.2f}",
        )
        line("  the whole file: first half archived, second new (s)", f"{later.grown:.2f}")
        line("  the whole file again, every line archived (s)", f"{later.again:.2f}")
        gsize = git_size(stream, work)
        line("archive directory, analysis included (MB)", f"{size / 1e6:.2f}")
        line("git gc --aggressive (MB)", f"{gsize / 1e6:.2f}")
        line(
            "archive size / git size",
            f"{size / gsize:.2f}×",
            "target ≤ 0.75× (aim 0.6×)",
            size <= 0.75 * gsize,
        )
        line(
            "stored analysis per version (bytes)",
            f"{per_version:.0f}",
            "target ≤ 64",
            per_version <= 64,
        )
        whole = whole_texts(rows)
        line("  archive size / each version zstd'd alone", f"{100 * size / whole:.1f}%")
        for level in (19, 3):
            floor, speed = text_floor(rows, level)
            line(f"  text alone, zstd -{level} per article / git", f"{100 * floor / gsize:.1f}%")
        hashes = floor + required_hashes(rows)
        line("  the same plus its sha256 keys / git", f"{100 * hashes / gsize:.1f}%")
        saves = median_of(3, lambda: save_rate(rows[:3000], work))
        line("save, one transaction each (saves/s)", f"{saves:,.0f}")
        analysed = save_rate(rows[:1000], work, analyse=True)
        line("  the same with change analysis (saves/s)", f"{analysed:,.0f}")
        passes = [diff_times(rows) for _ in range(3)]
        med = statistics.median(statistics.median(times) for times in passes) * 1e3
        line(f"word diff, 10 KB pair (ms, {len(passes[0])} pairs ×3)", f"{med:.3f}")
        first, second, third = large_text_times(work)
        line("save a 5 MB text (s)", f"{first:.2f}", "target ≤ 2", first <= 2)
        line("save it modified, with analysis (s)", f"{second:.2f}", "target ≤ 5", second <= 5)
        line("save it rewritten, with analysis (s)", f"{third:.2f}", "target ≤ 5", third <= 5)
        firsts: dict[str, datetime] = {}
        for row in rows:
            firsts.setdefault(row["url"], parse_time(row["captured_at"]))
        latest, asof = lookup_times(saved, firsts)
        line(
            f"latest / as-of at {len(rows):,} ({args.corpus}), distinct articles (ms)",
            f"{latest * 1e3:.3f} / {asof * 1e3:.3f}",
        )
        lookup_scaling(work, (10_000,) if args.small else (10_000, 100_000, 1_000_000), rows)
        # The target names the sample story; an article of this corpus (20 versions,
        # two of them rewrites, each diffed for its counts) is shown beside it.
        from bench_startup import SAMPLE_URL, sample_archive

        sample = startup_ratios(sample_archive(work), SAMPLE_URL)
        larger = startup_ratios(saved, rows[-1]["url"])
        for name, ratio in sample.items():
            limit = 4 if "version" in name else 8
            line(
                f"{name} / python -c pass, the sample",
                f"{ratio:.1f}×",
                f"target ≤ {limit}×",
                ratio <= limit,
            )
            if "version" not in name:
                line(f"  the same on {rows[-1]['url'].rsplit('/', 1)[1]}", f"{larger[name]:.1f}×")


if __name__ == "__main__":
    main()
