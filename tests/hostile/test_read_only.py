"""An archive the user cannot write can still be read; only writing it says it is read-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive import Archive

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
SAMPLE = Path(__file__).resolve().parents[2] / "archive" / "sample"
NOBODY = 65534


def _as_reader() -> list[str]:
    """How to run a command as a user who cannot write the archive."""
    if os.geteuid() != 0:
        return []  # the archive's files are made read-only instead
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot take write access away")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@pytest.fixture
def read_only_archive() -> Iterator[Path]:
    """The sample story in an archive whose directory and database are read-only."""
    # Not under pytest's tmp_path, whose parents only their owner may enter.
    top = Path(tempfile.mkdtemp(prefix="newsarchive-ro-"))
    try:
        top.chmod(0o755)
        archive = top / "archive"
        with Archive.open(archive) as opened:
            from newsarchive.ingest.capturefile import parse_capture_file

            for path in sorted(SAMPLE.glob("*.txt")):
                opened.save(**parse_capture_file(path.read_text("utf-8-sig")))
        for path in archive.iterdir():
            path.chmod(0o444)
        archive.chmod(0o555)
        yield archive
    finally:
        for path in [top, *top.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(top)


def newsarchive(archive: Path, *args: str, input: str = "") -> subprocess.CompletedProcess[str]:
    command = [*_as_reader(), sys.executable, "-m", "newsarchive.cli", "--archive", str(archive)]
    return subprocess.run(
        [*command, *args], input=input, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["log", URL],
        ["show", URL, "2"],
        ["diff", URL, "1", "2"],
        ["export"],
        ["report", URL, "-o", "-"],
    ],
)
def test_reading_commands_work_on_an_archive_that_cannot_be_written(
    read_only_archive: Path, args: list[str]
) -> None:
    before = {p.name: p.read_bytes() for p in read_only_archive.iterdir()}
    result = newsarchive(read_only_archive, *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout
    assert "read-only" not in result.stderr  # said only when asked to write
    assert {p.name: p.read_bytes() for p in read_only_archive.iterdir()} == before


def test_saving_to_a_read_only_archive_says_so_in_one_line(read_only_archive: Path) -> None:
    result = newsarchive(read_only_archive, "save", URL + "-new", input="Some text.\n")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: archive {read_only_archive} is read-only: this process cannot write it\n"
    )
