"""The web-archiving tools our files must work with, in a venv of their own.

pywb, cdxj-indexer, wacz and warcio pin versions of their own; installed beside the
project they would fight over them, so they live in a venv under ``tests/artifacts``
(git-ignored), created on first use and reused by later runs. A test that needs them is
skipped when they cannot be installed (no package index reachable). ReplayWeb.page, a
browser application, comes from npm into the same folder.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import tarfile
import venv
from pathlib import Path

import pytest

TOOLS = ("pywb==2.10.0", "cdxj-indexer==1.5.0", "wacz==0.6.0", "warcio==1.8.1")
ROOT = Path(__file__).resolve().parents[1] / "artifacts" / "webarchive-tools"
_READY = ROOT / "installed.txt"
# ReplayWeb.page's published build: ui.js and sw.js, all a site needs to embed it.
REPLAYWEBPAGE = "replaywebpage@2.4.6"
_REPLAY_ROOT = ROOT.parent / "replaywebpage"


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


def replaywebpage_files() -> Path:
    """The folder of ReplayWeb.page's ``ui.js`` and ``sw.js``, fetched once with npm (else skip)."""
    ROOT.parent.mkdir(parents=True, exist_ok=True)
    ready = _REPLAY_ROOT / "installed.txt"
    with open(ROOT.parent / "replaywebpage.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.exists() and ready.read_text() == REPLAYWEBPAGE:
            return _REPLAY_ROOT
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("cannot fetch ReplayWeb.page: npm is not installed")
        shutil.rmtree(_REPLAY_ROOT, ignore_errors=True)
        _REPLAY_ROOT.mkdir()
        # The published package as a tarball: its own files, none of its dependencies.
        result = subprocess.run(
            [npm, "pack", REPLAYWEBPAGE, "--pack-destination", str(_REPLAY_ROOT)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot fetch {REPLAYWEBPAGE}: {result.stderr[-300:]}")
        [tarball] = _REPLAY_ROOT.glob("*.tgz")
        with tarfile.open(tarball) as package:
            for name in ("ui.js", "sw.js"):
                source = package.extractfile(f"package/{name}")
                assert source is not None, name
                (_REPLAY_ROOT / name).write_bytes(source.read())
        tarball.unlink()
        ready.write_text(REPLAYWEBPAGE)
    return _REPLAY_ROOT


def run_tool(name: str, *args: str, cwd: Path | None = None) -> str:
    """Run one of the tools; return its stdout, failing the test on a non-zero exit."""
    result = subprocess.run(
        [str(tools_bin() / name), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


__all__ = ["replaywebpage_files", "run_tool", "tools_bin"]
