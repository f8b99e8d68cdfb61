"""Scraping commands: ``fetch``, ``reextract`` and ``watch``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import click

from ..archive import Archive
from ..errors import InputError
from . import cli
from ._output import echo_json, json_option
from ._state import pass_archive

CONFIG_ENV = "NEWSARCHIVE_WATCH_CONFIG"


def _quiet_option(command: Any) -> Any:
    return click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")(command)


@contextmanager
def _progress(label: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on stderr, only on a terminal."""
    bars: list[Any] = []
    shown = 0

    def update(done: int, total: int) -> None:
        nonlocal shown
        if quiet or not sys.stderr.isatty() or total <= 0:
            return
        if not bars:
            # The total is known only once the run has planned its work.
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            bars.append(bar)
        bars[0].update(done - shown)
        shown = done

    try:
        yield update
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


def _item_line(item: Any) -> str:
    version = f"v{item.version}" if item.version else "-"
    line = f"{item.outcome:<12} {version:<4} {item.article_url or item.url}"
    if item.message:
        line += f"  ({item.message})"
    return line


def _exit_on_failures(failed: bool) -> None:
    if failed:
        click.get_current_context().exit(1)


@cli.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--user-agent", help="User-Agent header to send.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds a whole request may take: connecting, headers and body.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Retries on 429, 5xx and connection errors.",
)
@click.option(
    "--min-interval",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to one host.",
)
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar="NAME:VALUE",
    help="Extra request header (repeatable).",
)
@click.option(
    "--boilerplate",
    multiple=True,
    metavar="REGEX",
    help="Drop text lines matching this pattern (repeatable).",
)
@click.option("--ignore-robots", is_flag=True, help="Do not read or obey robots.txt.")
@json_option
@_quiet_option
@pass_archive
def fetch(
    archive: Archive,
    urls: tuple[str, ...],
    user_agent: str | None,
    timeout: float,
    retries: int,
    min_interval: float,
    headers: tuple[str, ...],
    boilerplate: tuple[str, ...],
    ignore_robots: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Fetch pages now and archive them; a new version when the text changed.

    Prints one line per URL: outcome, version and the URL the article is filed
    under. Exit code 1 if any page failed (after every page was tried).

    \b
    Example:
      newsarchive fetch https://example.com/news/story --json
    """
    from ..fetch.http import FetchOptions
    from ..scrape import fetch_pages

    options = FetchOptions(
        timeout_seconds=timeout,
        retries=retries,
        per_host_interval_seconds=min_interval,
        respect_robots=not ignore_robots,
    )
    if user_agent:
        options = attrs.evolve(options, user_agent=user_agent)
    with _progress("Fetching", quiet or as_json) as on_progress:
        results = fetch_pages(
            archive,
            urls,
            options=options,
            headers=_parse_headers(headers),
            boilerplate=boilerplate,
            on_progress=on_progress,
        )
    if as_json:
        echo_json({"items": [r.to_dict() for r in results]})
    else:
        for result in results:
            click.echo(_item_line(result))
    _exit_on_failures(any(r.is_failure for r in results))


@cli.command()
@click.argument("urls", nargs=-1, metavar="[URL...]")
@json_option
@_quiet_option
@pass_archive
def reextract(archive: Archive, urls: tuple[str, ...], as_json: bool, quiet: bool) -> None:
    """Re-run the current extractor over stored raw HTML (default: every article).

    A different text is saved with source "reextract" and metadata reason
    "extractor-changed": it is not an edit by the newsroom. Running it again
    adds nothing.

    \b
    Example:
      newsarchive reextract https://example.com/news/story
    """
    from ..scrape import reextract as run_reextract

    with _progress("Re-extracting", quiet or as_json) as on_progress:
        results = run_reextract(archive, urls or None, on_progress=on_progress)
    if as_json:
        echo_json({"items": [r.to_dict() for r in results]})
    else:
        for result in results:
            click.echo(_item_line(result))
    _exit_on_failures(any(r.is_failure for r in results))


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=CONFIG_ENV,
    help="Watch config (TOML). Default: watch.toml in the archive directory, "
    f"or env {CONFIG_ENV}; without one, only known articles are re-checked.",
)
@click.option(
    "--once", is_flag=True, help="Run once and exit (what every run does; for clarity in crontabs)."
)
@click.option("--max-items", type=click.IntRange(min=1), help="Fetch at most N pages.")
@click.option(
    "--max-seconds", type=click.FloatRange(min=0), help="Start no new page after S seconds."
)
@click.option(
    "--wait/--no-wait",
    default=False,
    show_default=True,
    help="If another watch run holds the archive, wait for it (or exit at once).",
)
@json_option
@_quiet_option
@pass_archive
def watch(
    archive: Archive,
    config_path: Path | None,
    once: bool,
    max_items: int | None,
    max_seconds: float | None,
    wait: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Read the feeds, fetch new articles, re-check those that are due, then exit.

    Made to be run from cron or a systemd timer; see docs/scraping.md. A
    summary goes to stderr (or the full report as JSON to stdout with --json).
    Exit codes: 0 every item succeeded, 1 any item or feed failed (or another
    run holds the archive), 2 a usage error such as a bad config file.

    \b
    Example:
      newsarchive --archive ./archive watch --config watch.toml --max-seconds 600
    """
    from ..scrape import run_watch
    from ..scrape.config import WatchConfig

    config = _load_config(archive, config_path, WatchConfig)
    with _progress("Watching", quiet or as_json) as on_progress:
        report = run_watch(
            archive,
            config,
            max_items=max_items,
            max_seconds=max_seconds,
            wait=wait,
            on_progress=on_progress,
        )
    if as_json:
        echo_json(report.to_dict())
        _exit_on_failures(report.has_failures)
        return
    for feed in report.feeds:
        if feed.is_failure:
            click.echo(f"failed feed: {feed.message}", err=True)
    for item in report.items:
        if item.is_failure or (item.outcome == "flagged" and not quiet):
            click.echo(f"{item.outcome}: {item.url}: {item.message}", err=True)
    if not quiet:
        stopped = f" (stopped at {report.stopped})" if report.stopped else ""
        click.echo(
            f"watch: {report.feeds_read} feeds read, {report.discovered} discovered, "
            f"{report.checked} checked, {report.unchanged} unchanged, "
            f"{report.new_versions} new versions, {report.flagged} flagged, "
            f"{report.failures} failures{stopped}",
            err=True,
        )
    _exit_on_failures(report.has_failures)


def _load_config(archive: Archive, path: Path | None, config_class: Any) -> Any:
    if path is None:
        default = Path(archive.location) / "watch.toml"
        if not os.path.isfile(default):
            return config_class()
        path = default
    try:
        return config_class.from_file(path)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="'--config'") from None


def _parse_headers(pairs: Sequence[str]) -> dict[str, str]:
    headers = {}
    for pair in pairs:
        name, sep, value = pair.partition(":")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME:VALUE, got {pair!r}", param_hint="'--header'")
        headers[name.strip()] = value.strip()
    return headers
