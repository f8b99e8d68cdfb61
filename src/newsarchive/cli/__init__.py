"""The ``newsarchive`` command line: a thin layer over the Python API.

Exit codes: 0 success (differences found included, unless ``diff --exit-code``);
1 an operational error, or any failed item of a batch, reported after every item ran;
2 a usage error.

This module stays light: click and the commands load from :mod:`.group` on first use, so
that ``newsarchive --version`` answers without them.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from .group import COMMAND_MODULE, COMMAND_MODULES, cli

__all__ = ["COMMAND_MODULE", "COMMAND_MODULES", "cli", "main"]

# The line click's version option prints (tests/cli check that the two agree).
VERSION_LINE = f"newsarchive, version {__version__}"


class LoadingModules:
    """Pauses the garbage collector while a command's modules load, in a process that
    :func:`main` runs (one command, then exit); elsewhere (``cli`` called in-process, as
    tests do) it changes nothing.

    Loading makes objects that live until exit (modules, classes, functions): collecting
    while they load frees nothing, yet each collection walks every object made so far,
    and so does the one at exit. So they are frozen once loaded (later collections,
    which still run for the command's own work, skip them): about a twelfth of a short
    command's time.
    """

    one_command_process = False

    def __enter__(self) -> None:
        self._paused = self.one_command_process and gc.isenabled()
        if self._paused:
            gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self._paused:
            gc.freeze()
            gc.enable()


def main() -> None:
    """Run the command line on ``sys.argv``."""
    if sys.argv[1:] == ["--version"]:
        # Scripts call this to check an install: answered before click loads.
        print(VERSION_LINE)
        return
    LoadingModules.one_command_process = True
    with LoadingModules():
        from .group import run

    run()


def __getattr__(name: str) -> Any:
    if name not in ("cli", "COMMAND_MODULE", "COMMAND_MODULES"):
        raise AttributeError(f"module 'newsarchive.cli' has no attribute {name!r}")
    from . import group

    value = getattr(group, name)
    globals()[name] = value
    return value
