"""Significance in log, the changes listing, reanalyse with a rules file, sentence diffs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import run_cli as run
from newsarchive.cli import cli

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"


def test_sample_story_levels_and_reasons(runner: CliRunner, loaded: Path) -> None:
    versions = json.loads(run(runner, loaded, "log", URL, "--json").stdout)["versions"]
    assert [v["significance"] for v in versions] == [
        "none",
        "minor",
        "substantive",
        "substantive",
        "minor",
        "substantive",
        "substantive",
    ]
    reasons = [set(v["reasons"]) for v in versions]
    assert reasons[1] == {"typo"}
    assert "paragraph-added" in reasons[2]
    assert "headline-changed" in reasons[3]
    # The headline back to the one shown an hour before: a headline test.
    assert reasons[4] == {"headline-test", "reverted"}
    assert "quote-changed" in reasons[5]
    assert {"correction-note", "dates-changed"} <= reasons[6]
    assert [v["stealth"] for v in versions] == [False, False, True, True, False, True, False]


def test_log_filters(runner: CliRunner, loaded: Path) -> None:
    stealth = json.loads(run(runner, loaded, "log", URL, "--stealth", "--json").stdout)
    assert [v["number"] for v in stealth["versions"]] == [3, 4, 6]
    minor = json.loads(
        run(runner, loaded, "log", URL, "--min-significance", "substantive", "--json").stdout
    )
    assert [v["number"] for v in minor["versions"]] == [1, 3, 4, 6, 7]
    text = run(runner, loaded, "log", URL).stdout
    assert "minor: typo" in text and "STEALTH" in text


def test_changes_command(runner: CliRunner, loaded: Path) -> None:
    result = run(runner, loaded, "changes", "--since", "2017-06-07", "--json")
    assert result.exit_code == 0
    assert [(c["version"], c["significance"]) for c in json.loads(result.stdout)] == [
        (7, "substantive"),
        (6, "substantive"),
    ]
    assert run(runner, loaded, "changes", "--since", "someday").exit_code == 1


def test_changes_listing_lines_up_its_urls(runner: CliRunner, loaded: Path) -> None:
    lines = run(runner, loaded, "changes").stdout.splitlines()
    firsts = [line for line in lines if not line.startswith(" ")]
    assert any("STEALTH" in line for line in firsts) and any(
        "STEALTH" not in line for line in firsts
    )
    assert len({line.index("https://") for line in firsts}) == 1


def test_reanalyse_with_a_rules_file(runner: CliRunner, loaded: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[levels]\ntypo = "cosmetic"\n')
    result = runner.invoke(cli, ["--archive", str(loaded), "--rules", str(rules), "reanalyse"])
    assert result.exit_code == 0 and "analysed 7 versions" in result.stderr
    versions = json.loads(run(runner, loaded, "log", URL, "--json").stdout)["versions"]
    assert versions[1]["significance"] == "cosmetic"
    bad = tmp_path / "bad.toml"
    bad.write_text("levels = [")
    broken = runner.invoke(cli, ["--archive", str(loaded), "--rules", str(bad), "reanalyse"])
    assert broken.exit_code == 1 and broken.stderr.startswith("Error: ")


def test_sentence_diff_shows_the_alignment(runner: CliRunner, loaded: Path) -> None:
    text = run(runner, loaded, "diff", URL, "5", "6", "-g", "sentence", "--color", "never")
    assert text.exit_code == 0
    assert "~ " in text.stdout and "{+any+}" in text.stdout
    data = json.loads(
        run(runner, loaded, "diff", URL, "2", "3", "-g", "sentence", "--format", "json").stdout
    )
    kinds = [c["kind"] for c in data["alignment"]]
    assert kinds.count("added") == 6 and "deleted" not in kinds  # two new paragraphs


def test_import_can_defer_analysis(runner: CliRunner, tmp_path: Path, sample_dir: Path) -> None:
    export = tmp_path / "sample.jsonl"
    loaded = tmp_path / "loaded"
    assert run(runner, loaded, "import", str(sample_dir)).exit_code == 0
    assert run(runner, loaded, "export", "-o", str(export)).exit_code == 0
    fresh = tmp_path / "fresh"
    assert run(runner, fresh, "import", "--no-analyse", str(export)).exit_code == 0
    versions = json.loads(run(runner, fresh, "log", URL, "--json").stdout)["versions"]
    assert {v["significance"] for v in versions} == {None}
    assert run(runner, fresh, "reanalyse").exit_code == 0
    versions = json.loads(run(runner, fresh, "log", URL, "--json").stdout)["versions"]
    assert versions[1]["significance"] == "minor"
