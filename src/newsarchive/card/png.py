"""Turning a card's SVG into a PNG with a headless Chromium, as diffengine shoots its cards.

Chromium opens the SVG from a private temporary directory, with networking and every
extra off, and takes a screenshot at exactly the card's size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError, NewsArchiveError
from ..render.card import HEIGHT, WIDTH

#: Where to look for a browser, after the ``NEWSARCHIVE_CHROMIUM`` environment variable.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 60.0


class BrowserNotFoundError(NewsArchiveError):
    """No headless Chromium to draw a PNG with."""


def find_browser() -> str | None:
    """The path of a Chromium to run: ``$NEWSARCHIVE_CHROMIUM``, else one on the PATH."""
    given = os.environ.get("NEWSARCHIVE_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def svg_to_png(svg: str, path: str | Path, *, browser: str | None = None) -> Path:
    """Have a headless Chromium screenshot ``svg`` into a 1200×675 PNG at ``path``.

    Args:
        svg: a card from :func:`~newsarchive.render.card.render_card_svg`.
        path: where to write the PNG.
        browser: the Chromium to run (default: :func:`find_browser`).

    Returns:
        ``path``.

    Raises:
        BrowserNotFoundError: no Chromium found.
        InputError: Chromium failed, or ``path`` cannot be written.
    """
    executable = browser or find_browser()
    if executable is None:
        raise BrowserNotFoundError(
            "drawing a PNG card needs Chromium (install chromium, or set NEWSARCHIVE_CHROMIUM);"
            " --format svg needs no browser"
        )
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="newsarchive-card-") as work:
        source = Path(work) / "card.svg"
        source.write_text(svg, encoding="utf-8")
        shot = Path(work) / "card.png"
        command = [
            executable, "--headless", "--disable-gpu", "--hide-scrollbars",
            "--disable-background-networking", "--disable-component-update",
            "--disable-extensions", "--disable-sync", "--no-first-run", "--mute-audio",
            f"--user-data-dir={work}/profile", f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={shot}", "--default-background-color=ffffffff", source.as_uri(),
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise InputError(f"Chromium took longer than {TIMEOUT_SECONDS:g} s") from None
        except OSError as exc:
            raise BrowserNotFoundError(f"cannot run {executable}: {exc.strerror}") from None
        if not shot.is_file():
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = f": {said[-1]}" if said else ""
            raise InputError(f"Chromium drew no card (exit status {done.returncode}){detail}")
        try:
            shutil.copyfile(shot, target)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror}") from None
    return target
