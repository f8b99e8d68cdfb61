"""The ``card`` command: an image of one change, to post where a link is not enough."""

from __future__ import annotations

import click

from ..archive import Archive
from ..card import write_card
from . import cli
from ._state import pass_existing_archive


@cli.command("card")
@click.argument("url")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("-o", "--output", required=True, metavar="FILE", help="Write the card to FILE.")
@click.option(
    "--format",
    "card_format",
    type=click.Choice(["png", "svg"]),
    help="PNG (through headless Chromium) or SVG (no browser); default: from FILE's suffix.",
)
@pass_existing_archive
def card_command(
    archive: Archive,
    url: str,
    old: str | None,
    new: str | None,
    output: str,
    card_format: str | None,
) -> None:
    """Draw a 1200×675 card of one change: headline, site, times, changed sentences.

    Deletions are struck through, insertions underlined. OLD and NEW are version
    references as for `diff` (default: the latest change). PNG needs a Chromium
    (found on the PATH, or NEWSARCHIVE_CHROMIUM); SVG needs nothing.

    \b
    Example:
      newsarchive card https://example.com/story -o change.png
      newsarchive card https://example.com/story 3 4 -o change.svg
    """
    chosen = card_format or ("svg" if output.lower().endswith(".svg") else "png")
    written = write_card(
        archive,
        url,
        output,
        old=old,
        new=new,
        format="svg" if chosen == "svg" else "png",
    )
    click.echo(f"Wrote card to {written}", err=True)
