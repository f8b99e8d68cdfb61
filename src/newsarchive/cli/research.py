"""Research commands: ``import-newsedits``, and the tables side of ``export --format``."""

from __future__ import annotations

import sys

import click

from ..archive import Archive
from ..models import plural
from ..render.json import tables_export_to_dict
from . import cli
from ._output import echo_json, json_option, progress
from ._state import pass_archive


def export_tables(
    archive: Archive, fmt: str, output: str | None, *, edits: bool, as_json: bool
) -> None:
    """Run ``export --format parquet|sqlite``: the four research tables."""
    if output is None:
        raise click.UsageError(
            f"--format {fmt} needs -o (a directory for parquet, a file for sqlite)"
        )
    from ..interop.parquet import export_parquet
    from ..interop.research import export_sqlite

    write = export_parquet if fmt == "parquet" else export_sqlite
    # With sentence edits, workers as many as the archive's size is worth (chosen once
    # the articles are listed); without, reading is cheap and this process does it.
    workers = None if edits else 0
    with progress("Exporting") as on_progress:
        report = write(archive, output, edits=edits, workers=workers, on_progress=on_progress)
    if as_json:
        echo_json(tables_export_to_dict(report, fmt, output))
    click.echo(
        f"exported {plural(report.articles, 'article')}, {plural(report.versions, 'version')}, "
        f"{plural(report.sentence_edits, 'sentence edit')} and "
        f"{plural(report.captures, 'capture')} to {output}",
        err=True,
    )


@cli.command(name="import-newsedits")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False))
@click.option("--table", help="The table of versions (default: entryversion, or the only one).")
@click.option(
    "--analyse/--no-analyse",
    default=True,
    show_default=True,
    help="Analyse new versions while importing (--no-analyse: run reanalyse later).",
)
@json_option
@pass_archive
def import_newsedits(
    archive: Archive, dump: str, table: str | None, analyse: bool, as_json: bool
) -> None:
    """Import a NewsEdits-style SQLite dump: one row per version of an article.

    Each row (entry id, version, URL, title, text, time) becomes a capture at its time;
    an entry keeps one article whatever its URLs. Importing again adds nothing. Rows
    that cannot be used are reported and skipped (exit 1).

    \b
    Example:
      newsarchive import-newsedits ap.db
      newsarchive export --format parquet -o ap-parquet
    """
    from ..interop.newsedits import import_newsedits as run_import

    report = run_import(archive, dump, table=table, analyse=analyse)
    if as_json:
        echo_json(
            {
                "rows": report.rows,
                "captures_added": report.captures_added,
                "versions_added": report.versions_added,
                "unchanged": report.unchanged,
                "problems": [{"row": row, "reason": reason} for row, reason in report.problems],
            }
        )
    for row, reason in report.problems:
        click.echo(f"skipped: row {row}: {reason}", err=True)
    click.echo(
        f"{plural(report.captures_added, 'capture')} added "
        f"({plural(report.versions_added, 'new version')}), "
        f"{report.unchanged:,} already archived, {len(report.problems):,} skipped, "
        f"of {plural(report.rows, 'row')}",
        err=True,
    )
    if report.problems:
        sys.exit(1)
