"""Commands that publish an archive for reading: an HTML report and an Atom feed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..archive import Archive
from ..errors import InputError
from ..models import Version, VersionDiff
from ..times import utc_now
from . import cli
from ._state import pass_existing_archive

if TYPE_CHECKING:
    # Analysis and HTML and Atom rendering load when a report or feed is written, so
    # that every other command starts without them.
    from ..render.atom import FeedEntry
    from ..render.html import ChangeSummary

F = TypeVar("F", bound=Callable[..., Any])


def _write(output: str, text: str, what: str) -> None:
    """Write ``text`` to a file, or to stdout for ``-``; report a file write on stderr."""
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
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


def _summaries(versions: list[Version]) -> dict[int, ChangeSummary]:
    """Change analysis per version number, computed where none is stored with the version."""
    from ..analysis.significance import analyse

    summaries: dict[int, ChangeSummary] = {}
    for index in range(1, len(versions)):
        version = versions[index]
        if not version.analysis:
            found = analyse(versions[index - 1], version, history=versions[:index])
            summaries[version.number] = {
                "level": found.level,
                "reasons": [
                    {"code": r.code, "count": r.count, "detail": r.detail} for r in found.reasons
                ],
                "stealth": found.stealth,
            }
    return summaries


def _pair(
    archive: Archive, url: str, versions: list[Version], from_ref: str | None, to_ref: str | None
) -> VersionDiff:
    new = archive.get(url, to_ref) if to_ref is not None else versions[-1]
    if from_ref is not None:
        old = archive.get(url, from_ref)
    else:
        old = versions[new.number - 2] if new.number > 1 else new
    return archive.diff(url, old, new)


@cli.command()
@click.argument("url")
@_output_option("page")
@click.option("--from", "from_ref", metavar="REF", help="Show only the diff from this version.")
@click.option("--to", "to_ref", metavar="REF", help="Show only the diff to this version.")
@pass_existing_archive
def report(
    archive: Archive, url: str, output: str, from_ref: str | None, to_ref: str | None
) -> None:
    """Write a self-contained HTML page of an article's whole history.

    The page shows the headline changes, a timeline of versions and every change
    (inline or side by side), and a map of where each paragraph changed. It runs no
    script and loads nothing, so it can be opened offline or sent by mail.

    REF is a version number, -N counting back from the latest, @TIME or a version id.
    With --from or --to the page shows that one diff: --to defaults to the latest
    version, --from to the version before --to.

    \b
    Example:
      newsarchive report https://example.com/story -o story.html
      newsarchive report https://example.com/story --from 1 --to -1 -o first-last.html
    """
    versions = archive.history(url)
    if from_ref is None and to_ref is None:
        diffs = [
            archive.diff(url, old, new) for old, new in zip(versions, versions[1:], strict=False)
        ]
    else:
        diffs = [_pair(archive, url, versions, from_ref, to_ref)]
    from ..render.html import render_report

    _write(output, render_report(versions, diffs, analysis=_summaries(versions)), "report")


def _entries(archive: Archive, histories: list[list[Version]], limit: int) -> list[FeedEntry]:
    """The ``limit`` newest versions across ``histories``, each with its diff."""
    from ..render.atom import FeedEntry

    newest = sorted(
        ((history, index) for history in histories for index in range(len(history))),
        key=lambda item: (
            item[0][item[1]].first_captured_at,
            item[0][item[1]].url,
            item[0][item[1]].number,
        ),
        reverse=True,
    )[:limit]
    entries = []
    for history, index in newest:
        version = history[index]
        if index == 0:
            entries.append(FeedEntry(version=version))
            continue
        summary = _summaries(history[: index + 1][-2:]).get(version.number)
        d = archive.diff(version.url, history[index - 1], version)
        entries.append(FeedEntry(version=version, diff=d, summary=summary))
    return entries


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
@pass_existing_archive
def feed(
    archive: Archive,
    url: str | None,
    output: str,
    limit: int,
    title: str | None,
    feed_id: str | None,
    self_link: str | None,
) -> None:
    """Write an Atom feed of new versions, of one article or of the whole archive.

    Each entry is one version with a summary of what changed and the diff as HTML.
    Entry ids stay the same across runs, so a feed reader shows each version once.

    \b
    Example:
      newsarchive feed https://example.com/story -o story.atom
      newsarchive feed --limit 100 --self-link https://example.org/changes.atom -o changes.atom
    """
    from ..render.atom import archive_feed_id, article_feed_id, render_feed

    if url is not None:
        history = archive.history(url)
        latest = history[-1]
        entries = _entries(archive, [history], limit)
        text = render_feed(
            entries,
            feed_id=feed_id or article_feed_id(latest.url),
            title=title or f"Changes: {latest.title or latest.url}",
            link=latest.url,
            self_link=self_link,
        )
    else:
        histories = [archive.history(article.url) for article in archive.articles()]
        entries = _entries(archive, histories, limit)
        location = archive.location
        if "://" not in location and location != ":memory:":
            location = os.path.abspath(location)
        text = render_feed(
            entries,
            feed_id=feed_id or archive_feed_id(location),
            title=title or "newsarchive: new versions",
            # An empty archive has no newest version to date the feed by.
            updated=None if entries else utc_now(),
            self_link=self_link,
        )
    _write(output, text, f"feed of {len(entries)} versions")
