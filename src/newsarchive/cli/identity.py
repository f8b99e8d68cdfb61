"""One article under several URLs: merge two articles, split them apart again."""

from __future__ import annotations

import attrs
import click

from ..archive import Archive
from ..identity import IdentityChange, merge_articles, split_articles
from ..models import plural
from . import cli
from ._output import echo_json, json_option
from ._state import pass_archive


def _report(change: IdentityChange, as_json: bool, verb: str) -> None:
    if as_json:
        echo_json(attrs.asdict(change))
    else:
        click.echo(
            f"{verb} {change.other_url if verb == 'merged' else change.url}: "
            f"{plural(change.captures_moved, 'capture')} moved; "
            f"{change.url} has {plural(change.versions, 'version')}"
        )


@cli.command()
@click.argument("url", metavar="URL")
@click.argument("other_url", metavar="OTHER_URL")
@json_option
@pass_archive
def merge(archive: Archive, url: str, other_url: str, as_json: bool) -> None:
    """File every capture of OTHER_URL's article under URL's article.

    Use it when a site moved an article to a new URL (often with a new headline).
    OTHER_URL and its aliases become aliases of URL; the versions are rebuilt from
    both histories in time order. `newsarchive split` undoes it.

    \b
    Example:
      newsarchive merge https://example.com/news/old-slug https://example.com/news/new-slug
    """
    _report(merge_articles(archive, url, other_url), as_json, "merged")


@cli.command()
@click.argument("url", metavar="URL")
@click.argument("other_url", metavar="OTHER_URL")
@json_option
@pass_archive
def split(archive: Archive, url: str, other_url: str, as_json: bool) -> None:
    """Give OTHER_URL, merged into URL's article, its own article again.

    \b
    Example:
      newsarchive split https://example.com/news/old-slug https://example.com/news/new-slug
    """
    _report(split_articles(archive, url, other_url), as_json, "split off")
