"""A command loads only the module that defines it, so `log` never pays for `notify`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from newsarchive.cli import COMMAND_MODULE, cli


def test_every_command_is_mapped_to_the_module_that_defines_it() -> None:
    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert set(names) == set(COMMAND_MODULE)
    for name in names:
        command = cli.get_command(ctx, name)
        assert command is not None and command.callback is not None
        assert command.callback.__module__ == f"newsarchive.cli.{COMMAND_MODULE[name]}", name


def test_log_loads_neither_the_network_nor_the_other_commands(loaded: Path) -> None:
    code = (
        "import sys\n"
        "from newsarchive.cli import main\n"
        f"sys.argv = ['newsarchive', '--archive', {str(loaded)!r}, 'log',"
        " 'https://news.example.com/2017/06/06/sessions-offered-to-resign']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('httpx', 'newsarchive.notify', 'newsarchive.website', 'newsarchive.cli.scrape',"
        " 'newsarchive.cli.webarchive', 'newsarchive.render.html')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "first version" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"
