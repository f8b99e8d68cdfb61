"""Change-analysis commands: blame, recent changes across the archive, reanalysis."""

from __future__ import annotations

import click

from ..archive import SIGNIFICANCE_LEVELS, Archive
from ..models import plural, reading_order
from ..render.json import blame_to_dict, change_to_dict
from ..times import format_time, parse_time
from . import cli
from ._output import echo_json, json_option, progress
from ._state import pass_existing_archive
from ._versionargs import VersionArgsCommand


@cli.command(cls=VersionArgsCommand)
@click.argument("url")
@click.argument("version", required=False)
@json_option
@pass_existing_archive
def blame(archive: Archive, url: str, version: str | None, as_json: bool) -> None:
    """Show which version introduced each sentence of a version (default: the latest).

    A sentence edited since it first appeared also names the version of its
    earliest form, as "v5 (from v2)".

    \b
    Example:
      newsarchive blame https://example.com/story 3 --json
    """
    target = archive.get(url, version) if version is not None else archive.get(url)
    lines = archive.blame(url, target.number)
    if as_json:
        echo_json(blame_to_dict(target, lines))
        return
    width = len(f"v{target.number} (from v{target.number})")
    for b in lines:
        where = f"v{b.version}" + (f" (from v{b.origin_version})" if b.is_edited else "")
        day = format_time(b.captured_at)
        click.echo(f"{where:<{width}} {day}  {b.text}")


@cli.command()
@click.option("--since", metavar="ISO8601", help="Only changes first seen at or after this time.")
@click.option(
    "--min-significance",
    type=click.Choice(SIGNIFICANCE_LEVELS),
    help="Only changes at least this significant.",
)
@click.option("--stealth", is_flag=True, help="Only stealth edits.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@json_option
@pass_existing_archive
def changes(
    archive: Archive,
    since: str | None,
    min_significance: str | None,
    stealth: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List changes across all articles, newest first: a daily review of what changed.

    \b
    Example:
      newsarchive changes --since 2017-06-06 --min-significance substantive
    """
    found = archive.changes(
        since=parse_time(since, what="--since") if since else None,
        min_significance=min_significance,
        stealth=stealth,
        limit=limit,
    )
    if as_json:
        echo_json([change_to_dict(c) for c in found])
        return
    for c in found:
        # Level and mark padded as one column, so that the URLs line up below each other.
        judged = f"{c.level or '?'}{' STEALTH' if c.stealth else ''}"
        reasons = ", ".join(reading_order(c.reasons)) or "-"
        click.echo(f"{format_time(c.captured_at)}  v{c.version:<3} {judged:<19}  {c.url}")
        click.echo(f"{'':22}{c.title or '(no title)'}  [{reasons}]")


@cli.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_existing_archive
def reanalyse(archive: Archive, urls: tuple[str, ...], quiet: bool) -> None:
    """Recompute the change analysis of every version, e.g. after changing the rules.

    \b
    Example:
      newsarchive --rules rules.toml reanalyse
    """
    targets = list(urls) or None
    with progress("Analysing", quiet=quiet) as on_progress:
        count = archive.reanalyse(targets, on_progress=on_progress)
    click.echo(f"analysed {plural(count, 'version')}", err=True)
