"""A command loads only what it uses: `log` never pays for `notify`, `--version` for click."""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from newsarchive.cli import COMMAND_MODULE, VERSION_LINE, cli

SRC = Path(__file__).resolve().parents[2] / "src"
URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"

# What a command that only reads one article never needs: the network, the other
# commands, the code that imports and prepares captures, the analysis writer, the HTML,
# JSON and feed renderers (text output only), logging, OpenSSL (hashes are only computed
# on saves), the IDNA codec (an ASCII host needs none), and the normalizer, records,
# reports and timeline logic only saving uses.
NOT_FOR_READING = (
    "encodings.idna",
    "hashlib",
    "httpx",
    "logging",
    "newsarchive.analysis",
    "newsarchive.archive.stored_analyses",
    "newsarchive.cli.scrape",
    "newsarchive.cli.webarchive",
    "newsarchive.ingest.bulk",
    "newsarchive.ingest.records",
    "newsarchive.normalize",
    "newsarchive.notify",
    "newsarchive.render.atom",
    "newsarchive.render._markup",
    "newsarchive.render.html",
    "newsarchive.render.json",
    "newsarchive.reports",
    "newsarchive.storage.records",
    "newsarchive.storage._sql.save_records",
    "newsarchive.storage._timeline",
    "newsarchive.website",
    "xml.etree",
)


def _run_cli(*args: str) -> tuple[str, set[str], list[Any]]:
    """Run the command line in a new interpreter: its output, every module it loaded, and
    whether the garbage collector is on and how many objects it skips as frozen."""
    code = (
        "import json, sys\n"
        "from newsarchive.cli import main\n"
        f"sys.argv = ['newsarchive', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stdout.flush()\n"
        "import gc\n"
        "print(json.dumps([gc.isenabled(), gc.get_freeze_count()]), file=sys.stderr)\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *_, collector, modules = done.stderr.strip().splitlines()
    return done.stdout, set(json.loads(modules)), json.loads(collector)


def test_every_command_is_mapped_to_the_module_that_defines_it() -> None:
    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert set(names) == set(COMMAND_MODULE)
    for name in names:
        command = cli.get_command(ctx, name)
        assert command is not None and command.callback is not None
        assert command.callback.__module__ == f"newsarchive.cli.{COMMAND_MODULE[name]}", name


@pytest.mark.parametrize("command", ["log", "diff"])
def test_reading_one_article_loads_only_what_it_uses(loaded: Path, command: str) -> None:
    output, modules, _ = _run_cli("--archive", str(loaded), command, URL)
    assert ("first version" if command == "log" else "+++ version 7") in output
    assert sorted(m for m in NOT_FOR_READING if m in modules) == []
    assert "newsarchive.cli.core" in modules  # the check above looked at a real run


def test_version_answers_without_click_or_the_archive() -> None:
    output, modules, _ = _run_cli("--version")
    assert output == VERSION_LINE + "\n"
    assert re.fullmatch(r"newsarchive, version \d+\.\d+\.\d+\S*", VERSION_LINE)
    loaded = {m.partition(".")[0] for m in modules}
    assert {"click", "attrs", "sqlite3", "zstandard", "logging"} & loaded == set()
    assert "newsarchive.archive" not in modules and "newsarchive.cli.group" not in modules


def test_version_says_what_clicks_version_option_says() -> None:
    # --version spelled with other options goes through click: both must print one line.
    result = CliRunner().invoke(cli, ["--debug", "--version"])
    assert result.exit_code == 0
    assert result.output == VERSION_LINE + "\n"


def test_library_loggers_stay_quiet_until_the_application_sets_up_logging() -> None:
    # Each module that logs gives its logger a NullHandler, so without a logging set-up a
    # warning is not printed by Python's last-resort handler onto a command's stderr.
    logging_modules = sorted(
        ".".join(path.relative_to(SRC).with_suffix("").parts)
        for path in SRC.rglob("*.py")
        if "logging.getLogger(__name__)" in path.read_text(encoding="utf-8")
    )
    assert logging_modules, "no module logs: this test checks nothing"
    code = (
        "import importlib, logging\n"
        f"for name in {logging_modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    logging.getLogger(name).warning('seen by nobody')\n"
        "logging.getLogger('elsewhere').warning('printed by the last-resort handler')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == "printed by the last-resort handler\n"


def test_a_command_collects_garbage_again_once_its_modules_have_loaded(loaded: Path) -> None:
    _, _, (enabled, frozen) = _run_cli("--archive", str(loaded), "log", URL)
    assert enabled and frozen > 10_000  # what loaded is skipped, the rest still collected


def test_running_commands_in_process_leaves_the_collector_alone(loaded: Path) -> None:
    before = gc.get_freeze_count()
    result = CliRunner().invoke(cli, ["--archive", str(loaded), "log", URL])
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() == before
