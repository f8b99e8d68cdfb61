"""Self-contained HTML pages: one diff, or a whole article's history as a report.

Every page is a single file with its stylesheet inline and a Content-Security-Policy that
forbids scripts and network requests, so it can be opened offline or sent by mail. Everything
taken from the archive is escaped: archived pages are hostile input, and only ``http(s)`` URLs
ever become links.

Insertions and deletions are ``<ins>`` and ``<del>`` (underlined and struck through, not marked
by colour alone). The inline / side-by-side switch is pure CSS, so the page needs no script.

The renderers take values and return ``str``; they never compute a diff themselves. Pass the
diffs from :meth:`Archive.diff` or :func:`newsarchive.diff.diff_versions`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from ..errors import InputError
from ..models import (
    DELETE,
    EQUAL,
    INSERT,
    DiffOp,
    Version,
    VersionDiff,
    plural,
    reading_order,
)
from ._html_assets import CONTENT_SECURITY_POLICY, CSS
from ._markup import (
    ChangeSummary,
    clean_text,
    escape,
    field_changes_html,
    hunks,
    line_ops,
    link_html,
    ops_html,
    reason_text,
    safe_href,
    similarity_text,
    summary_of,
)
from ._paragraphs import ParagraphMap, Status, build_paragraph_map

__all__ = [
    "ChangeSummary",
    "clean_text",
    "render_diff_fragment",
    "render_diff_page",
    "render_report",
    "safe_href",
]


_STATUS_MARKS: dict[Status, tuple[str, str]] = {
    "added": ("+", "added in this version"),
    "edited": ("~", "edited in this version"),
    "moved": ("↕", "moved in this version"),
    "removed": ("−", "removed in this version"),
    "restored": ("↺", "restored in this version"),
    "present": ("=", "unchanged"),
    "absent": ("", "not present"),
}
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_PARAGRAPH_PREVIEW = 240
# Unchanged paragraphs shown next to each change; longer unchanged runs fold into <details>.
_CONTEXT = 1
_CHANGED_ROW = ' class="changed"'


def _time(value: datetime | None) -> str:
    if value is None:
        return '<span class="muted">unknown</span>'
    utc = value.astimezone(UTC)
    machine = utc.isoformat().replace("+00:00", "Z")
    return f'<time datetime="{machine}">{utc.strftime("%Y-%m-%d %H:%M")} UTC</time>'


def _lang(version: Version) -> str:
    """A ``lang`` attribute from the version's metadata, when it holds a plausible tag."""
    language = version.metadata.get("language")
    if isinstance(language, str) and _LANGUAGE_TAG.fullmatch(language):
        return f' lang="{escape(language)}"'
    return ""


_Line = list[DiffOp]
_Row = tuple[list[_Line], list[_Line]]


def _blocks(ops: Sequence[DiffOp]) -> list[list[DiffOp]]:
    """Cut the ops at line breaks in unchanged text: points where both columns can realign."""
    blocks: list[list[DiffOp]] = [[]]
    for op in ops:
        if op.op != EQUAL or "\n" not in op.text:
            blocks[-1].append(op)
            continue
        lines = op.text.split("\n")
        blocks[-1].append(DiffOp(EQUAL, lines[0]))
        blocks.extend([DiffOp(EQUAL, line)] for line in lines[1:])
    return blocks


def _is_blank(line: _Line) -> bool:
    return not any(op.text.strip() for op in line)


def _has_context(line: _Line) -> bool:
    return any(op.op == EQUAL and op.text.strip() for op in line)


def _pair(old: list[_Line], new: list[_Line]) -> list[_Row]:
    old, new = [x for x in old if not _is_blank(x)], [x for x in new if not _is_blank(x)]
    return [
        ([old[i]] if i < len(old) else [], [new[i]] if i < len(new) else [])
        for i in range(max(len(old), len(new)))
    ]


def _side_rows(ops: Sequence[DiffOp]) -> list[_Row]:
    """Rows for the side-by-side view, so that unchanged text sits level in both columns.

    Within a block, wholly deleted or inserted paragraphs before and after the lines holding
    unchanged text get rows of their own, paired old against new; the lines from the first
    to the last holding unchanged text share one row.
    """
    rows: list[_Row] = []
    for block in _blocks(ops):
        old, new = line_ops(block, (DELETE, EQUAL)), line_ops(block, (EQUAL, INSERT))
        old_ctx = [i for i, line in enumerate(old) if _has_context(line)]
        new_ctx = [i for i, line in enumerate(new) if _has_context(line)]
        if not old_ctx or not new_ctx:
            rows.extend(_pair(old, new))
            continue
        rows.extend(_pair(old[: old_ctx[0]], new[: new_ctx[0]]))
        rows.append((old[old_ctx[0] : old_ctx[-1] + 1], new[new_ctx[0] : new_ctx[-1] + 1]))
        rows.extend(_pair(old[old_ctx[-1] + 1 :], new[new_ctx[-1] + 1 :]))
    return rows


def _cell(lines: list[_Line], lang: str) -> str:
    inner = "\n".join(ops_html(line) for line in lines)
    return f'<td class="text" dir="auto"{lang}>{inner}</td>'


def _summary_badges(summary: ChangeSummary | None, version: Version) -> str:
    badges = []
    if summary is not None and summary.get("level"):
        level = str(summary["level"])
        badges.append(f'<span class="badge {_level_class(level)}">{escape(level)}</span>')
    if summary is not None and summary.get("stealth"):
        badges.append('<span class="badge stealth">stealth edit</span>')
    if version.reverted_to is not None:
        badges.append(
            f'<span class="badge revert">reverted to version {version.reverted_to}</span>'
        )
    return "".join(badges)


def _level_class(level: str) -> str:
    return level if level in ("none", "cosmetic", "minor", "substantive") else "other"


def _reasons_html(summary: ChangeSummary | None) -> str:
    reasons = reading_order((summary or {}).get("reasons", ()))
    if not reasons:
        return ""
    items = "".join(f"<li>{escape(reason_text(reason))}</li>" for reason in reasons)
    return f'<ul class="reasons" aria-label="Reasons">{items}</ul>'


def _diff_id(d: VersionDiff) -> str:
    return f"diff-{d.old.number}-{d.new.number}"


def _stats_html(d: VersionDiff) -> str:
    stats = d.body.stats
    if not d.body.has_changes:
        return '<p class="meta">The text did not change.</p>'
    return (
        f'<p class="meta">Text: {plural(stats.words_added, "word")} added, '
        f"{plural(stats.words_removed, 'word')} removed "
        f"({similarity_text(stats.similarity)} similar).</p>"
    )


def render_diff_fragment(
    d: VersionDiff,
    *,
    summary: ChangeSummary | None = None,
    heading_level: int = 3,
) -> str:
    """Render one diff as an HTML fragment: field changes, then inline and side-by-side views.

    Args:
        d: The diff to show.
        summary: The change analysis of ``d.new``, if any.
        heading_level: The heading element to use for the diff's title (2 to 6).

    Returns:
        An ``<article>`` element; it relies on the page stylesheet for the view switch.

    Raises:
        InputError: ``heading_level`` is outside 2..6.
    """
    if not 2 <= heading_level <= 6:
        raise InputError(f"heading level must be between 2 and 6, got {heading_level}")
    old, new = d.old, d.new
    h = f"h{heading_level}"
    lang = _lang(new)
    return (
        f'<article class="diff" id="{_diff_id(d)}" aria-labelledby="{_diff_id(d)}-h">'
        f'<{h} id="{_diff_id(d)}-h">Version {old.number} → version {new.number}'
        f"{_summary_badges(summary, new)}</{h}>"
        f'<p class="meta">{_time(old.first_captured_at)} → {_time(new.first_captured_at)}</p>'
        f"{_reasons_html(summary)}{field_changes_html(d.fields)}{_stats_html(d)}"
        f"{_inline_html(d, lang)}{_side_html(d, lang)}</article>"
    )


def _changed(line: Sequence[DiffOp]) -> bool:
    return any(op.op != EQUAL for op in line)


def _folded(count: int, inner: str) -> str:
    noun = "paragraph" if count == 1 else "paragraphs"
    return f'<details class="same"><summary>{count} unchanged {noun}</summary>{inner}</details>'


def _inline_html(d: VersionDiff, lang: str) -> str:
    lines = [line for line in line_ops(d.body.ops, (DELETE, EQUAL, INSERT)) if not _is_blank(line)]
    parts = []
    for shown, indices in hunks([_changed(line) for line in lines], context=_CONTEXT):
        inner = "".join(
            f'<p class="text" dir="auto"{lang}>{ops_html(lines[n])}</p>' for n in indices
        )
        parts.append(inner if shown else _folded(len(indices), inner))
    return f'<div class="diff-inline">{"".join(parts)}</div>'


def _side_html(d: VersionDiff, lang: str) -> str:
    rows = _side_rows(d.body.ops)
    changed = [any(_changed(line) for line in old + new) for old, new in rows]
    head = (
        '<table class="diff-side" aria-hidden="true"><thead><tr>'
        f'<th scope="col">Version {d.old.number} (before)</th>'
        f'<th scope="col">Version {d.new.number} (after)</th></tr></thead></table>'
    )
    parts = [head]
    for shown, indices in hunks(changed, context=_CONTEXT):
        body = "".join(
            f"<tr{_CHANGED_ROW if changed[n] else ''}>"
            f"{_cell(rows[n][0], lang)}{_cell(rows[n][1], lang)}</tr>"
            for n in indices
        )
        table = f'<table class="diff-side"><tbody>{body}</tbody></table>'
        parts.append(table if shown else _folded(len(indices), table))
    return f'<div class="diff-side">{"".join(parts)}</div>'


def _page(*, title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="newsarchive">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        # The radios precede <main> so CSS sibling selectors can switch every diff's layout.
        '<input type="radio" name="view" id="view-inline" class="view-toggle" checked>\n'
        '<input type="radio" name="view" id="view-side" class="view-toggle">\n'
        f"{body}\n"
        "<footer><p>Made with newsarchive. This page runs no script and loads nothing from "
        "the network.</p></footer>\n</body>\n</html>\n"
    )


_VIEW_SWITCH = (
    '<div class="view-switch" role="group" aria-label="Diff layout">'
    '<label for="view-inline">Inline</label><label for="view-side">Side by side</label></div>'
)


def _display_title(version: Version) -> str:
    return version.title or version.url


def render_diff_page(d: VersionDiff, *, summary: ChangeSummary | None = None) -> str:
    """Render one diff as a complete, self-contained HTML page.

    Args:
        d: The diff to show.
        summary: The change analysis of ``d.new``; by default the analysis stored with
            ``d.new``, when ``d.old`` is the version just before it.

    Returns:
        The page as a string, ending in a newline.
    """
    if summary is None and d.new.number == d.old.number + 1:
        summary = summary_of(d.new)
    title = _display_title(d.new)
    body = (
        '<header><p class="eyebrow">Changes</p>'
        f'<h1{_lang(d.new)} dir="auto">{escape(title)}</h1>'
        f'<p class="url">{link_html(d.url)}</p></header>\n'
        f"<main>{_VIEW_SWITCH}\n{render_diff_fragment(d, summary=summary, heading_level=2)}</main>"
    )
    return _page(title=f"Changes: {title} (v{d.old.number} → v{d.new.number})", body=body)


def _headlines_html(versions: Sequence[Version]) -> str:
    items = []
    for previous, version in zip(versions, versions[1:], strict=False):
        if previous.title != version.title:
            items.append(
                f"<li>Version {version.number}, {_time(version.first_captured_at)}: "
                f"<del>{escape(previous.title) or '(none)'}</del> → "
                f"<ins>{escape(version.title) or '(none)'}</ins></li>"
            )
    if not items:
        return '<p class="meta">The headline never changed.</p>'
    return '<ol class="headlines">' + "".join(items) + "</ol>"


def _timeline_html(
    versions: Sequence[Version],
    analysis: Mapping[int, ChangeSummary],
    anchors: Mapping[int, str],
) -> str:
    items = []
    for version in versions:
        summary = summary_of(version, analysis)
        level = _level_class(str(summary.get("level", ""))) if summary else ""
        css = f' class="{level}"' if level else ""
        captures = (
            f"seen {version.capture_count} times until {_time(version.last_captured_at)}"
            if version.capture_count > 1
            else "seen once"
        )
        link = ""
        if version.number in anchors:
            link = f' · <a href="#{anchors[version.number]}">show changes</a>'
        title = (
            f'<div dir="auto"{_lang(version)}>{escape(version.title)}</div>'
            if version.title
            else ""
        )
        items.append(
            f'<li{css} id="v{version.number}"><strong>Version {version.number}</strong>'
            f"{_summary_badges(summary, version)}"
            f'<div class="when">first seen {_time(version.first_captured_at)}, {captures}{link}'
            f"</div>{title}{_reasons_html(summary)}</li>"
        )
    return '<ol class="timeline">' + "".join(items) + "</ol>"


def _preview(text: str) -> str:
    if len(text) <= _PARAGRAPH_PREVIEW:
        return text
    return text[: _PARAGRAPH_PREVIEW - 1].rstrip() + "…"


def _paragraph_map_html(pmap: ParagraphMap) -> str:
    if not pmap.rows:
        return '<p class="meta">The article has no text.</p>'
    heads = "".join(f'<th scope="col">v{n}</th>' for n in pmap.version_numbers)
    legend = "".join(
        f'<li><span class="cell {status}" aria-hidden="true">{mark or "·"}</span>'
        f"{escape(words)}</li>"
        for status, (mark, words) in _STATUS_MARKS.items()
    )
    body = []
    current_done = False
    for number, row in enumerate(pmap.rows, start=1):
        if not row.is_current and not current_done:
            current_done = True
            body.append(
                f'<tr class="group"><th scope="rowgroup" colspan="{len(pmap.version_numbers) + 2}">'
                "Paragraphs no longer in the latest version</th></tr>"
            )
        cells = "".join(
            f'<td class="cell {status}" title="v{n}: {_STATUS_MARKS[status][1]}">'
            f'<span aria-hidden="true">{_STATUS_MARKS[status][0]}</span>'
            f'<span class="sr">v{n}: {_STATUS_MARKS[status][1]}</span></td>'
            for n, status in zip(pmap.version_numbers, row.statuses, strict=True)
        )
        body.append(
            f'<tr><th scope="row">{number if row.is_current else ""}</th>'
            f'<td class="para" dir="auto">{escape(_preview(row.text))}</td>{cells}</tr>'
        )
    return (
        '<ul class="legend" aria-label="Legend">' + legend + "</ul>"
        '<div class="scroll"><table class="heatmap"><thead><tr><th scope="col">#</th>'
        f'<th scope="col">Paragraph</th>{heads}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table></div>"
    )


def render_report(
    versions: Sequence[Version],
    diffs: Sequence[VersionDiff],
    *,
    analysis: Mapping[int, ChangeSummary] | None = None,
) -> str:
    """Render an article's whole history as one self-contained HTML page.

    The page shows the title and URL, every headline change, a timeline of all versions (with
    significance, reasons and revert marks where known), each diff in ``diffs`` switchable
    between inline and side-by-side, and a map of where each paragraph appeared or changed.

    Args:
        versions: Every version of one article, oldest first.
        diffs: The diffs to show, usually each consecutive pair, or one chosen pair.
        analysis: Change analysis per version number, if available.

    Returns:
        The page as a string, ending in a newline.

    Raises:
        InputError: ``versions`` is empty or mixes articles, or a diff is of another article.
    """
    if not versions:
        raise InputError("cannot report on an article without versions")
    url = versions[0].url
    if any(v.url != url for v in versions) or any(d.url != url for d in diffs):
        raise InputError("a report covers one article: versions and diffs must share a URL")
    analysis = analysis or {}
    latest = versions[-1]
    anchors = {d.new.number: _diff_id(d) for d in diffs}
    title = _display_title(latest)
    span = (
        f"{len(versions)} version{'s' if len(versions) != 1 else ''}, first seen "
        f"{_time(versions[0].first_captured_at)}, last seen "
        f"{_time(max(v.last_captured_at for v in versions))}."
    )
    diff_html = "\n".join(
        render_diff_fragment(
            d, summary=summary_of(d.new, analysis) if d.new.number == d.old.number + 1 else None
        )
        for d in diffs
    )
    if not diffs:
        diff_html = '<p class="meta">There is only one version: nothing has changed yet.</p>'
    body = (
        '<header><p class="eyebrow">Change report</p>'
        f'<h1 dir="auto"{_lang(latest)}>{escape(title)}</h1>'
        f'<p class="url">{link_html(url)}</p><p class="meta">{span}</p>'
        '<nav aria-label="Sections"><ul><li><a href="#headlines">Headline changes</a></li>'
        '<li><a href="#timeline">Timeline</a></li><li><a href="#changes">Changes</a></li>'
        '<li><a href="#paragraphs">Paragraph map</a></li></ul></nav></header>\n<main>\n'
        f'<section id="headlines"><h2>Headline changes</h2>{_headlines_html(versions)}</section>\n'
        f'<section id="timeline"><h2>Timeline</h2>{_timeline_html(versions, analysis, anchors)}'
        "</section>\n"
        f'<section id="changes"><h2>Changes</h2>{_VIEW_SWITCH}\n{diff_html}</section>\n'
        '<section id="paragraphs"><h2>Paragraph map</h2><p class="meta">Each row is a '
        "paragraph of the latest version (then those since removed); each column a version.</p>"
        f"{_paragraph_map_html(build_paragraph_map(versions))}</section>\n</main>"
    )
    return _page(title=f"Change report: {title}", body=body)
