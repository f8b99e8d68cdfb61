"""Token deltas: any text comes back exactly, and a re-check costs about what changed."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsarchive.storage import _tokendelta

PAGE = (
    b'<html><head><script nonce="3826657cc070d69d">window.renderedAt='
    b'"2017-06-06T18:15:00+00:00";</script></head><body>'
    + b"".join(b'<li><a href="/section/%d">Section %d</a></li>' % (i, i) for i in range(40))
    + b'<div class="ad" data-creative="9f3c01aa"></div><p>The attorney general offered to'
    b" resign.</p><footer>Rendered 2017-06-06T18:15:00+00:00 (Tue, 06 Jun 2017 18:15:00"
    b" GMT)</footer></body></html>"
)


def _later(page: bytes, nonce: bytes, creative: bytes, time: bytes, http: bytes) -> bytes:
    return (
        page.replace(b"3826657cc070d69d", nonce)
        .replace(b"9f3c01aa", creative)
        .replace(b"2017-06-06T18:15:00", time)
        .replace(b"Tue, 06 Jun 2017 18:15:00 GMT", http)
    )


def test_a_re_check_costs_its_new_ids_and_a_few_bytes() -> None:
    later = _later(
        PAGE,
        b"469cfe35230d40ec",
        b"00c1d2e3",
        b"2017-06-06T18:30:00",
        b"Tue, 06 Jun 2017 18:30:00 GMT",
    )
    delta = _tokendelta.encode(later, PAGE)
    assert delta is not None
    assert _tokendelta.decode(delta, PAGE) == later
    # The 15 minutes all three times moved, a bitmap of the page's two hex runs marking
    # both, and their 8 + 4 bytes.
    assert len(delta) == 2 + 1 + 8 + 4


def test_the_fetch_time_predicts_the_shift_however_old_the_base() -> None:
    """Given the fetch's time, a page whose times are its fetch's pays one byte for them,
    where the shift itself (a day here) takes three; read at another time, they move.
    (The other byte is the bitmap of its hex runs, none of which changed.)"""
    day = b"2017-06-07T18:15:00"
    later = _later(PAGE, b"3826657cc070d69d", b"9f3c01aa", day, b"Wed, 07 Jun 2017 18:15:00 GMT")
    fetched = 1496859300  # 2017-06-07T18:15:00Z
    delta = _tokendelta.encode(later, PAGE, fetched)
    assert delta == b"\x00\x00"
    assert _tokendelta.decode(delta, PAGE, fetched) == later
    assert len(_tokendelta.encode(later, PAGE) or b"") == 4
    assert _tokendelta.decode(delta, PAGE, fetched + 60).count(b"2017-06-07T18:16:00") == 2


def test_numbers_are_stored_as_varints_and_others_as_bytes() -> None:
    base = b"age: 35; n: 007; big: 1234567890123456789012; w: Hit"
    new = b"age: 12; n: 008; big: 1234567890123456789013; w: RefreshHit"
    delta = _tokendelta.encode(new, base)
    assert delta is not None and _tokendelta.decode(delta, base) == new
    # 12 a number (a code and a varint); 008, with its leading zero, its bytes after a code
    # and length; the 22-digit number a hex run the base's length (11 bytes); the word
    # its bytes.
    assert len(delta) == 2 + (2 + 3) + (1 + 11) + (2 + 10)


def test_times_that_did_not_move_together_are_stored_apart() -> None:
    later = _later(
        PAGE,
        b"3826657cc070d69d",
        b"9f3c01aa",
        b"2017-06-06T18:30:00",
        b"Wed, 07 Jun 2017 18:15:00 GMT",
    )
    delta = _tokendelta.encode(later, PAGE)
    assert delta is not None and _tokendelta.decode(delta, PAGE) == later
    assert len(delta) < 12


def test_a_page_whose_structure_changed_is_left_to_zstd() -> None:
    assert _tokendelta.encode(PAGE.replace(b"<footer>", b"<footer><b>"), PAGE) is None
    assert _tokendelta.encode(PAGE + b"<!-- -->", PAGE) is None


NASTY = [
    b"",
    b"\x00",
    b"\xf8\xff\xfe",
    "Zürich 😀 שלום".encode(),
    b"\r\n\r\n",
    b"Mon, 31 Feb 2017 10:00:00 GMT",  # no such day: a word, not a time
    b"Mon, 06 Jun 2017 18:15:00 GMT",  # the wrong weekday: kept as sent
    b"9999-12-31T23:59:59Z",
    b"0001-01-01T00:00:00+00:00",
    b"DEADBEEF deadbeef 0DEADBEEF Deadbeef00 00000000",
    hashlib.sha256(b"x").hexdigest().encode(),
]


@given(st.sampled_from(NASTY), st.sampled_from(NASTY))
def test_nasty_texts_come_back_exactly(a: bytes, b: bytes) -> None:
    for data, base in ((a, b), (b, a), (a + b, b + a)):
        delta = _tokendelta.encode(data, base)
        if delta is not None:
            assert _tokendelta.decode(delta, base) == data


def test_times_shifted_past_year_9999_are_stored_as_sent() -> None:
    base = b"at 9999-12-31T23:00:00Z and 2017-01-01T00:00:00Z"
    data = b"at 9999-12-31T23:59:00Z and 2017-01-01T00:59:00Z"
    delta = _tokendelta.encode(data, base)
    assert delta is not None and _tokendelta.decode(delta, base) == data
    data = b"at 9999-12-31T23:59:00Z and 2017-01-01T02:00:00Z"
    delta = _tokendelta.encode(data, base)
    assert delta is not None and _tokendelta.decode(delta, base) == data


_pieces = st.sampled_from(
    [b"<p>", b"</p>", b" ", b">", b"\n", b"id=", b"2017-06-06T18:15:00+00:00", b"a1b2c3d4e5",
     b"A1B2C3D4E5F", b"Tue, 06 Jun 2017 18:15:00 GMT", b"word", b"\xff", b"12", b"_"]
)  # fmt: skip


@given(st.lists(_pieces, max_size=30), st.data())
@example([b"2017-06-06T18:15:00+00:00"], None)
def test_any_change_of_any_text_comes_back_exactly(
    pieces: list[bytes], data: st.DataObject
) -> None:
    base = b"".join(pieces)
    changed = list(pieces)
    if data is not None and changed:
        for _ in range(data.draw(st.integers(0, 4))):
            changed[data.draw(st.integers(0, len(changed) - 1))] = data.draw(_pieces)
    new = b"".join(changed)
    delta = _tokendelta.encode(new, base)
    if delta is not None:
        assert _tokendelta.decode(delta, base) == new


@given(st.binary(max_size=60), st.binary(max_size=60))
def test_any_bytes_come_back_exactly(a: bytes, b: bytes) -> None:
    delta = _tokendelta.encode(a, b)
    if delta is not None:
        assert _tokendelta.decode(delta, b) == a


@pytest.mark.parametrize(
    "delta",
    [b"\x80", b"\x7f", b"\x00", b"\x03\x80", b"\x01\x00", b"\x03\x07", b"\x00" * 3],
)
def test_a_damaged_delta_is_a_value_error(delta: bytes) -> None:
    with pytest.raises(ValueError, match="damaged token delta"):
        _tokendelta.decode(delta, b"<p>text</p>")


def test_a_base_with_many_hex_runs_lists_changes_by_position() -> None:
    """Up to 16 hex runs, the changed ones are marked in a bitmap; past that, a bitmap
    would cost more than the byte each change takes to place."""
    few = b" ".join(b"%08x" % (n * 7919) for n in range(16))
    many = b" ".join(b"%08x" % (n * 7919) for n in range(40))
    for base, head in ((few, 2), (many, 0)):
        new = base.replace(b"%08x" % (3 * 7919), b"00c0ffee").replace(b"%08x" % 7919, b"ABCDEF12")
        delta = _tokendelta.encode(new, base)
        assert delta is not None and _tokendelta.decode(delta, base) == new
        # One changed in length and case, placed by position either way (code, length,
        # 4 bytes); the other in the bitmap, or placed by a code.
        assert len(delta) == head + 4 + (2 + 4) + (0 if head else 1)


def test_a_bitmap_marking_hex_runs_the_base_lacks_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="past the base's"):
        _tokendelta.decode(b"\x02", b"id=deadbeef")
    with pytest.raises(ValueError, match="cut short"):
        _tokendelta.decode(b"\x01\xde", b"id=deadbeef")
