"""The HTML report in a real headless Chromium, driven over the DevTools protocol.

Checks what only a browser can: no console errors or CSP violations, no network request
besides the page itself, insertions and deletions visible and marked by more than colour,
the layout switch working without script, phone width and print, and hostile archives
running no script. Screenshots go to tests/artifacts/ for a human look.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from chromium import ARTIFACTS, URL, DevTools, desktop
from newsarchive.cli import cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample story's report, made through the CLI on a real SQLite archive."""
    base = tmp_path_factory.mktemp("report")
    sample = Path(__file__).resolve().parents[2] / "archive" / "sample"
    runner = CliRunner()
    archive = str(base / "archive")
    assert runner.invoke(cli, ["--archive", archive, "import", str(sample)]).exit_code == 0
    out = base / "report.html"
    result = runner.invoke(cli, ["--archive", archive, "report", URL, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def page(browser: DevTools, report_page: Path) -> DevTools:
    desktop(browser)
    browser.send("Emulation.setEmulatedMedia", media="")
    browser.events.clear()
    browser.open(report_page)
    return browser


def visible(page: DevTools, selector: str) -> list[dict[str, Any]]:
    """Every element matching ``selector`` that is rendered, with its text and decoration."""
    script = f"""
    [...document.querySelectorAll({json.dumps(selector)})]
      .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility === 'visible')
      .map(e => ({{text: e.textContent, decoration: getComputedStyle(e).textDecorationLine,
                   width: e.getBoundingClientRect().width}}))
    """
    return list(page.evaluate(script))


def test_report_loads_nothing_and_logs_no_error(page: DevTools, report_page: Path) -> None:
    assert page.problems() == []
    assert page.requests() == [report_page.as_uri()]
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.title").startswith("Change report: Sessions Offered")
    # The stylesheet was admitted by the policy: its rules are in force.
    assert page.evaluate("getComputedStyle(document.querySelector('ins')).textDecorationLine") == (
        "underline"
    )
    page.screenshot(ARTIFACTS / "report.png")


def test_insertions_and_deletions_are_visible_and_not_colour_alone(page: DevTools) -> None:
    inserted = visible(page, "#diff-1-2 .diff-inline ins")
    deleted = visible(page, "#diff-1-2 .diff-inline del")
    assert [e["text"] for e in inserted] == ["people"]
    assert [e["text"] for e in deleted] == ["poeple"]
    assert all(e["width"] > 0 for e in inserted + deleted)
    assert all("underline" in e["decoration"] for e in inserted)
    assert all("line-through" in e["decoration"] for e in deleted)
    # Screen readers hear where changes start, from CSS-generated text.
    before = page.evaluate("getComputedStyle(document.querySelector('del'), '::before').content")
    assert "deleted" in before
    headline = visible(page, "#diff-3-4 .fields ins")
    assert headline and headline[0]["text"].startswith("Report: Sessions Offered to Quit")


def test_layout_switch_works_without_script(page: DevTools) -> None:
    assert visible(page, "#diff-2-3 .diff-inline")
    assert not visible(page, "#diff-2-3 .diff-side")
    page.evaluate("document.querySelector('label[for=view-side]').click()")
    assert not visible(page, "#diff-2-3 .diff-inline")
    side = visible(page, "#diff-2-3 div.diff-side tr.changed td")
    assert side, "side-by-side rows are shown"
    assert visible(page, "#diff-2-3 .diff-side ins")
    page.screenshot(ARTIFACTS / "report-side-by-side.png")
    page.evaluate("document.querySelector('label[for=view-inline]').click()")
    assert visible(page, "#diff-2-3 .diff-inline")


def test_folded_paragraphs_open_on_click(page: DevTools) -> None:
    summary = "#diff-1-2 .diff-inline details.same"
    assert page.evaluate(f"document.querySelector('{summary}').open") is False
    page.evaluate(f"document.querySelector('{summary} > summary').click()")
    assert page.evaluate(f"document.querySelector('{summary}').open") is True
    assert visible(page, f"{summary} p")


def test_phone_width_has_no_sideways_scrolling(page: DevTools) -> None:
    page.send(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=1,
        mobile=True,
    )
    page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
    # Nothing pushes the layout wider than the phone (the paragraph map scrolls in its box).
    assert page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]") == [390, 390]
    page.evaluate("document.querySelector('label[for=view-side]').click()")
    cells = page.evaluate(
        "[...document.querySelectorAll('#diff-2-3 div.diff-side tr.changed td')]"
        ".map(td => Math.round(td.getBoundingClientRect().width))"
    )
    # Side by side stacks the two columns at phone width instead of squeezing them.
    assert cells and min(cells) > 300
    page.screenshot(ARTIFACTS / "report-phone.png")
    page.evaluate("document.querySelector('label[for=view-inline]').click()")


def test_print_hides_controls_and_keeps_marks(page: DevTools) -> None:
    page.send("Emulation.setEmulatedMedia", media="print")
    assert not visible(page, ".view-switch")
    assert not visible(page, "nav")
    assert all("underline" in e["decoration"] for e in visible(page, ".diff-inline ins"))


HOSTILE_TEXT = (
    "Calm opening paragraph.\n\n"
    "<script>window.__pwned = 'script'</script>\n\n"
    '<img src="http://127.0.0.1:9/x.png" onerror="window.__pwned=\'img\'">\n\n'
    "<svg onload=\"window.__pwned='svg'\"></svg>\n\n"
    "<a href=\"javascript:window.__pwned='a'\">x</a>\n\n"
    '</p></td></table></details></main><iframe src="http://127.0.0.1:9/"></iframe>\n\n'
    '<style>body{display:none}</style><link rel=stylesheet href="http://127.0.0.1:9/s.css">'
)


def test_hostile_archive_runs_no_script_and_loads_nothing(
    browser: DevTools, tmp_path: Path
) -> None:
    runner = CliRunner()
    archive = str(tmp_path / "archive")
    url = "https://evil.example/story?q=%3Cscript%3E"
    for at, text, title in [
        ("2024-01-01T00:00:00Z", "Calm opening paragraph.", "Calm"),
        ("2024-01-02T00:00:00Z", HOSTILE_TEXT, "<img src=x onerror=\"window.__pwned='title'\">"),
    ]:
        saved = runner.invoke(
            cli,
            ["--archive", archive, "save", url, "--captured-at", at, "--title", title],
            input=text,
        )
        assert saved.exit_code == 0, saved.output
    out = tmp_path / "hostile.html"
    assert runner.invoke(cli, ["--archive", archive, "report", url, "-o", str(out)]).exit_code == 0
    desktop(browser)
    browser.events.clear()
    browser.open(out)
    assert browser.evaluate("window.__pwned === undefined")
    assert browser.evaluate("document.scripts.length") == 0
    assert (
        browser.evaluate(
            "document.querySelectorAll('img, svg, iframe, link, a[href^=javascript]').length"
        )
        == 0
    )
    assert (
        browser.evaluate(
            "[...document.querySelectorAll('*')]"
            ".some(e => [...e.attributes].some(a => a.name.startsWith('on')))"
        )
        is False
    )
    assert browser.requests() == [out.as_uri()]
    assert browser.problems() == []
    # The markup is shown as the text it was, and the page is still laid out.
    body = browser.evaluate("document.body.innerText")
    assert "<script>window.__pwned = 'script'</script>" in body
    assert browser.evaluate("getComputedStyle(document.body).display") == "block"
    browser.screenshot(ARTIFACTS / "report-hostile.png")
