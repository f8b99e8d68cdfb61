"""Headline tests: a site trying two or more headlines on one story.

When a version's headline is one the article already showed within the last
few hours (A → B → A), the change is ``headline-test`` (minor), listing the
variants, rather than another substantive, stealth ``headline-changed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from ..models import Version
from ._quoting import quote
from .reasons import Found

# Headlines shown within this window before a version count as variants of one test.
HEADLINE_TEST_WINDOW = timedelta(hours=6)


def headline_variants(
    old: Version,
    new: Version,
    history: Sequence[Version],
    *,
    window: timedelta = HEADLINE_TEST_WINDOW,
) -> list[str]:
    """The headlines under test, if ``new`` returns to one shown within ``window``.

    Args:
        old: the previous version.
        new: the version judged.
        history: earlier versions, oldest first (``old`` may be among them).
        window: how far back a headline counts.

    Returns:
        The distinct headlines in the order first shown, ``new``'s included; empty
        when this is not a return to a recent headline.
    """
    if not new.title or not old.title or new.title == old.title:
        return []
    since = new.first_captured_at - window
    recent = [v for v in (*history, old) if v.number < new.number and v.last_captured_at >= since]
    titles: list[str] = []
    for version in sorted(recent, key=lambda v: v.number):
        if version.title and version.title not in titles:
            titles.append(version.title)
    return titles if new.title in titles else []


def judge_headlines(old: Version, new: Version, history: Sequence[Version], found: Found) -> None:
    """Turn ``headline-changed`` into ``headline-test`` for a return to a recent headline.

    Args:
        old: the previous version.
        new: the version judged.
        history: earlier versions.
        found: the reasons so far; changed in place.
    """
    variants = headline_variants(old, new, history)
    if variants and found.discard("headline-changed"):
        found.add("headline-test", " | ".join(quote(t, 60) for t in variants))
