"""Bidirectional controls in archived text cannot reorder the report around them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.render._markup import isolate_bidi

URL = "https://news.example.com/2020/01/01/budget"
RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("plain", "plain"),
        (f"a{RLO}b", f"a{RLO}b{PDF}"),
        (f"{RLI}a{RLO}b", f"{RLI}a{RLO}b{PDF}{PDI}"),
        (f"{RLO}a{PDF}b", f"{RLO}a{PDF}b"),
        (f"{RLI}a{RLO}b{PDI}c", f"{RLI}a{RLO}b{PDI}c"),  # the PDI closes both
        (f"{PDF}{PDI}x", f"{PDF}{PDI}x"),  # stray closers close nothing outside
    ],
)
def test_open_bidi_controls_are_closed_at_the_end_of_their_text(text: str, closed: str) -> None:
    assert isolate_bidi(text) == closed


def test_a_crafted_headline_and_text_cannot_reorder_the_report(tmp_path: Path) -> None:
    archive = str(tmp_path / "a")
    title = f"Council approves budget {RLO}tegdub delbuod"
    for n, text in enumerate(
        [
            "The council approved the budget on Tuesday.\n\nThe vote was close.\n",
            f"The council approved the budget on Tuesday {RLO}yadsendew no ton.\n\n"
            f"The vote was {RLI}close.\n",
        ]
    ):
        result = CliRunner().invoke(
            cli,
            ["--archive", archive, "save", URL, "--title", title]
            + ["--captured-at", f"2020-01-01T1{n}:00:00Z"],
            input=text,
        )
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["--archive", archive, "report", URL, "-o", "-"])
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert RLO in page and RLI in page
    # Every run of text between two tags closes what it opens.
    for text in re.findall(r">([^<]*)<", page):
        assert isolate_bidi(text) == text, text
