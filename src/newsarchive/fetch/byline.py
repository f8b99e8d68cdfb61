"""Bylines are people: pick the article's authors and reject page furniture.

A byline candidate is refused when it is a word of the site's interface (a
login widget's "Username", "Subscribe", "Menu"...), a date or time, the site's
name, or too long to be a list of names. Candidates are tried in order: the
JSON-LD ``author`` people, then what the extractor read from the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Words of a site's interface that extractors pick up as authors.
_UI_TEXT = """username user name password log in login logout log out sign in signin sign up signup
    sign out register subscribe subscriber subscription share menu search close open home
    account my account profile newsletter follow comments comment print email more read more
    advertisement cookie cookies settings skip to content skip navigation navigation
    anmelden abmelden inloggen uitloggen registreren abonneren zoeken teilen delen"""
UI_WORDS = frozenset(_UI_TEXT.split())
_UI_PHRASES = frozenset(
    {
        "user name",
        "log in",
        "log out",
        "sign in",
        "sign up",
        "sign out",
        "my account",
        "read more",
        "skip to content",
        "skip navigation",
    }
)
_BY = re.compile(r"^\s*(by|von|door|par|por|di)\s+", re.IGNORECASE)
_DATEISH = re.compile(
    r"\d{1,4}[-/.:]\d{1,2}|\b(19|20)\d\d\b|\b\d{1,2}:\d\d\b|"
    r"\b(updated|published|aktualisiert|bijgewerkt|minutes? ago|hours? ago)\b",
    re.IGNORECASE,
)
_MAX_WORDS = 16


def is_person_byline(candidate: str, *, site_name: str | None = None) -> bool:
    """Whether a byline candidate can name people.

    Args:
        candidate: the text found, e.g. ``"By Ada Reporter"``.
        site_name: the site's name, which is not a byline either.

    Returns:
        False for interface words, dates, the site name and over-long text.
    """
    text = " ".join(_BY.sub("", candidate).split()).strip(" ,;|·-")
    if not text or not any(c.isalpha() for c in text):
        return False
    lowered = text.casefold()
    if lowered in UI_WORDS or lowered in _UI_PHRASES:
        return False
    words = re.findall(r"[^\W\d_]+", lowered)
    if words and all(w in UI_WORDS for w in words):
        return False
    if _DATEISH.search(text):
        return False
    if site_name and lowered == site_name.casefold():
        return False
    return len(text.split()) <= _MAX_WORDS


def choose_byline(
    json_ld_authors: Iterable[str], candidates: Iterable[str | None], *, site_name: str | None
) -> str | None:
    """The byline to record: JSON-LD people first, then the first acceptable candidate.

    Args:
        json_ld_authors: names from the page's JSON-LD ``author``.
        candidates: other candidates in order of trust (``None`` entries are skipped).
        site_name: the site's name, never taken as a byline.

    Returns:
        Names joined with ``"; "``, a cleaned candidate, or None.
    """
    people = [a for a in json_ld_authors if is_person_byline(a, site_name=site_name)]
    if people:
        return "; ".join(_name(p) for p in people)
    for candidate in candidates:
        # Extractors join several authors with ";": keep the people among them.
        parts = [
            p for p in (candidate or "").split(";") if is_person_byline(p, site_name=site_name)
        ]
        if parts:
            return "; ".join(_name(p) for p in parts)
    return None


def _name(text: str) -> str:
    text = " ".join(_BY.sub("", text).split())
    # Names set in capitals ("BY JANE DOE") are a style, not a different byline.
    return text.title() if text.isupper() else text


def page_bylines(tree: Any) -> list[str]:
    """Byline candidates the page shows or declares, most explicit first.

    Args:
        tree: the parsed page.

    Returns:
        ``<meta name=author>``, then ``[itemprop=author]``, ``[rel=author]`` links and
        elements whose class starts with ``byline``; each text once.
    """
    found: list[str] = []
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() == "author":
            found.append(meta.get("content") or "")
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("meta", "script", "style"):
            continue
        itemprop = (element.get("itemprop") or "").lower().split()
        rel = (element.get("rel") or "").lower().split()
        classes = (element.get("class") or "").lower().split()
        if "author" in itemprop or "author" in rel or any(c.startswith("byline") for c in classes):
            found.append(element.text_content())
    out: list[str] = []
    for text in found:
        text = " ".join(text.split())
        if text and text not in out:
            out.append(text)
    return out
