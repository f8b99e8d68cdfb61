"""The CLI's shared state: where the archive is, opened lazily once per invocation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..archive import Archive

F = TypeVar("F", bound=Callable[..., Any])


class CliState:
    """Global options, and the archive once a command asks for it."""

    # A plain class rather than attrs: every CLI call pays for what this module imports.
    def __init__(self, location: str, *, debug: bool = False, rules_path: str | None = None):
        self.location = location
        self.debug = debug
        self.rules_path = rules_path
        self._archive: Archive | None = None

    def archive(self, ctx: click.Context, *, create: bool = True) -> Archive:
        if self._archive is None:
            from . import LoadingModules

            with LoadingModules():  # opening loads the store's modules
                # Imported here: `--version` and `--help` never open an archive.
                from ..archive import Archive

                self._archive = Archive.open(
                    self.location, rules=self.rules_path or None, create=create
                )
            ctx.call_on_close(self._archive.close)
        return self._archive


def _passing_archive(command: F, *, create: bool) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        state = ctx.find_object(CliState)
        assert state is not None, "commands run inside the newsarchive group"
        return command(state.archive(ctx.find_root(), create=create), *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def pass_archive(command: F) -> F:
    """Pass the archive, created if it does not exist yet, as the first argument."""
    return _passing_archive(command, create=True)


def pass_existing_archive(command: F) -> F:
    """Pass the archive as the first argument; a missing archive is an error.

    For commands that only read: a mistyped --archive then says so instead of
    answering from a new, empty archive.
    """
    return _passing_archive(command, create=False)
