"""Golden files: the sample story's latest change as text, unified diff and HTML page.

Regenerate with: NEWSARCHIVE_UPDATE_GOLDEN=1 python -m pytest tests/test_sample_golden.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive import Archive
from newsarchive.render.html import render_diff_page
from newsarchive.render.terminal import render_text
from newsarchive.render.unified import render_unified

GOLDEN = Path(__file__).parent / "golden" / "sample"
URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
UPDATE = os.environ.get("NEWSARCHIVE_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    sample_dir = Path(__file__).resolve().parent.parent / "archive" / "sample"
    with Archive.open(tmp_path_factory.mktemp("sample")) as archive:
        archive.import_from(sample_dir)
        yield archive


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new"), [(1, 2), (2, 3), (3, 4), (5, 6), (6, 7)])
def test_text_diffs(sample: Archive, old: int, new: int) -> None:
    d = sample.diff(URL, old, new)
    check(f"v{old}-v{new}.txt", render_text(d, color=False))
    check(f"v{old}-v{new}.color.txt", render_text(d, color=True))


@pytest.mark.parametrize(("old", "new"), [(1, 7), (6, 7)])
def test_unified_diffs(sample: Archive, old: int, new: int) -> None:
    check(f"v{old}-v{new}.diff", render_unified(sample.diff(URL, old, new)))


def test_html_diff_page(sample: Archive) -> None:
    check("v6-v7.html", render_diff_page(sample.diff(URL, 6, 7)))
