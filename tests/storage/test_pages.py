"""Raw pages re-checked all day: each a small delta, in chains long enough to pay, read
back exactly; an unchanged page stores nothing new."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import at
from newsarchive import Archive, NotFoundError, StorageError
from newsarchive.storage import _blobs, _pages

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


def _kept(conn: sqlite3.Connection) -> list[bytes | None]:
    """The page each capture keeps in its row (after its headers, none here), by id."""
    rows = conn.execute("SELECT http_headers_zstd FROM captures ORDER BY id")
    return [None if f is None else _pages.detach(bytes(f))[1] for (f,) in rows]


def _grown(fetch: int) -> str:
    """A page whose structure changes on every fetch: one more rule each time."""
    return _page(fetch).replace("<footer>", "<hr>" * fetch + "<footer>")


def test_a_changed_structure_is_a_small_blob_delta_and_an_unchanged_page_no_blob(
    tmp_path: Path,
) -> None:
    fetches = _blobs.PAGE_KEYFRAME_INTERVAL + 2
    with Archive.open(tmp_path / "a") as archive:
        for fetch in range(fetches):
            archive.save(URL, text=TEXT, html=_grown(fetch))
        archive.save(URL, text=TEXT, html=_grown(fetches - 1))
        captures = archive.captures(URL)
        assert [archive.raw_html(c) for c in captures] == [
            *map(_grown, range(fetches)),
            _grown(fetches - 1),
        ]
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        rows = conn.execute(
            "SELECT depth, LENGTH(data) FROM blobs WHERE size > ? ORDER BY id", (len(TEXT),)
        ).fetchall()
        assert _kept(conn) == [None] * (fetches + 1)
    assert len(rows) == fetches
    assert [depth for depth, _ in rows] == [
        n % _blobs.PAGE_KEYFRAME_INTERVAL for n in range(fetches)
    ]
    keyframe = rows[0][1]
    assert all(size * 10 < keyframe for depth, size in rows if depth)


def test_a_re_checked_page_is_kept_in_its_row_as_the_tokens_that_changed(
    tmp_path: Path,
) -> None:
    """Only new nonces and footers: each page a delta of a few bytes in its capture's row,
    against the latest page blob, until a page with another structure becomes one."""
    with Archive.open(tmp_path / "a") as archive:
        for fetch in range(5):
            archive.save(URL, text=TEXT, html=_page(fetch))
        archive.save(URL, text=TEXT, html=_grown(9))
        for fetch in range(10, 12):
            archive.save(URL, text=TEXT, html=_grown(fetch).replace("<hr>" * fetch, "<hr>" * 9))
        pages = [archive.raw_html(c) for c in archive.captures(URL)]
        hashes = [c.html_hash for c in archive.captures(URL)]
    assert pages[:6] == [*map(_page, range(5)), _grown(9)]
    assert pages[6:] == [_grown(f).replace("<hr>" * f, "<hr>" * 9) for f in (10, 11)]
    assert hashes == [hashlib.sha256(p.encode()).hexdigest() for p in pages]
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        html_ids = [r[0] for r in conn.execute("SELECT html_id FROM captures ORDER BY id")]
        kept = _kept(conn)
        blobs = conn.execute("SELECT id FROM blobs WHERE size > ? ORDER BY id", (len(TEXT),))
        first, second = (r[0] for r in blobs.fetchall())
    assert html_ids == [first] * 5 + [second] * 3
    assert kept[0] is None and kept[5] is None
    # A new nonce (a word, as its bytes) and footer number (a varint).
    assert [len(page or b"") for page in kept[1:5] + kept[6:]] == [9] * 4 + [6] * 2


def test_a_damaged_page_delta_is_a_storage_error(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        for fetch in range(2):
            archive.save(URL, text=TEXT, html=_page(fetch))
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        conn.execute("UPDATE captures SET http_headers_zstd = x'0400ff' WHERE id = 2")
    with (
        Archive.open(tmp_path / "a") as archive,
        pytest.raises(StorageError, match="stored page of capture 2 is damaged"),
    ):
        archive.captures(URL)


def test_a_page_is_read_by_its_capture_on_every_backend(archive: Archive) -> None:
    for fetch in range(3):
        archive.save(URL, text=TEXT, html=_page(fetch))
    archive.save(URL, text=TEXT)
    captures = archive.captures(URL)
    assert [archive.store.page(c.id).decode() for c in captures[:3]] == [_page(f) for f in range(3)]
    with pytest.raises(NotFoundError, match="kept no page"):
        archive.store.page(captures[3].id)


_tokens = st.sampled_from(
    ["<p>", "</p>", " ", "word", "12", "9f3c01aa", "DEADBEEF00", "2017-06-06T18:15:00+00:00",
     "Tue, 06 Jun 2017 18:15:00 GMT", "\n", "é", "\x00", ">"]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(_tokens, min_size=1, max_size=40), st.data())
def test_any_re_checked_pages_read_back_exactly(tokens: list[str], data: st.DataObject) -> None:
    """Pages that change a few tokens a fetch, or their structure now and then, kept in
    rows or as blobs as they come: each reads back exactly, with its own sha256."""
    pages = ["".join(tokens)]
    for _ in range(data.draw(st.integers(1, 5))):
        changed = list(tokens)
        for _ in range(data.draw(st.integers(0, 3))):
            changed[data.draw(st.integers(0, len(changed) - 1))] = data.draw(_tokens)
        if data.draw(st.booleans()):
            changed.append(data.draw(_tokens))
        pages.append("".join(changed))
    with Archive.open(":memory:") as archive:
        for fetch, page in enumerate(pages):
            archive.save(URL, text=TEXT, html=page, captured_at=at(fetch * 15))
        captures = archive.captures(URL)
        assert [archive.raw_html(c) for c in captures] == pages
        assert [c.html_hash for c in captures] == [
            hashlib.sha256(p.encode("utf-8", "surrogatepass")).hexdigest() for p in pages
        ]
