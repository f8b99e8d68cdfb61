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
FURNITURE = re.compile(
    r"^(related|recommend\w*|newsletter\w*|signup|sign-up|promo\w*|advert\w*|ads?|ad-\w+|"
    r"adslot|ad-?container|dfp|sponsor\w*|supported-by|share\w*|social\w*|carousel\w*|"
    r"slider|slideshow|swiper\w*|byline\w*|author\w*|contributor\w*|dateline|timestamp|"
    r"caption\w*|credit\w*|tags?|breadcrumbs?|cookie\w*|consent\w*|paywall\w*|subscribe\w*|"
    r"subscription|read-?more|more-on|more-from|also-read|see-also|outbrain|taboola|"
    r"comments?|toolbar|widget|print-only|visually-hidden|sr-only|screen-reader-text|banner|"
    r"live-?banner|most-read|most-popular|trending|teaser-list|links?-?(block|list)?|"
    r"lees-ook|leesook|mehr-zum-thema|weitere\w*|empfehlung\w*|inline-list|list-links|"
    r"article-?meta|meta|headline|kicker|badge|rating|video\w*|gallery\w*)$",
    re.IGNORECASE,
)
BODY_CLASS = re.compile(
    r"^(article|story|entry|post|content|body|rich|artikel|bericht)[-_]?"
    r"(body|text|content|tekst|inhalt|storybody|body-?content|richtext|textbody)$|"
    r"^(articlebody|storybody|richtextstorybody|richtextbody|bodytext|body-text|"
    r"article__body|article-body__content|story-body__inner|article__content|"
    r"story__body|artikel__tekst|article-text|articletext|artikeltext)$",
    re.IGNORECASE,
)
SUMMARY_CLASS = re.compile(
    r"^(summary|standfirst|lede|lead|intro|dek|teaser|abstract|article-?summary|"
    r"article__intro|article__lead|story-?summary|article-?lead|article-?intro|"
    r"article-?teaser|intro-?text|leadtext|vorspann|inleiding)$",
    re.IGNORECASE,
)
# Image URL parts that only pick a size or a crop of the same picture.
_SIZE_PARTS = (
    re.compile(r"[-_](\d{2,4}x\d{2,4}|\d{2,4}w|w\d{2,4}|\d{2,4}px|small|medium|large|thumb)(?=\.\w+$)"),
    re.compile(r"/(\d{2,4}x\d{2,4}|w_\d+[^/]*|c_\w+[^/]*|\d{2,4}|width-\d+|ws|wp|standard)/"),
)  # fmt: skip


@attrs.frozen(kw_only=True)
class BodyMarkup:
    """What the article's container holds."""

    container: Any = attrs.field(repr=False, eq=False)
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
        return max(declared, key=_text_length)
    named = [
        e
        for e in tree.iter("div", "section", "article", "main")
        if any(BODY_CLASS.match(t) for t in _tokens(e, "class", "id", "data-component", "data-qa"))
    ]
    # The outermost match, so a body split in several columns is read whole.
    named = [e for e in named if not any(a in named for a in e.iterancestors())]
    if named:
        best = max(named, key=_text_length)
        if _text_length(best) >= 200:
            return best
    articles = [e for e in tree.iter("article") if not is_furniture(e)]
    if articles:
        best = max(articles, key=_text_length)
        if _text_length(best) >= 200:
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
    paragraphs = [p for p in (_clean(b.text_content()) for b in iter_blocks(container)) if p]
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


def summary_before(container: Any) -> str | None:
    """The summary or standfirst paragraph set apart before the body, if any.

    Some templates print the lead paragraph in its own element above the body
    and others inside it; reading it from either place keeps the text the same.

    Args:
        container: the body container.

    Returns:
        Its text, or None.
    """
    scope = next(
        (a for a in container.iterancestors() if a.tag in ("article", "main")),
        container.getparent(),
    )
    if scope is None:
        return None
    for element in scope.iter():
        if element is container:
            return None
        if not isinstance(element.tag, str) or element.tag not in ("p", "div", "h2"):
            continue
        if any(SUMMARY_CLASS.match(t) for t in _tokens(element, "class", "id", "data-component")):
            if any(_hidden(a) or a.tag in ("nav", "aside") for a in element.iterancestors()):
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
        captions = [_clean(c.text_content()) for c in figure.iter("figcaption")]
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
    parts = urlsplit(urljoin(base_url, src.strip()))
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
    resolved = urljoin(base_url, href)
    if urlsplit(resolved).scheme not in ("http", "https"):
        return None
    try:
        return canonical_url(resolved)
    except ValueError:
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
            tokens.append(token)
            # BEM and CSS-module names: "article__body--wide", "css-1x2y3 StoryBodyColumn".
            tokens.extend(t for t in re.split(r"__|--", token) if t and t != token)
    return tokens


def _text_length(element: Any) -> int:
    return sum(len(_clean(b.text_content())) for b in iter_blocks(element))


def _clean(text: str) -> str:
    return " ".join(text.split())


def _dedupe(paragraphs: list[str]) -> list[str]:
    # A block repeated back to back (a pull quote, a mobile copy) is read once.
    out: list[str] = []
    for p in paragraphs:
        if not out or out[-1] != p:
            out.append(p)
    return out
