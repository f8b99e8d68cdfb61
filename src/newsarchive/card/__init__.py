"""Shareable cards of one change: built from the archive, drawn as SVG, shot as PNG.

``card_for`` gathers what a card shows, ``render_card_svg`` (in ``render.card``) draws
it, and ``svg_to_png`` has a headless Chromium take a 1200×675 screenshot of it.
"""

from __future__ import annotations

from .build import card_for, write_card
from .png import BrowserNotFoundError, find_browser, svg_to_png

__all__ = ["BrowserNotFoundError", "card_for", "find_browser", "svg_to_png", "write_card"]
