"""Core commands: save, log, show, diff, list, import, export."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from ..archive import SIGNIFICANCE_LEVELS, Archive, ImportReport
from ..errors import InputError
from ..ingest.records import default_workers
from ..models import GRANULARITIES, SaveResult, Version
from ..times import format_time, parse_time
from . import cli
from ._output import color_option, echo_json, json_option, output_file, progress, use_color
from ._state import pass_archive, pass_existing_archive
from ._versionargs import VersionArgsCommand

F = TypeVar("F", bound=Callable[..., Any])


def _time_option(name: str, help: str) -> Callable[[F], F]:
    return click.option(name, metavar="ISO8601", help=help)


def _read_input(source: str | None) -> str:
    if source in (None, "-"):
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
        raise InputError(f"{origin} is not valid UTF-8 (byte {exc.start})") from None


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
        captured_at=parse_time(captured_at, what="--captured-at") if captured_at else None,
        published_at=parse_time(published_at, what="--published-at") if published_at else None,
        modified_at=parse_time(modified_at, what="--modified-at") if modified_at else None,
        canonical_url=canonical_url,
        metadata=metadata,
    )
    if as_json:
        echo_json(_save_to_dict(result))
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


def _save_to_dict(result: SaveResult) -> dict[str, Any]:
    from ..render.json import capture_to_dict, version_to_dict

    return {
        "is_new_version": result.is_new_version,
        "is_new_capture": result.is_new_capture,
        "reverted_to": result.reverted_to,
        "version": None if result.version is None else version_to_dict(result.version, text=False),
        "capture": capture_to_dict(result.capture),
    }


def _significance(v: Version) -> tuple[str | None, list[str], bool]:
    summary = v.analysis or {}
    reasons = [r["code"] for r in summary.get("reasons", ())]
    return summary.get("level"), reasons, bool(summary.get("stealth"))


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
    from ..diff import diff_summary, diff_versions
    from ..render.json import version_to_dict

    versions = archive.history(url)
    rows = []
    for i, v in enumerate(versions):
        level, reasons, is_stealth = _significance(v)
        if stealth and not is_stealth:
            continue
        if (
            min_significance
            and i > 0
            and SIGNIFICANCE_LEVELS.index(level or "none")
            < SIGNIFICANCE_LEVELS.index(min_significance)
        ):
            continue
        summary = "first version" if i == 0 else diff_summary(diff_versions(versions[i - 1], v))
        rows.append((v, summary, level, reasons, is_stealth))
    if as_json:
        echo_json(
            {
                "url": archive.article(url).url,
                "versions": [
                    {
                        **version_to_dict(v, text=False),
                        "size": len(v.text),
                        "summary": summary,
                        "significance": level,
                        "reasons": reasons,
                        "stealth": is_stealth,
                    }
                    for v, summary, level, reasons, is_stealth in rows
                ],
            }
        )
        return
    for v, summary, level, reasons, is_stealth in rows:
        seen = format_time(v.first_captured_at) or ""
        if v.capture_count > 1:
            seen += f" … {format_time(v.last_captured_at)} ({v.capture_count} captures)"
        revert = f"  [reverts to {v.reverted_to}]" if v.reverted_to else ""
        click.echo(f"{v.number:>3}  {v.id}  {seen}{revert}")
        click.echo(f"     {v.title or '(no title)'}  ·  {len(v.text):,} chars")
        judged = ""
        if v.number > 1 and level:
            judged = f"{level}{' · STEALTH' if is_stealth else ''}: {', '.join(reasons) or '-'}"
            judged = f"  ·  {judged}"
        click.echo(f"     {summary}{judged}")


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
    from ..render.json import version_to_dict

    v = archive.get(url, version)
    if as_json:
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
    type=click.Choice(["text", "unified", "json", "html"]),
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
) -> None:
    """Show what changed between two versions (default: the two latest).

    OLD and NEW are numbers, -N counting back from the latest, @TIME or version ids.
    With only OLD, NEW is the latest.

    \b
    Example:
      newsarchive diff https://example.com/story 1 -1 --granularity sentence
    """
    d = archive.diff(url, old, new, granularity=granularity)  # type: ignore[arg-type]
    if fmt == "json":
        from ..render.json import diff_to_dict

        data = diff_to_dict(d)
        if granularity == "sentence":
            data["alignment"] = _alignment_to_list(archive, url, d.old, d.new)
        echo_json(data)
    elif fmt == "unified":
        from ..render.unified import render_unified

        click.echo(render_unified(d), nl=False)
    elif fmt == "html":
        from ..render.html import render_diff_page

        click.echo(render_diff_page(d), nl=False)
    elif granularity == "sentence" and not stat:
        from ..render.alignment import render_alignment_text
        from ..render.terminal import render_text

        colored = use_color(color)
        header = render_text(d, color=colored, stat=True)
        alignment = archive.analyse(url, d.old, d.new).alignment
        assert alignment is not None
        click.echo(
            header + render_alignment_text(alignment, color=colored), nl=False, color=colored
        )
    else:
        from ..render.terminal import render_text

        colored = use_color(color)
        # color= keeps click from stripping the codes when --color always meets a pipe.
        click.echo(
            render_text(d, color=colored, context=context, stat=stat), nl=False, color=colored
        )
    if exit_code and d.has_changes:
        sys.exit(1)


def _alignment_to_list(archive: Archive, url: str, old: Version, new: Version) -> list[Any]:
    alignment = archive.analyse(url, old, new).alignment
    assert alignment is not None
    return [
        {
            "kind": c.kind,
            "old": c.old,
            "new": c.new,
            "old_index": c.old_index,
            "new_index": c.new_index,
            "ops": [[o.op, o.text] for o in c.diff.ops] if c.diff else None,
        }
        for c in alignment.changes
    ]


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
        echo_json(
            [
                {
                    "url": a.url,
                    "title": a.title,
                    "aliases": list(a.aliases),
                    "versions": a.version_count,
                    "captures": a.capture_count,
                    "first_captured_at": format_time(a.first_captured_at),
                    "last_captured_at": format_time(a.last_captured_at),
                    "last_changed_at": format_time(a.last_changed_at),
                }
                for a in articles
            ]
        )
        return
    for a in articles:
        click.echo(
            f"{a.version_count:>4} versions  last change {format_time(a.last_changed_at)}  {a.url}"
        )


def _report(report: ImportReport, what: str) -> None:
    for problem in report.problems:
        click.echo(f"Error: {what} {problem.line}: {problem.message}", err=True)
    click.echo(
        f"{report.captures_added} captures added ({report.versions_added} new versions), "
        f"{report.unchanged} already archived, {len(report.problems)} skipped",
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
@pass_archive
def import_(
    archive: Archive, sources: tuple[str, ...], quiet: bool, is_warc: bool, analyse: bool
) -> None:
    """Import captures from JSON Lines (a file or -), or a directory of capture files.

    Importing the same input twice adds nothing. See docs/cli.md for both formats.

    \b
    Example:
      newsarchive import archive/sample
      newsarchive import --warc crawl.warc.gz
    """
    if is_warc:
        from .webarchive import import_warc_files

        import_warc_files(archive, sources, quiet=quiet)
        return
    if len(sources) != 1:
        raise click.UsageError("give one FILE, DIR or - (several files only with --warc)")
    source = sources[0]
    if source != "-" and Path(source).is_dir():
        files = sorted(Path(source).glob("*.txt"))
        if not files:
            raise InputError(f"{source} holds no capture files (*.txt)")
        _report(archive.import_capture_files(files), "file")
        return
    stream: IO[bytes]
    if source == "-":
        stream, total = sys.stdin.buffer, 0
    else:
        try:
            stream, total = open(source, "rb"), os.path.getsize(source)  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror}") from None
    with stream, progress(total, "Importing", quiet=quiet, bytes_rate=True) as on_progress:
        report = archive.import_jsonl(
            stream,
            total=total,
            analyse=analyse,
            workers=default_workers(total),
            on_progress=on_progress,
        )
    _report(report, "line")


@cli.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--warc",
    "warc_output",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE.warc.gz",
    help="Write a WARC file instead; see docs/warc.md.",
)
@pass_existing_archive
def export(
    archive: Archive, urls: tuple[str, ...], output: str | None, warc_output: str | None
) -> None:
    """Export captures as JSON Lines (all articles, or the URLs given).

    \b
    Example:
      newsarchive export -o backup.jsonl
      newsarchive export --warc news.warc.gz
    """
    targets = list(urls) or None
    if warc_output is not None:
        from .webarchive import export_warc_file

        export_warc_file(archive, warc_output, targets)
        return
    if output is None:
        count = archive.export_jsonl(sys.stdout, targets)
    else:
        with output_file(output) as stream:
            count = archive.export_jsonl(stream, targets)
    click.echo(f"exported {count} captures", err=True)
