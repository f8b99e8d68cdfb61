"""Trim page furniture off the start and end of an article body.

Templates put a "Supported by" line, the headline again, the site's name, a
byline, a date or "Listen to this article" right above the text, and share
prompts or "Read more" right below it. These lines are dropped only at the
body's edges: in the middle of an article such a line is the article's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

EDGE_FURNITURE = re.compile(
    r"^(supported by|advertisement|skip advertisement|anzeige|advertentie|publicit[eé]|"
    r"listen to this article|listen|share( this)?( article| story)?|save( article)?|"
    r"gift this article|comments?|print|email|follow|live|breaking( news)?|exclusive|"
    r"\d+\s*(min|minute|minuten)s?( read| leestijd| lesezeit)?|"
    r"(read|lees|lesen) (more|ook|auch|mehr)\b.*|more on this story|related\s*:?.*|"
    r"this article is more than \d+ \w+ old|"
    r"(photo|image|foto|bild|credit|getty images|reuters|ap photo)\s*[:/].{0,80}|"
    r"(updated|published|bijgewerkt|aktualisiert|gepubliceerd|veröffentlicht)\b.{0,60}|"
    r"(by|door|von)\s+[^.!?]{2,80}|"
    r"(additional )?(reporting|writing|editing)( by)?\b[^.!?]{0,160}|"
    r"(this article|this story) was (produced|originally published)\b.{0,160})$",
    re.IGNORECASE,
)
# A heading that opens the list of other stories after the body: it and what follows go.
TRAILING_SECTION = re.compile(
    r"^(related( content| coverage| stories| topics| articles)?|more on this (story|topic)|"
    r"you (may|might) also like|most (read|viewed|popular)|top stories|read more|"
    r"recommended( for you)?|lees ook|meer nieuws|lesen sie auch|mehr zum thema|"
    r"weitere artikel)\s*:?$",
    re.IGNORECASE,
)
_DATEISH = re.compile(r"\b(19|20)\d\d\b|\b\d{1,2}[:.]\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+::\s+")
_NON_WORD = re.compile(r"[\W_]+")


def trim_edges(
    paragraphs: Sequence[str],
    *,
    headline: Iterable[str | None] = (),
    site_name: str | None = None,
) -> list[str]:
    """Drop furniture lines from the start and the end of the body.

    Args:
        paragraphs: the body's paragraphs in order.
        headline: the article's headline in its known forms (JSON-LD, Open Graph,
            ``<title>``); a paragraph equal to any of them, or to the ``<title>``
            without its site suffix, is the headline repeated.
        site_name: the site's name.

    Returns:
        The paragraphs without the furniture at either edge.
    """
    repeated = set()
    for value in headline:
        if value:
            repeated.add(_key(value))
            parts = _TITLE_SEPARATORS.split(value)
            if len(parts) > 1:
                repeated.add(_key(parts[0]))
    if site_name:
        repeated.add(_key(site_name))
    repeated.discard("")

    def is_furniture(line: str) -> bool:
        line = line.strip()
        return _key(line) in repeated or bool(EDGE_FURNITURE.match(line)) or _is_dateline(line)

    out = list(paragraphs)
    tail = len(out) - 6
    for index in range(max(tail, 1), len(out)):
        if TRAILING_SECTION.match(out[index].strip()):
            del out[index:]
            break
    while out and is_furniture(out[0]):
        out.pop(0)
    while out and is_furniture(out[-1]):
        out.pop()
    return out


def _is_dateline(line: str) -> bool:
    # A date or time on its own, not a short last sentence that mentions a year.
    return (
        len(line.split()) <= 10
        and bool(_DATEISH.search(line))
        and not line.endswith((".", "!", "?", '"', "”", "»"))
    )


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()
