"""The article body as the page marks it up: its container, paragraphs, images and links.

The container is the element the site declares holds the article
(``[itemprop=articleBody]``), else the elements whose class names it so
(``article-body``, ``story-body``, ``RichTextStoryBody``...), else the
``<article>`` holding the most text. Inside it, text blocks are read in order,
skipping furniture: figures and captions, asides, forms, share bars,
newsletter boxes, carousels, related links, bylines, ads and hidden elements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import attrs

from ..urls import canonical_url

BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "pre", "dd", "dt", "td"})
# Containers that hold blocks; read as one block when they hold none.
_WRAPPER_TAGS = frozenset({"div", "section", "blockquote", "ul", "ol", "dl", "table", "span"})
SKIP_TAGS = frozenset(
    {
        "figure", "figcaption", "aside", "nav", "form", "button", "script", "style",
        "noscript", "iframe", "svg", "header", "footer", "template", "select", "input",
        "label", "picture", "video", "audio", "object", "embed", "dialog", "menu",
    }
)  # fmt: skip
# A class, id, role or data attribute token naming page furniture.
_FURNITURE_STEMS = (
    "related", "recommended", "recommendations", "newsletter", "newsletters", "signup",
    "sign-up", "promo", "promotion", "advert", "advertisement", "ad", "ads", "adslot",
    "ad-slot", "dfp", "sponsor", "sponsored", "supported-by", "share", "sharing",
    "sharedaddy", "social", "carousel", "slider", "slideshow", "swiper", "byline", "author",
    "authors", "contributor", "dateline", "timestamp", "caption", "credit", "tag", "tags",
    "breadcrumb", "breadcrumbs", "cookie", "cookies", "consent", "paywall", "subscribe",
    "subscription", "read-more", "readmore", "more-on", "more-from", "also-read", "see-also",
    "outbrain", "taboola", "comment", "comments", "toolbar", "widget", "print-only",
    "visually-hidden", "sr-only", "screen-reader-text", "banner", "live-banner", "most-read",
    "most-viewed", "most-popular", "trending", "teaser-list", "links-block", "link-list",
    "list-links", "related-links", "lees-ook", "leesook", "mehr-zum-thema", "weitere",
    "empfehlung", "empfehlungen", "inline-list", "meta", "headline", "kicker", "badge",
    "rating", "video", "gallery", "login", "account", "modal", "overlay", "popup",
    "jp-relatedposts", "anzeige", "advertentie",
)  # fmt: skip
# A class, id or data attribute token naming page furniture, as a whole word of it.
FURNITURE = re.compile(
    r"(?:^|[-_])(?:" + "|".join(re.escape(s) for s in _FURNITURE_STEMS) + r")(?:[-_]|\d|$)",
    re.IGNORECASE,
)
BODY_CLASS = re.compile(
    r"^(wp-block-)?(article|story|entry|post|rich-text|richtext|artikel|bericht)[-_]{0,2}"
    r"(story-)?(body|text|content|tekst|inhalt|textbody)([-_][\w-]*)?$|"
    r"^(articlebody|storybody|bodytext|body-text|artikeltext)$",
    re.IGNORECASE,
)
SUMMARY_CLASS = re.compile(
    r"^(summary|standfirst|lede|lead|intro|dek|teaser|abstract|article-?summary|"
    r"article__intro|article__lead|story-?summary|article-?lead|article-?intro|"
    r"article-?teaser|intro-?text|leadtext|vorspann|inleiding|description)$",
    re.IGNORECASE,
)
# Image URL parts that only pick a size or a crop of the same picture.
_SIZE_PARTS = (
    re.compile(
        r"[-_](\d{2,4}x\d{2,4}|\d{2,4}w|w\d{2,4}|\d{2,4}px|\d{3,4}|small|medium|large|thumb|"
        r"articleLarge|superJumbo|jumbo|popup|thumbStandard|master\d+|mediumThreeByTwo\d+|"
        r"videoSixteenByNine\d+)(?=\.\w+$)"
    ),
    re.compile(
        r"/(\d{2,4}x\d{2,4}|w_\d+[^/]*|c_\w+[^/]*|(?!(19|20)\d\d/)\d{3,4}|width-\d+|"
        r"ws|wp|standard)/"
    ),
)  # fmt: skip


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@attrs.frozen(kw_only=True)
class BodyMarkup:
    """What the article's container holds."""

    container: Any = attrs.field(repr=False, eq=False)
    first_block: Any = attrs.field(default=None, repr=False, eq=False)
    paragraphs: tuple[str, ...] = ()
    images: tuple[dict[str, str], ...] = ()
    links: tuple[dict[str, str], ...] = ()


def find_container(tree: Any) -> Any | None:
    """The element holding the article body, or None (see the module docstring).

    Args:
        tree: the parsed page.

    Returns:
        An lxml element.
    """
    declared = [e for e in tree.iter() if _attr(e, "itemprop").lower() == "articlebody"]
    if declared:
        return max(declared, key=text_length)
    named = [
        e
        for e in tree.iter("div", "section", "article", "main")
        if any(BODY_CLASS.match(t) for t in _tokens(e, "class", "id", "data-component", "data-qa"))
        and not is_furniture(e)
    ]
    # The outermost match, so a body split in several columns is read whole.
    named = [e for e in named if not any(a in named for a in e.iterancestors())]
    if named:
        best = max(named, key=text_length)
        parent = best.getparent()
        if parent is not None and sum(e.getparent() is parent for e in named) > 1:
            # A body split in several columns or blocks side by side: read them all.
            best = parent
        if text_length(best) >= 200:
            return best
    articles = [e for e in tree.iter("article") if not is_furniture(e)]
    if articles:
        best = max(articles, key=text_length)
        if text_length(best) >= 200:
            return best
    return None


def read_body(container: Any, base_url: str) -> BodyMarkup:
    """Read the paragraphs, in-body images and links of a container.

    Args:
        container: from :func:`find_container`.
        base_url: the page's URL, to resolve relative links.

    Returns:
        Paragraphs in order (one per text block), images (``url``, ``alt``,
        ``caption``) and links (``url``, ``text``), each once.
    """
    blocks = list(iter_blocks(container))
    paragraphs = [p for p in (block_text(b) for b in blocks) if p]
    images: list[dict[str, str]] = []
    for image in container.iter("img"):
        if _hidden(image) or any(_hidden(a) for a in image.iterancestors()):
            continue
        found = describe_image(image, base_url)
        if found and found["url"] not in {i["url"] for i in images}:
            images.append(found)
    links: list[dict[str, str]] = []
    for anchor in _iter_kept(container, "a"):
        url = link_url(anchor.get("href") or "", base_url)
        text = _clean(anchor.text_content())
        if url and (url, text) not in {(k["url"], k["text"]) for k in links}:
            links.append({"url": url, "text": text})
    return BodyMarkup(
        container=container,
        first_block=blocks[0] if blocks else None,
        paragraphs=tuple(_dedupe(paragraphs)),
        images=tuple(images),
        links=tuple(links),
    )


def iter_blocks(element: Any) -> Iterator[Any]:
    """The text blocks under ``element`` in document order, furniture left out."""
    for child in element:
        if not isinstance(child.tag, str) or is_furniture(child):
            continue
        if child.tag in BLOCK_TAGS:
            yield child
        elif _has_block(child):
            yield from iter_blocks(child)
        elif child.tag in _WRAPPER_TAGS or child.tag in ("a", "strong", "em", "b", "i"):
            yield child


def block_text(element: Any) -> str:
    """An element's text with spaces collapsed, furniture inside it left out."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and (child.tag == "a" or not is_furniture(child)):
                walk(child)
            elif isinstance(child.tag, str) and child.tag in ("br",):
                parts.append(" ")
            parts.append(child.tail or "")

    walk(element)
    return _clean("".join(parts))


def summary_before(markup: BodyMarkup) -> str | None:
    """The summary or standfirst paragraph set apart before the body text, if any.

    Some templates print the lead paragraph in its own element above the body
    and others inside it; reading it from either place keeps the text the same.

    Args:
        markup: the body read by :func:`read_body`.

    Returns:
        Its text, or None.
    """
    container = markup.container
    scope = next(
        (a for a in (container, *container.iterancestors()) if a.tag in ("article", "main")),
        container.getparent(),
    )
    scope = next((a for a in scope.iterancestors() if a.tag == "main"), scope)
    if scope is None:
        return None
    for element in scope.iter():
        if element is markup.first_block:
            return None
        if not isinstance(element.tag, str) or element.tag not in ("p", "div", "h2"):
            continue
        names = _tokens(element, "class", "id", "data-component", "data-gu-name", "itemprop")
        if any(SUMMARY_CLASS.match(t) for t in names):
            if any(
                _hidden(a) or a.tag in ("nav", "aside", "figure") for a in element.iterancestors()
            ):
                continue
            text = _clean(element.text_content())
            if len(text.split()) >= 8:
                return text
    return None


def is_furniture(element: Any) -> bool:
    """Whether an element is page furniture by its tag, role, class, id or visibility."""
    if element.tag in SKIP_TAGS or _hidden(element):
        return True
    if _attr(element, "role").lower() in ("complementary", "navigation", "banner", "contentinfo"):
        return True
    if _attr(element, "itemprop").lower() == "articlebody":
        return False
    tokens = _tokens(element, "class", "id", "data-component", "data-testid", "data-qa")
    return any(FURNITURE.match(t) for t in tokens)


def describe_image(image: Any, base_url: str) -> dict[str, str] | None:
    """An image's normalised URL, alt text and caption (from its ``<figure>``)."""
    src = image.get("src") or image.get("data-src") or ""
    if not src or src.startswith("data:"):
        srcset = image.get("srcset") or image.get("data-srcset") or ""
        src = srcset.split(",")[0].strip().split(" ")[0] if srcset else ""
    url = image_url(src, base_url)
    if not url:
        return None
    caption = ""
    figure = next((a for a in image.iterancestors() if a.tag == "figure"), None)
    if figure is not None:
        captions = [block_text(c) for c in figure.iter("figcaption")]
        caption = " ".join(c for c in captions if c)
    return {"url": url, "alt": _clean(image.get("alt") or ""), "caption": caption}


def image_url(src: str, base_url: str) -> str | None:
    """An image URL without query, fragment or size variants, so crops of one picture match.

    Args:
        src: the ``src`` as written.
        base_url: the page's URL.

    Returns:
        The absolute URL, or None if it is not http(s).
    """
    try:
        parts = urlsplit(urljoin(base_url, src.strip()))
    except ValueError:  # e.g. a broken IPv6 host
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path
    for pattern in _SIZE_PARTS:
        previous = None
        while previous != path:
            previous, path = path, pattern.sub(lambda m: "" if m.group(0)[0] != "/" else "/", path)
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def link_url(href: str, base_url: str) -> str | None:
    """A link's canonical URL (tracking parameters and fragment dropped), or None."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        resolved = urljoin(base_url, href)
        if urlsplit(resolved).scheme not in ("http", "https"):
            return None
        return canonical_url(resolved)
    except ValueError:  # e.g. a broken IPv6 host
        return None


def _iter_kept(element: Any, tag: str) -> Iterator[Any]:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == tag:
            # A link's own class ("button", "link") says how it looks, not what it is.
            if not _hidden(child):
                yield child
            continue
        if not is_furniture(child):
            yield from _iter_kept(child, tag)


def _has_block(element: Any) -> bool:
    return any(isinstance(e.tag, str) and e.tag in BLOCK_TAGS for e in element.iterdescendants())


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or _attr(element, "aria-hidden").lower() == "true":
        return True
    style = _attr(element, "style").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _attr(element: Any, name: str) -> str:
    value = element.get(name) if isinstance(element.tag, str) else None
    return value or ""


def _tokens(element: Any, *names: str) -> list[str]:
    tokens = []
    for name in names:
        for token in _attr(element, name).split():
            # BEM and camel-case names: "article__body--wide", "RichTextStoryBody".
            kebab = _CAMEL.sub("-", token).lower()
            for form in {token, kebab}:
                tokens.append(form)
                tokens.extend(t for t in re.split(r"__|--", form) if t and t != form)
    return tokens


def text_length(element: Any) -> int:
    """Characters of text in an element's blocks, furniture left out."""
    return sum(len(block_text(b)) for b in iter_blocks(element))


def _clean(text: str) -> str:
    return " ".join(text.split())


def _dedupe(paragraphs: list[str]) -> list[str]:
    # A block repeated back to back (a pull quote, a mobile copy) is read once.
    out: list[str] = []
    for p in paragraphs:
        if not out or out[-1] != p:
            out.append(p)
    return out
