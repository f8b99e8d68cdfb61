"""Cards of one change: SVG without a browser, PNG through Chromium, text that fits."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from chromium import ARTIFACTS, DevTools, desktop
from conftest import run_cli as run
from newsarchive import Archive
from newsarchive.card import card_for, find_browser
from newsarchive.errors import InputError
from newsarchive.models import DELETE, EQUAL, INSERT, DiffOp
from newsarchive.render.card import Card, render_card_svg

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
SVG = "{http://www.w3.org/2000/svg}"
T = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _styled(svg: str, attribute: str) -> list[str]:
    root = ET.fromstring(svg.split("\n", 1)[1])
    return [
        (span.text or "").strip()
        for span in root.iter(f"{SVG}tspan")
        if attribute in span.attrib.get("text-decoration", "")
    ]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_svg_card_of_the_sample_change(loaded: Path) -> None:
    with Archive.open(loaded, create=False) as archive:
        svg = render_card_svg(card_for(archive, URL))
        headline = render_card_svg(card_for(archive, URL, 3, 4))
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert (root.get("width"), root.get("height")) == ("1200", "675")
    assert _styled(svg, "line-through") == ["February"]
    assert _styled(svg, "underline")[0] == "January"
    assert "NEWS.EXAMPLE.COM  ·  version 6 → 7  ·  substantive" in svg
    assert "Headline:" in headline and "Quit After Trump Fumed Over Recusal" in " ".join(
        _styled(headline, "underline")
    )
    assert "stealth edit" in headline


def test_hostile_text_stays_text() -> None:
    card = Card(
        site="evil.example", url="https://evil.example/<script>", title="<script>alert(1)</script>",
        old_version=1, new_version=2, old_at=T, new_at=T, level="minor",
        changes=((DiffOp(EQUAL, "a "), DiffOp(INSERT, "<img src=x onerror=alert(1)> & \x00")),),
    )  # fmt: skip
    svg = render_card_svg(card)
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}image")]
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def _stress() -> Card:
    wide = "WMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWM"
    return Card(
        site="news.example.com", url="https://news.example.com/" + "very-long-path/" * 20,
        title="MASSIVE WAREHOUSE WORKERS WALK OUT OVER WAGES IN MEMPHIS AND MILWAUKEE " * 2,
        old_version=9, new_version=10, old_at=T, new_at=T, level="substantive", stealth=True,
        headline=(DiffOp(DELETE, "Old headline "), DiffOp(INSERT, "NEW HEADLINE WITH CAPS")),
        changes=(
            (DiffOp(EQUAL, "Some words before. "), DiffOp(DELETE, wide), DiffOp(INSERT, wide)),
            (DiffOp(INSERT, "Mammoth " * 60),),
            (DiffOp(DELETE, "Everything deleted here " * 10),),
        ),
    )  # fmt: skip


@pytest.fixture
def page(browser: DevTools) -> DevTools:
    desktop(browser)
    browser.events.clear()
    return browser


def test_every_line_fits_the_card_in_chromium(page: DevTools, loaded: Path, tmp_path: Path) -> None:
    """The width estimate is checked against Chromium's own layout of the text."""
    with Archive.open(loaded, create=False) as archive:
        cards = [card_for(archive, URL, n - 1, n) for n in range(2, 8)]
    for number, card in enumerate([*cards, _stress()]):
        path = tmp_path / f"card{number}.svg"
        path.write_text(render_card_svg(card), encoding="utf-8")
        page.events.clear()
        page.open(path)
        boxes = page.evaluate(
            "[...document.querySelectorAll('text')].map(t => {const b = t.getBBox();"
            " return [b.x, b.y, b.x + b.width, b.y + b.height]})"
        )
        assert boxes
        for left, top, right, bottom in boxes:
            assert left >= 0 and right <= 1200 - 40, (number, left, right)
            assert top >= 0 and bottom <= 675, (number, top, bottom)
        assert page.problems() == [] and page.requests() == [path.as_uri()]


@pytest.mark.browser
def test_png_card_through_chromium(runner: CliRunner, loaded: Path, tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip("no Chromium on the PATH")
    out = tmp_path / "change.png"
    result = run(runner, loaded, "card", URL, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote card to {out}\n"
    assert _png_size(out) == (1200, 675)
    assert out.stat().st_size > 10_000  # text was drawn, not a blank page
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "card.png").write_bytes(out.read_bytes())


def test_svg_needs_no_browser_and_png_says_so_in_one_line(
    runner: CliRunner, loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_CHROMIUM", str(tmp_path / "no-such-browser"))
    svg = run(runner, loaded, "card", URL, "2", "3", "-o", str(tmp_path / "c.svg"))
    assert svg.exit_code == 0 and (tmp_path / "c.svg").read_text().startswith("<?xml")
    png = run(runner, loaded, "card", URL, "-o", str(tmp_path / "c.png"))
    assert png.exit_code == 1
    assert png.stderr.startswith("Error: drawing a PNG card needs Chromium")
    assert png.stderr.count("\n") == 1 and not (tmp_path / "c.png").exists()


def test_a_first_version_has_no_card(loaded: Path) -> None:
    with (
        Archive.open(loaded, create=False) as archive,
        pytest.raises(InputError, match="no change to show"),
    ):
        card_for(archive, URL, new=1)
