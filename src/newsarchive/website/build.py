"""Building the static site, and rebuilding only what changed since the last build.

The site is plain files that work from ``file://`` and from any static host::

    index.html              every article: filter, sort, search (one hashed inline script)
    changes.html            what changed across the archive, newest first
    changes.atom            an Atom feed of the newest changes
    articles/<slug>.html    one article's report: timeline, diffs, paragraph map
    articles/<slug>.atom    one article's Atom feed

A manifest beside them (``.newsarchive-site.json``) records a fingerprint of each
article as it was built. The next build compares fingerprints and rewrites only the
pages of articles that changed (and removes those of articles gone), plus the index,
the list of changes and the archive's feed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from ..analysis import analyse
from ..archive import Archive
from ..errors import InputError
from ..models import Article, Change, Version
from ..render.atom import FeedEntry, archive_feed_id, article_feed_id, render_feed
from ..render.html import ChangeSummary, render_report
from ..render.website import (
    LEVELS,
    ArticleRow,
    ChangeRow,
    index_row_html,
    render_changes,
    render_index,
)
from ..times import utc_now
from .paths import article_feed, article_page

MANIFEST = ".newsarchive-site.json"
#: Bump when a change to the pages means every one must be rebuilt.
SITE_FORMAT = 1
#: Changes listed on changes.html, and entries in changes.atom.
CHANGES_SHOWN = 500
FEED_ENTRIES = 50
# Every change of every article, read in one query for the index's badges.
_ALL = 2**62

ProgressCallback = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class SiteReport:
    """What a build did."""

    directory: str
    articles: int
    changes: int
    #: Article pages (and their feeds) written, and removed.
    articles_written: int
    articles_removed: int
    #: True when every page was rebuilt (first build, ``full``, or new rules or format).
    full: bool


def _fingerprint(article: Article, changes: Sequence[Change]) -> str:
    """What an article's pages depend on, hashed: a new capture, version or analysis."""
    data = repr((
        article.url, article.aliases, article.title, article.version_count,
        article.capture_count, article.last_captured_at, article.last_changed_at,
        [(c.version_id, c.version, c.level, c.reasons, c.stealth, c.reverted_to)
         for c in changes],
    ))  # fmt: skip
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _write(path: Path, text: str) -> None:
    """Replace ``path`` in one step, so a reader (or a crash) never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _summaries(versions: Sequence[Version]) -> dict[int, ChangeSummary]:
    """The change analysis of versions that have none stored, computed."""
    found: dict[int, ChangeSummary] = {}
    for index in range(1, len(versions)):
        if not versions[index].analysis:
            result = analyse(versions[index - 1], versions[index], history=versions[:index])
            found[versions[index].number] = {
                "level": result.level,
                "reasons": [
                    {"code": r.code, "count": r.count, "detail": r.detail} for r in result.reasons
                ],
                "stealth": result.stealth,
            }
    return found


def _article_page(versions: list[Version], archive: Archive) -> tuple[str, str]:
    """An article's report page, with the site's navigation, and its Atom feed."""
    url = versions[-1].url
    diffs = [archive.diff(url, old, new) for old, new in zip(versions, versions[1:], strict=False)]
    summaries = _summaries(versions)
    page = render_report(versions, diffs, analysis=summaries)
    feed_name = article_feed(url).rsplit("/", 1)[1]
    nav = (
        '<nav aria-label="Site"><ul><li><a href="../index.html">All articles</a></li>'
        '<li><a href="../changes.html">What changed</a></li>'
        f'<li><a href="{feed_name}">Atom feed of this article</a></li></ul></nav>\n'
    )
    head = f'<link rel="alternate" type="application/atom+xml" href="{feed_name}">\n</head>'
    page = page.replace("</head>", head, 1).replace("<body>\n", "<body>\n" + nav, 1)
    entries = [
        FeedEntry(
            version=v,
            diff=diffs[v.number - 2] if v.number > 1 else None,
            summary=summaries.get(v.number),
        )
        for v in versions[-FEED_ENTRIES:]
    ]
    title = versions[-1].title or url
    feed = render_feed(entries, feed_id=article_feed_id(url), title=f"Changes: {title}", link=url)
    return page, feed


def _read_manifest(directory: Path) -> dict[str, Any]:
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _rows(
    articles: Sequence[Article], by_url: dict[str, list[Change]], pages: dict[str, str]
) -> list[ArticleRow]:
    rows = []
    for a in articles:
        changes = by_url.get(a.url, [])
        ranks = [LEVELS.index(c.level) for c in changes if c.level in LEVELS]
        rows.append(
            ArticleRow(
                url=a.url,
                page=pages[a.url],
                title=a.title,
                versions=a.version_count,
                first_seen_at=a.first_captured_at,
                last_changed_at=a.last_changed_at,
                level=LEVELS[max(ranks)] if ranks else None,
                changes=len(changes),
                stealth=sum(1 for c in changes if c.stealth),
            )
        )
    # Newest change first, as the page lists them before any script runs.
    rows.sort(key=lambda r: (r.last_changed_at is not None, r.last_changed_at, r.url))
    rows.reverse()
    return rows


def _archive_feed(archive: Archive, changes: Sequence[Change], title: str, now: datetime) -> str:
    entries = []
    for change in changes[:FEED_ENTRIES]:
        new = archive.get(change.url, change.version_id)
        old = archive.get(change.url, new.number - 1)
        entries.append(FeedEntry(version=new, diff=archive.diff(change.url, old, new)))
    return render_feed(
        entries,
        feed_id=archive_feed_id(archive.location),
        title=f"What changed: {title}",
        updated=None if entries else now,
    )


def build_site(
    archive: Archive,
    directory: str | Path,
    *,
    title: str = "News archive",
    full: bool = False,
    now: datetime | None = None,
    on_progress: ProgressCallback | None = None,
) -> SiteReport:
    """Write (or bring up to date) a static site of the whole archive in ``directory``.

    Args:
        archive: the archive to publish.
        directory: where the site goes; created if missing. Files the site does not own
            are left alone.
        title: the site's title.
        full: rebuild every page, not only those of articles that changed.
        now: the build time shown on the pages (default: now).
        on_progress: called with (done, total) as article pages are written.

    Returns:
        What was written and removed.

    Raises:
        InputError: ``directory`` exists and is not a directory, or cannot be written.
        StorageError: the archive could not be read.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a directory")
    now = now or utc_now()
    articles = archive.articles()
    changes = archive.changes(limit=_ALL)
    by_url: dict[str, list[Change]] = {}
    for change in changes:
        by_url.setdefault(change.url, []).append(change)
    previous = _read_manifest(out)
    rules_id = archive.rules.rules_id if archive.rules else "default"
    full = full or previous.get("format") != SITE_FORMAT or previous.get("rules") != rules_id
    built: dict[str, str] = {} if full else dict(previous.get("articles") or {})
    # Index rows of articles whose fingerprint is unchanged are reused as they are.
    kept_rows: dict[str, str] = {} if full else dict(previous.get("rows") or {})
    fingerprints = {a.url: _fingerprint(a, by_url.get(a.url, [])) for a in articles}
    dirty = [a for a in articles if built.get(a.url) != fingerprints[a.url]]
    gone = sorted(set(built) - set(fingerprints))
    try:
        for done, article in enumerate(dirty, start=1):
            page, feed = _article_page(archive.history(article.url), archive)
            _write(out / article_page(article.url), page)
            _write(out / article_feed(article.url), feed)
            built[article.url] = fingerprints[article.url]
            kept_rows.pop(article.url, None)
            if on_progress:
                on_progress(done, len(dirty))
        for url in gone:
            for name in (article_page(url), article_feed(url)):
                (out / name).unlink(missing_ok=True)
            built.pop(url, None)
            kept_rows.pop(url, None)
        if dirty or gone or full or not (out / "index.html").exists():
            kept_rows = _write_lists(archive, out, articles, changes, by_url, title, now, kept_rows)
        manifest = {"format": SITE_FORMAT, "rules": rules_id, "articles": built, "rows": kept_rows}
        _write(out / MANIFEST, json.dumps(manifest, sort_keys=True, ensure_ascii=False))
    except OSError as exc:
        raise InputError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    return SiteReport(
        directory=str(out),
        articles=len(articles),
        changes=len(changes),
        articles_written=len(dirty),
        articles_removed=len(gone),
        full=full,
    )


def _write_lists(
    archive: Archive,
    out: Path,
    articles: Sequence[Article],
    changes: Sequence[Change],
    by_url: dict[str, list[Change]],
    title: str,
    now: datetime,
    kept_rows: dict[str, str],
) -> dict[str, str]:
    """The pages every build rewrites: the index, the list of changes and its feed.

    Returns:
        The index's rows by URL, to reuse next time.
    """
    pages = {a.url: article_page(a.url) for a in articles}
    rows = _rows(articles, by_url, pages)
    html_rows = {r.url: kept_rows.get(r.url) or index_row_html(r) for r in rows}
    _write(out / "index.html", render_index(rows, title=title, built_at=now, cached=html_rows))
    listed = [
        ChangeRow(
            url=c.url,
            page=pages[c.url],
            title=c.title,
            version=c.version,
            captured_at=c.captured_at,
            level=c.level,
            stealth=c.stealth,
            reasons=c.reasons,
        )
        for c in changes[:CHANGES_SHOWN]
    ]
    _write(
        out / "changes.html",
        render_changes(listed, title=title, built_at=now, total=len(changes)),
    )
    _write(out / "changes.atom", _archive_feed(archive, changes, title, now))
    return html_rows
