"""A new version is checked for an earlier one with its content only where there can be one.

A text in its normal form that the archive has never stored cannot be the content of any
version, unless the article holds texts stored other than in their normal form (their
blobs are keyed by their own hash, not by the normal form's): the save then looks through
none of the article's versions, a search that would grow with its history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsarchive import Archive

URL = "https://news.example.com/2017/06/06/live"
T0 = datetime(2017, 6, 6, 20, 0, tzinfo=UTC)
# What the search for an earlier version with some content reads.
SEARCH = "SELECT MIN(v.number) FROM versions"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "a") as opened:
        yield opened


def searches(archive: Archive, text: str, minutes: int, url: str = URL) -> int:
    """How many searches saving ``text`` makes."""
    statements: list[str] = []
    conn = archive.store._conn  # type: ignore[attr-defined]
    assert isinstance(conn, sqlite3.Connection)
    conn.set_trace_callback(statements.append)
    try:
        archive.save(url, text=text, captured_at=T0 + timedelta(minutes=minutes))
    finally:
        conn.set_trace_callback(None)
    return sum(SEARCH in s for s in statements)


def test_a_new_normal_text_needs_no_search(archive: Archive) -> None:
    for minutes in range(3):
        archive.save(URL, text=f"Update {minutes}.", captured_at=T0 + timedelta(minutes=minutes))
    assert searches(archive, "Update 3.", 3) == 0
    assert searches(archive, "Update 1.", 4) == 1  # stored already: a revert, found
    assert [v.reverted_to for v in archive.history(URL)][-1] == 2


def test_an_article_holding_a_text_stored_otherwise_is_always_searched(archive: Archive) -> None:
    archive.save(URL, text="Update  0.", captured_at=T0)  # two spaces: not its normal form
    archive.save(URL, text="Update 1.", captured_at=T0 + timedelta(minutes=1))
    assert searches(archive, "Update 2.", 2) == 1
    assert searches(archive, "Update 0.", 3) == 1  # new to the archive, yet a revert
    assert [v.reverted_to for v in archive.history(URL)] == [None, None, None, 1]
    # Another article is not listed for it.
    assert searches(archive, "Other.", 0, url=URL + "-other") == 0
    assert searches(archive, "Other, again.", 1, url=URL + "-other") == 0


def test_a_backfilled_new_normal_text_needs_no_search(archive: Archive) -> None:
    archive.save(URL, text="Update 0.", captured_at=T0)
    archive.save(URL, text="Update 2.", captured_at=T0 + timedelta(minutes=20))
    statements: list[str] = []
    conn = archive.store._conn  # type: ignore[attr-defined]
    conn.set_trace_callback(statements.append)
    archive.save(URL, text="Update 1.", captured_at=T0 + timedelta(minutes=10))
    conn.set_trace_callback(None)
    assert not [s for s in statements if SEARCH in s or "SET reverted_to" in s]
    assert [v.text for v in archive.history(URL)] == ["Update 0.", "Update 1.", "Update 2."]
