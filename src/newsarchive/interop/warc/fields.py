"""Article fields read from a page found in another tool's archive."""

from __future__ import annotations

import logging
from typing import Any

from ...errors import ExtractionError, MissingDependencyError
from ...fetch.extract import extract_article

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # quiet unless the application sets up logging


def extract_fields(html: str, url: str) -> dict[str, Any]:
    """Read article fields from a page; empty when no extractor is installed."""
    try:
        article = extract_article(html, url)
    except MissingDependencyError:
        return {}  # archive.save extracts text from html= itself
    except ExtractionError as exc:
        log.info("extraction failed for %s: %s", url, exc)
        return {}
    fields: dict[str, Any] = {
        "title": article.title,
        "byline": article.byline,
        "published_at": article.published_at,
        "modified_at": article.modified_at,
        "canonical_url": article.canonical_url,
    }
    if article.text.strip():
        fields["text"] = article.text
    if article.page:
        fields["metadata"] = {"page": dict(article.page)}
    return fields
