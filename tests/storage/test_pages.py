"""Raw pages re-checked all day: each a small delta, in chains long enough to pay, read
back exactly; an unchanged page stores nothing new."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive import Archive
from newsarchive.storage import _blobs

URL = "https://news.example.com/2017/06/06/sessions"
TEXT = "Sessions offered to resign."
NAV = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(80))


def _page(fetch: int) -> str:
    return (
        f'<html><head><script nonce="{fetch * 7919:x}"></script></head>'
        f"<body><nav>{NAV}</nav><p>{TEXT}</p><footer>Rendered {fetch}</footer></body></html>"
    )


def test_pages_read_back_exactly_past_a_text_chains_length(archive: Archive) -> None:
    fetches = _blobs.KEYFRAME_INTERVAL + 4
    for fetch in range(fetches):
        archive.save(URL, text=TEXT, html=_page(fetch))
    captures = archive.captures(URL)
    assert len(captures) == fetches
    for fetch, capture in enumerate(captures):
        assert archive.raw_html(capture) == _page(fetch)


def test_a_page_is_a_small_delta_and_an_unchanged_one_costs_no_blob(tmp_path: Path) -> None:
    fetches = _blobs.PAGE_KEYFRAME_INTERVAL + 2
    with Archive.open(tmp_path / "a") as archive:
        for fetch in range(fetches):
            archive.save(URL, text=TEXT, html=_page(fetch))
        archive.save(URL, text=TEXT, html=_page(fetches - 1))
        assert len(archive.captures(URL)) == fetches + 1
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        rows = conn.execute(
            "SELECT depth, LENGTH(data) FROM blobs WHERE size > ? ORDER BY id", (len(TEXT),)
        ).fetchall()
    assert len(rows) == fetches
    assert [depth for depth, _ in rows] == [
        n % _blobs.PAGE_KEYFRAME_INTERVAL for n in range(fetches)
    ]
    keyframe = rows[0][1]
    assert all(size * 10 < keyframe for depth, size in rows if depth)
