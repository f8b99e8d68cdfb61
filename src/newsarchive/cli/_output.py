"""Output helpers shared by commands: JSON documents, colour choice, progress."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def echo_json(data: Any) -> None:
    """Write exactly one JSON document to stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Output one JSON document.")(
        command
    )


def color_option(command: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour output: auto colours only on a terminal and honours NO_COLOR.",
    )(command)


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@contextmanager
def progress(
    total: int, label: str, *, quiet: bool = False, bytes_rate: bool = False
) -> Iterator[Callable[[int, int], None]]:
    """An ``on_progress(done, total)`` callback drawing a bar on stderr, only on a terminal.

    The bar shows the share done and the time left; with ``bytes_rate`` (``done`` counts
    bytes), the rate in MB/s as well.
    """
    if quiet or not sys.stderr.isatty() or total <= 0:
        yield lambda done, total: None
        return
    import time

    started = time.monotonic()
    shown = 0

    def rate(_item: object) -> str | None:
        elapsed = time.monotonic() - started
        if not bytes_rate or not shown or elapsed <= 0:
            return None
        return f"{shown / elapsed / 1e6:.1f} MB/s"

    with click.progressbar(length=total, label=label, file=sys.stderr, item_show_func=rate) as bar:

        def update(done: int, _total: int) -> None:
            nonlocal shown
            step, shown = done - shown, done
            bar.update(step, done)

        yield update


def plural(count: int, noun: str) -> str:
    """``1 article``, ``2 articles``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


@contextmanager
def output_file(path: str, mode: str = "w") -> Iterator[IO[Any]]:
    """A file that appears at ``path`` only once completely written.

    Raises:
        InputError: the file cannot be written (one line for the user, not a traceback).
    """
    from ..errors import InputError

    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        if "b" in mode:
            stream = partial.open(mode)
        else:  # lone surrogates in stored text are written as \udXXXX (see cli.main)
            stream = partial.open(mode, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with stream:
            yield stream
        partial.replace(target)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
