"""The ``site`` command: a static, browsable site of the whole archive."""

from __future__ import annotations

import click

from ..archive import Archive
from ..website import build_site
from . import cli
from ._output import echo_json, json_option
from ._state import pass_existing_archive


@cli.command("site")
@click.option("-o", "--output", required=True, metavar="DIR", help="Write the site into DIR.")
@click.option("--title", default="News archive", show_default=True, help="The site's title.")
@click.option("--full", is_flag=True, help="Rebuild every page, not only what changed.")
@click.option("--quiet", is_flag=True, help="Print nothing unless something fails.")
@json_option
@pass_existing_archive
def site_command(
    archive: Archive, output: str, title: str, full: bool, quiet: bool, as_json: bool
) -> None:
    """Write a static site of the whole archive, or bring it up to date.

    The site has an index of articles to filter, sort and search, a page of what
    changed across the archive, one report page per article, and Atom feeds. It
    works from file:// or any static host and loads nothing. Run again, it
    rewrites only the pages of articles that changed.

    \b
    Example:
      newsarchive site -o public/
      newsarchive site -o public/ --title "City Hall watch" --full
    """
    report = build_site(archive, output, title=title, full=full)
    if as_json:
        echo_json(
            {
                "directory": report.directory,
                "articles": report.articles,
                "changes": report.changes,
                "articles_written": report.articles_written,
                "articles_removed": report.articles_removed,
                "full": report.full,
            }
        )
        return
    if quiet:
        return

    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"

    what = "all pages" if report.full else count(report.articles_written, "article page")
    click.echo(
        f"Site of {count(report.articles, 'article')} and {count(report.changes, 'change')}"
        f" in {report.directory}: wrote {what}, removed {report.articles_removed}.",
        err=True,
    )
