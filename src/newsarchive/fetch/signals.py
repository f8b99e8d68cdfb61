"""What a page declares about its article, apart from the visible text.

Read from a parsed lxml tree: the schema.org object describing the article
(JSON-LD ``NewsArticle``, ``LiveBlogPosting``...), Open Graph ``<meta>`` tags,
and a fingerprint of the page's template. These do not depend on how the site
lays its article out, which is why extraction trusts them before the markup.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

# schema.org types that describe one article; the first found wins.
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "webpage",
    }
)
LIVE_BLOG_TYPE = "liveblogposting"


@attrs.frozen(kw_only=True)
class PageSignals:
    """The structured facts a page declares.

    ``article`` is the JSON-LD object describing the article (empty if none),
    ``og`` the Open Graph properties (``og:`` prefix removed), ``template`` a
    short hex fingerprint of the page's layout.
    """

    article: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    og: Mapping[str, str] = attrs.field(factory=dict)
    template: str = ""

    @property
    def is_live_blog(self) -> bool:
        return LIVE_BLOG_TYPE in _types(self.article)

    @property
    def article_body(self) -> str | None:
        body = self.article.get("articleBody")
        return body if isinstance(body, str) and body.strip() else None

    @property
    def headline(self) -> str | None:
        for value in (self.article.get("headline"), self.og.get("title")):
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())
        return None

    @property
    def site_name(self) -> str | None:
        publisher = self.article.get("publisher")
        if isinstance(publisher, Mapping) and isinstance(publisher.get("name"), str):
            return str(publisher["name"]).strip() or None
        return self.og.get("site_name") or None

    @property
    def authors(self) -> list[str]:
        """Names of the JSON-LD ``author`` people (organisations are left out)."""
        found = self.article.get("author")
        items = found if isinstance(found, list) else [found]
        names = []
        for item in items:
            raw: Any = None
            if isinstance(item, str):
                raw = item
            elif isinstance(item, Mapping) and "organization" not in _types(item):
                raw = item.get("name")
            if not isinstance(raw, str):
                continue
            name = " ".join(raw.split())
            if name and name not in names:
                names.append(name)
        return names

    @property
    def publisher_id(self) -> str | None:
        """The site's own id for the article: JSON-LD ``identifier``, else ``@id``."""
        for key in ("identifier", "@id"):
            value = self.article.get(key)
            if isinstance(value, Mapping):
                value = value.get("value") or value.get("@id")
            if isinstance(value, str | int) and str(value).strip():
                return str(value).strip()
        return None

    @property
    def image(self) -> str | None:
        """The lead image URL the page declares (JSON-LD ``image``, else ``og:image``)."""
        value: Any = self.article.get("image")
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, Mapping):
            value = value.get("url") or value.get("contentUrl")
        if isinstance(value, str) and value.strip():
            return value.strip()
        return self.og.get("image") or None


def read_signals(tree: Any) -> PageSignals:
    """Collect the JSON-LD article, Open Graph tags and template fingerprint of a page.

    Args:
        tree: the page parsed by ``lxml.html``.

    Returns:
        The signals; empty fields when the page declares nothing.
    """
    return PageSignals(
        article=_article_object(tree),
        og=_open_graph(tree),
        template=template_fingerprint(tree),
    )


def json_ld_objects(tree: Any) -> Iterator[Mapping[str, Any]]:
    """Every JSON object in the page's ``application/ld+json`` scripts, ``@graph`` unrolled.

    Args:
        tree: the parsed page.

    Returns:
        An iterator of mappings, in document order; unreadable scripts are skipped.
    """
    for script in tree.iter("script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        yield from _walk(data)


def _walk(data: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk(data["@graph"])


def _types(item: Mapping[str, Any]) -> set[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _article_object(tree: Any) -> Mapping[str, Any]:
    best: Mapping[str, Any] = {}
    for item in json_ld_objects(tree):
        types = _types(item)
        if not types & ARTICLE_TYPES:
            continue
        # A WebPage wrapper is only a fallback for a real article type.
        if types & (ARTICLE_TYPES - {"webpage"}):
            return item
        best = best or item
    return best


def _open_graph(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower().strip()
        content = " ".join((meta.get("content") or "").split())
        if key.startswith("og:") and content and key[3:] not in found:
            found[key[3:]] = content
    return found


# Classes that describe the article's content rather than the layout (and so vary
# between two articles of one template) are left out of the fingerprint.
_VOLATILE_CLASS = re.compile(r"\d{3,}|^(is|has)-|active|selected|open|hidden|visible|js-")


def template_fingerprint(tree: Any) -> str:
    """A short hex digest of the page's layout, equal for two captures of one template.

    It hashes the tags, ids and classes of the elements that frame the page
    (``<body>``, and the landmarks ``header``, ``nav``, ``main``, ``article``,
    ``footer``, ``aside`` with their ancestors) and the names of its
    stylesheets, so a redesign changes it while an edit of the text does not.

    Args:
        tree: the parsed page.

    Returns:
        16 hex digits, or an empty string for a page without a body.
    """
    body = tree.find(".//body") if tree.tag != "body" else tree
    if body is None:
        return ""
    parts: set[str] = set()
    landmarks = ("header", "nav", "main", "article", "footer", "aside", "section")
    for node in body.iter(*landmarks):
        for element in (node, *node.iterancestors()):
            parts.add(_describe(element))
    parts.add(_describe(body))
    for link in tree.iter("link"):
        if "stylesheet" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").split("?")[0]
            parts.add("css:" + re.sub(r"[.-][0-9a-f]{6,}(?=\.css$)", "", href))
    digest = hashlib.sha256("\n".join(sorted(parts)).encode("utf-8"))
    return digest.hexdigest()[:16]


def _describe(element: Any) -> str:
    if not isinstance(element.tag, str):
        return ""
    classes = sorted(
        c for c in (element.get("class") or "").split() if not _VOLATILE_CLASS.search(c)
    )
    ident = element.get("id") or ""
    if _VOLATILE_CLASS.search(ident):
        ident = ""
    return f"{element.tag}#{ident}.{'.'.join(classes)}"
