"""The fetch, reextract and watch commands, in-process and as real concurrent processes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive import Archive
from newsarchive.cli import cli
from scrape_server import STORY, Reply, ScrapeServer, article_html, scrape_server

__all__ = ["scrape_server"]

SRC = Path(__file__).resolve().parents[2] / "src"
FAST_LIMITS = """
[limits]
timeout_seconds = 2
retries = 1
backoff_seconds = 0.01
max_retry_wait_seconds = 0.05
per_host_interval_seconds = 0
"""


def page(title: str, *, extra: str = "") -> bytes:
    return article_html(title, [*STORY, extra] if extra else STORY).encode()


def write_config(path: Path, server: ScrapeServer, *, feed: str = "/feed.json") -> Path:
    path.write_text(
        f'user_agent = "GazetteWatcher/2.0"\n{FAST_LIMITS}\n'
        f'[[feeds]]\nurl = "{server.url(feed)}"\n',
        encoding="utf-8",
    )
    return path


def serve_feed(server: ScrapeServer, count: int, *, delay: float = 0.0) -> list[str]:
    urls = [server.url(f"/news/story-{n}") for n in range(count)]
    for n in range(count):
        # Each story its own text: identical texts in one feed are one article at two URLs.
        own = " ".join(f"detail{n}x{i}" for i in range(10))
        body = page(f"Story number {n}", extra=f"Story {n} has its own details: {own}.")
        server.route(f"/news/story-{n}", Reply(body=body, delay_seconds=delay))
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Gazette",
        "items": [{"id": str(n), "url": url} for n, url in enumerate(urls)],
    }
    server.route(
        "/feed.json", Reply(body=json.dumps(feed).encode(), content_type="application/feed+json")
    )
    return urls


def invoke(runner: CliRunner, archive: Path, *args: str) -> object:
    return runner.invoke(cli, ["--archive", str(archive), *args])


def test_fetch_json_reports_each_url(tmp_path: Path, scrape_server: ScrapeServer) -> None:
    url = scrape_server.html("/news/a", page("Council approves budget"))
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "a"), "fetch", url, "--json"])

    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)["items"]
    assert (item["outcome"], item["version"], item["article_url"]) == ("new", 1, url)
    with Archive.open(tmp_path / "a") as archive:
        assert archive.get(url).title == "Council approves budget"


def test_fetch_tries_every_url_then_exits_1(tmp_path: Path, scrape_server: ScrapeServer) -> None:
    bad = scrape_server.url("/missing-host-page")
    scrape_server.route("/missing-host-page", Reply(status=500))
    good = scrape_server.html("/news/a", page("Council approves budget"))
    result = CliRunner().invoke(
        cli,
        [
            "--archive",
            str(tmp_path / "a"),
            "fetch",
            "--retries",
            "0",
            "--min-interval",
            "0",
            bad,
            good,
        ],
    )

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("failed") and "HTTP 500" in lines[0]
    assert lines[1].split()[:2] == ["new", "v1"]
    assert "Traceback" not in result.output


def test_fetch_bad_header_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--archive", str(tmp_path / "a"), "fetch", "--header", "nocolon", "http://127.0.0.1:9/x"],
    )
    assert result.exit_code == 2
    assert "expected NAME:VALUE" in result.stderr


def test_reextract_with_nothing_new_adds_nothing(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    url = scrape_server.html("/news/a", page("Council approves budget"))
    runner = CliRunner()
    assert runner.invoke(cli, ["--archive", str(tmp_path / "a"), "fetch", url]).exit_code == 0
    result = runner.invoke(cli, ["--archive", str(tmp_path / "a"), "reextract", "--json"])
    assert result.exit_code == 0
    assert [i["outcome"] for i in json.loads(result.stdout)["items"]] == ["unchanged"]


def test_watch_summary_goes_to_stderr_and_json_to_stdout(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    serve_feed(scrape_server, 2)
    config = write_config(tmp_path / "watch.toml", scrape_server)
    runner = CliRunner()

    first = runner.invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(config), "--once"]
    )
    second = runner.invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(config), "--json"]
    )

    assert first.exit_code == 0, first.output
    assert first.stdout == ""
    assert first.stderr.strip() == (
        "watch: 1 feed read, 2 discovered, 0 checked, 0 unchanged, 2 new versions, "
        "0 flagged, 0 failures"
    )
    assert second.exit_code == 0
    report = json.loads(second.stdout)
    assert (report["discovered"], report["new_versions"], report["items"]) == (0, 0, [])


def test_watch_uses_watch_toml_in_the_archive_by_default(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    serve_feed(scrape_server, 1)
    (tmp_path / "a").mkdir()
    write_config(tmp_path / "a" / "watch.toml", scrape_server)
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "a"), "watch", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["new_versions"] == 1


def test_watch_exits_1_when_an_item_fails(tmp_path: Path, scrape_server: ScrapeServer) -> None:
    serve_feed(scrape_server, 2)
    scrape_server.route(
        "/news/story-1",
        Reply(
            status=403,
            body=(
                Path(__file__).parents[1] / "data" / "pages" / "cloudflare_challenge.html"
            ).read_bytes(),
        ),
    )
    config = write_config(tmp_path / "watch.toml", scrape_server)
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(config)]
    )
    assert result.exit_code == 1
    assert "failed: " in result.stderr and "Cloudflare challenge" in result.stderr
    assert "1 new version, " in result.stderr and "1 failure" in result.stderr
    assert "1 failures" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[limits\n", "not valid TOML"),
        ("[limits]\nretries = -1\n", "limits.retries"),
        ("[[feeds]]\nurl = 'ftp://x'\n", "feeds[0].url"),
        ("[[feeds]]\nurl = 'http://x/'\ninclude = ['(']\n", "bad regular expression"),
        ("[schedule]\nstop_after = 'soon'\n", "schedule.stop_after"),
        ("surprise = 1\n", "unknown key 'surprise'"),
    ],
)
def test_bad_config_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "watch.toml"
    config.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(config)]
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(tmp_path / "nope.toml")]
    )
    assert result.exit_code == 2 and "config file not found" in result.stderr


# -- real processes ------------------------------------------------------------------------


def start_watch(archive: Path, config: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsarchive.cli",
            "--archive",
            str(archive),
            "watch",
            "--config",
            str(config),
            "--json",
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_watch_runs_queue_and_fetch_each_article_once(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    serve_feed(scrape_server, 4, delay=0.3)
    config = write_config(tmp_path / "watch.toml", scrape_server)
    archive = tmp_path / "a"
    archive.mkdir()

    runs = [start_watch(archive, config, "--wait") for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    reports = [json.loads(out) for out, _ in outputs]
    assert sorted(r["new_versions"] for r in reports) == [0, 4]
    for n in range(4):
        assert len(scrape_server.hits(f"/news/story-{n}")) == 1


def test_second_watch_without_wait_exits_with_a_clear_message(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    serve_feed(scrape_server, 3, delay=0.5)
    config = write_config(tmp_path / "watch.toml", scrape_server)
    archive = tmp_path / "a"
    archive.mkdir()

    first = start_watch(archive, config)
    wait_for(lambda: len(scrape_server.hits("/feed.json")) == 1)
    second = start_watch(archive, config, "--no-wait")
    out, err = second.communicate(timeout=60)
    first.communicate(timeout=60)

    assert second.returncode == 1 and out == ""
    assert err.strip().startswith("Error: another watch run is using the archive")
    assert first.returncode == 0


def wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_killed_run_leaves_a_consistent_archive_and_the_next_run_carries_on(
    tmp_path: Path, scrape_server: ScrapeServer
) -> None:
    serve_feed(scrape_server, 6, delay=0.4)
    config = write_config(tmp_path / "watch.toml", scrape_server)
    archive = tmp_path / "a"
    archive.mkdir()

    run = start_watch(archive, config)
    wait_for(lambda: len(scrape_server.hits("/news/story-2")) == 1)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    assert run.returncode == -signal.SIGKILL

    with sqlite3.connect(archive / "newsarchive.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Archive.open(archive) as opened:
        saved = opened.articles()
        assert 1 <= len(saved) < 6
        for article in saved:
            assert article.version_count == 1 and len(opened.history(article.url)) == 1
    saved_urls = {a.url for a in saved}

    rerun = start_watch(archive, config)
    out, err = rerun.communicate(timeout=60)

    assert rerun.returncode == 0, err
    report = json.loads(out)
    assert report["new_versions"] == 6 - len(saved)
    with Archive.open(archive) as opened:
        assert len(opened.articles()) == 6
    for n in range(6):
        url = scrape_server.url(f"/news/story-{n}")
        hits = len(scrape_server.hits(f"/news/story-{n}"))
        # Saved before the kill: not fetched again. In flight when killed: fetched once more.
        assert hits == 1 if url in saved_urls else hits in (1, 2)


def test_quiet_watch_prints_only_failures(tmp_path: Path, scrape_server: ScrapeServer) -> None:
    serve_feed(scrape_server, 2)
    scrape_server.route("/news/story-1", Reply(status=500))
    config = write_config(tmp_path / "watch.toml", scrape_server)
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "a"), "watch", "--config", str(config), "--quiet"]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"failed: {scrape_server.url('/news/story-1')}: HTTP 500"]
