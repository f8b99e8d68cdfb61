"""The site in headless Chromium: links resolve, filter, sort and search work, no console
error, nothing loaded, readable at phone width, hostile content inert. Screenshots go to
tests/artifacts/ (docs/report.md shows them)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitedata import HOSTILE_URL, STORY, build_archive, build_site

from chromium import ARTIFACTS, DevTools, desktop
from newsarchive.website import article_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("site")
    out = base / "public"
    build_site(build_archive(base), out)
    return out


def _open(browser: DevTools, path: Path) -> DevTools:
    desktop(browser)
    browser.events.clear()
    browser.open(path)
    return browser


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", site / "changes.html", *sorted((site / "articles").glob("*.html"))]


def test_every_page_loads_nothing_and_logs_no_error(browser: DevTools, site: Path) -> None:
    for path in _pages(site):
        page = _open(browser, path)
        assert page.problems() == [], path
        assert page.requests() == [path.as_uri()], path
        assert page.evaluate("window.__pwned === undefined"), path


def test_every_link_resolves(browser: DevTools, site: Path) -> None:
    checked = 0
    for path in _pages(site):
        page = _open(browser, path)
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
        for href in hrefs:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue  # the archived article's own address
            assert parts.scheme == "file", href
            target = Path(unquote(parts.path))
            assert target.is_file(), f"{path.name} links to missing {target}"
            if parts.fragment:
                html = target.read_text(encoding="utf-8")
                assert f'id="{parts.fragment}"' in html, f"{path.name}: {href}"
            checked += 1
    assert checked > 50


def _shown(page: DevTools) -> list[str]:
    return list(
        page.evaluate(
            "[...document.querySelectorAll('#articles tbody tr')]"
            ".filter(r => !r.hidden).map(r => r.querySelector('a').textContent)"
        )
    )


def _set(page: DevTools, selector: str, value: str) -> None:
    page.evaluate(
        f"(() => {{ const e = document.querySelector({selector!r});"
        f" if (e.type === 'checkbox') {{ e.checked = {value!r} === 'on'; }}"
        f" else {{ e.value = {value!r}; }}"
        " e.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )


def test_index_filters_sorts_and_searches(browser: DevTools, site: Path) -> None:
    page = _open(browser, site / "index.html")
    assert page.evaluate("document.getElementById('controls').hidden") is False
    assert len(_shown(page)) == 4
    _set(page, "#q", "BUDGET")
    assert _shown(page) == ["City budget passes"]
    assert page.evaluate("document.getElementById('count').textContent") == (
        "Showing 1 of 4 articles"
    )
    _set(page, "#q", "news.example.com/2017")
    assert _shown(page) == ["Sessions Offered to Resign as Relationship With Trump Soured"]
    _set(page, "#q", "")
    _set(page, "#site", "herald.example.org")
    assert sorted(_shown(page)) == ["City budget passes", "Rovers win the final"]
    _set(page, "#site", "")
    _set(page, "#stealth", "on")
    stealthy = _shown(page)
    assert len(stealthy) == 3 and "Rovers win the final" not in stealthy
    _set(page, "#stealth", "off")
    _set(page, "#level", "3")
    assert len(_shown(page)) == 3  # the sport story never changed
    _set(page, "#level", "")
    page.evaluate("document.querySelector('button[data-key=title]').click()")
    titles = _shown(page)
    assert titles == sorted(titles, key=str.lower)
    page.evaluate("document.querySelector('button[data-key=title]').click()")
    assert _shown(page) == titles[::-1]
    assert page.evaluate("document.querySelector('button[data-key=title]').parentNode"
                         ".getAttribute('aria-sort')") == "descending"  # fmt: skip
    page.evaluate("document.querySelector('button[data-key=versions]').click()")
    versions = page.evaluate(
        "[...document.querySelectorAll('#articles tbody tr')].map(r => +r.dataset.versions)"
    )
    assert versions == sorted(versions)
    # A search can be linked to: index.html?q=...
    page.send("Page.navigate", url=(site / "index.html").as_uri() + "?q=rovers")
    page.wait_for("Page.loadEventFired")
    assert _shown(page) == ["Rovers win the final"]
    assert page.problems() == []


def test_pages_are_readable_at_phone_width(browser: DevTools, site: Path) -> None:
    for name, path in [
        ("site-index", site / "index.html"),
        ("site-changes", site / "changes.html"),
        ("site-article", site / article_page(STORY)),
    ]:
        page = _open(browser, path)
        page.screenshot(ARTIFACTS / f"{name}.png")
        page.send("Emulation.setDeviceMetricsOverride", width=390, height=844,
                  deviceScaleFactor=1, mobile=True)  # fmt: skip
        page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
        assert page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]") == [
            390,
            390,
        ], name
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= 14, name
        page.screenshot(ARTIFACTS / f"{name}-phone.png")


def test_hostile_article_stays_inert(browser: DevTools, site: Path) -> None:
    for path in [site / "index.html", site / "changes.html", site / article_page(HOSTILE_URL)]:
        page = _open(browser, path)
        assert page.evaluate("window.__pwned === undefined"), path
        assert page.evaluate("document.querySelectorAll('img, iframe, a[href^=javascript]')"
                             ".length") == 0, path  # fmt: skip
        assert page.evaluate("document.scripts.length") == (path.name == "index.html"), path
        assert page.requests() == [path.as_uri()], path
        assert page.problems() == [], path
    page = _open(browser, site / "index.html")
    _set(page, "#q", "evil.example")
    shown = _shown(page)
    assert len(shown) == 1 and shown[0].startswith("<img src=x onerror=")


def test_site_works_from_a_static_http_server(browser: DevTools, site: Path) -> None:
    """Served as plain files over HTTP, as any static host would serve them."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        desktop(browser)
        for path in ["index.html", "changes.html", article_page(STORY)]:
            browser.events.clear()
            browser.send("Page.navigate", url=base + path)
            browser.wait_for("Page.loadEventFired")
            assert browser.evaluate("document.readyState") == "complete"
            assert browser.problems() == [], path
            assert browser.requests() == [base + path], path
        browser.send("Page.navigate", url=base + "index.html?q=budget")
        browser.wait_for("Page.loadEventFired")
        assert _shown(browser) == ["City budget passes"]
        link = browser.evaluate("document.querySelector('#articles tbody tr:not([hidden]) a').href")
        assert link == base + article_page("https://herald.example.org/city/budget")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
