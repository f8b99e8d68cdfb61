"""The ``migrate`` and ``copy`` commands through click's runner, on every backend."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.storage import _migrations


def test_migrate_prints_the_schema_version(runner: CliRunner, archive_location: str) -> None:
    result = runner.invoke(cli, ["--archive", archive_location, "migrate", "--json"])
    assert result.exit_code == 0, result.output
    assert (
        json.loads(result.stdout)["schema_version"]
        == len(_migrations.SQLITE)
        == len(_migrations.POSTGRES)
    )
    plain = runner.invoke(cli, ["--archive", archive_location, "migrate"])
    assert plain.stdout.endswith(f": schema version {len(_migrations.SQLITE)}\n")


def test_copy_to_any_backend_and_back_exports_the_same(
    runner: CliRunner, archive_location: str, tmp_path: Path, sample_dir: Path
) -> None:
    if archive_location == ":memory:":
        archive_location = str(tmp_path / "middle")  # a memory archive dies with the command
    source, back = str(tmp_path / "source"), str(tmp_path / "back")
    assert runner.invoke(cli, ["--archive", source, "import", str(sample_dir)]).exit_code == 0

    there = runner.invoke(cli, ["copy", source, archive_location, "--json"])
    assert there.exit_code == 0, there.output
    assert json.loads(there.stdout) == {
        "articles": 1,
        "captures": 8,
        "captures_added": 8,
        "versions_added": 7,
        "analyses_copied": 0,
        "problems": [],
    }
    again = runner.invoke(cli, ["copy", source, archive_location])
    assert again.exit_code == 0
    assert again.stdout == ""
    assert again.stderr == (
        "8 captures of 1 article copied: 0 added (0 new versions), 8 already there\n"
    )
    assert runner.invoke(cli, ["copy", "-q", archive_location, back]).exit_code == 0

    exports = [
        runner.invoke(cli, ["--archive", where, "export"]).stdout
        for where in (source, archive_location, back)
    ]
    assert exports[0].count("\n") == 8
    assert exports[0] == exports[1] == exports[2]


def test_copy_to_an_unreachable_server_is_a_one_line_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli, ["copy", str(tmp_path / "a"), "postgresql://scraper:hunter2@127.0.0.1:1/news"]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "Error: cannot open PostgreSQL archive postgresql://scraper:***@127.0.0.1:1/news: "
    )
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.stderr
