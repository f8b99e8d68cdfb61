"""What a card of one change shows, taken from the archive and its change analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from ..archive import Archive
from ..diff import diff_texts
from ..errors import InputError
from ..models import DELETE, INSERT, DiffOp, Version
from ..render.card import Card, render_card_svg
from .png import svg_to_png

CardFormat = Literal["png", "svg"]
_SHOWN = 4


def card_for(
    archive: Archive, url: str, old: int | str | None = None, new: int | str | None = None
) -> Card:
    """The card of the change from ``old`` to ``new`` (default: the latest change).

    Args:
        archive: the archive.
        url: the article.
        old: the earlier version (default: the one before ``new``), as for ``diff``.
        new: the later version (default: the latest).

    Returns:
        The card.

    Raises:
        NotFoundError: no such article or version.
        InputError: a bad version reference, or an article with one version only.
    """
    new_version = _version(archive, url, new) if new is not None else archive.get(url)
    if old is not None:
        old_version = _version(archive, url, old)
    elif new_version.number > 1:
        old_version = archive.get(url, new_version.number - 1)
    else:
        raise InputError(f"{new_version.url} has only one version: there is no change to show")
    analysis = archive.analyse(url, old_version, new_version)
    changes = []
    for change in analysis.alignment.changes if analysis.alignment else ():
        if change.kind == "edited" and change.diff is not None:
            changes.append(tuple(change.diff.ops))
        elif change.kind == "added":
            changes.append((DiffOp(INSERT, change.new or ""),))
        elif change.kind == "deleted":
            changes.append((DiffOp(DELETE, change.old or ""),))
    headline: tuple[DiffOp, ...] = ()
    if (old_version.title or "") != (new_version.title or ""):
        ops = diff_texts(old_version.title or "", new_version.title or "", granularity="word").ops
        headline = tuple(ops)
    return Card(
        site=urlsplit(new_version.url).hostname or "",
        url=new_version.url,
        title=new_version.title or new_version.url,
        old_version=old_version.number,
        new_version=new_version.number,
        old_at=old_version.first_captured_at,
        new_at=new_version.first_captured_at,
        level=analysis.level,
        stealth=analysis.stealth,
        headline=headline,
        changes=tuple(changes[:_SHOWN]),
    )


def _version(archive: Archive, url: str, ref: int | str) -> Version:
    if isinstance(ref, int) or ref.isdigit():
        return archive.get(url, int(ref))
    return archive.get(url, ref)


def write_card(
    archive: Archive,
    url: str,
    path: str | Path,
    *,
    old: int | str | None = None,
    new: int | str | None = None,
    format: CardFormat = "png",
    browser: str | None = None,
) -> Path:
    """Write the card of one change to ``path`` as PNG (through Chromium) or SVG.

    Raises:
        BrowserNotFoundError: PNG asked for and no headless Chromium found.
        InputError: the file cannot be written, or a bad version reference.
        NotFoundError: no such article or version.
    """
    svg = render_card_svg(card_for(archive, url, old, new))
    target = Path(path)
    if format == "svg":
        try:
            target.write_text(svg, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror}") from None
        return target
    svg_to_png(svg, target, browser=browser)
    return target
