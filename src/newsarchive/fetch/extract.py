"""Pure extraction: HTML in, :class:`ExtractedArticle` out.

The article text is read from the first of these that gives a body of at least
40 words (see ``docs/scraping.md``):

1. the JSON-LD article's ``articleBody``, split into the page's own paragraphs
   when they spell it out;
2. the element the page marks as the body (``[itemprop=articleBody]``, a
   body class such as ``article-body``, else the largest ``<article>``), with
   furniture (figures, asides, share bars, related links...) left out and a
   summary paragraph set apart above the body put back in front;
3. trafilatura with ``favor_precision``, then with ``favor_recall`` when
   precision finds under 40 words.

Then a repeated headline, the site's name and lines such as "Supported by" or
"Advertisement" are dropped from the body's edges. The title, site name and
language come from JSON-LD and Open Graph before trafilatura; the byline is a
person (JSON-LD ``author`` first, never a UI word, a date or the site name).
Dates come first from what the page declares precisely (JSON-LD
``datePublished``/``dateModified``, ``article:published_time``/
``article:modified_time`` meta), then from htmldate. The canonical URL is read
from ``<link rel=canonical>``, then ``og:url``. Every result records the
extractor's name, version and options, so text that changes only because the
extractor changed can be told apart from an edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import urljoin, urlsplit

import attrs

from ..errors import ExtractionError, MissingDependencyError
from .body import (
    BodyMarkup,
    block_text,
    describe_image,
    find_container,
    image_url,
    read_body,
    summary_before,
)
from .byline import choose_byline, page_bylines
from .edges import trim_edges
from .liveblog import LiveBlog, read_live_blog
from .signals import PageSignals, json_ld_objects, read_signals

# Options passed to trafilatura; part of the extractor identity recorded with captures.
TRAFILATURA_OPTIONS: Mapping[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "favor_precision": True,
    "favor_recall": False,
    "deduplicate": False,
}
HTMLDATE_OPTIONS: Mapping[str, Any] = {"extensive_search": False}
# Version of the reading done around trafilatura (signals, body markup, edges, bylines).
PAGE_READER_VERSION = 1
# Fewer words than this and a source has not found the article body.
MIN_BODY_WORDS = 40

# Lines that are page furniture on nearly every news site, whatever the layout.
DEFAULT_BOILERPLATE: tuple[str, ...] = (
    r"^\s*(skip )?(advertisement|anzeige|advertentie|publicité)\s*$",
    r"^\s*(story continues|article continues) below( advertisement)?\s*$",
)


@attrs.frozen(kw_only=True)
class ExtractedArticle:
    """What could be read from one page."""

    url: str
    text: str = attrs.field(repr=False)
    title: str | None = None
    byline: str | None = None
    site_name: str | None = None
    language: str | None = None
    description: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    canonical_url: str | None = None
    #: Per-version page fields (template, text source, lead image, images, links...),
    #: stored in the capture's ``metadata["page"]``; see ``docs/scraping.md``.
    page: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False, repr=False)
    extractor: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False, repr=False)


def extractor_info(boilerplate: Sequence[str] = ()) -> dict[str, Any]:
    """Describe the extractor as it will run: names, versions and options.

    Args:
        boilerplate: extra boilerplate patterns in use.

    Returns:
        A JSON-ready dict stored in capture metadata under ``extractor``.
    """
    trafilatura, htmldate = _import()
    return {
        "name": "trafilatura",
        "version": str(trafilatura.__version__),
        "options": dict(TRAFILATURA_OPTIONS),
        "dates": {
            "name": "htmldate",
            "version": str(htmldate.__version__),
            "options": dict(HTMLDATE_OPTIONS),
        },
        "boilerplate": list(DEFAULT_BOILERPLATE) + list(boilerplate),
        "page_reader": PAGE_READER_VERSION,
    }


def _import() -> tuple[Any, Any]:
    try:
        import htmldate
        import trafilatura
    except ImportError as exc:
        raise MissingDependencyError("Fetching pages", "scrape") from exc
    return trafilatura, htmldate


def extract_article(html: str, url: str, *, boilerplate: Sequence[str] = ()) -> ExtractedArticle:
    """Extract the article from a page.

    Args:
        html: the decoded page.
        url: the URL the page was fetched from (after redirects), used to
            resolve relative links.
        boilerplate: extra regular expressions; a text line matching any of
            them (``re.search``, case-insensitive) is dropped.

    Returns:
        The article; ``text`` may be empty when no article body was found.

    Raises:
        ExtractionError: the page cannot be parsed as HTML, or a boilerplate
            pattern is not a valid regular expression.
        MissingDependencyError: the ``scrape`` extra is missing.
    """
    trafilatura, _ = _import()
    patterns = _compile(list(DEFAULT_BOILERPLATE) + list(boilerplate), url=url)
    tree = _parse(html, url)
    signals = read_signals(tree) if tree is not None else PageSignals()
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, as_dict=False, **TRAFILATURA_OPTIONS
    )
    title = signals.headline or (_clean(doc.title) if doc is not None else None)
    site_name = signals.site_name or (_clean(doc.sitename) if doc is not None else None)
    container = find_container(tree) if tree is not None else None
    markup = read_body(container, url) if container is not None else None
    live = read_live_blog(tree, signals, container) if tree is not None else None
    live_field = None
    if live is not None:
        text, live_field = _live_text(live, patterns)
        source = "live-blog"
    else:
        paragraphs, source = _body(signals, markup, doc, html, url, trafilatura, tree)
        paragraphs = trim_edges(
            paragraphs,
            headline=(title, signals.og.get("title"), _clean(doc.title) if doc else None),
            site_name=site_name,
        )
        text = _clean_text("\n".join(paragraphs), patterns)
    language = description = None
    byline_candidates: list[str | None] = []
    if doc is not None:
        language = _clean(doc.language)
        description = _clean(doc.description)
        byline_candidates.append(_clean(doc.author))
    if tree is not None:
        language = language or _clean(tree.get("lang"))
        byline_candidates.extend(page_bylines(tree))
    byline = choose_byline(signals.authors, byline_candidates, site_name=site_name)
    description = signals.og.get("description") or description
    page = _page_fields(signals, markup, source, tree, url)
    if live_field is not None:
        page["live_blog"] = live_field
    # Read the canonical link before htmldate, which may prune the tree it is given.
    canonical_url = _canonical(tree, url) if tree is not None else None
    published_at, modified_at = _dates(html, tree, url)
    return ExtractedArticle(
        url=url,
        text=text,
        title=title,
        byline=byline,
        site_name=site_name,
        language=language,
        description=description,
        published_at=published_at,
        modified_at=modified_at,
        canonical_url=canonical_url,
        page=page,
        extractor=extractor_info(boilerplate),
    )


def _live_text(live: LiveBlog, patterns: Sequence[re.Pattern[str]]) -> tuple[str, dict[str, Any]]:
    """A live blog's text, post by post, and its ``live_blog`` page field."""
    # Posts keep every paragraph, so the recorded post boundaries hold in the text.
    kept = attrs.evolve(
        live,
        posts=tuple(
            (post_id, at, tuple(_clean_text(t, patterns).split("\n\n")))
            for post_id, at, texts in live.posts
            if (t := "\n".join(texts)) and _clean_text(t, patterns)
        ),
    )
    paragraphs, live_field = kept.compose(())
    return "\n\n".join(paragraphs), live_field


def _body(
    signals: PageSignals,
    markup: BodyMarkup | None,
    doc: Any,
    html: str,
    url: str,
    trafilatura: Any,
    tree: Any,
) -> tuple[list[str], str]:
    """The body's paragraphs and the name of the source they came from."""
    declared = signals.article_body
    if declared and _words(declared) >= MIN_BODY_WORDS:
        if markup is not None:
            shown: Sequence[str] = markup.paragraphs
        else:
            shown = [block_text(p) for p in tree.iter("p")] if tree is not None else []
        return _split_declared(declared, shown), "json-ld"
    if markup is not None and _words(" ".join(markup.paragraphs)) >= MIN_BODY_WORDS:
        paragraphs = list(markup.paragraphs)
        lead = summary_before(markup)
        if lead and lead not in paragraphs:
            paragraphs.insert(0, lead)
        return paragraphs, "markup"
    text = (doc.text or "") if doc is not None else ""
    if _words(text) < MIN_BODY_WORDS and html.strip():
        options = {**TRAFILATURA_OPTIONS, "favor_precision": False, "favor_recall": True}
        recall = trafilatura.bare_extraction(
            html, url=url, with_metadata=False, as_dict=False, **options
        )
        if recall is not None and _words(recall.text or "") > _words(text):
            return (recall.text or "").split("\n"), "trafilatura-recall"
    return text.split("\n"), "trafilatura"


def _split_declared(declared: str, shown: Sequence[str]) -> list[str]:
    """``articleBody`` in paragraphs: the page's own where they spell it out, else its lines."""
    flat = " ".join(declared.split())
    found = [p for p in shown if p and p in flat]
    if found and sum(len(p) for p in found) >= 0.9 * len(flat.replace(" ", "")) - len(found):
        return found
    return [line for line in declared.replace("\r", "\n").split("\n") if line.strip()]


def _page_fields(
    signals: PageSignals, markup: BodyMarkup | None, source: str, tree: Any, url: str
) -> dict[str, Any]:
    """The fields kept in ``metadata["page"]``; see ``docs/scraping.md``."""
    page: dict[str, Any] = {"template": signals.template, "text_source": source}
    lead = _lead_image(signals, markup, tree, url)
    if lead:
        page["lead_image"] = lead
    images = [i for i in (markup.images if markup else ()) if not lead or i["url"] != lead["url"]]
    if images:
        page["images"] = images
    if markup is not None and markup.links:
        page["links"] = list(markup.links)
    if signals.publisher_id:
        page["publisher_id"] = signals.publisher_id
    return {k: v for k, v in page.items() if v}


def _lead_image(
    signals: PageSignals, markup: BodyMarkup | None, tree: Any, url: str
) -> dict[str, str] | None:
    declared = image_url(signals.image, url) if signals.image else None
    if declared is None:
        return markup.images[0] if markup is not None and markup.images else None
    for image in tree.iter("img") if tree is not None else ():
        found = describe_image(image, url)
        if found and found["url"] == declared:
            return found
    return {"url": declared, "alt": "", "caption": ""}


def _words(text: str) -> int:
    return len(text.split())


def _compile(patterns: Sequence[str], *, url: str) -> list[re.Pattern[str]]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ExtractionError(f"Bad boilerplate pattern {pattern!r}: {exc}", url=url) from exc
    return compiled


def _parse(html: str, url: str) -> Any:
    import lxml.etree  # type: ignore[import-untyped]
    import lxml.html  # type: ignore[import-untyped]

    if not html.strip():
        return None
    # lxml refuses str input that carries an XML encoding declaration.
    cleaned = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        return lxml.html.document_fromstring(cleaned)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"Could not parse the page at {url}: {exc}", url=url) from exc


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _clean_text(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    # Paragraphs are separated by one or more line breaks in any source.
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line or any(p.search(line) for p in patterns):
            continue
        lines.append(line)
    return "\n\n".join(lines)


def _canonical(tree: Any, url: str) -> str | None:
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            return _absolute(href, url)
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            content = (meta.get("content") or "").strip()
            if content:
                return _absolute(content, url)
    return None


def _absolute(href: str, base: str) -> str | None:
    try:
        resolved = urljoin(base, href)
        parts = urlsplit(resolved)
    except ValueError:  # e.g. a broken IPv6 host
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts._replace(fragment="").geturl()


# -- dates ------------------------------------------------------------------

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
    "publish-date",
    "pubdate",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "dc.date.modified",
    "last-modified",
)


def _dates(html: str, tree: Any, url: str) -> tuple[datetime | None, datetime | None]:
    published = modified = None
    if tree is not None:
        for item in json_ld_objects(tree):
            published = published or parse_datetime(item.get("datePublished"))
            modified = modified or parse_datetime(item.get("dateModified"))
        metas = _meta_values(tree)
        for name in _PUBLISHED_META:
            published = published or parse_datetime(metas.get(name))
        for name in _MODIFIED_META:
            modified = modified or parse_datetime(metas.get(name))
    if tree is not None and (published is None or modified is None):
        _, htmldate = _import()
        if published is None:
            published = parse_datetime(
                htmldate.find_date(tree, url=url, original_date=True, **HTMLDATE_OPTIONS)
            )
        if modified is None:
            found = parse_datetime(
                htmldate.find_date(tree, url=url, original_date=False, **HTMLDATE_OPTIONS)
            )
            # htmldate answers the newest date it sees; only keep it if it is an update.
            if found is not None and (published is None or found > published):
                modified = found
    return published, modified


def _meta_values(tree: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key and content and key not in values:
            values[key] = content
    for node in tree.iter("time"):
        prop = (node.get("itemprop") or "").lower()
        if prop and node.get("datetime") and prop not in values:
            values[prop] = node.get("datetime")
    return values


def parse_datetime(value: object) -> datetime | None:
    """Parse an ISO 8601 date or timestamp into an aware UTC datetime.

    Args:
        value: e.g. ``2024-05-01``, ``2024-05-01T10:00:00+02:00`` or ``...Z``.
            Naive values are taken as UTC; anything else gives None.

    Returns:
        The moment in UTC, or None if ``value`` is not a readable date.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(datetime.strptime(text[:10], "%Y-%m-%d").date(), time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
