"""``newsarchive cdxj`` keys every URL form as cdxj-indexer (pywb's indexer) does."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from webarchive_tools import run_tool

from newsarchive import Archive
from newsarchive.interop.cdxj import write_cdxj
from newsarchive.interop.warc import export_warc

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)

# Hosts as IPv4 and IPv6 literals, with and without ports (default or not), www prefixes,
# upper case, unsorted and empty queries, trailing slashes, fragments and user info.
URL_FORMS = [
    "http://127.0.0.1:8765/news/story",
    "http://127.0.0.1/",
    "https://127.0.0.1:443/a/",
    "http://10.1.2.3:80/a?b=1&a=2",
    "http://[::1]:8080/x/",
    "http://[::1]/",
    "https://[2001:db8::1]/p?b=2&a=1",
    "https://[2001:DB8::1]:8443/p/",
    "http://www.example.com/",
    "http://example.com:80/a/",
    "https://www.example.com:443/b/?z=1&a=2",
    "http://www2.example.com/page",
    "http://localhost:8000/x/",
    "https://News.Example.com/2017/06/06/Story/",
    "https://news.example.com/a?c=3&b=2&a=1",
    "http://example.com/a?",
    "http://example.com/a?b&a",
    "http://example.com:8080/",
    "http://www.example.co.uk/path/page.html?x=%20y",
    "http://example.com/%7Euser/",
    "https://example.com/frag#part",
    "http://user:pw@example.com/private",
]


def _keys(lines: list[str]) -> list[tuple[str, str, str]]:
    """(key, timestamp, url) of the lines indexing an http(s) record."""
    keys = []
    for line in lines:
        key, stamp, block = line.split(" ", 2)
        url = json.loads(block)["url"]
        if url.startswith(("http://", "https://")):
            keys.append((key, stamp, url))
    return sorted(keys)


def test_cdxj_keys_equal_cdxj_indexers_for_every_url_form(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive") as archive:
        for n, url in enumerate(URL_FORMS):
            html = (
                f"<html><head><title>Page {n}</title></head><body><p>Story {n}.</p></body></html>"
            )
            archive.save(
                f"https://news.example.com/story-{n}",
                html=html.encode(),
                html_charset="utf-8",
                fetched_url=url,
                http_status=200,
                http_headers=[("Content-Type", "text/html; charset=utf-8")],
                captured_at=T0 + timedelta(minutes=n),
            )
        warc = tmp_path / "forms.warc.gz"
        with warc.open("wb") as stream:
            export_warc(archive, stream, filename=warc.name)
    index = tmp_path / "ours.cdxj"
    with index.open("w") as out:
        report = write_cdxj([warc], out)
    assert report.lines == len(URL_FORMS)

    theirs = _keys(run_tool("cdxj-indexer", str(warc)).splitlines())
    ours = _keys(index.read_text().splitlines())
    assert ours == theirs
    # The text and metadata records are indexed by the tool, but never at a page's URL.
    assert len(run_tool("cdxj-indexer", str(warc)).splitlines()) > len(ours)
