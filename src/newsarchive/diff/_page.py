"""A scraped page's lead image, captions and links, compared as field changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from ..models import FieldChange, Version


def page_field_changes(old: Version, new: Version) -> list[FieldChange]:
    """The changes of a scraped page's lead image, captions and links, as field changes.

    Read from each version's ``metadata["page"]`` (see ``docs/scraping.md``); versions
    without one give none. Fields: ``lead_image`` (URL), ``caption`` (of the lead
    image, or of an in-body image given by URL), ``image`` (an in-body image added or
    removed) and ``link`` (``“anchor” URL``, added or removed).

    Args:
        old: The version to compare from.
        new: The version to compare to.

    Returns:
        Field changes in that order.
    """
    pages = [v.metadata.get("page") if v.metadata else None for v in (old, new)]
    if not all(isinstance(p, Mapping) and "template" in p for p in pages):
        return []
    before, after = cast(Mapping[str, Any], pages[0]), cast(Mapping[str, Any], pages[1])

    def entries(page: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
        value = page.get(key)
        found = value if isinstance(value, list) else []
        return {
            i["url"]: i for i in found if isinstance(i, Mapping) and isinstance(i.get("url"), str)
        }

    def lead(page: Mapping[str, Any]) -> Mapping[str, Any]:
        value = page.get("lead_image")
        return value if isinstance(value, Mapping) else {}

    out = []
    leads = (lead(before), lead(after))
    if leads[0].get("url") != leads[1].get("url"):
        out.append(
            FieldChange(field="lead_image", old=leads[0].get("url"), new=leads[1].get("url"))
        )
    elif (leads[0].get("caption") or "") != (leads[1].get("caption") or ""):
        out.append(
            FieldChange(field="caption", old=leads[0].get("caption"), new=leads[1].get("caption"))
        )
    images = (entries(before, "images"), entries(after, "images"))
    # In page order, so the diff is the same on every run.
    out.extend(FieldChange(field="image", old=u, new=None) for u in images[0] if u not in images[1])
    out.extend(FieldChange(field="image", old=None, new=u) for u in images[1] if u not in images[0])
    for url in (u for u in images[0] if u in images[1]):
        was, now = images[0][url].get("caption") or "", images[1][url].get("caption") or ""
        if was != now:
            out.append(FieldChange(field="caption", old=was or None, new=now or None))
    links = [
        {url: f"“{k.get('text', '')}” {url}" for url, k in entries(p, "links").items()}
        for p in (before, after)
    ]
    for url in links[0]:
        if url not in links[1]:
            out.append(FieldChange(field="link", old=links[0][url], new=None))
    for url in links[1]:
        if url not in links[0]:
            out.append(FieldChange(field="link", old=None, new=links[1][url]))
    return out
