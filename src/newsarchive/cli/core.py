"""Core commands: save, log, show, diff, list, import, export."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import InputError
from ..models import GRANULARITIES, SIGNIFICANCE_LEVELS, Version, plural, reading_order
from ..render.formats import DIFF_FORMATS, needs_alignment, render_diff
from ..times import display_time, format_time, parse_time
from . import cli
from ._output import (
    color_option,
    echo_json,
    json_option,
    output_file,
    progress,
    use_color,
    write_json_list,
)
from ._state import pass_archive, pass_existing_archive
from ._versionargs import VersionArgsCommand

if TYPE_CHECKING:
    from ..archive import Archive
    from ..models import ImportReport

F = TypeVar("F", bound=Callable[..., Any])


def _time_option(name: str, help: str) -> Callable[[F], F]:
    return click.option(name, metavar="ISO8601", help=help)


def _read_input(source: str | None) -> str:
    if source in (None, "-"):
        if sys.stdin.isatty():
            click.echo("Reading the text from standard input (end with Ctrl-D)…", err=True)
        data = sys.stdin.buffer.read()
        origin = "standard input"
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror}") from None
        origin = source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{origin} is not valid UTF-8 (byte {exc.start + 1})") from None


def _optional_time(value: str | None, what: str) -> datetime | None:
    # An empty value is a mistake (an unset shell variable), not "now".
    return None if value is None else parse_time(value, what=what)


def _parse_meta(pairs: tuple[str, ...]) -> dict[str, str]:
    meta = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--meta")
        meta[key] = value
    return meta


def _version_line(v: Version) -> str:
    return f"version {v.number} ({v.id})"


@cli.command()
@click.argument("url")
@click.argument("file", required=False, metavar="[FILE|-]")
@click.option("--html", "is_html", is_flag=True, help="The input is a page's HTML.")
@click.option("--title")
@click.option("--byline")
@_time_option("--captured-at", "When the content was seen (default: now).")
@_time_option("--published-at", "Publication time the page declares.")
@_time_option("--modified-at", "Modification time the page declares.")
@click.option("--canonical-url", help="File the article under this URL; URL becomes an alias.")
@click.option("--meta", multiple=True, metavar="KEY=VALUE", help="Metadata to keep (repeatable).")
@click.option(
    "--allow-empty", is_flag=True, help="Save an empty or blank text (refused by default)."
)
@json_option
@pass_archive
def save(
    archive: Archive,
    url: str,
    file: str | None,
    is_html: bool,
    title: str | None,
    byline: str | None,
    captured_at: str | None,
    published_at: str | None,
    modified_at: str | None,
    canonical_url: str | None,
    meta: tuple[str, ...],
    allow_empty: bool,
    as_json: bool,
) -> None:
    """Save a capture of an article from FILE or standard input.

    \b
    Example:
      curl -s https://example.com/story | newsarchive save https://example.com/story --html
    """
    metadata = _parse_meta(meta)
    content = _read_input(file)
    result = archive.save(
        url,
        text=None if is_html else content,
        html=content if is_html else None,
        title=title,
        byline=byline,
        captured_at=_optional_time(captured_at, "--captured-at"),
        published_at=_optional_time(published_at, "--published-at"),
        modified_at=_optional_time(modified_at, "--modified-at"),
        canonical_url=canonical_url,
        metadata=metadata,
        allow_empty=allow_empty,
    )
    if as_json:
        from ..render.json import save_result_to_dict  # only --json output loads it

        echo_json(save_result_to_dict(result))
        return
    assert result.version is not None
    if result.is_new_version:
        note = f", reverts to version {result.reverted_to}" if result.reverted_to else ""
        click.echo(f"new {_version_line(result.version)} of {result.version.url}{note}")
    elif result.is_new_capture:
        click.echo(
            f"unchanged: capture recorded for {_version_line(result.version)} of "
            f"{result.version.url}"
        )
    else:
        click.echo(f"already archived: {_version_line(result.version)} of {result.version.url}")


@cli.command()
@click.argument("url")
@click.option(
    "--min-significance",
    type=click.Choice(SIGNIFICANCE_LEVELS),
    help="Only versions at least this significant (the first always shows).",
)
@click.option("--stealth", is_flag=True, help="Only stealth edits.")
@json_option
@pass_existing_archive
def log(
    archive: Archive, url: str, min_significance: str | None, stealth: bool, as_json: bool
) -> None:
    """List the versions of an article with what changed in each and how much it matters.

    \b
    Example:
      newsarchive log https://example.com/story --min-significance substantive
    """
    entries = archive.log(url, min_significance=min_significance, stealth=stealth)
    if as_json:
        from ..render.json import log_to_dict  # only --json output loads it

        echo_json(log_to_dict(archive.article(url).url, entries))
        return
    for entry in entries:
        v, level = entry.version, entry.significance
        seen = format_time(v.first_captured_at) or ""
        if v.capture_count > 1:
            seen += f" … {format_time(v.last_captured_at)} ({v.capture_count:,} captures)"
        revert = f"  [reverts to {v.reverted_to}]" if v.reverted_to else ""
        click.echo(f"{v.number:>3}  {v.id}  {seen}{revert}")
        click.echo(f"     {v.title or '(no title)'}  ·  {len(v.text):,} chars")
        judged = ""
        if v.number > 1 and level:
            stealth_mark = " · STEALTH" if entry.stealth else ""
            codes = ", ".join(reading_order(entry.reasons)) or "-"
            judged = f"  ·  {level}{stealth_mark}: {codes}"
        click.echo(f"     {entry.summary}{judged}")


@cli.command(cls=VersionArgsCommand)
@click.argument("url")
@click.argument("version", required=False, default="-1")
@json_option
@pass_existing_archive
def show(archive: Archive, url: str, version: str, as_json: bool) -> None:
    """Print one version of an article (default: the latest).

    VERSION is a number, -N counting back from the latest, @TIME or a version id.

    \b
    Example:
      newsarchive show https://example.com/story @2017-06-06T18:00Z
    """
    v = archive.get(url, version)
    if as_json:
        from ..render.json import version_to_dict  # only --json output loads it

        echo_json(version_to_dict(v))
        return
    click.echo(f"{v.title or '(no title)'}")
    if v.byline:
        click.echo(f"By {v.byline}")
    click.echo(
        f"{v.url} · version {v.number} ({v.id}) · first captured {format_time(v.first_captured_at)}"
    )
    click.echo()
    click.echo(v.text)


@cli.command(cls=VersionArgsCommand)
@click.argument("url")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--granularity", "-g", type=click.Choice(GRANULARITIES), default="word", show_default=True
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
)
@click.option(
    "--context",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Unchanged paragraphs shown around each change (text format).",
)
@click.option("--stat", is_flag=True, help="Print counts only.")
@color_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when the versions differ, like git diff.")
@click.option("--json", "as_json", is_flag=True, help="Output one JSON document (--format json).")
@pass_existing_archive
def diff(
    archive: Archive,
    url: str,
    old: str | None,
    new: str | None,
    granularity: str,
    fmt: str,
    context: int,
    stat: bool,
    color: str,
    exit_code: bool,
    as_json: bool,
) -> None:
    """Show what changed between two versions (default: the two latest).

    OLD and NEW are numbers, -N counting back from the latest, @TIME or version ids.
    With only OLD, NEW is the latest.

    \b
    Example:
      newsarchive diff https://example.com/story 1 -1 --granularity sentence
    """
    d = archive.diff(url, old, new, granularity=granularity)  # type: ignore[arg-type]
    fmt = "json" if as_json else fmt
    alignment = None
    if needs_alignment(fmt, granularity, stat=stat):
        alignment = archive.analyse(url, d.old, d.new).alignment
    colored = use_color(color) if fmt == "text" else None
    text = render_diff(d, fmt, color=bool(colored), context=context, stat=stat, alignment=alignment)
    # color= keeps click from stripping the codes when --color always meets a pipe.
    click.echo(text, nl=False, color=colored)
    if exit_code and d.has_changes:
        sys.exit(1)


@cli.command(name="list")
@json_option
@pass_existing_archive
def list_(archive: Archive, as_json: bool) -> None:
    """List the archived articles with version counts and last change.

    \b
    Example:
      newsarchive list --json
    """
    articles = archive.articles()
    if as_json:
        from ..render.json import listed_article_to_dict  # only --json output loads it

        echo_json([listed_article_to_dict(a) for a in articles])
        return
    for a in articles:
        versions = "version " if a.version_count == 1 else "versions"
        changed = display_time(a.last_changed_at, missing="never")
        click.echo(f"{a.version_count:>4} {versions}  last change {changed}  {a.url}")
        click.echo(f"{'':6}{a.title or '(no title)'}")


def _report(report: ImportReport, as_json: bool, *, atomic: bool = False) -> None:
    if as_json:
        from ..render.json import import_report_to_dict  # only --json output loads it

        echo_json(import_report_to_dict(report))
    for problem in report.problems:
        click.echo(f"Error: {report.unit} {problem.line}: {problem.message}", err=True)
    if atomic and report.problems:
        click.echo(
            f"nothing imported (--atomic): {plural(len(report.problems), 'bad ' + report.unit)}",
            err=True,
        )
        sys.exit(1)
    click.echo(
        f"{plural(report.captures_added, 'capture')} added "
        f"({plural(report.versions_added, 'new version')}), "
        f"{report.unchanged:,} already archived, {len(report.problems):,} skipped",
        err=True,
    )
    if report.problems:
        sys.exit(1)


@cli.command(name="import")
@click.argument("sources", nargs=-1, required=True, metavar="FILE|DIR|-")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--warc",
    "is_warc",
    is_flag=True,
    help="The inputs are WARC or ARC files (several allowed); see docs/warc.md.",
)
@click.option(
    "--analyse/--no-analyse",
    default=True,
    show_default=True,
    help="Analyse new versions while importing (--no-analyse: run reanalyse later).",
)
@click.option(
    "--atomic",
    is_flag=True,
    help="All or nothing: import nothing if any line or file is bad (held in memory).",
)
@json_option
@pass_archive
def import_(
    archive: Archive,
    sources: tuple[str, ...],
    quiet: bool,
    is_warc: bool,
    analyse: bool,
    atomic: bool,
    as_json: bool,
) -> None:
    """Import captures from JSON Lines (a file or -), or a directory of capture files.

    Importing the same input twice adds nothing. See docs/cli.md for both formats.

    \b
    Example:
      newsarchive import archive/sample
      newsarchive import --warc crawl.warc.gz
    """
    if is_warc:
        if atomic:
            raise click.UsageError("--atomic applies to JSON Lines and capture files")
        # Loaded for WARC input only: a command loads only the modules it uses.
        from .webarchive import import_warc_files

        import_warc_files(archive, sources, quiet=quiet, as_json=as_json)
        return
    if len(sources) != 1:
        raise click.UsageError("give one FILE, DIR or - (several files only with --warc)")
    source = sys.stdin.buffer if sources[0] == "-" else sources[0]
    # A JSON Lines file's progress counts its bytes; a directory's, its files.
    by_bytes = not (isinstance(source, str) and Path(source).is_dir())
    try:
        with progress("Importing", quiet=quiet, bytes_rate=by_bytes) as on_progress:
            report = archive.import_from(
                source, analyse=analyse, on_progress=on_progress, atomic=atomic
            )
    except KeyboardInterrupt:
        # Each batch commits whole, analyses included: what was saved stays, and lines
        # archived already cost a second import no analysis.
        kept = "nothing is kept (--atomic)" if atomic else "the batches saved before it are kept"
        click.echo(f"Interrupted: {kept}; import the same input again to go on.", err=True)
        sys.exit(1)
    empty = report.captures_added + report.unchanged == 0
    if report.unit == "line" and empty and not report.problems:
        where = "standard input" if sources[0] == "-" else sources[0]
        raise InputError(f"{where} holds no captures")
    _report(report, as_json, atomic=atomic)


@cli.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(writable=True),
    help="Write to this file instead of standard output (a directory for --format parquet).",
)
@click.option(
    "--warc",
    "warc_output",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE.warc.gz",
    help="Write a WARC file instead; see docs/warc.md.",
)
@click.option(
    "--wacz",
    "wacz_output",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE.wacz",
    help="Write a WACZ file (WARC, index and page list) instead; see docs/warc.md.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "parquet", "sqlite"]),
    default="jsonl",
    show_default=True,
    help="parquet (a directory) or sqlite (a plain database): see docs/exports.md.",
)
@click.option(
    "--sentence-edits/--no-sentence-edits",
    "edits",
    default=True,
    show_default=True,
    help="With --format parquet or sqlite: align each version with the one before.",
)
@json_option
@pass_existing_archive
def export(
    archive: Archive,
    urls: tuple[str, ...],
    output: str | None,
    warc_output: str | None,
    wacz_output: str | None,
    fmt: str,
    edits: bool,
    as_json: bool,
) -> None:
    """Export captures as JSON Lines (all articles, or the URLs given).

    With --format parquet or sqlite, write the whole archive as research tables
    (articles, versions, sentence_edits, captures) instead.

    \b
    Example:
      newsarchive export -o backup.jsonl
      newsarchive export --warc news.warc.gz
      newsarchive export --wacz news.wacz
      newsarchive export --format parquet -o tables/
    """
    if fmt != "jsonl":
        from .research import export_tables

        if urls or warc_output or wacz_output:
            raise click.UsageError(
                f"--format {fmt} exports the whole archive: no URLs, --warc or --wacz"
            )
        export_tables(archive, fmt, output, edits=edits, as_json=as_json)
        return
    if output is not None and os.path.isdir(output):
        raise click.UsageError(f"{output} is a directory: give a file for JSON Lines")
    targets = list(urls) or None
    if wacz_output is not None and warc_output is not None:
        raise click.UsageError("give --warc or --wacz, not both")
    if wacz_output is not None:
        from .webarchive import export_wacz_file

        export_wacz_file(archive, wacz_output, targets, as_json=as_json)
        return
    if warc_output is not None:
        from .webarchive import export_warc_file

        export_warc_file(archive, warc_output, targets, as_json=as_json)
        return
    with output_file(output) if output else contextlib.nullcontext(sys.stdout) as stream:
        if as_json:
            count = write_json_list(archive.iter_export(targets), stream)
        else:
            count = archive.export_jsonl(stream, targets)
    click.echo(f"exported {plural(count, 'capture')}", err=True)
