"""Values shared by every layer: the problem a batch reports."""

from __future__ import annotations

import pytest

from newsarchive import Problem


@pytest.mark.parametrize(
    ("problem", "shown"),
    [
        (Problem(line=3, message="not valid JSON"), "line 3: not valid JSON"),
        (Problem(file="CDX", line=4, message="not a row"), "CDX line 4: not a row"),
        (
            Problem(file="a.warc.gz", offset=1024, message="record truncated"),
            "a.warc.gz at offset 1024: record truncated",
        ),
        (Problem(file="gone.warc.gz", message="No such file"), "gone.warc.gz: No such file"),
        (
            Problem(commit="0123456789abcdef0123", item="/articles/2", message="no url"),
            "commit 0123456789ab [/articles/2]: no url",
        ),
        (
            Problem(url="https://example.com/a", message="HTTP 500"),
            "https://example.com/a: HTTP 500",
        ),
        (Problem(message="stopped"), "stopped"),
    ],
)
def test_a_problem_names_where_it_happened(problem: Problem, shown: str) -> None:
    assert str(problem) == shown


def test_a_rewrite_is_read_before_the_changes_it_sums_up() -> None:
    from newsarchive.models import reading_order

    found = ["sentence-deleted", "quote-changed", "rewrite", "paragraph-added"]
    assert reading_order(found) == [
        "rewrite",
        "sentence-deleted",
        "quote-changed",
        "paragraph-added",
    ]
    details = [{"code": "number-changed"}, {"code": "rewrite", "detail": "9 of 10 words"}]
    assert reading_order(details) == details[::-1]
    assert reading_order(["typo", "number-changed"]) == ["typo", "number-changed"]
