"""A static site of the whole archive: index, what changed, one page per article, feeds.

``build_site(archive, directory)`` writes it; running it again rewrites only what
changed since. The pages work from ``file://`` and any static host, load nothing,
and run no script but the index's own (admitted by its hash).
"""

from __future__ import annotations

from .build import MANIFEST, SiteReport, build_site
from .paths import article_feed, article_page, article_slug

__all__ = ["MANIFEST", "SiteReport", "article_feed", "article_page", "article_slug", "build_site"]
