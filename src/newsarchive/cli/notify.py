"""The ``notify`` command: push each new version to webhooks, commands and chat services."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..analysis import DEFAULT_LEVELS
from ..archive import SIGNIFICANCE_LEVELS, Archive
from ..notify import (
    Alert,
    AlertFilter,
    Channel,
    ChannelReport,
    NotifyReport,
    channels_from_options,
    notify,
)
from ..times import format_time, parse_time
from . import cli
from ._output import echo_json, json_option
from ._state import pass_existing_archive


class _Preview:
    """The channel a dry run without any channel shows alerts for."""

    key = "preview"
    label = "preview"

    def send(self, alert: Any, *, attachment: str | None = None) -> None:
        raise AssertionError("a preview channel never sends")


def _card_maker(archive: Archive, directory: Path) -> Callable[[Alert], str]:
    """Draws each alert's card once, into ``directory``, for every channel to attach."""

    def draw(alert: Alert) -> str:
        path = directory / f"{alert.version_id}.png"
        if not path.exists():
            from ..card import write_card

            write_card(archive, alert.url, path, old=alert.old.number, new=alert.new.number)
        return str(path)

    return draw


def _report_dict(report: ChannelReport) -> dict[str, Any]:
    return {
        "channel": report.label,
        "start_at": format_time(report.start_at),
        "sent": report.sent,
        "failed": report.failed,
        "error": report.error,
        "alerts": [
            {
                "url": d.alert.url,
                "version": d.alert.new.number,
                "version_id": d.alert.version_id,
                "error": d.error,
                "body": d.alert.to_dict(),
            }
            for d in report.deliveries
        ],
    }


def _echo_report(report: NotifyReport) -> None:
    for channel in report.channels:
        if report.dry_run:
            count = len(channel.deliveries)
            click.echo(f"Would send {count} alert{'s' if count != 1 else ''} to {channel.label}:")
            for delivery in channel.deliveries:
                click.echo("")
                click.echo(delivery.alert.to_text())
            click.echo("")
            continue
        click.echo(f"{channel.label}: {channel.sent} sent, {channel.failed} failed")
        for delivery in channel.deliveries:
            if delivery.error is not None:
                click.echo(
                    f"{channel.label}: {delivery.alert.url} version {delivery.alert.new.number}"
                    f" not sent (tried again next run): {delivery.error}",
                    err=True,
                )


@cli.command("notify")
@click.option(
    "--webhook",
    "webhooks",
    multiple=True,
    metavar="URL",
    help="POST each alert's JSON body to URL (repeatable).",
)
@click.option(
    "--webhook-secret",
    envvar="NEWSARCHIVE_WEBHOOK_SECRET",
    metavar="SECRET",
    help="Sign webhook posts with HMAC-SHA256 (env NEWSARCHIVE_WEBHOOK_SECRET).",
)
@click.option(
    "--command",
    "commands",
    multiple=True,
    metavar="CMD",
    help="Run CMD with each alert's JSON body on stdin (repeatable).",
)
@click.option(
    "--apprise",
    "apprise_urls",
    multiple=True,
    metavar="URL",
    help="Send each alert to an apprise URL: mailto://, ntfy://, slack://... "
    "(repeatable; needs newsarchive[alerts]).",
)
@click.option(
    "--min-significance",
    type=click.Choice(SIGNIFICANCE_LEVELS),
    help="Only changes at least this significant.",
)
@click.option("--stealth", is_flag=True, help="Only stealth edits.")
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    type=click.Choice(sorted(DEFAULT_LEVELS)),
    metavar="CODE",
    help="Only changes with this reason code (repeatable: any).",
)
@click.option("--headline", is_flag=True, help="Only changes of the headline.")
@click.option(
    "--url",
    "url_patterns",
    multiple=True,
    metavar="PATTERN",
    help="Only articles whose URL matches this shell pattern (repeatable: any).",
)
@click.option(
    "--since",
    metavar="ISO8601",
    help="Where a new channel starts (default: now). Known channels keep theirs.",
)
@click.option(
    "--site-url",
    metavar="URL",
    help="Where `newsarchive site` output is published, for links to the report.",
)
@click.option(
    "--card",
    "attach_card",
    is_flag=True,
    help="Attach a PNG card of each change (apprise; commands get its path in "
    "NEWSARCHIVE_ALERT_ATTACHMENT). Needs Chromium.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@json_option
@pass_existing_archive
def notify_command(
    archive: Archive,
    webhooks: tuple[str, ...],
    webhook_secret: str | None,
    commands: tuple[str, ...],
    apprise_urls: tuple[str, ...],
    min_significance: str | None,
    stealth: bool,
    reasons: tuple[str, ...],
    headline: bool,
    url_patterns: tuple[str, ...],
    since: str | None,
    site_url: str | None,
    attach_card: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Send one alert per new version to each channel, once.

    Each channel (a webhook, a command, an apprise URL) gets the versions that pass
    the filters since it was last notified; the archive keeps its position, so
    running this after every `watch` alerts each change exactly once. A new channel
    starts at --since (default: now). A failed alert is reported, the run exits 1,
    and it is sent again next run.

    \b
    Example:
      newsarchive notify --webhook https://hooks.example.org/news --min-significance minor
      newsarchive notify --apprise 'ntfy://ntfy.sh/my-topic' --stealth
      newsarchive notify --dry-run --since 2017-06-06
    """  # noqa: D301
    channels: list[Channel] = channels_from_options(
        webhooks=webhooks,
        commands=commands,
        apprise_urls=apprise_urls,
        webhook_secret=webhook_secret,
    )
    if not channels:
        if not dry_run:
            raise click.UsageError("name a channel: --webhook, --command or --apprise")
        channels = [_Preview()]
    filters = AlertFilter(
        min_significance=min_significance,
        stealth=stealth,
        reasons=reasons,
        headline=headline,
        url_patterns=url_patterns,
    )
    with tempfile.TemporaryDirectory(prefix="newsarchive-cards-") as cards:
        report = notify(
            archive,
            channels,
            filters=filters,
            since=parse_time(since, what="--since") if since else None,
            dry_run=dry_run,
            site_url=site_url,
            card=_card_maker(archive, Path(cards)) if attach_card else None,
        )
    if as_json:
        echo_json({"dry_run": dry_run, "channels": [_report_dict(c) for c in report.channels]})
    else:
        _echo_report(report)
    if not report.ok:
        raise click.exceptions.Exit(1)
