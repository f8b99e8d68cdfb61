"""Alert channels named in a watch config fire at the end of each watch run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsarchive.cli import cli
from scrape_server import STORY, Reply, ScrapeServer, article_html, scrape_server

__all__ = ["scrape_server"]

LIMITS = """
[limits]
timeout_seconds = 2
retries = 0
per_host_interval_seconds = 0
"""


def test_watch_sends_the_alerts_its_config_names(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    first = article_html("Budget passes", STORY).encode()
    second = article_html("Budget passes narrowly", [*STORY, "The vote was 51 to 49."]).encode()
    url = scrape_server.route("/news/budget", Reply(body=first), Reply(body=second))
    out = tmp_path / "alerts.jsonl"
    config = tmp_path / "watch.toml"
    config.write_text(
        f'{LIMITS}\n[[urls]]\nurl = "{url}"\n\n'
        f'[[alerts]]\ncommand = "cat >> {out}; echo >> {out}"\nheadline = true\n',
        encoding="utf-8",
    )
    archive = str(tmp_path / "a")
    runner = CliRunner()
    run = ["--archive", archive, "watch", "--config", str(config)]
    watched = runner.invoke(cli, run)
    assert watched.exit_code == 0, watched.output
    assert "alerts: command cat: 0 sent, 0 failed" in watched.stderr
    fetched = runner.invoke(cli, ["--archive", archive, "fetch", url])
    assert fetched.exit_code == 0, fetched.output
    again = runner.invoke(cli, run)
    assert again.exit_code == 0, again.output
    assert "alerts: command cat: 1 sent, 0 failed" in again.stderr
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["headline"] == {"old": "Budget passes", "new": "Budget passes narrowly"}
    assert ["The vote was 51 to 49."] in [c["added"] for c in body["changes"]]


def test_a_bad_alert_table_stops_watch_before_fetching(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    config = tmp_path / "watch.toml"
    config.write_text('[[alerts]]\nwebhook = "ftp://x"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(config)]
    )
    assert result.exit_code == 2
    assert "webhook URL must be http(s)" in result.stderr
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[[alerts]]\ncommand = "true"\nsevere = true\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(unknown)]
    )
    assert result.exit_code == 2 and "unknown key 'severe'" in result.stderr
