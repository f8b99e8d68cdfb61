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
from ..models import plural
from ..render.json import (
    backfill_to_dict,
    cdxj_to_dict,
    problem_to_dict,
    timemap_to_dict,
    wacz_export_to_dict,
    warc_export_to_dict,
    warc_import_to_dict,
)
from ..times import parse_time
from . import cli
from ._output import echo_json, json_option, output_file, progress
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
        f"imported {plural(report.captures_added, 'capture')} "
        f"({plural(report.versions_added, 'new version')}, {report.unchanged:,} already "
        f"archived) from {plural(report.records, 'record')} in {plural(report.files, 'file')}; "
        f"{plural(len(report.problems), 'problem')}",
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
    click.echo(f"indexed {plural(report.lines, 'record')}", err=True)
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
        f"{report.count('saved')} saved ({plural(report.versions_added, 'new version')}), "
        f"{report.count('skipped') + report.count('unchanged')} already archived, "
        f"{report.count('failed')} failed, of {plural(len(report.results), 'memento')}",
        err=True,
    )
    if not report.ok:
        sys.exit(1)


@cli.command(name="import-git")
@click.argument("repo", type=click.Path(exists=True, file_okay=False))
@click.argument("path")
@click.option("--url", help="The article the file holds (a text or HTML file).")
@click.option(
    "--rev", default="HEAD", show_default=True, help="Branch, tag or commit to import up to."
)
@click.option(
    "--url-from",
    "url_pointer",
    metavar="JSON-POINTER",
    help="For a JSON file of many articles: each article's URL, e.g. /url.",
)
@click.option(
    "--url-base",
    metavar="URL",
    help="Resolve relative URLs against this, e.g. https://news.example.com/.",
)
@click.option(
    "--id-from",
    "id_pointer",
    metavar="JSON-POINTER",
    help="Each article's stable id: one article per id, its other URLs kept as aliases.",
)
@click.option(
    "--items-at",
    "items_pointer",
    default="",
    metavar="JSON-POINTER",
    help="Where the articles are in the JSON document (default: its root).",
)
@click.option(
    "--title-from",
    "title_pointers",
    multiple=True,
    metavar="JSON-POINTER",
    help="Each article's title; repeat to try several (default: title or headline).",
)
@click.option(
    "--text-from",
    "text_pointers",
    multiple=True,
    metavar="JSON-POINTER",
    help="Each article's text; repeat to join several as paragraphs (default: text or body).",
)
@click.option(
    "--html-from",
    "html_pointer",
    metavar="JSON-POINTER",
    help="Each article's HTML (default: html).",
)
@click.option(
    "--published-from",
    "published_pointer",
    metavar="JSON-POINTER",
    help="Each article's publication date (default: published_at, published or date).",
)
@click.option(
    "--modified-from",
    "modified_pointer",
    metavar="JSON-POINTER",
    help="Each article's modification date (default: modified_at, updated_at or updated).",
)
@click.option(
    "--meta-from",
    "meta",
    multiple=True,
    metavar="NAME=JSON-POINTER",
    help="Keep this value in each capture's metadata under NAME; repeatable.",
)
@click.option("--strict", is_flag=True, help="An empty or unreadable file is an error, not a skip.")
@click.option(
    "--analyse/--no-analyse",
    default=True,
    show_default=True,
    help="Analyse new versions while importing (--no-analyse: run reanalyse later).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@json_option
@pass_archive
def import_git(
    archive: Archive,
    repo: str,
    path: str,
    url: str | None,
    rev: str,
    quiet: bool,
    strict: bool,
    analyse: bool,
    as_json: bool,
    **pointers: Any,
) -> None:
    """Import every committed version of a file in a git repository.

    Each commit that changed PATH becomes a capture at the commit's time; for a JSON
    file of many articles, each article whose fields changed. Importing again after new
    commits adds only the new ones. Empty or unreadable files are skipped and counted
    (errors with --strict); exit 1 if any commit or entry could not be imported.

    \b
    Example:
      newsarchive import-git ~/scrapes story.html --url https://example.com/story
      newsarchive import-git ~/scrapes latest.json --id-from /id --url-from /url \\
        --url-base https://news.example.com/ --title-from /title \\
        --text-from /title --text-from /subtitle
    """
    # Loaded by this command only: every command module loads for any command.
    from ..interop.git import import_git as run_import

    items = _item_pointers(url, pointers)
    with progress("Importing", quiet=quiet) as on_progress:
        report = run_import(
            archive,
            repo,
            path,
            url=url,
            items=items,
            rev=rev,
            strict=strict,
            analyse=analyse,
            on_progress=on_progress,
        )
    if as_json:
        echo_json(
            {
                "commits": report.commits,
                "already_imported": report.already_imported,
                "unchanged_commits": report.unchanged_commits,
                "captures_added": report.captures_added,
                "versions_added": report.versions_added,
                "articles": len({c.url for c in report.captures}),
                "skipped": [problem_to_dict(p, "commit") for p in report.skipped],
                "problems": [problem_to_dict(p, "commit", "item") for p in report.problems],
            }
        )
    for skip in report.skipped:
        click.echo(f"skipped: {skip}", err=True)
    for problem in report.problems:
        click.echo(f"failed: {problem}", err=True)
    click.echo(
        f"imported {plural(report.captures_added, 'capture')} "
        f"({plural(report.versions_added, 'new version')}) of "
        f"{plural(len({c.url for c in report.captures}), 'article')} from "
        f"{plural(report.commits, 'commit')}: {report.already_imported} already imported, "
        f"{report.unchanged_commits:,} unchanged, {len(report.skipped):,} skipped, "
        f"{len(report.problems):,} failed",
        err=True,
    )
    if report.problems:
        sys.exit(1)


# The options that describe a JSON file of many articles, by parameter name.
_JSON_OPTIONS = {
    "url_pointer": "--url-from",
    "url_base": "--url-base",
    "id_pointer": "--id-from",
    "items_pointer": "--items-at",
    "title_pointers": "--title-from",
    "text_pointers": "--text-from",
    "html_pointer": "--html-from",
    "published_pointer": "--published-from",
    "modified_pointer": "--modified-from",
    "meta": "--meta-from",
}


def _item_pointers(url: str | None, options: dict[str, Any]) -> Any:
    """The ``ItemPointers`` the JSON options give; None for a text or HTML file."""
    from ..interop.git import ItemPointers

    given = [flag for name, flag in _JSON_OPTIONS.items() if options[name]]
    if url is not None:
        if given:
            raise click.UsageError(f"{given[0]} is for a JSON file of many articles, not --url")
        return None
    if options["url_pointer"] is None:
        raise click.UsageError("give --url (a text or HTML file) or --url-from (a JSON file)")
    meta = {}
    for pair in options["meta"]:
        name, sep, pointer = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=JSON-POINTER", param_hint="--meta-from")
        meta[name] = pointer
    return ItemPointers(
        url=options["url_pointer"],
        url_base=options["url_base"],
        id=options["id_pointer"],
        items=options["items_pointer"],
        titles=options["title_pointers"],
        texts=options["text_pointers"],
        html=options["html_pointer"],
        published=options["published_pointer"],
        modified=options["modified_pointer"],
        meta=meta,
    )
