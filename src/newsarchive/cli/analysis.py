"""Change-analysis commands: which version wrote each sentence."""

from __future__ import annotations

import click

from ..analysis import blame as blame_sentences
from ..archive import Archive
from . import cli
from ._output import echo_json, json_option
from ._state import pass_archive


@cli.command()
@click.argument("url")
@click.argument("version", required=False)
@json_option
@pass_archive
def blame(archive: Archive, url: str, version: str | None, as_json: bool) -> None:
    """Show which version introduced each sentence of a version (default: the latest).

    A sentence edited since it first appeared also names the version of its
    earliest form, as "v5 (from v2)".

    \b
    Example:
      newsarchive blame https://example.com/story 3 --json
    """
    history = archive.history(url)
    target = archive.resolve(url, version) if version is not None else archive.get(url)
    lines = blame_sentences(history, target.number)
    if as_json:
        echo_json(
            {
                "url": target.url,
                "version": target.number,
                "sentences": [
                    {
                        "index": b.index,
                        "paragraph": b.paragraph,
                        "text": b.text,
                        "version": b.version,
                        "version_id": b.version_id,
                        "captured_at": b.captured_at.isoformat().replace("+00:00", "Z"),
                        "origin_version": b.origin_version,
                        "origin_captured_at": b.origin_captured_at.isoformat().replace(
                            "+00:00", "Z"
                        ),
                    }
                    for b in lines
                ],
            }
        )
        return
    width = len(f"v{target.number} (from v{target.number})")
    for b in lines:
        where = f"v{b.version}" + (f" (from v{b.origin_version})" if b.is_edited else "")
        day = b.captured_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{where:<{width}} {day}  {b.text}")
