"""The static site's own pages: the index of articles and the list of what changed.

Both use the report's stylesheet plus a few rules of their own. The index runs one
small inline script, admitted by its hash in the page's Content-Security-Policy, that
filters, sorts and searches the table in place; nothing else may run and nothing is
loaded. Everything taken from the archive is escaped.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

import attrs

from ..models import reading_order
from ._html_assets import CSS
from ._markup import escape as _escape
from ._markup import reason_text

LEVELS = ("none", "cosmetic", "minor", "substantive")

_SITE_CSS = """\
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0 .5rem}
.controls label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
.controls label.check{flex-direction:row;align-items:center;gap:.35rem}
.controls input[type=search]{min-width:16rem;max-width:100%}
.controls input,.controls select{font:inherit;color:var(--fg);background:var(--bg);\
border:1px solid var(--line);border-radius:.3rem;padding:.3rem .45rem}
table.articles{width:100%;border-collapse:collapse;font-size:.95rem}
table.articles th,table.articles td{text-align:left;vertical-align:top;padding:.45rem .4rem;\
border-bottom:1px solid var(--line)}
table.articles td.num{text-align:right;font-variant-numeric:tabular-nums}
table.articles th button{font:inherit;font-weight:600;color:var(--accent);background:none;\
border:0;padding:0;cursor:pointer}
table.articles .url{display:block;font-size:.8rem;color:var(--muted);overflow-wrap:anywhere}
table.articles a{overflow-wrap:anywhere}
.badge.none,.badge.cosmetic{color:var(--muted)}
.changes{list-style:none;padding:0}
.changes>li{padding:.5rem 0;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
.changes time{font-variant-numeric:tabular-nums;color:var(--muted);margin-right:.5rem}
@media (max-width:40rem){table.articles thead{display:none}
table.articles,table.articles tbody,table.articles tr,table.articles td{display:block;width:100%}
table.articles tr{border-bottom:1px solid var(--line);padding:.4rem 0}
table.articles td{border:0;padding:.1rem 0}
table.articles td.num{text-align:left}
table.articles td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}
.controls input[type=search]{min-width:0;width:100%}.controls label{width:100%}}
"""

# Filters, sorts and searches the rows already in the page; uses no archived text as code.
_SCRIPT = """\
(function () {
  var table = document.getElementById("articles");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var form = document.getElementById("controls");
  var q = document.getElementById("q"), site = document.getElementById("site");
  var level = document.getElementById("level"), stealth = document.getElementById("stealth");
  var count = document.getElementById("count");
  form.hidden = false;
  var given = new URLSearchParams(location.search).get("q");
  if (given) { q.value = given; }
  function apply() {
    var text = q.value.trim().toLowerCase(), host = site.value;
    var least = Number(level.value || 0), only = stealth.checked, shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = (!text || d.q.indexOf(text) >= 0) && (!host || d.site === host) &&
        Number(d.level) >= least && (!only || Number(d.stealth) > 0);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = "Showing " + shown + " of " + rows.length + " articles";
  }
  [q, site, level, stealth].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  var numeric = {versions: true, level: true, stealth: true};
  var collate = new Intl.Collator(undefined, {sensitivity: "base"}).compare;
  table.querySelectorAll("th button").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.dataset.key, th = button.parentNode;
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var order = numeric[key] ? Number(x) - Number(y) : collate(x, y);
        return (up ? order : -order) || collate(a.dataset.q, b.dataset.q);
      });
      var sorted = document.createDocumentFragment();
      rows.forEach(function (row) { sorted.appendChild(row); });
      body.appendChild(sorted);
    });
  });
  apply();
})();
"""


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


_STYLE = CSS + _SITE_CSS
_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_hash(_STYLE)}'; "
    f"script-src 'sha256-{_hash(_SCRIPT)}'; base-uri 'none'; form-action 'none'"
)


@attrs.frozen(kw_only=True)
class ArticleRow:
    """One article as the index lists it."""

    url: str
    #: The article's page, relative to the index.
    page: str
    title: str | None
    versions: int
    first_seen_at: datetime | None
    last_changed_at: datetime | None
    #: The most significant change's level; None for an article never changed.
    level: str | None = None
    changes: int = 0
    stealth: int = 0
    #: The article's host; taken from ``url`` when not given.
    site: str = attrs.field()

    @site.default
    def _host(self) -> str:
        return urlsplit(self.url).hostname or ""


@attrs.frozen(kw_only=True)
class ChangeRow:
    """One change as the list of what changed shows it."""

    url: str
    #: The article's page, relative to this page.
    page: str
    title: str | None
    version: int
    captured_at: datetime
    level: str | None
    stealth: bool
    reasons: tuple[str, ...] = ()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    stamp = value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{stamp}">{value.strftime("%Y-%m-%d %H:%M")}</time>'


def _page(title: str, body: str, *, policy: str, script: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="newsarchive">\n'
        '<link rel="alternate" type="application/atom+xml" title="What changed"'
        ' href="changes.atom">\n'
        f"<title>{_escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n<footer><p>Made with newsarchive. This site loads nothing from the "
        f"network.</p></footer>\n{script}</body>\n</html>\n"
    )


def _nav(current: str) -> str:
    items = [("index.html", "Articles"), ("changes.html", "What changed"),
             ("changes.atom", "Atom feed")]  # fmt: skip
    links = "".join(
        f'<li><a href="{href}"{" aria-current=page" if href == current else ""}>{label}</a></li>'
        for href, label in items
    )
    return f'<nav aria-label="Site"><ul>{links}</ul></nav>'


def _badges(level: str | None, stealth: int, *, count_stealth: bool = True) -> str:
    parts = []
    if level is not None:
        css = level if level in LEVELS else "other"
        parts.append(f'<span class="badge {css}">{_escape(level)}</span>')
    if stealth:
        label = f"{stealth} stealth edit{'s' if stealth > 1 else ''}" if count_stealth else ""
        parts.append(f'<span class="badge stealth">{label or "stealth edit"}</span>')
    return " ".join(parts)


def index_row_html(row: ArticleRow) -> str:
    """One article's row of the index table (a builder may keep it to reuse)."""
    title = row.title or row.url
    changed = row.last_changed_at.strftime("%Y-%m-%dT%H:%M:%SZ") if row.last_changed_at else ""
    rank = LEVELS.index(row.level) if row.level in LEVELS else 0
    search = _escape(f"{title} {row.url}".lower())
    if row.changes:
        last = _when(row.last_changed_at)
    else:
        last = f'<span class="muted">none; first seen {_when(row.first_seen_at)}</span>'
    none = '<span class="muted">no change</span>'
    return (
        f'<tr data-q="{search}" data-site="{_escape(row.site)}" data-level="{rank}"'
        f' data-stealth="{row.stealth}" data-title="{_escape(title.lower())}"'
        f' data-versions="{row.versions}" data-changed="{changed}">'
        f'<td><a href="{_escape(row.page)}" dir="auto">{_escape(title)}</a>'
        f'<span class="url">{_escape(row.url)}</span></td>'
        f'<td data-label="Site">{_escape(row.site)}</td>'
        f'<td class="num" data-label="Versions">{row.versions}</td>'
        f'<td data-label="Last change">{last}</td>'
        f'<td data-label="Significance">{_badges(row.level, row.stealth) or none}</td></tr>'
    )


def render_index(
    rows: Sequence[ArticleRow],
    *,
    title: str,
    built_at: datetime,
    cached: Mapping[str, str] | None = None,
) -> str:
    """The index page: every article, newest change first, to filter, sort and search.

    Args:
        rows: the articles, in the order the page lists them without script.
        title: the site's title.
        built_at: when the site was built.
        cached: rows already rendered by :func:`index_row_html`, by URL, to reuse.

    Returns:
        The page.
    """
    cached = cached or {}
    sites = sorted({r.site for r in rows})
    site_options = "".join(f'<option value="{_escape(s)}">{_escape(s)}</option>' for s in sites)
    level_options = "".join(
        f'<option value="{rank}">{name} or more</option>'
        for rank, name in enumerate(LEVELS)
        if rank
    )
    changes = sum(r.changes for r in rows)
    body = (
        f'<header><p class="eyebrow">News archive</p><h1>{_escape(title)}</h1>'
        f'<p class="meta">{_count(len(rows), "article")}, {_count(changes, "change")}. '
        f"Built {_when(built_at)} UTC.</p>"
        f"{_nav('index.html')}</header>\n<main>\n"
        '<form id="controls" class="controls" role="search" hidden>'
        '<label>Search titles and URLs<input type="search" id="q" name="q"'
        ' autocomplete="off"></label>'
        f'<label>Site<select id="site"><option value="">All sites</option>{site_options}'
        "</select></label>"
        '<label>Significance<select id="level"><option value="">Any</option>'
        f"{level_options}</select></label>"
        '<label class="check"><input type="checkbox" id="stealth">Stealth edits only</label>'
        "</form>\n"
        f'<p id="count" class="meta" aria-live="polite">{_count(len(rows), "article")}</p>\n'
        '<table id="articles" class="articles"><thead><tr>'
        '<th scope="col"><button type="button" data-key="title">Article</button></th>'
        '<th scope="col"><button type="button" data-key="site">Site</button></th>'
        '<th scope="col"><button type="button" data-key="versions">Versions</button></th>'
        '<th scope="col" aria-sort="descending"><button type="button" data-key="changed">'
        "Last change (UTC)</button></th>"
        '<th scope="col"><button type="button" data-key="level">Significance</button></th>'
        "</tr></thead>\n<tbody>\n"
        + "\n".join(cached.get(r.url) or index_row_html(r) for r in rows)
        + "\n</tbody></table>\n"
        "</main>"
    )
    return _page(title, body, policy=_POLICY, script=f"<script>{_SCRIPT}</script>\n")


def render_changes(rows: Sequence[ChangeRow], *, title: str, built_at: datetime, total: int) -> str:
    """The list of what changed across every article, newest first.

    Args:
        rows: the changes to list, newest first.
        title: the site's title.
        built_at: when the site was built.
        total: how many changes the archive holds (``rows`` may be the newest only).

    Returns:
        The page.
    """
    items = []
    for row in rows:
        anchor = f"diff-{row.version - 1}-{row.version}"
        site = urlsplit(row.url).hostname or ""
        reasons = ", ".join(reason_text(r) for r in reading_order(row.reasons))
        items.append(
            f'<li class="{row.level if row.level in LEVELS else "none"}">'
            f"{_when(row.captured_at)}"
            f'<a href="{_escape(row.page)}#{anchor}" dir="auto">'
            f"{_escape(row.title or row.url)}</a> "
            f'<span class="meta">{_escape(site)} · version {row.version - 1} → {row.version}'
            f"</span> {_badges(row.level, int(row.stealth), count_stealth=False)}"
            + (f'<br><span class="meta">{_escape(reasons)}</span>' if reasons else "")
            + "</li>"
        )
    shown = (
        f"The newest {len(rows)} of {total} changes." if len(rows) < total else f"{total} changes."
    )
    body = (
        f'<header><p class="eyebrow">News archive</p><h1>What changed</h1>'
        f'<p class="meta">{shown} Times are UTC; built {_when(built_at)}.</p>'
        f"{_nav('changes.html')}</header>\n<main>\n"
        + (f'<ol class="changes">{"".join(items)}</ol>' if items else "<p>No changes yet.</p>")
        + "\n</main>"
    )
    policy = _POLICY.split("; script-src")[0] + "; base-uri 'none'; form-action 'none'"
    return _page(f"What changed: {title}", body, policy=policy)
