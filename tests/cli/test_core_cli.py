"""The core commands through click's runner, on a real SQLite archive."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli as run
from newsarchive.cli import cli

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"


def test_import_sample_twice_changes_nothing(
    runner: CliRunner, loaded: Path, sample_dir: Path
) -> None:
    again = run(runner, loaded, "import", str(sample_dir))
    assert again.exit_code == 0
    assert "0 captures added (0 new versions), 8 already archived" in again.stderr
    listing = json.loads(run(runner, loaded, "list", "--json").stdout)
    assert [(a["url"], a["versions"], a["captures"]) for a in listing] == [(URL, 7, 8)]


def test_log_lists_versions_with_reverts(runner: CliRunner, loaded: Path) -> None:
    result = run(runner, loaded, "log", URL, "--json")
    assert result.exit_code == 0
    versions = json.loads(result.stdout)["versions"]
    assert [v["number"] for v in versions] == [1, 2, 3, 4, 5, 6, 7]
    assert [v["reverted_to"] for v in versions] == [None, None, None, None, 3, None, None]
    assert versions[2]["capture_count"] == 2
    text = run(runner, loaded, "log", URL).stdout
    assert "[reverts to 3]" in text and "headline changed" in text


def test_diff_defaults_to_the_two_latest_versions(runner: CliRunner, loaded: Path) -> None:
    result = run(runner, loaded, "diff", URL, "--color", "never")
    assert result.exit_code == 0
    assert "version 6" in result.stdout and "version 7" in result.stdout
    assert "[-February-]{+January+}" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["diff", URL, "-2", "-1", "--stat"],
        ["diff", "--stat", URL, "-2"],
        ["diff", URL, "6", "--stat", "-1"],
        ["diff", "-g", "sentence", URL, "-2", "--stat", "--color", "never", "-1"],
        ["diff", URL, "--stat", "--", "-2", "-1"],
    ],
)
def test_negative_version_references_are_arguments_not_options(
    runner: CliRunner, loaded: Path, args: list[str]
) -> None:
    result = run(runner, loaded, *args)
    assert result.exit_code == 0, result.output
    assert "--- version 6 " in result.stdout and "+++ version 7 " in result.stdout


def test_show_and_blame_take_negative_references(runner: CliRunner, loaded: Path) -> None:
    assert "version 1 " in run(runner, loaded, "show", URL, "-7").stdout
    blame = run(runner, loaded, "blame", URL, "-2", "--json")
    assert blame.exit_code == 0 and json.loads(blame.stdout)["version"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", URL, "-2", "-1", "--colour", "never"], "No such option '--colour'"),
        (["diff", URL, "-2", "-1", "--format"], "Option '--format' requires an argument"),
        (["diff", URL, "-2", "-1", "-9", "-3"], "Got unexpected extra argument"),
    ],
)
def test_option_mistakes_beside_negative_references_are_usage_errors(
    runner: CliRunner, loaded: Path, args: list[str], message: str
) -> None:
    result = run(runner, loaded, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_diff_json_and_version_references(runner: CliRunner, loaded: Path) -> None:
    result = run(runner, loaded, "diff", URL, "1", "@2017-06-06T20:45:00Z", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["old"]["number"], data["new"]["number"]) == (1, 2)
    assert [-1, "poeple"] in data["ops"] and [1, "people"] in data["ops"]
    old = "".join(t for op, t in data["ops"] if op <= 0)
    assert old.startswith("Attorney General Jeff Sessions")


def test_diff_exit_code(runner: CliRunner, loaded: Path) -> None:
    assert run(runner, loaded, "diff", URL, "--exit-code").exit_code == 1
    assert run(runner, loaded, "diff", URL, "3", "5", "--exit-code").exit_code == 0


def test_no_color_env_and_color_always(runner: CliRunner, loaded: Path) -> None:
    coloured = runner.invoke(cli, ["--archive", str(loaded), "diff", URL, "--color", "always"])
    assert "\x1b[" in coloured.stdout
    plain = runner.invoke(
        cli, ["--archive", str(loaded), "diff", URL], color=True, env={"NO_COLOR": "1"}
    )
    assert "\x1b[" not in plain.stdout


def test_save_from_stdin_then_show(runner: CliRunner, tmp_path: Path) -> None:
    archive = tmp_path / "a"
    first = run(
        runner,
        archive,
        "save",
        URL,
        "-",
        "--title",
        "T",
        "--captured-at",
        "2017-06-06T20:00:00Z",
        "--meta",
        "desk=politics",
        "--json",
        input="First text.\n",
    )
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["is_new_version"] and data["version"]["number"] == 1
    same = run(
        runner,
        archive,
        "save",
        URL,
        "--captured-at",
        "2017-06-06T20:05:00Z",
        "--title",
        "T",
        input="First text.\n",
    )
    assert same.exit_code == 0 and same.stdout.startswith("unchanged")
    shown = json.loads(run(runner, archive, "show", URL, "1", "--json").stdout)
    assert shown["text"] == "First text.\n" and shown["metadata"] == {"desk": "politics"}


def test_save_html(runner: CliRunner, tmp_path: Path) -> None:
    html = "<html><body><h1>Headline</h1><p>Body &amp; more.</p></body></html>"
    result = run(runner, tmp_path / "a", "save", URL, "--html", "--json", input=html)
    assert result.exit_code == 0
    shown = json.loads(run(runner, tmp_path / "a", "show", URL, "--json").stdout)
    assert (shown["title"], shown["text"]) == ("Headline", "Body & more.")


def test_export_import_round_trip(runner: CliRunner, loaded: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    assert run(runner, loaded, "export", "-o", str(out)).exit_code == 0
    assert len(out.read_text().splitlines()) == 8
    copy = tmp_path / "copy"
    assert run(runner, copy, "import", str(out)).exit_code == 0
    assert run(runner, copy, "import", str(out)).exit_code == 0
    original = json.loads(run(runner, loaded, "log", URL, "--json").stdout)
    copied = json.loads(run(runner, copy, "log", URL, "--json").stdout)
    assert copied == original
    stdout_export = run(runner, copy, "export")
    assert stdout_export.stdout == out.read_text()


@pytest.mark.parametrize(
    ("args", "input", "message"),
    [
        (["log", "https://example.com/missing"], None, "no article in the archive"),
        (["show", URL, "99"], None, "has no version 99"),
        (["diff", URL, "first"], None, "bad version reference"),
        (["diff", URL, "@last tuesday"], None, "bad version time"),
        (["diff", URL, "@2001-01-01"], None, "before the first capture"),
        (["save", URL, "-"], b"ok \xff\xfe bad", "not valid UTF-8 (byte 4)"),
        (["save", URL, "-", "--captured-at", "soon"], "text", "bad --captured-at"),
        (["save", "notaurl", "-"], "text", "not an absolute http(s) URL"),
        (["save", URL, "/nonexistent/file.txt"], None, "cannot read"),
        (["import", "/nonexistent.jsonl"], None, "cannot read"),
    ],
)
def test_bad_input_gives_one_line_and_exit_1(
    runner: CliRunner, loaded: Path, args: list[str], input: bytes | str | None, message: str
) -> None:
    before = run(runner, loaded, "export").stdout
    result = run(runner, loaded, *args, input=input)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert run(runner, loaded, "export").stdout == before


def test_import_with_bad_lines_reports_each_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"url": URL, "captured_at": "2017-06-06T20:00:00Z", "text": "x"}) + "\n{oops\n"
    )
    result = run(runner, tmp_path / "a", "import", str(source))
    assert result.exit_code == 1
    assert "Error: line 2: line is not valid JSON" in result.stderr
    assert "1 capture added" in result.stderr


def test_a_file_large_enough_for_workers_imports_every_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above 4 MB the lines are prepared in worker processes, which read the file
    themselves (here by a path relative to the working directory); bad lines still report.
    """
    paragraph = " ".join(f"Sentence {i} of the report." for i in range(300))
    lines = [
        json.dumps(
            {
                "url": f"{URL}/{n % 40}",
                "captured_at": f"2017-06-06T{n // 60:02d}:{n % 60:02d}:00Z",
                "text": f"{paragraph} Update {n // 80}.",
            }
        )
        for n in range(600)
    ]
    lines.insert(300, "{oops")
    source = tmp_path / "big.jsonl"
    source.write_text("\n".join(lines) + "\n")
    assert source.stat().st_size >= 4_000_000
    monkeypatch.chdir(tmp_path)
    result = run(runner, tmp_path / "a", "import", "--no-analyse", "big.jsonl")
    assert result.exit_code == 1
    assert "Error: line 301: line is not valid JSON" in result.stderr
    assert "600 captures added (320 new versions)" in result.stderr
    exported = run(runner, tmp_path / "a", "export").stdout.splitlines()
    assert len(exported) == 600
    assert {json.loads(x)["text"].rsplit(" ", 1)[1] for x in exported} == {
        f"{k}." for k in range(8)
    }


def test_ctrl_c_stops_an_import_with_workers_in_one_line(tmp_path: Path) -> None:
    """Ctrl-C reaches the workers too; one line says what is kept, no worker's traceback,
    and importing again adds exactly what the interrupted import had not."""
    lines = [
        json.dumps(
            {
                "url": f"{URL}/{n % 500}",
                "captured_at": f"2017-06-06T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
                "text": f"Report {n}: " + "Sessions offered to resign, officials said. " * 8,
            }
        )
        for n in range(10000)
    ]
    source = tmp_path / "big.jsonl"
    source.write_text("\n".join(lines) + "\n")
    assert source.stat().st_size >= 4_000_000
    database = tmp_path / "a" / "newsarchive.db"
    command = [sys.executable, "-m", "newsarchive.cli", "--archive", str(tmp_path / "a")]
    importing = subprocess.Popen(
        [*command, "import", "--no-analyse", str(source)],
        stderr=subprocess.PIPE,
        start_new_session=True,  # a process group of its own, as a terminal's job is
    )
    stored = 0
    while stored == 0 and importing.poll() is None:  # until the first batch is in
        time.sleep(0.01)
        if database.exists():
            with contextlib.suppress(sqlite3.Error), sqlite3.connect(database) as conn:
                stored = conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0]
    os.killpg(importing.pid, signal.SIGINT)
    stderr = importing.communicate(timeout=60)[1].decode()
    assert "Traceback" not in stderr, stderr
    if importing.returncode == 0:
        pytest.skip("the import finished before Ctrl-C reached it")
    assert (importing.returncode, stderr.strip()) == (
        1,
        "Interrupted: the batches saved before it are kept; import the same input again to go on.",
    )
    again = subprocess.run(
        [*command, "import", "--no-analyse", str(source)], capture_output=True, text=True
    )
    added, kept = (
        int(x.replace(",", ""))
        for x in re.findall(r"([\d,]+) captures? added .*, ([\d,]+) already", again.stderr)[0]
    )
    assert (again.returncode, added + kept) == (0, 10000) and 0 < kept < 10000


def test_usage_error_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, tmp_path / "a", "diff", URL, "--granularity", "letter")
    assert result.exit_code == 2


def test_unreadable_archive_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "newsarchive.db").write_bytes(b"this is not a database" * 100)
    result = run(runner, bad, "list")
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot open archive")
    assert (bad / "newsarchive.db").read_bytes() == b"this is not a database" * 100


def test_a_damaged_archive_is_one_line_not_a_traceback(runner: CliRunner, loaded: Path) -> None:
    database = loaded / "newsarchive.db"
    with sqlite3.connect(database) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        numbers = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'captures'")]
    with database.open("r+b") as f:
        for number in numbers:  # garbage in every page of the captures table
            f.seek((number - 1) * page)
            f.write(bytes(range(256)) * (page // 256))
    for args, stdin in ((("export",), None), (("save", URL, "-"), "text")):
        result = run(runner, loaded, *args, input=stdin)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"Error: archive {loaded} cannot be used: database disk")
        assert result.stderr.count("\n") == 1


def test_a_damaged_text_frame_is_one_line_not_a_traceback(runner: CliRunner, loaded: Path) -> None:
    with sqlite3.connect(loaded / "newsarchive.db") as conn:
        (key,) = conn.execute(
            "SELECT b.hash FROM captures c JOIN blobs b ON b.id = c.text_id"
            " ORDER BY c.id DESC LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE blobs SET data = x'28b52ffd0000deadbeef' WHERE hash = ?", (key,))
    result = run(runner, loaded, "show", URL)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: stored blob {key.hex()} is damaged (")
    assert result.stderr.count("\n") == 1
    assert run(runner, loaded, "show", URL, "1").exit_code == 0  # other versions still read


def test_stored_lone_surrogates_print_escaped(tmp_path: Path) -> None:
    """The installed command writes text it cannot encode as \\udXXXX, not a traceback."""
    from newsarchive import Archive

    with Archive.open(tmp_path / "a") as archive:
        archive.save(URL, text="Broken \ud800 pair.", title="T")
        archive.save(URL, text="Broken \ud800 pair, still.", title="T")
    for args in (["show", URL], ["show", URL, "--json"], ["diff", URL], ["export"]):
        done = subprocess.run(
            [sys.executable, "-m", "newsarchive.cli", "--archive", str(tmp_path / "a"), *args],
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr
        assert b"\\ud800" in done.stdout, args


def test_newer_schema_is_refused(runner: CliRunner, loaded: Path) -> None:
    with sqlite3.connect(loaded / "newsarchive.db") as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 0)")
    result = run(runner, loaded, "list")
    assert result.exit_code == 1 and "newer than this newsarchive understands" in result.stderr


def test_version_flag(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("newsarchive, version ")


@pytest.mark.parametrize("command", [["list"], ["log", URL], ["diff", URL], ["export"]])
def test_reading_a_missing_archive_is_an_error_and_creates_nothing(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "typo"
    result = run(runner, missing, *command)
    assert result.exit_code == 1
    assert result.stderr == f"Error: no archive at {missing}: nothing has been saved there\n"
    assert not missing.exists()


@pytest.mark.parametrize("option", ["-o", "--warc"])
def test_export_to_an_unwritable_place_is_one_line(
    runner: CliRunner, loaded: Path, tmp_path: Path, option: str
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out"
    result = run(runner, loaded, "export", option, str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write {target}")
    assert "Traceback" not in result.stderr


def test_list_shows_titles_counts_and_times_to_the_second(
    runner: CliRunner, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from newsarchive import Archive

    location = tmp_path / "a"
    with Archive.open(location) as archive:
        archive.save(
            "https://example.com/one",
            text="One.",
            captured_at=datetime(2024, 3, 5, 9, 0, 7, 123456, tzinfo=UTC),
        )
        archive.save("https://example.com/two", text="Two.", title="Second story")
        archive.save("https://example.com/two", text="Two, edited.", title="Second story")
    lines = run(runner, location, "list").stdout.splitlines()
    assert lines[0] == "   1 version   last change 2024-03-05T09:00:07Z  https://example.com/one"
    assert lines[1].strip() == "(no title)"
    assert lines[2].startswith("   2 versions  last change ")
    assert lines[3].strip() == "Second story"
    assert "None" not in "\n".join(lines)


def test_diff_json_is_the_json_format(runner: CliRunner, loaded: Path) -> None:
    as_json = run(runner, loaded, "diff", URL, "1", "-1", "--json")
    as_format = run(runner, loaded, "diff", URL, "1", "-1", "--format", "json")
    assert as_json.exit_code == 0 and as_json.stdout == as_format.stdout
    assert json.loads(as_json.stdout)["new"]["number"] == 7


def test_export_json_is_one_document_of_the_jsonl_lines(
    runner: CliRunner, loaded: Path, tmp_path: Path
) -> None:
    lines = [json.loads(line) for line in run(runner, loaded, "export").stdout.splitlines()]
    document = json.loads(run(runner, loaded, "export", "--json").stdout)
    assert document == lines and len(lines) == 8
    out = tmp_path / "all.json"
    assert run(runner, loaded, "export", "--json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == lines
    empty = tmp_path / "empty"
    run(runner, empty, "migrate")
    assert json.loads(run(runner, empty, "export", "--json").stdout) == []


def test_log_reads_a_rewrite_first_and_json_keeps_the_order_found(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = "The council met on Monday.\n\nIt approved the budget, officials said."
    second = (
        "Flooding closed the harbour road overnight.\n\n"
        "Crews worked until dawn, and “we expect it to reopen,” Lopez said."
    )
    captures = tmp_path / "captures"
    captures.mkdir()
    for n, (text, when) in enumerate([(first, "10:00"), (second, "12:00")]):
        (captures / f"{n}.txt").write_text(
            f"URL: {URL}\nCaptured-At: 2017-06-06T{when}:00Z\n\n{text}\n"
        )
    location = tmp_path / "a"
    assert run(runner, location, "import", str(captures)).exit_code == 0
    shown = run(runner, location, "log", URL).stdout.splitlines()[-1]
    assert shown.endswith("substantive · STEALTH: rewrite, paragraph-added, paragraph-deleted")
    [_, latest] = json.loads(run(runner, location, "log", URL, "--json").stdout)["versions"]
    codes = [r["code"] if isinstance(r, dict) else r for r in latest["reasons"]]
    assert codes[-1] == "rewrite" and len(codes) > 1
    page = run(runner, location, "report", URL).stdout
    reasons = re.findall(r'<ul class="reasons" aria-label="Reasons"><li>([^<]*)</li>', page)
    assert reasons[-1].startswith("rewrite: ")
