"""How fast the command line starts, beside ``python -c pass`` in the same run.

Run: python benchmarks/bench_startup.py [--runs N] [--archive DIR --url URL]

Imports the sample story (``archive/sample``) into a temporary archive, then times
``newsarchive --version``, ``newsarchive log URL`` and ``newsarchive diff URL`` as whole
processes, each run paired with a run of ``python -c pass`` (anchor and command in turn,
after a warm-up), and prints the median of the per-pair ratios of CPU time (user + sys)
and of wall time. Targets: ``--version`` <= 4x, ``log`` and ``diff`` <= 8x, judged on
CPU time, which other load on a shared machine inflates less than wall time.

The commands run from compiled bytecode, as an installed package does: the environment's
PYTHONDONTWRITEBYTECODE is dropped for them and the bytecode goes to a temporary
PYTHONPYCACHEPREFIX, so the source tree stays clean. Without bytecode every start would
compile each module again, which measures the compiler rather than the start-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
SAMPLE = ROOT / "archive" / "sample"
SAMPLE_URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
TARGETS = {"newsarchive --version": 4.0, "newsarchive log URL": 8.0, "newsarchive diff URL": 8.0}


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + sys) and wall seconds of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def _environment(pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(SRC), "PYTHONPYCACHEPREFIX": str(pycache)}


def commands(location: Path, url: str) -> dict[str, list[str]]:
    cli = [sys.executable, "-m", "newsarchive.cli"]
    return {
        "newsarchive --version": [*cli, "--version"],
        "newsarchive log URL": [*cli, "--archive", str(location), "log", url],
        "newsarchive diff URL": [*cli, "--archive", str(location), "diff", url],
    }


def startup_ratios(
    location: Path, url: str, runs: int = 15, pycache: Path | None = None
) -> dict[str, tuple[float, float]]:
    """Median per-pair ratios (CPU, wall) of each command to ``python -c pass``."""
    with tempfile.TemporaryDirectory() as scratch:
        env = _environment(pycache or Path(scratch))
        anchor = [sys.executable, "-c", "pass"]
        todo = commands(location, url)
        for command in [anchor, *todo.values()]:  # warm-up: writes the bytecode
            _run(command, env)
        cpu: dict[str, list[float]] = {name: [] for name in todo}
        wall: dict[str, list[float]] = {name: [] for name in todo}
        for _ in range(runs):
            for name, command in todo.items():
                base_cpu, base_wall = _run(anchor, env)
                mine_cpu, mine_wall = _run(command, env)
                cpu[name].append(mine_cpu / max(base_cpu, 1e-3))
                wall[name].append(mine_wall / base_wall)
    return {name: (statistics.median(cpu[name]), statistics.median(wall[name])) for name in todo}


def sample_archive(work: Path) -> Path:
    """The README's quick start: the sample story imported into a new archive."""
    location = work / "sample-archive"
    subprocess.run(
        [sys.executable, "-m", "newsarchive.cli", "--archive", str(location), "import"]
        + [str(SAMPLE)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=True,
        capture_output=True,
    )
    return location


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="pairs per command")
    parser.add_argument("--archive", type=Path, help="an archive to read (default: the sample)")
    parser.add_argument("--url", default=SAMPLE_URL, help="the article log and diff show")
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as work:
        location = args.archive or sample_archive(Path(work))
        print(f"{'command / python -c pass':<44} {'cpu':>7} {'wall':>7}   target (cpu)")
        for name, (cpu, wall) in startup_ratios(location, args.url, args.runs).items():
            mark = "ok" if cpu <= TARGETS[name] else "MISSED"
            print(f"  {name:<42} {cpu:6.1f}× {wall:6.1f}×   ≤ {TARGETS[name]:.0f}×  {mark}")


if __name__ == "__main__":
    main()
