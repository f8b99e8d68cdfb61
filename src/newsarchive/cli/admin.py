"""Archive administration: schema migrations and copies between locations."""

from __future__ import annotations

import sys

import click

from ..archive import Archive
from ..interop.transfer import copy_archive
from ..models import plural
from ..render.json import copy_report_to_dict, schema_to_dict
from . import cli
from ._output import echo_json, json_option, progress
from ._state import pass_archive


@cli.command()
@json_option
@pass_archive
def migrate(archive: Archive, as_json: bool) -> None:
    """Bring the archive's schema up to date and print its version.

    Opening an archive migrates it anyway; this command does only that, e.g. before
    starting many scrapers against a new PostgreSQL database.

    \b
    Example:
      newsarchive --archive postgresql://scraper@db.example/news migrate
    """
    version = archive.schema_version()
    if as_json:
        echo_json(schema_to_dict(archive.location, version))
    else:
        click.echo(f"{archive.location}: schema version {version}")


@cli.command(name="copy")
@click.argument("source", metavar="SOURCE")
@click.argument("destination", metavar="DEST")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@json_option
@click.pass_context
def copy_(ctx: click.Context, source: str, destination: str, quiet: bool, as_json: bool) -> None:
    """Copy every capture of archive SOURCE into archive DEST (directories or URLs).

    The copy keeps raw HTML, headers, metadata, aliases, version ids and analyses, so
    exporting DEST gives what exporting SOURCE gives. Re-running an interrupted copy
    carries on where it stopped. The global --archive option is not used.

    \b
    Example:
      newsarchive copy ./archive postgresql://scraper@db.example/news
    """
    source_archive = ctx.with_resource(Archive.open(source))
    destination_archive = ctx.with_resource(Archive.open(destination))
    with progress("Copying", quiet=quiet) as on_progress:
        report = copy_archive(source_archive, destination_archive, on_progress=on_progress)
    if as_json:
        echo_json(copy_report_to_dict(report))
    else:
        for problem in report.problems:
            click.echo(f"Error: {problem.where}: {problem.message}", err=True)
        click.echo(
            f"{plural(report.captures, 'capture')} of {plural(report.articles, 'article')} "
            f"copied: {report.captures_added} added "
            f"({plural(report.versions_added, 'new version')}), "
            f"{report.captures - report.captures_added} already there"
            + (f", {len(report.problems):,} refused" if report.problems else ""),
            err=True,
        )
    if report.problems:
        sys.exit(1)
