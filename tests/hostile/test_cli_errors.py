"""A careless user at the command line: one line saying what is wrong, nothing archived."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive import Archive
from newsarchive.cli import cli

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"


def run(archive: Path, *args: str, input: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--archive", str(archive), *args], input=input)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        ([], b"", "Error: the text is empty: nothing to save (allow it with --allow-empty)"),
        ([], b" \n\t\n", "Error: the text is empty: nothing to save"),
        (["--captured-at", ""], b"Text.", "Error: bad --captured-at: empty"),
        (
            ["--captured-at", "9999-12-31T23:59:59-23:59"],
            b"Text.",
            "Error: bad --captured-at '9999-12-31T23:59:59-23:59': outside years 1 to 9999",
        ),
        (
            ["--published-at", "2017-02-30"],
            b"Text.",
            "Error: bad --published-at '2017-02-30': day is out of range for month",
        ),
    ],
)
def test_save_refuses_a_slip_in_one_line_and_archives_nothing(
    tmp_path: Path, args: list[str], content: bytes, message: str
) -> None:
    code, err = run(tmp_path / "a", "save", URL, *args, input=content)
    assert code == 1
    assert err.startswith(message) and err.count("\n") == 1
    with Archive.open(tmp_path / "a") as archive:
        assert archive.articles() == []


def test_save_with_allow_empty_keeps_an_empty_version(tmp_path: Path) -> None:
    assert run(tmp_path / "a", "save", URL, input=b"Text.")[0] == 0
    assert run(tmp_path / "a", "save", URL, "--allow-empty", input=b"")[0] == 0
    with Archive.open(tmp_path / "a") as archive:
        assert [v.text for v in archive.history(URL)] == ["Text.", ""]


@pytest.mark.parametrize("url", ["https://news.example.com/" + "a" * 100_000, "https://x/\0"])
def test_save_refuses_a_url_too_long_or_with_nul_in_a_short_line(tmp_path: Path, url: str) -> None:
    code, err = run(tmp_path / "a", "save", url, input=b"Text.")
    assert code == 1
    assert err.startswith("Error: url ") and len(err) < 200


@pytest.mark.parametrize("number", ["1000000000000000000000000000000", "-99999999999999999999"])
def test_show_of_a_version_number_past_any_integer_says_there_is_none(
    tmp_path: Path, number: str
) -> None:
    assert run(tmp_path / "a", "save", URL, input=b"Text.")[0] == 0
    code, err = run(tmp_path / "a", "show", URL, "--", number)
    assert code == 1
    assert err == f"Error: {URL} has no version {number} (it has 1)\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a pseudo-terminal")
def test_save_on_a_terminal_says_it_reads_standard_input(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "--archive", str(tmp_path / "a"), "save", URL],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    try:
        line = process.stderr.readline() if process.stderr else b""
        os.write(controller, b"Typed text.\n\x04")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    assert line == "Reading the text from standard input (end with Ctrl-D)…\n".encode()
    assert process.returncode == 0, err
    assert out.startswith(b"new version 1")
