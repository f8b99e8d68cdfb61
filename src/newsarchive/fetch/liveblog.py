"""Live blogs: a page of time-stamped posts, read post by post.

A page is a live blog when its JSON-LD says ``LiveBlogPosting``, or when its
article body holds at least three sibling blocks that each carry a
``<time datetime>`` and together hold most of its text. The text is then the
posts' paragraphs in page order, and ``metadata["page"]["live_blog"]`` lists
each post with the paragraphs it covers in the text, so the analysis can tell
new posts from edited ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .body import block_text, is_furniture, iter_blocks, text_length
from .signals import PageSignals

MIN_POSTS = 3


@attrs.frozen(kw_only=True)
class LiveBlog:
    """The posts of a live blog: each a list of paragraphs, its id and time."""

    posts: tuple[tuple[str, str, tuple[str, ...]], ...]
    source: str

    def compose(self, intro: Sequence[str]) -> tuple[list[str], dict[str, Any]]:
        """The text's paragraphs and the ``live_blog`` page field describing them.

        Args:
            intro: paragraphs before the first post.

        Returns:
            (paragraphs, field) where ``field["posts"]`` holds per post ``id``,
            ``at``, ``start`` and ``count`` (its paragraphs in the text) and
            ``digest`` (of its text).
        """
        paragraphs = list(intro)
        described = []
        for post_id, at, texts in self.posts:
            described.append(
                {
                    "id": post_id,
                    "at": at,
                    "start": len(paragraphs),
                    "count": len(texts),
                    "digest": post_digest(texts),
                }
            )
            paragraphs.extend(texts)
        return paragraphs, {"source": self.source, "posts": described}


def post_digest(paragraphs: Sequence[str]) -> str:
    """A short digest of a post's text, equal for equal posts."""
    joined = "\n\n".join(" ".join(p.split()) for p in paragraphs)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# Undeclared, the posts must hold this share of the body's text.
MIN_SHARE = 0.6


def read_live_blog(tree: Any, signals: PageSignals, container: Any | None) -> LiveBlog | None:
    """The page's posts if it is a live blog (see the module docstring), else None.

    Args:
        tree: the parsed page.
        signals: its JSON-LD and Open Graph facts.
        container: the article body's element, if one was found.

    Returns:
        The posts read from the markup, else from JSON-LD ``liveBlogUpdate``.
    """
    if signals.is_live_blog:
        posts = _markup_posts(tree)
    else:
        # A list of other stories with their times is not a live blog: the posts
        # must be most of the text of the page's main part.
        scope = tree.find(".//main")
        if scope is None:
            scope = container if container is not None else tree.find(".//body")
        posts = _markup_posts(scope) if scope is not None else ()
        total = text_length(scope) if posts else 0
        if not total or sum(len(" ".join(t)) for _, _, t in posts) < MIN_SHARE * total:
            posts = ()
    if posts:
        return LiveBlog(posts=posts, source="markup")
    if signals.is_live_blog:
        declared = _declared_posts(signals.article)
        if declared:
            return LiveBlog(posts=declared, source="json-ld")
    return None


def _markup_posts(tree: Any) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    best: list[Any] = []
    for parent in tree.iter():
        if not isinstance(parent.tag, str) or is_furniture(parent):
            continue
        stamped = [
            child
            for child in parent
            if isinstance(child.tag, str)
            and not is_furniture(child)
            and any(t.get("datetime") for t in child.iter("time"))
        ]
        if len(stamped) >= MIN_POSTS and len(stamped) > len(best):
            best = stamped
    posts = []
    for element in best:
        time = next(t.get("datetime") for t in element.iter("time") if t.get("datetime"))
        texts = tuple(t for t in (block_text(b) for b in iter_blocks(element)) if t)
        if not texts:
            continue
        # Without an id of the site's, a post is known by its text alone.
        post_id = element.get("id") or element.get("data-post-id") or ""
        posts.append((post_id, time.strip(), texts))
    return tuple(posts)


def _declared_posts(article: Mapping[str, Any]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    updates = article.get("liveBlogUpdate")
    if isinstance(updates, Mapping):
        updates = [updates]
    posts = []
    for update in updates if isinstance(updates, list) else []:
        if not isinstance(update, Mapping):
            continue
        texts = [
            " ".join(str(update.get(key) or "").split()) for key in ("headline", "articleBody")
        ]
        texts = [t for t in texts if t]
        if texts:
            post_id = str(update.get("@id") or update.get("url") or "")
            posts.append((post_id, str(update.get("datePublished") or ""), tuple(texts)))
    return tuple(posts)
