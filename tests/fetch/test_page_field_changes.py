"""Page fields in the diff and the analysis: deterministic, and safe with malformed data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from newsarchive.analysis import analyse
from newsarchive.diff import diff_versions
from newsarchive.models import Version

T0 = datetime(2024, 6, 10, tzinfo=UTC)


def version(number: int, page: Any) -> Version:
    return Version(
        id=f"v{number}",
        url="https://news.example.com/a",
        number=number,
        text="The council voted on Tuesday to approve the budget for the next year.",
        metadata={"page": page},
        content_hash=f"h{number}",
        text_hash="t",
        first_captured_at=T0,
        last_captured_at=T0,
    )


def test_image_and_link_changes_come_in_page_order() -> None:
    old = version(1, {"template": "a", "images": [{"url": f"https://i/{n}.jpg"} for n in "abc"],
                      "links": [{"url": "https://l/1", "text": "one"}]})  # fmt: skip
    new = version(2, {"template": "a", "images": [{"url": f"https://i/{n}.jpg"} for n in "xyz"],
                      "links": [{"url": "https://l/2", "text": "two"}]})  # fmt: skip
    fields = [(f.field, f.old, f.new) for f in diff_versions(old, new).fields]
    assert fields == [
        ("image", "https://i/a.jpg", None),
        ("image", "https://i/b.jpg", None),
        ("image", "https://i/c.jpg", None),
        ("image", None, "https://i/x.jpg"),
        ("image", None, "https://i/y.jpg"),
        ("image", None, "https://i/z.jpg"),
        ("link", "“one” https://l/1", None),
        ("link", None, "“two” https://l/2"),
    ]
    assert analyse(old, new).codes == ("image-changed", "link-added", "link-removed")


@pytest.mark.parametrize(
    "page",
    [
        {"template": "a", "images": [1, None, {"url": 5}], "links": "x", "lead_image": []},
        {"template": 7, "links": [{"text": "no url"}], "live_blog": {"posts": [1, "x"]}},
        {"template": "a", "live_blog": {"posts": [{"start": "x", "count": None}]}},
        "not a mapping",
    ],
)
def test_malformed_page_fields_are_ignored(page: Any) -> None:
    """Metadata imported from elsewhere may hold anything; it never breaks the analysis."""
    good = version(1, {"template": "b", "links": [{"url": "https://l/1", "text": "one"}]})
    for old, new in ((good, version(2, page)), (version(1, page), version(2, page))):
        analyse(old, new)
        diff_versions(old, new)
