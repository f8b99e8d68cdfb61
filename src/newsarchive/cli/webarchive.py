"""Web-archive commands: cdxj, timemap, backfill, import-git, and the WARC side of
import and export (``import --warc`` and ``export --warc`` call the helpers below)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

import click

from ..archive import Archive
from ..render.json import (
    backfill_to_dict,
    cdxj_to_dict,
    timemap_to_dict,
    wacz_export_to_dict,
    warc_export_to_dict,
    warc_import_to_dict,
)
from ..times import parse_time
from . import cli
from ._output import echo_json, json_option, output_file, plural, progress
from ._state import pass_archive, pass_existing_archive


def import_warc_files(
    archive: Archive, paths: Sequence[str], *, quiet: bool = False, as_json: bool = False
) -> None:
    """Run ``import --warc``: import WARC/ARC files, report, exit 1 on any problem."""
    # Loaded by this command only: every command module loads for any command.
    from ..interop.warc import import_warc

    with progress("Importing", quiet=quiet) as on_progress:
        report = import_warc(archive, list(paths), on_progress=on_progress)
    if as_json:
        echo_json(warc_import_to_dict(report))
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(
        f"imported {report.captures_added} captures ({report.versions_added} new versions, "
        f"{report.unchanged} already archived) from {report.records} records in "
        f"{report.files} files; {len(report.problems)} problems",
        err=True,
    )
    if report.problems:
        sys.exit(1)


def export_warc_file(
    archive: Archive, output: str, urls: Sequence[str] | None, *, as_json: bool = False
) -> None:
    """Run ``export --warc FILE``: write the WARC beside, then move it into place."""
    # Loaded by this command only: every command module loads for any command.
    from ..interop.warc import export_warc

    with output_file(output, "wb") as stream, progress("Exporting") as on_progress:
        report = export_warc(
            archive,
            cast(BinaryIO, stream),
            list(urls) if urls else None,
            on_progress=on_progress,
            filename=Path(output).name,
        )
    if as_json:
        echo_json(warc_export_to_dict(report, output))
    click.echo(
        f"exported {plural(report.captures, 'capture')} of {plural(report.articles, 'article')} as "
        f"{report.records} WARC records ({plural(report.revisits, 'revisit')}) to {output}",
        err=True,
    )


def export_wacz_file(
    archive: Archive, output: str, urls: Sequence[str] | None, *, as_json: bool = False
) -> None:
    """Run ``export --wacz FILE``: write the WACZ beside, then move it into place."""
    # Loaded by this command only: every command module loads for any command.
    from ..interop.wacz import export_wacz

    with output_file(output, "wb") as stream, progress("Exporting") as on_progress:
        report = export_wacz(
            archive,
            cast(BinaryIO, stream),
            list(urls) if urls else None,
            title=Path(output).stem,
            on_progress=on_progress,
        )
    if as_json:
        echo_json(wacz_export_to_dict(report, output))
    click.echo(
        f"exported {plural(report.captures, 'capture')} of {plural(report.articles, 'article')} "
        f"({plural(report.pages + report.extra_pages, 'page')}) to {output}",
        err=True,
    )


@cli.command()
@click.argument("warcs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@json_option
def cdxj(warcs: tuple[str, ...], output: str | None, as_json: bool) -> None:
    """Index WARC files as sorted CDXJ, the index pywb replays from.

    Damaged records are reported on stderr and skipped (exit 1). With --json, the
    entries and problems as one JSON document instead.

    \b
    Example:
      newsarchive export --warc news.warc.gz
      newsarchive cdxj -o index.cdxj news.warc.gz
    """
    # Loaded by this command only: every command module loads for any command.
    from ..interop.cdxj import index_files, write_cdxj

    if as_json:
        report = index_files(warcs)
        with output_file(output) if output else contextlib.nullcontext(sys.stdout) as stream:
            stream.write(json.dumps(cdxj_to_dict(report), ensure_ascii=False, indent=2) + "\n")
    elif output is None:
        report = write_cdxj(warcs, sys.stdout)
    else:
        with output_file(output) as stream:
            report = write_cdxj(warcs, cast(TextIO, stream))
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(f"indexed {report.lines} records", err=True)
    if report.problems:
        sys.exit(1)


@cli.command()
@click.argument("url")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where the mementos are served (a pywb collection URL).",
)
@json_option
@pass_existing_archive
def timemap(archive: Archive, url: str, base_url: str | None, as_json: bool) -> None:
    """Print the Memento TimeMap of an article (application/link-format).

    \b
    Example:
      newsarchive timemap https://example.com/story
    """
    # Loaded by this command only: every command module loads for any command.
    from ..interop.memento import DEFAULT_BASE_URL
    from ..interop.memento import timemap as build_timemap

    result = build_timemap(archive, url, base_url=base_url or DEFAULT_BASE_URL)
    if as_json:
        echo_json(timemap_to_dict(result))
    else:
        click.echo(result.to_link_format(), nl=False)


@cli.command()
@click.argument("url")
@click.option("--from", "from_", metavar="DATE", help="Only captures at or after this time.")
@click.option("--to", metavar="DATE", help="Only captures at or before this time.")
@click.option(
    "--wayback-url",
    default=None,
    metavar="BASE",
    help="The Wayback service (default https://web.archive.org).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait between requests.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@json_option
@pass_archive
def backfill(
    archive: Archive,
    url: str,
    from_: str | None,
    to: str | None,
    wayback_url: str | None,
    interval: float,
    quiet: bool,
    as_json: bool,
) -> None:
    """Add an article's earlier versions from the Wayback Machine.

    Each distinct capture is fetched once, in its original form, and saved at its
    original time. Running again fetches only what is new.

    \b
    Example:
      newsarchive backfill https://example.com/story --from 2017-06-01
    """
    # Loaded by this command only: every command module loads for any command.
    from ..interop.wayback import DEFAULT_WAYBACK_URL
    from ..interop.wayback import backfill as run_backfill

    with progress("Backfilling", quiet=quiet) as on_progress:
        report = run_backfill(
            archive,
            url,
            from_at=parse_time(from_, what="--from date") if from_ else None,
            to_at=parse_time(to, what="--to date") if to else None,
            wayback_url=wayback_url or DEFAULT_WAYBACK_URL,
            interval_seconds=interval,
            on_progress=on_progress,
        )
    if as_json:
        echo_json(backfill_to_dict(report))
    for problem in report.cdx_problems:
        click.echo(f"skipped: {problem}", err=True)
    for result in report.results:
        if result.status == "failed":
            click.echo(f"failed: {result.memento_url}: {result.reason}", err=True)
    click.echo(
        f"{report.count('saved')} saved ({report.versions_added} new versions), "
        f"{report.count('skipped') + report.count('unchanged')} already archived, "
        f"{report.count('failed')} failed, of {len(report.results)} mementos",
        err=True,
    )
    if not report.ok:
        sys.exit(1)


@cli.command(name="import-git")
@click.argument("repo", type=click.Path(exists=True, file_okay=False))
@click.argument("path")
@click.option("--url", help="The article the file holds.")
@click.option(
    "--url-from",
    "url_pointer",
    metavar="JSON-POINTER",
    help="For a JSON file of many articles: each article's URL, e.g. /url.",
)
@click.option(
    "--items-at",
    "items_pointer",
    default="",
    metavar="JSON-POINTER",
    help="Where the articles are in the JSON document (default: its root).",
)
@click.option(
    "--text-from",
    "text_pointer",
    metavar="JSON-POINTER",
    help="Each article's text (default: text, body or content).",
)
@click.option(
    "--html-from",
    "html_pointer",
    metavar="JSON-POINTER",
    help="Each article's HTML (default: html).",
)
@click.option(
    "--title-from",
    "title_pointer",
    metavar="JSON-POINTER",
    help="Each article's title (default: title or headline).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@json_option
@pass_archive
def import_git(
    archive: Archive,
    repo: str,
    path: str,
    url: str | None,
    url_pointer: str | None,
    items_pointer: str,
    text_pointer: str | None,
    html_pointer: str | None,
    title_pointer: str | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Import every committed version of a file in a git repository.

    Each commit that changed PATH becomes a capture at the commit's time. Importing
    again after new commits adds only the new ones.

    \b
    Example:
      newsarchive import-git ~/scrapes story.html --url https://example.com/story
      newsarchive import-git ~/scrapes feed.json --url-from /url --items-at /articles
    """
    # Loaded by this command only: every command module loads for any command.
    from ..interop.git import import_git as run_import

    if (url is None) == (url_pointer is None):
        raise click.UsageError("give exactly one of --url and --url-from")
    kwargs: dict[str, Any] = {
        "url": url,
        "url_pointer": url_pointer,
        "items_pointer": items_pointer,
        "text_pointer": text_pointer,
        "html_pointer": html_pointer,
        "title_pointer": title_pointer,
    }
    with progress("Importing", quiet=quiet) as on_progress:
        report = run_import(archive, repo, path, on_progress=on_progress, **kwargs)
    if as_json:
        echo_json(
            {
                "commits": report.commits,
                "skipped_commits": report.skipped_commits,
                "captures_added": report.captures_added,
                "versions_added": report.versions_added,
                "problems": [
                    {"commit": p.commit, "item": p.item, "reason": p.reason}
                    for p in report.problems
                ],
            }
        )
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(
        f"imported {report.captures_added} captures ({report.versions_added} new versions) "
        f"from {report.commits} commits, {report.skipped_commits} already imported",
        err=True,
    )
    if report.problems:
        sys.exit(1)
