"""Live blogs: new posts are an update, not a stealth edit.

When both versions carry ``metadata["page"]["live_blog"]`` (see
``docs/scraping.md``) and the new one has posts the old one did not, those
posts are taken out of the new text and reported once as ``live-update``
(minor). What remains is compared as usual, so an edited earlier post still
gives its reasons and a deleted one gives ``paragraph-deleted`` (substantive).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..models import Version
from ._body import analyse_body
from ._quoting import quote
from .align import Alignment
from .reasons import Found
from .rules import Rules


def live_posts(version: Version) -> Sequence[Mapping[str, Any]] | None:
    """The posts recorded for a live blog version, or None for another page."""
    page = version.metadata.get("page") if version.metadata else None
    live = page.get("live_blog") if isinstance(page, Mapping) else None
    posts = live.get("posts") if isinstance(live, Mapping) else None
    if not isinstance(posts, list):
        return None
    return [p for p in posts if isinstance(p, Mapping)]


def judge_live_blog(old: Version, new: Version, rules: Rules, found: Found) -> Alignment | None:
    """Analyse a live blog's body into ``found``, new posts as one ``live-update``.

    Args:
        old: the previous version.
        new: the version judged.
        rules: thresholds and patterns.
        found: where the reasons go.

    Returns:
        The alignment of the old text with the new one less its new posts, or
        None when this is not a live blog with new posts (analyse as usual).
    """
    before, after = live_posts(old), live_posts(new)
    if before is None or after is None:
        return None
    # A post is new when neither its id nor its text was there before; an earlier
    # post edited keeps its id and is compared as text.
    digests = {p.get("digest") for p in before}
    ids = {p.get("id") for p in before} - {None, ""}
    added = [p for p in after if p.get("digest") not in digests and p.get("id") not in ids]
    if not added:
        return None
    paragraphs = new.text.split("\n\n")
    dropped: set[int] = set()
    for post in added:
        start, count = post.get("start"), post.get("count")
        if not isinstance(start, int) or not isinstance(count, int):
            return None
        dropped.update(range(start, start + count))
    if max(dropped, default=-1) >= len(paragraphs):
        return None  # the text does not match its recorded posts
    first = paragraphs[min(dropped)] if dropped else ""
    remaining = "\n\n".join(p for i, p in enumerate(paragraphs) if i not in dropped)
    alignment = analyse_body(old.text, remaining, rules, found)
    found.add(
        "live-update",
        f"{len(added)} new post{'s' if len(added) != 1 else ''}, first {quote(first, 60)}",
    )
    return alignment
