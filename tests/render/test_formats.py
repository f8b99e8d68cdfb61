"""One diff in every format the command line offers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newsarchive import InputError
from newsarchive.diff import diff_versions
from newsarchive.models import Version
from newsarchive.render.formats import DIFF_FORMATS, needs_alignment, render_diff

T = datetime(2024, 1, 1, tzinfo=UTC)


def version(number: int, text: str) -> Version:
    return Version(
        url="https://example.com/a",
        number=number,
        id=f"{number:016x}",
        text=text,
        content_hash=f"{number:064x}",
        text_hash=f"{number:064x}",
        first_captured_at=T,
        last_captured_at=T,
    )


def test_every_format_renders_and_json_is_one_document() -> None:
    d = diff_versions(version(1, "The cat sat."), version(2, "The dog sat."))
    for fmt in DIFF_FORMATS:
        assert render_diff(d, fmt)
    data = json.loads(render_diff(d, "json"))
    assert data["new"]["number"] == 2 and "alignment" not in data


def test_an_unknown_format_is_one_clear_error() -> None:
    d = diff_versions(version(1, "A."), version(2, "B."))
    with pytest.raises(InputError, match="unknown diff format 'pdf'"):
        render_diff(d, "pdf")


@pytest.mark.parametrize(
    ("fmt", "granularity", "stat", "expected"),
    [
        ("text", "sentence", False, True),
        ("text", "sentence", True, False),
        ("json", "sentence", True, True),
        ("unified", "sentence", False, False),
        ("text", "word", False, False),
    ],
)
def test_alignment_is_asked_for_only_where_shown(
    fmt: str, granularity: str, stat: bool, expected: bool
) -> None:
    assert needs_alignment(fmt, granularity, stat=stat) is expected
