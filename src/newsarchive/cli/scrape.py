"""Scraping commands: ``fetch``, ``reextract`` and ``watch``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import click

from ..archive import Archive
from ..errors import InputError
from ..models import plural
from ..render.json import item_results_to_dict, run_report_to_dict
from . import cli
from ._output import echo_json, json_option, progress
from ._state import pass_archive

CONFIG_ENV = "NEWSARCHIVE_WATCH_CONFIG"


def _quiet_option(command: Any) -> Any:
    return click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")(command)


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
    # Loaded by this command only: every command module loads for any command.
    from ..scrape import FetchOptions, fetch_pages

    options = FetchOptions(
        timeout_seconds=timeout,
        retries=retries,
        per_host_interval_seconds=min_interval,
        respect_robots=not ignore_robots,
    )
    if user_agent:
        options = attrs.evolve(options, user_agent=user_agent)
    with progress("Fetching", quiet=quiet or as_json) as on_progress:
        results = fetch_pages(
            archive,
            urls,
            options=options,
            headers=_parse_headers(headers),
            boilerplate=boilerplate,
            on_progress=on_progress,
        )
    if as_json:
        echo_json(item_results_to_dict(results))
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
    # Loaded by this command only: every command module loads for any command.
    from ..scrape import reextract as run_reextract

    with progress("Re-extracting", quiet=quiet or as_json) as on_progress:
        results = run_reextract(archive, urls or None, on_progress=on_progress)
    if as_json:
        echo_json(item_results_to_dict(results))
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
    # Loaded by this command only: every command module loads for any command.
    from ..scrape import run_watch
    from ..scrape.config import WatchConfig

    config = _load_config(archive, config_path, WatchConfig)
    alert_rules = _alert_rules(config)
    with progress("Watching", quiet=quiet or as_json) as on_progress:
        report = run_watch(
            archive,
            config,
            max_items=max_items,
            max_seconds=max_seconds,
            wait=wait,
            on_progress=on_progress,
        )
    alerts_failed = _fire_alerts(archive, alert_rules, quiet=quiet or as_json)
    if as_json:
        echo_json(run_report_to_dict(report))
        _exit_on_failures(report.has_failures or alerts_failed)
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
            f"watch: {plural(report.feeds_read, 'feed')} read, {report.discovered} discovered, "
            f"{report.checked:,} checked, {report.unchanged:,} unchanged, "
            f"{plural(report.new_versions, 'new version')}, {report.flagged} flagged, "
            f"{plural(report.failures, 'failure')}{stopped}",
            err=True,
        )
    _exit_on_failures(report.has_failures or alerts_failed)


def _alert_rules(config: Any) -> list[Any]:
    """The config's alert channels, checked before anything is fetched."""
    if not config.alerts:
        return []
    from ..notify.config import alert_rules

    try:
        return alert_rules(config.alerts)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="'--config'") from None


def _fire_alerts(archive: Archive, rules: list[Any], *, quiet: bool) -> bool:
    """Send the config's alerts for the run's new versions; True if any failed."""
    from ..notify import notify

    failed = False
    for rule in rules:
        report = notify(archive, rule.channels, filters=rule.filters, site_url=rule.site_url)
        for channel in report.channels:
            failed = failed or bool(channel.failed)
            for delivery in channel.deliveries:
                if delivery.error is not None:
                    click.echo(f"alert not sent: {channel.label}: {delivery.error}", err=True)
            if not quiet:
                click.echo(
                    f"alerts: {channel.label}: {channel.sent} sent, {channel.failed} failed",
                    err=True,
                )
    return failed


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
