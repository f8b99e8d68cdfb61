"""The notify command on the sample story: dry run, JSON, channels, errors."""

from __future__ import annotations

import json
from pathlib import Path

import hookserver
from click.testing import CliRunner
from hookserver import Receiver

from conftest import run_cli as run

receiver = hookserver.receiver

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"


def test_dry_run_prints_each_change_and_sends_nothing(runner: CliRunner, loaded: Path) -> None:
    result = run(runner, loaded, "notify", "--dry-run", "--since", "2017-06-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Would send 6 alerts to preview:")
    assert "[-poeple-]{+people+}" in result.stdout
    assert "Headline: {+Report:+} Sessions Offered to" in result.stdout
    assert "contacts at his confirmation hearing in [-February-]{+January+}." in result.stdout


def test_json_lists_the_bodies(runner: CliRunner, loaded: Path) -> None:
    result = run(
        runner, loaded, "notify", "--dry-run", "--since", "2017-06-01", "--stealth",
        "--site-url", "https://example.org/news/", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    alerts = doc["channels"][0]["alerts"]
    assert [a["version"] for a in alerts] == [3, 4, 6]  # version 5 is a headline test
    body = alerts[0]["body"]
    assert body["stealth"] is True and body["old"]["version"] == 2
    assert body["links"]["report"].startswith("https://example.org/news/articles/news-example-com")
    assert body["links"]["report"].endswith(".html#diff-2-3")


def test_webhook_run_is_once_and_exit_code_reports_failures(
    runner: CliRunner, loaded: Path, receiver: Receiver
) -> None:
    args = ("notify", "--webhook", receiver.url, "--since", "2017-06-01", "--reason", "typo")
    first = run(runner, loaded, *args)
    assert first.exit_code == 0, first.output
    assert first.stdout == "webhook http://127.0.0.1/: 1 sent, 0 failed\n"
    assert json.loads(receiver.posts[0][2])["reasons"][0]["code"] == "typo"
    again = run(runner, loaded, *args)
    assert again.stdout.endswith(": 0 sent, 0 failed\n") and len(receiver.posts) == 1
    failing = run(runner, loaded, "notify", "--command", "exit 3", "--since", "2017-06-01")
    assert failing.exit_code == 1
    assert failing.stdout == "command exit: 0 sent, 6 failed\n"
    assert "version 2 not sent (tried again next run): command exit exited with status 3" in (
        failing.stderr
    )


def test_usage_errors_are_one_line(runner: CliRunner, loaded: Path) -> None:
    none = run(runner, loaded, "notify")
    assert none.exit_code == 2 and "name a channel" in none.stderr
    bad = run(runner, loaded, "notify", "--webhook", "file:///etc/passwd")
    assert bad.exit_code == 1
    assert bad.stderr.strip().splitlines()[-1].startswith("Error: webhook URL must be http(s)")
    since = run(runner, loaded, "notify", "--dry-run", "--since", "yesterday-ish")
    assert since.exit_code == 1 and "Traceback" not in since.output


def test_card_is_attached_for_commands(runner: CliRunner, loaded: Path, tmp_path: Path) -> None:
    from newsarchive.card import find_browser

    if find_browser() is None:
        import pytest

        pytest.skip("no Chromium on the PATH")
    copy = tmp_path / "card.png"
    result = run(
        runner, loaded, "notify", "--since", "2017-06-07T10:00:00Z", "--card",
        "--command", f'cat > /dev/null; cp "$NEWSARCHIVE_ALERT_ATTACHMENT" {copy}',
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert copy.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
