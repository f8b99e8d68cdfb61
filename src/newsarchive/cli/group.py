"""The ``newsarchive`` click group: global options, errors as one line, commands loaded lazily."""

from __future__ import annotations

import importlib
import io
import sys
from typing import Any

import click

from .. import __version__
from ..errors import NewsArchiveError
from . import VERSION_LINE, LoadingModules
from ._state import CliState

# Which module adds each command to `cli`. A command loads only its own module, so that
# `log` or `diff` never pays for what `notify` or `site` import (tests/cli check the map).
COMMAND_MODULE = {
    "backfill": "webarchive",
    "blame": "analysis",
    "card": "card",
    "cdxj": "webarchive",
    "changes": "analysis",
    "copy": "admin",
    "diff": "core",
    "export": "core",
    "feed": "report",
    "fetch": "scrape",
    "import": "core",
    "import-git": "webarchive",
    "import-newsedits": "research",
    "list": "core",
    "log": "core",
    "merge": "identity",
    "migrate": "admin",
    "notify": "notify",
    "reanalyse": "analysis",
    "reextract": "scrape",
    "report": "report",
    "save": "core",
    "show": "core",
    "site": "website",
    "split": "identity",
    "timemap": "webarchive",
    "watch": "scrape",
}
COMMAND_MODULES = tuple(sorted({f"newsarchive.cli.{m}" for m in COMMAND_MODULE.values()}))


class _Group(click.Group):
    """Turns the archive's own errors into one line on stderr, and loads commands lazily."""

    _loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            with LoadingModules():
                for module in COMMAND_MODULES:
                    importlib.import_module(module)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULE.get(cmd_name)
        if module is None:
            self._load()  # an unknown name: let click suggest a close one
        elif cmd_name not in self.commands:
            with LoadingModules():
                importlib.import_module(f"newsarchive.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsArchiveError as exc:
            state = ctx.find_object(CliState)
            if state is not None and state.debug:
                raise
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--archive",
    "location",
    envvar="NEWSARCHIVE_ARCHIVE",
    default="archive",
    show_default=True,
    metavar="LOCATION",
    help="Archive directory or postgresql:// URL (env NEWSARCHIVE_ARCHIVE).",
)
@click.option(
    "--rules",
    "rules_path",
    envvar="NEWSARCHIVE_RULES",
    type=click.Path(dir_okay=False),
    help="Change-analysis rules file, TOML (env NEWSARCHIVE_RULES); see docs/analysis.md.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="newsarchive", message=VERSION_LINE)
@click.pass_context
def cli(ctx: click.Context, location: str, rules_path: str | None, debug: bool) -> None:
    """Keep every version of news articles and show what changed.

    \b
    Exit codes: 0 success; 1 an error (or, with diff --exit-code,
    differences found); 2 a usage error.
    """
    ctx.obj = CliState(location=location, debug=debug, rules_path=rules_path)


def run() -> None:
    """Run the command line on ``sys.argv``."""
    # Stored text may hold lone surrogates (kept as given): print them as \udXXXX, which
    # is also their JSON escape, rather than fail on them.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    cli(prog_name="newsarchive")
