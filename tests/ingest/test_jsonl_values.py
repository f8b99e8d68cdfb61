"""A line of JSON Lines reads as Python's json reads it: the same values, or an InputError."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsarchive.errors import InputError
from newsarchive.ingest.jsonl import load_line, parse_line


def _json_reads(line: bytes) -> Any:
    """What json makes of a line, or the exception class it raises."""
    try:
        return json.loads(str(line, "utf-8"))
    except (ValueError, RecursionError) as exc:
        return type(exc)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types all the way down (1 and 1.0 and True differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b) and (not isinstance(a, float) or math.copysign(1, a) == math.copysign(1, b))


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 4, max_value=2**64 + 4)
    | st.integers(min_value=-(2**63) - 4, max_value=-(2**63) + 4)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=2),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@settings(max_examples=400)
@given(values, st.booleans())
@example({"n": 123456789012345678901234567890}, True)
@example({"n": -9223372036854775809, "x": 1e308, "y": 5e-324}, True)
@example({"text": "\ud800 alone", "pair": "\ud83d\ude00"}, True)
def test_any_json_value_reads_as_json_reads_it(value: Any, ascii_only: bool) -> None:
    # Unescaped, a lone surrogate is no UTF-8: both readers refuse it.
    line = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    _reads_as_json(line)
    _reads_as_json(memoryview(line))


@settings(max_examples=400)
@given(st.binary(max_size=40), st.integers(min_value=0, max_value=40))
@example(b'{"a": 1e400}', 0)
@example(b'{"a": -1e-400}', 0)
@example(b'{"a": 01}', 0)
@example(b'\xef\xbb\xbf{"a": 1}', 0)
@example(b'{"a": "\xed\xa0\x80"}', 0)
@example(b'{"a": 1, "a": 2}', 0)
def test_any_bytes_read_as_json_reads_them_or_are_refused(junk: bytes, at: int) -> None:
    # Bytes spliced into a valid line, to reach past the first character.
    valid = b'{"url": "https://x.example/", "n": [1, 2.5, "\\u00e9"], "t": true}'
    _reads_as_json(valid[:at] + junk + valid[at:] if junk else valid)


def _reads_as_json(line: bytes | memoryview) -> None:
    expected = _json_reads(bytes(line))
    if isinstance(expected, type):
        with pytest.raises(InputError):
            load_line(line)
    else:
        assert _same(load_line(line), expected)


@pytest.mark.parametrize(
    "line",
    [b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b'{"a": 1' + b"0" * 5000 + b"}"],
)
def test_what_json_alone_would_take_is_refused_with_a_reason(line: bytes) -> None:
    with pytest.raises(InputError, match="not valid JSON") as caught:
        parse_line(line, default_source="import")
    assert "\n" not in str(caught.value)
