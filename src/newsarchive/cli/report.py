"""Commands that publish an archive for reading: an HTML report and an Atom feed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..archive import Archive
from ..models import plural
from . import cli
from ._output import json_option, output_file
from ._state import pass_existing_archive

F = TypeVar("F", bound=Callable[..., Any])


def _write(output: str, text: str, what: str) -> None:
    """Write ``text`` to a file, or to stdout for ``-``; report a file write on stderr."""
    if output == "-":
        click.echo(text, nl=False)
        return
    with output_file(output, newline="") as stream:
        stream.write(text)
    click.echo(f"Wrote {what} to {output}", err=True)


def _output_option(what: str) -> Callable[[F], F]:
    return click.option(
        "-o",
        "--output",
        default="-",
        show_default=True,
        metavar="FILE",
        help=f"Write the {what} to FILE ('-' for standard output).",
    )


@cli.command()
@click.argument("url")
@_output_option("page")
@click.option("--from", "from_ref", metavar="REF", help="Show only the diff from this version.")
@click.option("--to", "to_ref", metavar="REF", help="Show only the diff to this version.")
@json_option
@pass_existing_archive
def report(
    archive: Archive,
    url: str,
    output: str,
    from_ref: str | None,
    to_ref: str | None,
    as_json: bool,
) -> None:
    """Write a self-contained HTML page of an article's whole history.

    The page shows the headline changes, a timeline of versions and every change
    (inline or side by side), and a map of where each paragraph changed. It runs no
    script and loads nothing, so it can be opened offline or sent by mail.

    REF is a version number, -N counting back from the latest, @TIME or a version id.
    With --from or --to the page shows that one diff: --to defaults to the latest
    version, --from to the version before --to. With --json, the same content as one
    JSON document: the versions, their analysis and the diffs.

    \b
    Example:
      newsarchive report https://example.com/story -o story.html
      newsarchive report https://example.com/story --from 1 --to -1 -o first-last.html
    """
    # Analysis and HTML rendering load when a report is written, so that every other
    # command starts without them.
    from ..publish import build_report
    from ..render.html import render_report
    from ..render.json import report_to_dict

    found = build_report(archive, url, from_ref=from_ref, to_ref=to_ref)
    if as_json:
        data = report_to_dict(found.versions, found.diffs, analysis=found.analysis)
        _write(output, _json_text(data), "report")
        return
    page = render_report(found.versions, found.diffs, analysis=found.analysis)
    _write(output, page, "report")


@cli.command()
@click.argument("url", required=False)
@_output_option("feed")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Include at most this many of the newest versions.",
)
@click.option("--title", help="The feed's title.")
@click.option(
    "--feed-id",
    metavar="URI",
    help="The feed's permanent id (default: derived from the URL or archive).",
)
@click.option("--self-link", metavar="URL", help="Where the feed will be published.")
@json_option
@pass_existing_archive
def feed(
    archive: Archive,
    url: str | None,
    output: str,
    limit: int,
    title: str | None,
    feed_id: str | None,
    self_link: str | None,
    as_json: bool,
) -> None:
    """Write an Atom feed of new versions, of one article or of the whole archive.

    Each entry is one version with a summary of what changed and the diff as HTML.
    Entry ids stay the same across runs, so a feed reader shows each version once.
    With --json, the entries as one JSON document instead of Atom.

    \b
    Example:
      newsarchive feed https://example.com/story -o story.atom
      newsarchive feed --limit 100 --self-link https://example.org/changes.atom -o changes.atom
    """
    # Analysis and Atom rendering load when a feed is written (see ``report``).
    from ..publish import build_feed
    from ..render.atom import render_feed
    from ..render.json import feed_to_dict

    found = build_feed(archive, url, limit=limit, title=title, feed_id=feed_id, self_link=self_link)
    if as_json:
        data = feed_to_dict(
            found.entries,
            feed_id=found.feed_id,
            title=found.title,
            link=found.link,
            self_link=found.self_link,
        )
        text = _json_text(data)
    else:
        text = render_feed(
            found.entries,
            feed_id=found.feed_id,
            title=found.title,
            updated=found.updated,
            link=found.link,
            self_link=found.self_link,
        )
    _write(output, text, f"feed of {plural(len(found.entries), 'version')}")


def _json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
