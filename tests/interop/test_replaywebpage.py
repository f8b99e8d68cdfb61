"""``export --wacz`` opened in ReplayWeb.page, in a real headless Chromium.

ReplayWeb.page's published ``ui.js`` and ``sw.js`` (from npm, see ``webarchive_tools``) and
the WACZ are served from 127.0.0.1 by a server that answers range requests, as the
application reads a WACZ by ranges. The page list must show every article, and each
capture must replay as the HTML that was archived. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from webarchive_tools import replaywebpage_files

from chromium import ARTIFACTS, DevTools, desktop
from newsarchive import Archive
from newsarchive.cli import cli

pytestmark = pytest.mark.browser

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
STORY, CAFE = "https://news.example.com/story", "https://news.example.com/cafe"
LOAD_SECONDS = 60.0

# The application page a site embedding ReplayWeb.page serves (as its README shows).
APP = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Replay</title><script src="./ui.js"></script></head>
<body><replay-app-main></replay-app-main></body></html>
"""

# Every text node of the page, inside the application's shadow roots too.
TEXT_NODES = """const textNodes = (root = document, out = []) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) { if (node.data.trim()) out.push(node); }
    else if (node.shadowRoot) textNodes(node.shadowRoot, out);
  }
  return out;
};
"""
DEEP_TEXT = f"(() => {{ {TEXT_NODES} return textNodes().map(n => n.data.trim()); }})()"


def _page(title: str, text: str, charset: str) -> bytes:
    html = (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return html.encode(charset)


FIRST = _page("Council story", "First draft of the budget story.", "utf-8")
SECOND = _page("Council story", "Second draft: the budget passes.", "utf-8")
LATIN = _page("Zoë's café reopens", "Crème brûlée is back.", "iso-8859-1")
CAPTURES = [
    (STORY, T0, FIRST, "utf-8"),
    (STORY, T0 + timedelta(hours=1), SECOND, "utf-8"),
    # The same bytes again: written as an identical-payload revisit.
    (STORY, T0 + timedelta(hours=2), SECOND, "utf-8"),
    (CAFE, T0, LATIN, "iso-8859-1"),
]
# The café page confirmed by a 304 an hour later: a server-not-modified revisit.
NOT_MODIFIED_AT = T0 + timedelta(hours=1)
# What each capture must replay as.
REPLAYS = [(url, at, html) for url, at, html, _ in CAPTURES] + [(CAFE, NOT_MODIFIED_AT, LATIN)]


class _Files(SimpleHTTPRequestHandler):
    """Static files, with single ranges answered as 206 as ReplayWeb.page asks for them."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".wacz": "application/wacz+zip",
    }

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if wanted is None or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        if wanted[1]:
            start, end = int(wanted[1]), min(int(wanted[2] or size - 1), size - 1)
        else:  # the last N bytes
            start, end = max(size - int(wanted[2]), 0), size - 1
        with path.open("rb") as source:
            source.seek(start)
            body = source.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """ReplayWeb.page's files served from 127.0.0.1; the test adds its WACZ to the folder."""
    files = replaywebpage_files()
    root = tmp_path / "site"
    root.mkdir()
    for name in ("ui.js", "sw.js"):
        (root / name).symlink_to(files / name)
    (root / "index.html").write_bytes(APP)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        lambda *args: _Files(*args, directory=str(root)),  # type: ignore[no-untyped-call]
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()
    thread.join()


def _export_wacz(tmp_path: Path, out: Path) -> None:
    with Archive.open(tmp_path / "archive") as archive:
        for url, at, html, charset in CAPTURES:
            archive.save(
                url,
                html=html,
                html_charset=charset,
                captured_at=at,
                http_status=200,
                http_headers=[("Content-Type", f"text/html; charset={charset}")],
            )
        archive.save(
            CAFE,
            text=archive.get(CAFE).text,
            title=archive.get(CAFE).title,
            captured_at=NOT_MODIFIED_AT,
            http_status=304,
            http_headers=[("ETag", '"v1"')],
            metadata={"not_modified": True},
        )
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "archive"), "export", "--wacz", str(out)]
    )
    assert result.exit_code == 0, result.output


def _wait(browser: DevTools, check: Any, what: str) -> Any:
    deadline = time.monotonic() + LOAD_SECONDS
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    pytest.fail(f"ReplayWeb.page did not show {what} within {LOAD_SECONDS:.0f} s")


def _frames(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield tree["frame"]
    for child in tree.get("childFrames", []):
        yield from _frames(child)


def _replay_frame(browser: DevTools, url: str) -> dict[str, Any] | None:
    """The frame replaying ``url``, once its document has loaded."""
    tree = browser.send("Page.getFrameTree")["frameTree"]
    for frame in _frames(tree):
        if frame["url"].endswith("mp_/" + url):
            world = browser.send("Page.createIsolatedWorld", frameId=frame["id"])
            state = browser.send(
                "Runtime.evaluate",
                expression="JSON.stringify([document.readyState, document.title,"
                " document.querySelector('h1')?.textContent ?? null, document.characterSet])",
                contextId=world["executionContextId"],
                returnByValue=True,
            )
            ready, title, heading, charset = json.loads(state["result"]["value"])
            if ready == "complete" and heading is not None:
                return {"url": frame["url"], "title": title, "h1": heading, "charset": charset}
    return None


def _archived_bytes(browser: DevTools, frame_url: str, stamp: str, url: str) -> bytes:
    """The capture's body as ReplayWeb.page's service worker gives it, unrewritten (``id_``)."""
    collection = frame_url.split("mp_/")[0].rsplit("/", 1)[0]
    script = (
        f"fetch({json.dumps(f'{collection}/{stamp}id_/{url}')})"
        ".then(r => r.arrayBuffer())"
        ".then(b => { let s = ''; for (const x of new Uint8Array(b)) s += String.fromCharCode(x);"
        " return btoa(s); })"
    )
    result = browser.send(
        "Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True
    )
    return base64.b64decode(result["result"]["value"])


def _timestamps(browser: DevTools, frame_url: str, url: str) -> list[int]:
    """The capture times (ms since 1970) ReplayWeb.page's index holds for ``url``."""
    collection = frame_url.split("/w/")[1].split("/")[0]
    script = (
        f"fetch('/w/api/c/{collection}/ts/?url=' + encodeURIComponent({json.dumps(url)}))"
        ".then(r => r.json())"
    )
    result = browser.send(
        "Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True
    )
    return sorted(result["result"]["value"]["timestamps"])


def _click_page(browser: DevTools, title: str) -> None:
    """Click the page list's entry titled ``title``, as a reader would."""
    script = (
        f"(() => {{ {TEXT_NODES} const title = {json.dumps(title)};"
        " const hits = textNodes().filter(n => n.data.trim() === title);"
        # A text node at the top of a shadow root has no parent element: click its host.
        " if (hits.length) (hits[0].parentElement || hits[0].parentNode.host).click();"
        " return hits.length; })()"
    )
    assert browser.evaluate(script), f"no entry titled {title!r} in the page list"


def test_replaywebpage_lists_the_pages_and_replays_the_archived_html(
    tmp_path: Path, site: tuple[str, Path], browser: DevTools
) -> None:
    base, root = site
    _export_wacz(tmp_path, root / "news.wacz")
    desktop(browser)
    browser.send("Page.navigate", url=f"{base}/?source={base}/news.wacz")

    def page_list() -> list[str] | None:
        texts: list[str] = browser.evaluate(DEEP_TEXT)
        return texts if "Zoë's café reopens" in texts and "Council story" in texts else None

    texts = _wait(browser, page_list, "the page list")
    assert "2 Pages" in texts
    assert STORY in texts and CAFE in texts
    browser.screenshot(ARTIFACTS / "replaywebpage-pages.png")

    _click_page(browser, "Zoë's café reopens")
    frame = _wait(browser, lambda: _replay_frame(browser, CAFE), "the replayed café page")
    assert (frame["title"], frame["h1"]) == ("Zoë's café reopens", "Zoë's café reopens")
    # Read in the charset it was served in (the web's name for ISO-8859-1).
    assert frame["charset"] == "windows-1252"
    browser.screenshot(ARTIFACTS / "replaywebpage-replay.png")

    # Every capture, the earlier ones and the revisits too, replays as the bytes archived,
    # and ReplayWeb.page knows each capture once, at its own time.
    for url, at, html in REPLAYS:
        stamp = at.strftime("%Y%m%d%H%M%S")
        assert _archived_bytes(browser, frame["url"], stamp, url) == html, (url, stamp)
    for url in (STORY, CAFE):
        expected = sorted(int(at.timestamp() * 1000) for u, at, _ in REPLAYS if u == url)
        assert _timestamps(browser, frame["url"], url) == expected, url
