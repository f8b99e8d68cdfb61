"""Response headers stored as zstd frames: exact round trips, a frozen dictionary, and
headers saved as JSON before frames existed still read back."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from conftest import at
from newsarchive import Archive, StorageError
from newsarchive.identity import merge_articles
from newsarchive.storage import _headers, _migrations
from newsarchive.times import to_micros

URL = "https://news.example.com/2017/06/06/sessions"

# A news site's response, in the shape httpx gives it: names lowercase, values as sent.
# Written apart from the dictionary, with other hosts, cookies and policies.
SITE = (
    ("content-type", "text/html; charset=utf-8"),
    ("date", "Wed, 07 Jun 2017 14:20:03 GMT"),
    ("cache-control", "max-age=30, s-maxage=120, stale-while-revalidate=15"),
    ("age", "41"),
    ("etag", 'W/"5f2b-1a9c07d3e"'),
    ("last-modified", "Wed, 07 Jun 2017 14:12:00 GMT"),
    ("vary", "Accept-Encoding, Origin"),
    ("x-request-id", "c3a1f9e0-5b7d-4e2a-9f1c-0d8e7b6a5c4d"),
    (
        "content-security-policy",
        "default-src 'self' https://*.dailyledger.com; script-src 'self' 'unsafe-inline'"
        " https://static.dailyledger.com https://tags.adnetwork.net; img-src * data:;"
        " frame-ancestors 'none'; upgrade-insecure-requests",
    ),
    ("strict-transport-security", "max-age=63072000; includeSubDomains"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "set-cookie",
        "ledger_uid=8d41f0c2a7; Path=/; Domain=.dailyledger.com; Max-Age=31536000;"
        " Secure; SameSite=Lax",
    ),
    ("x-served-by", "cache-bos4629-BOS, cache-ewr18140-EWR"),
    ("x-cache", "HIT, HIT"),
    ("x-cache-hits", "12, 3"),
    ("x-timer", "S1496845203.512388,VS0,VE0"),
    ("via", "1.1 varnish, 1.1 varnish"),
    ("accept-ranges", "bytes"),
    ("server", "nginx"),
)

header_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@given(st.lists(st.tuples(header_text, header_text), max_size=12))
def test_any_headers_come_back_exactly(headers: list[tuple[str, str]]) -> None:
    stored = _headers.compress(headers)
    if not headers:
        assert stored is None
    else:
        assert stored is not None
        assert _headers.decompress(stored) == tuple(headers)


def test_a_news_sites_headers_take_under_a_third_of_their_json() -> None:
    stored = _headers.compress(SITE)
    assert stored is not None
    assert len(stored) * 3 < len(_headers.serialise(SITE))


def test_the_dictionary_never_changes() -> None:
    # Frames already stored decode only against these exact bytes: a change needs a new
    # format byte and dictionary, not an edit of this one.
    digest = hashlib.sha256(_headers.dictionary_v1()).hexdigest()
    assert digest == "45cdd3b09289dd8b849f6dc9ad87488d5c299b7724a3eb50568272821d7142e6"


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown headers format"):
        _headers.decompress(b"\x09" + b"frame")


def test_a_captures_headers_read_back_on_every_backend(archive: Archive) -> None:
    archive.save(URL, text="Sessions offered to resign.", http_status=200, http_headers=SITE)
    archive.save(URL, text="Sessions offered to resign.", captured_at=None)
    first, second = archive.captures(URL)
    assert first.http_headers == SITE
    assert second.http_headers == ()


def test_headers_saved_as_json_before_frames_become_frames(tmp_path: Path) -> None:
    """An archive made before frames existed (schema 2), holding headers as JSON: its
    migrations store them as frames and drop their column, and they read back alike."""
    db = tmp_path / "old" / "newsarchive.db"
    db.parent.mkdir()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at)")
        for number, steps in enumerate(_migrations.SQLITE[:2], start=1):
            for statement in steps:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, 0)", (number,))
        # What the code before frames wrote for two captures: one with headers, one with
        # an empty list of them.
        text = b"First."
        digest = hashlib.sha256(text).digest()
        conn.execute(
            "INSERT INTO blobs VALUES (?, NULL, 0, ?, ?)",
            (digest, len(text), zstandard.ZstdCompressor().compress(text)),
        )
        conn.execute("INSERT INTO articles VALUES (1, ?, 0)", (URL,))
        for capture_id, headers in ((1, '[["ETag", "\\"1\\""], ["Server", "nginx"]]'), (2, "[]")):
            conn.execute(
                "INSERT INTO captures (id, article_id, captured_at, content_hash, text_hash,"
                " source, http_headers) VALUES (?, 1, ?, ?, ?, 'manual', ?)",
                (capture_id, capture_id, bytes(32), digest, headers),
            )
    with Archive.open(db.parent) as archive:
        archive.save(URL, text="Second.", http_headers=SITE)
        old, empty, new = archive.captures(URL)
    assert old.http_headers == (("ETag", '"1"'), ("Server", "nginx"))
    assert empty.http_headers == ()
    assert new.http_headers == SITE
    with sqlite3.connect(db) as conn:
        frames = [f for (f,) in conn.execute("SELECT http_headers_zstd FROM captures ORDER BY id")]
        columns = [r[1] for r in conn.execute("PRAGMA table_info(captures)")]
    assert frames[0][:1] == b"\x01" and frames[1] is None
    assert len(frames[2]) * 3 < len(_headers.serialise(SITE))
    assert "http_headers" not in columns


def test_damaged_headers_are_a_storage_error(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        archive.save(URL, text="First.", http_headers=SITE)
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        conn.execute("UPDATE captures SET http_headers_zstd = x'01deadbeef'")
    with (
        Archive.open(tmp_path / "a") as archive,
        pytest.raises(StorageError, match="stored headers of capture 1 are damaged"),
    ):
        archive.captures(URL)


# Headers nothing before them resembles: a delta of them would cost more than half the
# base's frame.
UNLIKE = (("x-trace", "".join(hashlib.sha256(b"%d" % n).hexdigest() for n in range(40))),)


def _fetch(number: int) -> tuple[tuple[str, str], ...]:
    """SITE as a later fetch answers: new date, age, request id and timer."""
    changed = {
        "date": f"Wed, 07 Jun 2017 14:{20 + number:02d}:03 GMT",
        "age": str(number * 7 % 60),
        "x-request-id": hashlib.sha256(b"%d" % number).hexdigest()[:36],
        "x-timer": f"S14968452{number:02d}.512388,VS0,VE0",
    }
    return tuple((name, changed.get(name, value)) for name, value in SITE)


def test_a_re_checks_headers_are_a_small_delta_on_every_backend(archive: Archive) -> None:
    fetches = [_fetch(n) for n in range(6)]
    for number, headers in enumerate(fetches):
        archive.save(URL, text="Sessions offered to resign.", http_headers=headers)
        if number == 2:  # another answer: too unlike the base to be a delta of it
            archive.save(URL, text="Sessions offered to resign.", http_headers=UNLIKE)
    read = [c.http_headers for c in archive.captures(URL)]
    assert read == [*fetches[:3], UNLIKE, *fetches[3:]]


def test_deltas_name_a_standalone_base_and_cost_a_fraction_of_it(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        for number in range(4):
            archive.save(URL, text="Sessions offered to resign.", http_headers=_fetch(number))
        archive.save(URL, text="Sessions offered to resign.", http_headers=UNLIKE)
        archive.save(URL, text="Sessions offered to resign.", http_headers=[("a", "c")])
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        frames = [bytes(f) for (f,) in conn.execute("SELECT http_headers_zstd FROM captures")]
    assert [_headers.base_of(f) for f in frames] == [None, 1, 1, 1, None, 5]
    assert all(len(f) * 4 < len(frames[0]) for f in frames[1:4])


def test_a_delta_whose_base_is_lost_is_a_storage_error(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        for number in range(2):
            archive.save(URL, text="Sessions offered to resign.", http_headers=_fetch(number))
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        conn.execute("UPDATE captures SET http_headers_zstd = NULL WHERE id = 1")
    with (
        Archive.open(tmp_path / "a") as archive,
        pytest.raises(StorageError, match="stored headers of capture 2 are damaged"),
    ):
        archive.captures(URL)


@given(st.lists(st.tuples(header_text, header_text), min_size=1, max_size=12))
def test_any_headers_come_back_exactly_from_a_delta(headers: list[tuple[str, str]]) -> None:
    base = _headers.compress(SITE)
    assert base is not None
    raw = _headers.raw(base)
    stored = _headers.compress_delta(headers, 7, raw, 10**6)
    assert stored is not None and _headers.base_of(stored) == 7
    assert _headers.decompress(stored, raw) == tuple(headers)


def test_headers_read_back_after_a_merge_stores_the_captures_anew(tmp_path: Path) -> None:
    """A merge deletes both articles' captures and saves them again in time order, under
    row ids the deleted ones had (the earliest, the other article's, takes the first
    one's id): deltas must be made against the new bases."""
    other = URL + "-updated"
    with Archive.open(tmp_path / "a") as archive:
        archive.save(URL, text="Sessions offered.", captured_at=at(1), http_headers=_fetch(1))
        archive.save(URL, text="Sessions offered.", captured_at=at(2), http_headers=_fetch(2))
        archive.save(other, text="Sessions resigned.", captured_at=at(0), http_headers=UNLIKE)
        archive.captures(URL)  # reading decodes (and keeps) the first capture's headers
        merge_articles(archive, URL, other)
        archive.save(URL, text="Sessions offered.", captured_at=at(3), http_headers=_fetch(3))
    with Archive.open(tmp_path / "a") as archive:
        read = [c.http_headers for c in archive.captures(URL)]
    assert read == [UNLIKE, _fetch(1), _fetch(2), _fetch(3)]


def test_a_re_checks_new_ids_and_times_cost_little_more_than_their_bytes() -> None:
    """The same headers with new times and request ids: a token delta (format 3). Of its
    42 bytes, the 36-digit hex id takes 18 and the timer's token 13; the date costs a
    byte (the shift every time moved by, as the capture's time predicts it), the age two
    and the last-modified time, which stayed where it was, three."""
    base = _headers.compress(_fetch(0))
    assert base is not None
    fetched = to_micros(datetime(2017, 6, 7, 14, 25, 3, tzinfo=UTC))
    stored = _headers.compress_delta(_fetch(5), 1, _headers.raw(base), len(base), fetched)
    assert stored is not None and stored[:1] == b"\x03" and _headers.base_of(stored) == 1
    assert _headers.decompress(stored, _headers.raw(base), fetched) == _fetch(5)
    assert len(stored) == 42
