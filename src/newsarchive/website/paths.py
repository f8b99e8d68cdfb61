"""Where each page of the site lives, relative to the site's root.

An article's page name is readable (its host and path) and unique (a hash of its
URL), and depends on nothing else, so alerts can link to a page before it is built.
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^a-z0-9]+")
_SLUG_LIMIT = 80


def article_slug(url: str) -> str:
    """A file-name-safe, unique name for an article: ``host-path-<8 hex>``.

    Args:
        url: the article's canonical URL.

    Returns:
        Lowercase letters, digits and dashes.
    """
    # Host and path, read without urlsplit: this runs for every article of every build.
    rest = url.partition("://")[2] or url
    rest = rest.partition("?")[0].partition("#")[0]
    readable = _UNSAFE.sub("-", rest.lower()).strip("-")
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{readable[:_SLUG_LIMIT].rstrip('-')}-{digest}".lstrip("-")


def article_page(url: str) -> str:
    """The path of an article's report page: ``articles/<slug>.html``."""
    return f"articles/{article_slug(url)}.html"


def article_feed(url: str) -> str:
    """The path of an article's Atom feed: ``articles/<slug>.atom``."""
    return f"articles/{article_slug(url)}.atom"
