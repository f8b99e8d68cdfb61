"""A git-scraping repository imported by git-history and by ``newsarchive import-git``.

python benchmarks/bench_gitimport.py [--commits 5000] [--runs 1] [--new 10]

Generates a news site's "latest articles" repository (see gitscrape_repo.py), then runs
each tool's command line on it as a user would, whole process, in turn:

    git-history file history.db latest.json --repo REPO --id id
    newsarchive --archive DIR import-git REPO latest.json --id-from /id --url-from /url \\
        --url-base https://news.example.com/ --title-from /title \\
        --text-from /title --text-from /subtitle --published-from /published_at

git-history is installed from PyPI into benchmarks/.venv-peers on first use. Prints wall
and CPU time (medians over --runs), the databases' sizes by table and index (dbstat), and
the archive's size without stored change analyses (--no-analyse), whether each item has
as many versions as git-history recorded changes of its title or subtitle, the time to
show one item's whole history (in-process and through each CLI), and the time to import
--new more commits into an archive already holding the rest.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from gitscrape_repo import FILE, write_repo  # noqa: E402

from newsarchive import Archive  # noqa: E402

PEERS = HERE / ".venv-peers"
BASE = "https://news.example.com/"
OPTIONS = [
    "--id-from", "/id", "--url-from", "/url", "--url-base", BASE,
    "--title-from", "/title", "--text-from", "/title", "--text-from", "/subtitle",
    "--published-from", "/published_at",
]  # fmt: skip


def git_history() -> Path:
    """The git-history command, installed into the benchmarks' own environment."""
    command = PEERS / "bin" / "git-history"
    if not command.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(PEERS / "bin" / "pip"), "install", "-q", "git-history"], check=True)
    return command


def newsarchive() -> list[str]:
    found = shutil.which("newsarchive")
    return [found] if found else [sys.executable, "-m", "newsarchive.cli"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole command (CPU of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def by_table(database: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()


def peer_counts(database: Path) -> dict[str, int]:
    """Per item id: 1 + git-history's versions that changed its title or subtitle."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT item.id, COUNT(DISTINCT v._id) FROM item_version v"
            " JOIN item ON item._id = v._item"
            " JOIN item_changed ch ON ch.item_version = v._id"
            " JOIN columns c ON c.id = ch.column"
            " WHERE c.name IN ('title', 'subtitle') AND v._version > 1 GROUP BY item.id"
        ).fetchall()
        changed = {str(i): int(n) for i, n in rows}
        return {str(i): 1 + changed.get(str(i), 0) for (i,) in db.execute("SELECT id FROM item")}


def our_counts(location: Path) -> dict[str, tuple[str, int]]:
    """Per item id: its article's URL and version count."""
    counts = {}
    with Archive.open(location) as archive:
        for article in archive.articles():
            first = archive.captures(article.url)[0]
            counts[str(first.metadata["git"]["id"])] = (article.url, article.version_count)
    return counts


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare_imports(repo: Path, peer_db: Path, archive: Path, runs: int) -> None:
    """Both imports in turn, so that both meet the same machine; prints medians."""
    peer, ours = git_history(), newsarchive()
    walls: dict[str, list[float]] = {"git-history": [], "newsarchive": []}
    cpus: dict[str, list[float]] = {"git-history": [], "newsarchive": []}
    for _ in range(runs):
        peer_db.unlink(missing_ok=True)
        wall, cpu = timed(
            [str(peer), "file", str(peer_db), FILE, "--repo", str(repo), "--id", "id", "--silent"]
        )
        walls["git-history"].append(wall)
        cpus["git-history"].append(cpu)
        shutil.rmtree(archive, ignore_errors=True)
        wall, cpu = timed(
            [*ours, "--archive", str(archive), "import-git", str(repo), FILE, *OPTIONS, "-q"]
        )
        walls["newsarchive"].append(wall)
        cpus["newsarchive"].append(cpu)
    wall = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    print(f"\nimport, median of {runs} (whole process):")
    for name in walls:
        print(f"  {name:12} wall {wall[name]:7.2f} s   cpu {cpu[name]:7.2f} s")
    print(
        f"  git-history / newsarchive: wall {wall['git-history'] / wall['newsarchive']:.1f}x, "
        f"cpu {cpu['git-history'] / cpu['newsarchive']:.1f}x"
    )


def compare_sizes(peer_db: Path, archive: Path) -> None:
    """Each database's size, and its tables' and indexes' (those over 2% of it)."""
    ours_size, peer_size = size(archive), size(peer_db)
    print("\ndatabase size:")
    print(f"  git-history  {peer_size / 1e6:6.2f} MB")
    for name, used in by_table(peer_db):
        if used >= 0.02 * peer_size:
            print(f"    {name:32} {used / 1e6:6.2f} MB")
    print(f"  newsarchive  {ours_size / 1e6:6.2f} MB ({ours_size / peer_size:.2f}x git-history's)")
    for name, used in by_table(next(archive.glob("*.db"))):
        if used >= 0.02 * ours_size:
            print(f"    {name:32} {used / 1e6:6.2f} MB")


def size_without_analyses(repo: Path, peer_db: Path, out: Path) -> None:
    """The archive the same import makes with --no-analyse: what the analyses cost."""
    archive = out / "archive-no-analyse"
    shutil.rmtree(archive, ignore_errors=True)
    timed([*newsarchive(), "--archive", str(archive), "import-git", str(repo), FILE, *OPTIONS,
           "--no-analyse", "-q"])  # fmt: skip
    ours, peer = size(archive), size(peer_db)
    print(f"  newsarchive --no-analyse  {ours / 1e6:6.2f} MB ({ours / peer:.2f}x git-history's)")


def compare_histories(peer_db: Path, archive: Path) -> None:
    """Versions per item, and the time to show the item with the most versions."""
    theirs, mine = peer_counts(peer_db), our_counts(archive)
    same = sum(1 for k, n in theirs.items() if k in mine and mine[k][1] == n)
    print(
        f"\nitems: git-history {len(theirs)}, newsarchive {len(mine)} articles; "
        f"{same} of {len(theirs)} with as many versions as git-history's title/subtitle "
        f"changes; versions: {sum(theirs.values())} vs {sum(n for _, n in mine.values())}"
    )
    item, (url, count) = max(mine.items(), key=lambda kv: kv[1][1])
    with Archive.open(archive) as opened:
        inside = median_seconds(lambda: opened.history(url), 20)
        aliases = opened.article(url).aliases
    query = (
        "SELECT v.* FROM item_version v JOIN item ON item._id = v._item"
        f" WHERE item.id = {int(item)} ORDER BY v._version"
    )
    with sqlite3.connect(peer_db) as db:
        peer_inside = median_seconds(lambda: db.execute(query).fetchall(), 20)
    last_url = aliases[-1] if aliases else url
    cli = statistics.median(
        timed([*newsarchive(), "--archive", str(archive), "log", last_url])[0] for _ in range(5)
    )
    sqlite_utils = PEERS / "bin" / "sqlite-utils"
    peer_cli = statistics.median(
        timed([str(sqlite_utils), str(peer_db), query])[0] for _ in range(5)
    )
    print(
        f"\none item's whole history (id {item}: {count} versions, {len(aliases) + 1} URLs):\n"
        f"  in-process   newsarchive history() {inside * 1e3:6.2f} ms   "
        f"git-history's tables via sqlite3 {peer_inside * 1e3:6.2f} ms\n"
        f"  CLI          newsarchive log {cli:6.2f} s   sqlite-utils query {peer_cli:6.2f} s"
    )


def time_rerun(out: Path, repo: Path, archive: Path, commits: int, new: int) -> None:
    """An import into a copy of the archive, after ``new`` more commits."""
    grown = out / f"repo-{commits}-grown"
    shutil.rmtree(grown, ignore_errors=True)
    shutil.copytree(repo, grown)
    write_repo(grown, commits + new, start=commits)
    rerun = []
    for _ in range(3):
        copy = out / "archive-rerun"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(archive, copy)
        rerun.append(
            timed([*newsarchive(), "--archive", str(copy), "import-git", str(grown), FILE,
                   *OPTIONS])[0]
        )  # fmt: skip
    print(
        f"\nre-run after {new} new commits ({commits} imported): "
        f"{statistics.median(rerun):.2f} s wall, median of 3"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1, help="imports timed, each tool")
    parser.add_argument("--new", type=int, default=10, help="commits added for a re-run")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "gitimport")
    args = parser.parse_args()
    repo = args.out / f"repo-{args.commits}"
    if not repo.exists():
        write_repo(repo, args.commits)
    print(f"repository: {args.commits} commits of {FILE}, {size(repo / FILE)} bytes at HEAD")
    peer_db, archive = args.out / "history.db", args.out / "archive"
    compare_imports(repo, peer_db, archive, args.runs)
    compare_sizes(peer_db, archive)
    size_without_analyses(repo, peer_db, args.out)
    compare_histories(peer_db, archive)
    if args.new:
        time_rerun(args.out, repo, archive, args.commits, args.new)
    print(f"\n(machine load average {os.getloadavg()[0]:.1f}: other work shares these cores)")


if __name__ == "__main__":
    main()
