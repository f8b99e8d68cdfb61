"""Output helpers shared by commands: JSON documents, colour choice, progress."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from ..errors import InputError

F = TypeVar("F", bound=Callable[..., Any])


def echo_json(data: Any) -> None:
    """Write exactly one JSON document to stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def write_json_list(items: Iterable[Any], stream: IO[str]) -> int:
    """Write one JSON document, a list, an item at a time (constant memory); return the count."""
    count = 0
    stream.write("[")
    for item in items:
        stream.write(",\n  " if count else "\n  ")
        stream.write(json.dumps(item, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


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
    label: str, *, quiet: bool = False, bytes_rate: bool = False
) -> Iterator[Callable[[int, int], None]]:
    """An ``on_progress(done, total)`` callback drawing a bar on stderr, only on a terminal.

    The bar appears at the first call with a total above 0: many operations know their
    total only once they have planned their work. None appears with ``quiet``. The bar
    shows the share done and the time left; with ``bytes_rate`` (``done`` counts bytes),
    the rate in MB/s as well.
    """
    import time

    with ExitStack() as stack:
        bar: Any = None
        shown = 0
        started = time.monotonic()

        def rate(_item: object) -> str | None:
            elapsed = time.monotonic() - started
            if not bytes_rate or not shown or elapsed <= 0:
                return None
            return f"{shown / elapsed / 1e6:.1f} MB/s"

        def update(done: int, total: int) -> None:
            nonlocal bar, shown
            if quiet or total <= 0 or not sys.stderr.isatty():
                return
            if bar is None:
                bar = stack.enter_context(
                    click.progressbar(
                        length=total, label=label, file=sys.stderr, item_show_func=rate
                    )
                )
            step, shown = done - shown, done
            bar.update(step, done)

        yield update


@contextmanager
def output_file(path: str, mode: str = "w", *, newline: str | None = None) -> Iterator[IO[Any]]:
    """A file that appears at ``path`` only once completely written.

    Written beside it as ``<path>.partial`` and moved into place at the end, so a reader
    never sees half a file, and a failed write leaves an earlier file as it was.

    Raises:
        InputError: the file cannot be written (one line for the user, not a traceback).
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"cannot write {path}: it is a directory (give a file name)")
    partial = target.with_name(target.name + ".partial")
    try:
        if "b" in mode:
            stream = partial.open(mode)
        else:  # lone surrogates in stored text are written as \udXXXX (see cli.main)
            stream = partial.open(
                mode, encoding="utf-8", errors="backslashreplace", newline=newline
            )
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with stream:
            yield stream
        try:
            partial.replace(target)
        except OSError as exc:  # made a directory meanwhile, say, or not ours to replace
            raise InputError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
