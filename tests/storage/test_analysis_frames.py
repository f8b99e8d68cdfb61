"""Stored change analyses: small frames that refer to the texts they quote, read back exactly."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import at
from newsarchive import Archive
from newsarchive.errors import StorageError
from newsarchive.storage import _analysis

URL = "https://example.com/story"
FIRST = (
    "The council approved the budget on Monday after a long debate.\n\n"
    "Three members voted against it, saying the plan cut too deep into libraries."
)
SECOND = FIRST.replace("Monday", "Tuesday") + "\n\nThe mayor said she would sign it this week."


def _summary(against: str | None, **changes: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "format_version": 1,
        "rules_id": "house-rules-1",
        "against": against,
        "reverted_to": None,
        "level": "substantive",
        "stealth": False,
        "words_added": 9,
        "words_removed": 1,
        "counts": {
            "paragraphs_added": 1,
            "paragraphs_deleted": 0,
            "sentences_added": 1,
            "sentences_deleted": 0,
            "sentences_edited": 1,
            "sentences_moved": 0,
            "sentences_unchanged": 1,
        },
        "reasons": [
            {
                "code": "date-changed",
                "level": "minor",
                "count": 1,
                "detail": "“budget on Monday after” → “budget on Tuesday after”",
            },
            {
                "code": "sentence-added",
                "level": "substantive",
                "count": 1,
                "detail": "“The mayor said she would sign it this week.”",
            },
        ],
    }
    summary.update(changes)
    return summary


def _frames(location: Path) -> list[bytes]:
    with sqlite3.connect(location / "newsarchive.db") as conn:
        rows = conn.execute("SELECT analysis_frame FROM versions WHERE number = 2").fetchall()
    return [bytes(r[0]) for r in rows]


def test_an_analysis_quoting_its_texts_is_stored_in_a_few_dozen_bytes(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        archive.save(URL, text=FIRST, captured_at=at(0), analyse=False)
        second = archive.save(URL, text=SECOND, captured_at=at(10), analyse=False).version
        first = archive.get(URL, 1)
        summary = _summary(first.id)
        archive.set_analyses(URL, [(second.id, summary)])
        assert archive.get(URL, 2).analysis == summary
        assert archive.store.analysis_states(URL)[1].analysis == summary
        # What decides whether it is current, read from the frame's head alone.
        basis = archive.store.analysis_states(URL, basis_only=True)[1].analysis
        assert basis == {"rules_id": summary["rules_id"], "against": first.id, "reverted_to": None}
        assert [(c.level, c.reasons) for c in archive.changes()] == [
            ("substantive", ("date-changed", "sentence-added"))
        ]
    frame = _frames(tmp_path / "a")[0]
    assert frame[:1] == b"\x03"
    # The two quotes alone are 107 bytes of UTF-8.
    assert len(frame) < 60


@pytest.mark.parametrize(
    "changes",
    [
        {"reasons": [{"code": "a-new-code", "level": "minor", "count": 1, "detail": "x"}]},
        {"against": "0123456789abcdef"},  # not a version of this article
        {"extra": [1, 2]},
        {"words_added": -1},
        {"reasons": [{"code": "typo", "level": "minor", "count": 1, "detail": "a\0b"}]},
    ],
)
def test_any_other_summary_comes_back_as_it_was_given(
    archive: Archive, changes: dict[str, Any]
) -> None:
    archive.save(URL, text=FIRST, captured_at=at(0), analyse=False)
    second = archive.save(URL, text=SECOND, captured_at=at(10), analyse=False).version
    summary = {**_summary(archive.get(URL, 1).id), **changes}
    archive.set_analyses(URL, [(second.id, summary)])
    assert archive.get(URL, 2).analysis == summary


def test_a_backfill_that_heads_a_version_anew_keeps_its_analysis(archive: Archive) -> None:
    archive.save(URL, text=FIRST, captured_at=at(0), analyse=False)
    second = archive.save(URL, text=SECOND, captured_at=at(20), analyse=False).version
    summary = _summary(archive.get(URL, 1).id)
    archive.set_analyses(URL, [(second.id, summary)])
    # The same content, spaced otherwise, captured earlier: it heads version 2 from now on.
    spaced = SECOND.replace("\n\nThe mayor", "\n\n\nThe mayor  ")
    archive.save(URL, text=spaced, captured_at=at(10), analyse=False)
    versions = archive.history(URL)
    assert len(versions) == 2
    assert versions[1].first_captured_at == at(10)
    assert versions[1].analysis == summary


def test_a_linked_frame_cannot_be_read_without_its_archive() -> None:
    with pytest.raises(StorageError, match="needs its archive"):
        _analysis.decode(b"\x03\x00\x00")
