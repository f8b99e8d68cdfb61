"""The archive's door: what save and import accept is what export writes and import reads."""

from __future__ import annotations

import io
import json
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import Archive
from newsarchive.errors import InputError
from newsarchive.ingest import validate
from newsarchive.ingest.jsonl import parse_line
from newsarchive.times import parse_time

URL = "https://news.example.com/2017/06/06/story"
T = datetime(2017, 6, 6, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"text": b"bytes"}, "text must be a string, not bytes"),
        ({"text": "x", "captured_at": "2017-06-06"}, "captured_at must be a datetime, not str"),
        ({"text": "x", "captured_at": 1496779200}, "captured_at must be a datetime, not int"),
        ({"text": "x", "published_at": 3.5}, "published_at must be a datetime"),
        ({"text": "x", "http_status": "abc"}, "http_status must be an integer, not str"),
        ({"text": "x", "http_status": True}, "http_status must be an integer, not bool"),
        ({"text": "x", "http_status": 99999999999999999999999}, "not between 100 and 599"),
        ({"text": "x", "http_status": 99}, "not between 100 and 599"),
        ({"text": "x", "metadata": {"a": math.nan}}, "metadata.a is nan"),
        ({"text": "x", "metadata": {"a": [math.inf]}}, "metadata.a[0] is inf"),
        ({"text": "x", "metadata": {1: "a"}}, "keys are strings"),
        ({"text": "x", "metadata": {"a": {1, 2}}}, "metadata.a holds a set"),
        ({"text": "x", "metadata": {"a": "nul\x00"}}, "metadata.a holds a NUL"),
        ({"text": "x", "metadata": ["a"]}, "metadata must be a mapping, not list"),
        ({"text": "x", "title": 5}, "title must be a string, not int"),
        ({"text": "x", "title": "a\x00b"}, "title holds a NUL"),
        ({"text": "x", "source": None}, "source must be a string"),
        ({"text": "x", "canonical_url": 7}, "canonical_url must be a string, not int"),
        ({"text": "x", "http_headers": "Server: x"}, "http_headers must be (name, value) pairs"),
        ({"text": "x", "http_headers": [("A", "b\r\nX-Injected: 1")]}, "holds CR, LF or NUL"),
        ({"text": "x", "http_headers": [("A", 1)]}, "names and values must be strings"),
    ],
)
def test_a_field_of_the_wrong_type_or_range_is_refused_by_name(
    sqlite_archive: Archive, fields: dict[str, Any], named: str
) -> None:
    with pytest.raises(InputError, match=re.escape(named)):
        sqlite_archive.save(URL, **fields)
    assert sqlite_archive.articles() == []


@pytest.mark.parametrize("url", [None, 5, b"https://x.example/", "https://x.example/a\x00b"])
def test_a_url_that_is_not_a_clean_string_is_an_input_error(
    sqlite_archive: Archive, url: object
) -> None:
    with pytest.raises(InputError, match="^url "):
        sqlite_archive.save(url, text="x")  # type: ignore[arg-type]


def test_a_url_past_the_length_limit_is_refused_with_a_short_message(
    sqlite_archive: Archive,
) -> None:
    url = "https://x.example/" + "a" * 1_000_000
    with pytest.raises(InputError) as caught:
        sqlite_archive.save(url, text="x")
    assert f"limit {validate.MAX_URL_LENGTH}" in str(caught.value)
    assert len(str(caught.value)) < 200
    sqlite_archive.save("https://x.example/" + "a" * 8000, text="x")  # long but allowed


def test_metadata_nested_past_the_limit_is_refused(sqlite_archive: Archive) -> None:
    deep: Any = "leaf"
    for _ in range(validate.MAX_JSON_DEPTH):
        deep = [deep]
    with pytest.raises(InputError, match="nested more than"):
        sqlite_archive.save(URL, text="x", metadata={"a": deep})
    sqlite_archive.save(URL, text="x", metadata={"a": deep[0]})


def test_a_time_outside_years_1_to_9999_in_utc_is_refused(sqlite_archive: Archive) -> None:
    late = datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-23, minutes=-59)))
    with pytest.raises(InputError, match="captured_at .* outside years 1 to 9999"):
        sqlite_archive.save(URL, text="x", captured_at=late)


def test_a_naive_time_is_taken_as_utc_as_iso_text_without_offset_is(
    sqlite_archive: Archive,
) -> None:
    sqlite_archive.save(URL, text="x", captured_at=datetime(2017, 6, 6, 20, 0))
    assert sqlite_archive.captures(URL)[0].captured_at == T
    assert parse_time("2017-06-06T20:00:00") == T


def test_empty_text_is_refused_only_when_asked(sqlite_archive: Archive) -> None:
    with pytest.raises(InputError, match="the text is empty"):
        sqlite_archive.save(URL, text=" \n\t", allow_empty=False)
    assert sqlite_archive.articles() == []
    sqlite_archive.save(URL, text="", allow_empty=True)  # what an export may hold


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("2017-02-30", "day is out of range for month"),
        ("2017-13-01", "month must be in 1..12"),
        ("9999-12-31T23:59:59-23:59", "outside years 1 to 9999"),
        ("0001-01-01T00:00:00+01:00", "outside years 1 to 9999"),
        ("yesterday", "expected ISO 8601"),
    ],
)
def test_bad_dates_get_a_message_saying_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_time(value, what="captured_at")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"url": "https://x.example/", "text": "cut', "Unterminated string"),
        (b'{"metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (b'{"url": "https://x.example/", "captured_at": NaN}', "NaN is not a JSON number"),
        (b'{"url": "a\x01b"}', "Invalid control character at column 11"),
        (b"\xff\xfe", "not valid UTF-8"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"http_status": 1' + b"0" * 5000 + b"}", "a number too long to read"),
    ],
)
def test_a_malformed_jsonl_line_is_one_complete_input_error(line: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_line(line, default_source="import")
    assert "\n" not in str(caught.value)


def test_an_import_carries_on_past_every_kind_of_bad_line(sqlite_archive: Archive) -> None:
    good = {"url": URL, "captured_at": "2017-06-06T20:00:00Z", "text": "good"}
    lines = [
        b'{"metadata": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        json.dumps({**good, "captured_at": "9999-12-31T23:59:59-23:59"}).encode(),
        json.dumps({**good, "http_status": 99999999999999999999999}).encode(),
        json.dumps({**good, "url": "https://x.example/" + "a" * 1_000_000}).encode(),
        json.dumps({**good, "url": "https://x.example/\u0000"}).encode(),
        json.dumps(good).encode(),
    ]
    report = sqlite_archive.import_jsonl(io.BytesIO(b"\n".join(lines) + b"\n"))
    assert report.captures_added == 1
    assert [p.line for p in report.problems] == [1, 2, 3, 4, 5]
    assert all("\n" not in p.message and len(p.message) < 400 for p in report.problems)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
fields = st.fixed_dictionaries(
    {
        "text": st.text(max_size=40),
        "title": st.none() | st.text(max_size=12),
        "byline": st.none() | st.text(max_size=12),
        "captured_at": st.datetimes(timezones=st.timezones() | st.none()),
        "published_at": st.none() | st.datetimes(timezones=st.just(UTC)),
        "metadata": st.dictionaries(st.text(max_size=5), json_values, max_size=3),
        "http_status": st.none() | st.integers(min_value=0, max_value=700),
        "http_headers": st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=2),
    }
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=fields, number=st.integers(min_value=0, max_value=10**9))
def test_whatever_save_accepts_exports_and_imports_back_byte_for_byte(
    archive: Archive, fields: dict[str, Any], number: int
) -> None:
    """Saved on each backend, exported, imported into a second archive: the same line."""
    url = f"https://news.example.com/{number}"
    try:
        archive.save(url, **fields)
    except InputError:
        return
    exported = io.StringIO()
    archive.export_jsonl(exported, [url])
    line = exported.getvalue()
    with Archive.open(":memory:") as second:
        report = second.import_jsonl(io.BytesIO(line.encode("utf-8", "surrogatepass")))
        assert report.problems == ()
        again = io.StringIO()
        second.export_jsonl(again, [url])
    assert again.getvalue() == line
    # And back into the first backend, under another address, to the same bytes.
    moved = line.replace(url, url + "-copy")
    report = archive.import_jsonl(io.BytesIO(moved.encode("utf-8", "surrogatepass")))
    assert report.problems == ()
    back = io.StringIO()
    archive.export_jsonl(back, [url + "-copy"])
    assert back.getvalue() == moved
