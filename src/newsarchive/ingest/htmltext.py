"""A simple, dependency-free HTML-to-text step for pages saved by hand.

Scheduled fetching uses a real extractor (``newsarchive.fetch.extract``); this keeps the
readable blocks of a page, one paragraph per block, and skips scripts, styles and chrome.
"""

from __future__ import annotations

from html.parser import HTMLParser

import attrs

_BLOCKS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "pre",
        "figcaption",
        "div",
        "section",
        "article",
        "tr",
        "br",
        "dd",
        "dt",
        "main",
    }
)
_SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "aside",
        "svg",
        "form",
        "button",
        "iframe",
        "head",
    }
)


@attrs.frozen
class PageText:
    title: str | None
    text: str


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self._in_h1 = False

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCKS:
            self._flush()
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self._flush()
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip_depth:
            self._current.append(data)
            if self._in_h1:
                self.h1_parts.append(data)


def html_to_text(html: str) -> PageText:
    """Return the page's title and its readable text, paragraphs separated by blank lines.

    The first ``<h1>`` is taken as the title when there is one (pages' ``<title>`` usually
    carries the site name too); the heading is then not repeated in the text.
    """
    collector = _Collector()
    collector.feed(html)
    collector.close()
    collector._flush()
    h1 = " ".join("".join(collector.h1_parts).split()) or None
    title = h1 or " ".join("".join(collector.title_parts).split()) or None
    paragraphs = collector.paragraphs
    if h1 and paragraphs and paragraphs[0] == h1:
        paragraphs = paragraphs[1:]
    return PageText(title=title, text="\n\n".join(paragraphs))
