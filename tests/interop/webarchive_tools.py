"""The web-archiving tools our files must work with, in a venv of their own.

pywb, cdxj-indexer, wacz and warcio pin versions of their own; installed beside the
project they would fight over them, so they live in a venv under ``tests/artifacts``
(git-ignored), created on first use and reused by later runs. A test that needs them is
skipped when they cannot be installed (no package index reachable).
"""

from __future__ import annotations

import fcntl
import subprocess
import venv
from pathlib import Path

import pytest

TOOLS = ("pywb==2.10.0", "cdxj-indexer==1.5.0", "wacz==0.6.0", "warcio==1.8.1")
ROOT = Path(__file__).resolve().parents[1] / "artifacts" / "webarchive-tools"
_READY = ROOT / "installed.txt"


def tools_bin() -> Path:
    """The venv's ``bin`` folder, installing the tools first if needed (else skip)."""
    ROOT.parent.mkdir(parents=True, exist_ok=True)
    wanted = "\n".join(TOOLS)
    with open(ROOT.parent / "webarchive-tools.lock", "w") as lock:
        # Parallel test processes install once, one at a time.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _READY.exists() or _READY.read_text() != wanted:
            venv.create(ROOT, with_pip=True, clear=True)
            result = subprocess.run(
                [str(ROOT / "bin" / "python"), "-m", "pip", "install", "-q", *TOOLS],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                pytest.skip(f"cannot install {', '.join(TOOLS)}: {result.stderr[-300:]}")
            _READY.write_text(wanted)
    return ROOT / "bin"


def run_tool(name: str, *args: str, cwd: Path | None = None) -> str:
    """Run one of the tools; return its stdout, failing the test on a non-zero exit."""
    result = subprocess.run(
        [str(tools_bin() / name), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


__all__ = ["run_tool", "tools_bin"]
