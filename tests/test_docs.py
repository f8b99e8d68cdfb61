"""The documentation tells the truth about the command line: every command and option."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from newsarchive.cli import cli

CLI_DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
# Data commands print data; each takes --json, as docs/cli.md promises.
DATA_COMMANDS = [
    "backfill",
    "blame",
    "cdxj",
    "changes",
    "copy",
    "diff",
    "export",
    "feed",
    "fetch",
    "import",
    "import-git",
    "import-newsedits",
    "list",
    "log",
    "merge",
    "migrate",
    "notify",
    "reextract",
    "report",
    "save",
    "show",
    "site",
    "split",
    "timemap",
    "watch",
]


def _commands() -> list[str]:
    return cli.list_commands(click.Context(cli))


def _command(name: str) -> click.Command:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    return command


def _synopses(name: str) -> str:
    """Every synopsis of the command in docs/cli.md: backquoted, from ``newsarchive NAME``."""
    text = CLI_DOC.read_text(encoding="utf-8")
    found = re.findall(rf"`newsarchive {re.escape(name)}(?=[ `])[^`]*`", text)
    return " ".join(found)


def _options(name: str) -> list[tuple[str, ...]]:
    """Each option of the command as the names it answers to (--help aside)."""
    return [
        tuple(param.opts + param.secondary_opts)
        for param in _command(name).params
        if isinstance(param, click.Option) and "--help" not in param.opts
    ]


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_a_synopsis(name: str) -> None:
    assert _synopses(name), f"docs/cli.md has no `newsarchive {name} ...` synopsis"


@pytest.mark.parametrize(
    ("name", "names"),
    [(name, names) for name in _commands() for names in _options(name)],
    ids=lambda value: value if isinstance(value, str) else "/".join(value),
)
def test_every_option_is_in_its_commands_synopsis(name: str, names: tuple[str, ...]) -> None:
    synopsis = _synopses(name)
    assert any(re.search(rf"{re.escape(n)}(?![\w-])", synopsis) for n in names), (
        f"docs/cli.md: the synopsis of {name} lacks {' or '.join(names)}"
    )


@pytest.mark.parametrize("name", DATA_COMMANDS)
def test_every_data_command_takes_json(name: str) -> None:
    assert any("--json" in names for names in _options(name)), f"{name} has no --json"


def test_the_data_commands_are_the_commands_that_print_data() -> None:
    """A new command is either a data command or deliberately not one."""
    # reanalyse prints only a count, on stderr; card writes an image and prints nothing
    others = {"reanalyse", "card"}
    assert set(_commands()) - set(DATA_COMMANDS) <= others
