"""Changes a page shows beyond its text: template, images, captions and links.

Reads the ``page`` mapping a scraped capture keeps in its metadata (see
``docs/scraping.md``). Two rules:

* **extraction-changed**: when the page's template fingerprint differs between
  the two versions and every text difference sits at the body's edges (before
  the first or after the last sentence they share, at most three paragraphs
  each side) or is boilerplate, the body reasons are replaced by one
  ``extraction-changed`` (cosmetic): a redesign is not an edit.
* A version made by re-extracting stored HTML (``metadata["reason"] ==
  "extractor-changed"``) is ``extraction-changed`` whatever its text says.
* **image-changed**, **caption-changed**, **link-added**, **link-removed**:
  the lead image, in-body images, their captions and the body's links compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..models import Version
from ._quoting import quote
from .align import Alignment
from .reasons import Found

# ``metadata["reason"]`` of a capture made by re-reading stored HTML with a newer extractor.
EXTRACTOR_CHANGED = "extractor-changed"
# Body differences may reach this many paragraphs into either edge.
EDGE_PARAGRAPHS = 3
# The sentences both versions share must hold at least this share of each side's words.
SHARED_SHARE = 0.5


def items(page: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The entries of a list field that carry a URL; anything malformed is skipped."""
    value = page.get(key)
    if not isinstance(value, list):
        return []
    return [i for i in value if isinstance(i, Mapping) and isinstance(i.get("url"), str)]


def _lead(page: Mapping[str, Any]) -> Mapping[str, Any]:
    value = page.get("lead_image")
    return value if isinstance(value, Mapping) else {}


def page_fields(version: Version) -> Mapping[str, Any] | None:
    """A version's ``metadata["page"]``, or None when it was not read by the page reader."""
    page = version.metadata.get("page") if version.metadata else None
    if not isinstance(page, Mapping) or "template" not in page:
        return None
    return page


def judge_page(old: Version, new: Version, alignment: Alignment, found: Found) -> Found:
    """Apply the page rules to the reasons the body gave.

    Args:
        old: the previous version.
        new: the version judged.
        alignment: the body's sentence alignment.
        found: the reasons found in the body so far.

    Returns:
        ``found`` with the image, caption and link reasons added, or, for a
        redesign, a new collection holding ``extraction-changed`` instead of the
        body reasons.
    """
    if (new.metadata or {}).get("reason") == EXTRACTOR_CHANGED:
        # The same HTML read again by a newer extractor: whatever differs, nobody edited.
        replaced = Found(found.rules)
        replaced.add("extraction-changed", "the stored page read again by a newer extractor")
        return replaced
    before, after = page_fields(old), page_fields(new)
    if before is None or after is None:
        return found
    redesigned = bool(before["template"]) and str(before["template"]) != str(after["template"])
    folded = redesigned and alignment.has_changes and _only_edges(alignment, found)
    if folded:
        replaced = Found(found.rules)
        edges = sum(1 for c in alignment.changes if c.kind != "unchanged")
        replaced.add(
            "extraction-changed",
            f"template {str(before['template'])[:8]} → {str(after['template'])[:8]}; "
            f"{edges} sentence{'s' if edges != 1 else ''} at the body's edges differ",
        )
        found = replaced
    _images(before, after, found, redesigned=redesigned)
    if not folded:
        _links(before, after, found, texts=(old.text, new.text) if redesigned else None)
    if redesigned and not found.codes():
        # Only what the new template shows around the article differs (alt text, a
        # caption it leaves out, a button): still not an edit.
        found.add(
            "extraction-changed",
            f"template {str(before['template'])[:8]} → {str(after['template'])[:8]}; "
            "only the page around the text differs",
        )
    return found


def _only_edges(alignment: Alignment, found: Found) -> bool:
    codes = found.codes() - {"boilerplate", "whitespace"}
    if not codes:
        return True
    shared_old = [c.old_index for c in alignment.changes if c.kind == "unchanged"]
    shared_new = [c.new_index for c in alignment.changes if c.kind == "unchanged"]
    if not shared_old or not shared_new:
        return False
    old_words = _words(s.text for s in alignment.old_sentences)
    new_words = _words(s.text for s in alignment.new_sentences)
    shared_words = _words(c.old or "" for c in alignment.changes if c.kind == "unchanged")
    if shared_words < SHARED_SHARE * max(old_words, new_words):
        return False
    old_edges = _edge_paragraphs(alignment.old_sentences, shared_old)
    new_edges = _edge_paragraphs(alignment.new_sentences, shared_new)
    for change in alignment.changes:
        if change.kind == "unchanged":
            continue
        if change.kind in ("moved", "edited"):
            return False
        if change.old_index is not None and change.old_index not in old_edges:
            return False
        if change.new_index is not None and change.new_index not in new_edges:
            return False
    return True


def _edge_paragraphs(sentences: Sequence[Any], shared: list[Any]) -> set[int]:
    """Indexes of the sentences before the first shared one or after the last, if few."""
    first, last = min(shared), max(shared)
    head = [s for s in sentences[:first]]
    tail = [s for s in sentences[last + 1 :]]
    edges: set[int] = set()
    for part, offset in ((head, 0), (tail, last + 1)):
        if len({s.paragraph for s in part}) <= EDGE_PARAGRAPHS:
            edges.update(range(offset, offset + len(part)))
    return edges


def _words(texts: Any) -> int:
    return sum(len(t.split()) for t in texts)


def _images(
    before: Mapping[str, Any], after: Mapping[str, Any], found: Found, *, redesigned: bool
) -> None:
    old_lead, new_lead = _lead(before), _lead(after)

    def differ(old: Mapping[str, Any], new: Mapping[str, Any], key: str) -> bool:
        a, b = old.get(key) or "", new.get(key) or ""
        # A new template may show a caption the old one left out, or the reverse.
        return a != b and (bool(a and b) or not redesigned)

    if old_lead.get("url") != new_lead.get("url"):
        found.add("image-changed", f"lead image {_name(old_lead)} → {_name(new_lead)}")
    elif differ(old_lead, new_lead, "caption") or differ(old_lead, new_lead, "alt"):
        found.add("caption-changed", _caption_detail(old_lead, new_lead))
    old_images = {i["url"]: i for i in items(before, "images")}
    new_images = {i["url"]: i for i in items(after, "images")}
    for url in [u for u in old_images if u not in new_images]:
        found.add("image-changed", f"image removed: {_name(old_images[url])}")
    for url in [u for u in new_images if u not in old_images]:
        found.add("image-changed", f"image added: {_name(new_images[url])}")
    for url, image in new_images.items():
        previous = old_images.get(url)
        if previous is not None and differ(previous, image, "caption"):
            found.add("caption-changed", _caption_detail(previous, image))


def _links(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    found: Found,
    *,
    texts: tuple[str, str] | None,
) -> None:
    """Links added and removed; after a redesign, only those set in the article's text."""

    def kept(page: Mapping[str, Any], text: str | None) -> dict[str, Any]:
        return {
            link["url"]: link
            for link in items(page, "links")
            if text is None or (isinstance(link.get("text"), str) and link["text"] in text)
        }

    old_links = kept(before, texts[0] if texts else None)
    new_links = kept(after, texts[1] if texts else None)
    for url, link in new_links.items():
        if url not in old_links:
            found.add("link-added", f"{quote(link.get('text'), 60)} → {url}")
    for url, link in old_links.items():
        if url not in new_links:
            found.add("link-removed", f"{quote(link.get('text'), 60)} → {url}")


def _name(image: Mapping[str, Any]) -> str:
    url = image.get("url")
    return str(url).rsplit("/", 1)[-1] if url else "none"


def _caption_detail(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    key = "caption" if old.get("caption") != new.get("caption") else "alt"
    return f"{quote(old.get(key), 60)} → {quote(new.get(key), 60)}"
