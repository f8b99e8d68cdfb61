"""The blame command through click's runner, on a real archive."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsarchive import Archive
from newsarchive.cli import cli

URL = "https://news.example.com/2024/05/06/council-budget"
TEXTS = [
    "The council approved the budget. Two members voted no.",
    "The council approved the budget. Three members voted no.",
    "The council approved the budget. Three members voted no.\nA hearing is set for June.",
]


@pytest.fixture
def location(tmp_path: Path) -> Path:
    path = tmp_path / "archive"
    with Archive.open(path) as archive:
        for hour, text in enumerate(TEXTS, start=1):
            archive.save(URL, text=text, captured_at=datetime(2024, 5, 6, hour, tzinfo=UTC))
    return path


def run(location: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--archive", str(location), *args])


def test_blame_json_attributes_each_sentence(location: Path) -> None:
    result = run(location, "blame", URL, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 3
    assert [(s["text"], s["version"], s["origin_version"]) for s in data["sentences"]] == [
        ("The council approved the budget.", 1, 1),
        ("Three members voted no.", 2, 1),
        ("A hearing is set for June.", 3, 3),
    ]
    assert data["sentences"][1]["captured_at"] == "2024-05-06T02:00:00Z"


def test_blame_text_of_an_earlier_version(location: Path) -> None:
    result = run(location, "blame", URL, "2")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "v1           2024-05-06T01:00:00Z  The council approved the budget.",
        "v2 (from v1) 2024-05-06T02:00:00Z  Three members voted no.",
    ]


def test_blame_of_unknown_article_is_one_line_error(location: Path) -> None:
    result = run(location, "blame", "https://news.example.com/nope")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.splitlines()) == 1


def test_blame_of_missing_version_fails(location: Path) -> None:
    result = run(location, "blame", URL, "9")
    assert result.exit_code == 1
    assert "9" in result.stderr
