"""`newsarchive report` and `newsarchive feed` through click's runner, on real SQLite archives."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from conftest import run_cli as run
from newsarchive import Archive
from newsarchive.cli import cli

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
ATOM = "{http://www.w3.org/2005/Atom}"


def diff_ids(page: str) -> list[str]:
    return re.findall(r'<article class="diff" id="(diff-\d+-\d+)"', page)


def test_report_writes_one_self_contained_page(
    runner: CliRunner, loaded: Path, tmp_path: Path
) -> None:
    out = tmp_path / "story.html"
    result = run(runner, loaded, "report", URL, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"Wrote report to {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Sessions Offered to Resign as Relationship With Trump Soured" in page
    assert diff_ids(page) == [f"diff-{n}-{n + 1}" for n in range(1, 7)]
    assert "reverted to version 3" in page
    assert "default-src 'none'" in page
    # Nothing is fetched: no element points anywhere but the article and the page itself.
    assert not re.search(r"\b(src|srcset|action|poster|data)=", page)


def test_report_to_stdout_is_deterministic(runner: CliRunner, loaded: Path) -> None:
    first = run(runner, loaded, "report", URL)
    assert first.exit_code == 0
    assert first.stdout.startswith("<!DOCTYPE html>") and first.stderr == ""
    assert run(runner, loaded, "report", URL).stdout == first.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "1", "--to", "-1"], ["diff-1-7"]),
        (["--to", "5"], ["diff-4-5"]),
        (["--from", "2"], ["diff-2-7"]),
        (["--from", "@2017-06-06T20:45:00Z", "--to", "@2017-06-06T22:40:00Z"], ["diff-2-4"]),
        (["--from", "1", "--to", "1"], ["diff-1-1"]),
    ],
)
def test_report_from_to_picks_any_pair(
    runner: CliRunner, loaded: Path, args: list[str], expected: list[str]
) -> None:
    result = run(runner, loaded, "report", URL, *args)
    assert result.exit_code == 0, result.output
    assert diff_ids(result.stdout) == expected
    # The timeline still covers every version.
    assert all(f'id="v{n}"' in result.stdout for n in range(1, 8))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", URL, "--from", "99"], "has no version 99"),
        (["report", URL, "--to", "zero"], "bad version reference"),
        (["report", "https://nowhere.example/story"], "no article in the archive"),
        (["feed", "https://nowhere.example/story"], "no article in the archive"),
    ],
)
def test_bad_references_are_one_line_errors(
    runner: CliRunner, loaded: Path, args: list[str], message: str
) -> None:
    result = run(runner, loaded, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_unwritable_output_is_an_error(runner: CliRunner, loaded: Path, tmp_path: Path) -> None:
    result = run(runner, loaded, "report", URL, "-o", str(tmp_path / "missing" / "x.html"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write")


def test_a_directory_as_the_output_is_one_line(
    runner: CliRunner, loaded: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run(runner, loaded, "report", URL, "-o", str(folder))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot write {folder}: it is a directory (give a file name)\n"
    )
    assert list(folder.iterdir()) == [] and not (tmp_path / "reports.partial").exists()


def test_feed_of_one_article_is_valid_atom(runner: CliRunner, loaded: Path, tmp_path: Path) -> None:
    out = tmp_path / "story.atom"
    result = run(runner, loaded, "feed", URL, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote feed of 7 versions to {out}\n"
    text = out.read_text(encoding="utf-8")
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 7
    assert parsed.entries[0].title.endswith("(version 7)")
    assert parsed.entries[-1].title.endswith("(first version)")
    assert (
        parsed.feed.title == "Changes: Sessions Offered to Resign as Relationship With Trump Soured"
    )
    assert "<del>February</del> <ins>January</ins>" in parsed.entries[0].content[0].value
    # Running again gives the same ids, so readers show nothing twice.
    again = run(runner, loaded, "feed", URL).stdout
    assert again == text


def test_feed_of_whole_archive_keeps_newest_versions(
    runner: CliRunner, loaded: Path, tmp_path: Path
) -> None:
    other = "https://news.example.com/2017/06/08/other-story"
    for n, (at, text) in enumerate(
        [("2017-06-07T15:00:00Z", "First."), ("2017-06-08T09:00:00Z", "Second.")]
    ):
        saved = run(
            runner, loaded, "save", other, "--captured-at", at, "--title", f"Other {n}", input=text
        )
        assert saved.exit_code == 0, saved.output
    result = run(
        runner, loaded, "feed", "--limit", "3", "--feed-id", "urn:example:all", "--title", "All"
    )
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout.encode())
    assert root.findtext(f"{ATOM}id") == "urn:example:all"
    assert root.findtext(f"{ATOM}title") == "All"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Other 1 (version 2)",
        "Other 0 (first version)",
        "Sessions Offered to Resign as Relationship With Trump Soured (version 7)",
    ]
    assert root.findtext(f"{ATOM}updated") == "2017-06-08T09:00:00Z"
    assert not feedparser.parse(result.stdout).bozo


def test_feed_of_whole_archive_reads_only_its_newest_versions(
    loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No article's whole history is read: the feed costs its length, not the archive's."""
    from newsarchive.publish import build_feed

    def unread(self: Archive, url: str) -> None:
        raise AssertionError(f"read the whole history of {url}")

    with Archive.open(loaded) as archive:
        expected = [archive.get(URL, n) for n in (7, 6, 5)]
        monkeypatch.setattr(Archive, "history", unread)
        feed = build_feed(archive, limit=3)
    assert [e.version for e in feed.entries] == expected
    assert all(
        e.diff is not None and e.diff.old.number == e.version.number - 1 for e in feed.entries
    )


def test_feed_of_empty_archive_is_valid(runner: CliRunner, tmp_path: Path) -> None:
    Archive.open(tmp_path / "empty").close()
    result = run(runner, tmp_path / "empty", "feed")
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(result.stdout)
    assert not parsed.bozo and parsed.entries == []
    root = ET.fromstring(result.stdout.encode())
    assert (root.findtext(f"{ATOM}id") or "").startswith("urn:uuid:")


def test_hostile_article_saved_through_cli_stays_inert(runner: CliRunner, tmp_path: Path) -> None:
    archive = tmp_path / "a"
    url = "https://evil.example/story?x=%22%3E%3Cscript%3E"
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)"> "quoted" & done'
    for at, text in [("2024-01-01T00:00:00Z", "Calm text."), ("2024-01-02T00:00:00Z", payload)]:
        saved = run(
            runner, archive, "save", url, "--captured-at", at, "--title", payload, input=text
        )
        assert saved.exit_code == 0, saved.output
    page = run(runner, archive, "report", url).stdout
    assert "<script" not in page and "<img" not in page
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;"
        in page
    )
    feed = run(runner, archive, "feed", url).stdout
    assert not feedparser.parse(feed).bozo
    assert "<script" not in feed


def test_commands_are_listed_in_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert "report" in result.stdout and "feed" in result.stdout
    for command in ("report", "feed"):
        assert "Example:" in runner.invoke(cli, [command, "--help"]).stdout


def test_report_and_feed_show_the_change_analysis(runner: CliRunner, loaded: Path) -> None:
    page = run(runner, loaded, "report", URL).stdout
    assert '<li class="minor" id="v2">' in page
    typo = "typo: “Tuesday, citing poeple familiar with” → “Tuesday, citing people familiar with”"
    assert f"<li>{typo}</li>" in page
    assert '<span class="badge substantive">substantive</span>' in page
    entries = feedparser.parse(run(runner, loaded, "feed", URL).stdout).entries
    by_title = {e.title: e for e in entries}
    v2 = by_title["Sessions Offered to Resign as Relationship With Trump Soured (version 2)"]
    assert v2.summary == (
        "+1/-1 words; minor "
        "(typo: “Tuesday, citing poeple familiar with” → “Tuesday, citing people familiar with”)"
    )


def test_report_json_holds_what_the_page_shows(runner: CliRunner, loaded: Path) -> None:
    import json

    data = json.loads(run(runner, loaded, "report", URL, "--json").stdout)
    assert data["url"] == URL
    assert [v["number"] for v in data["versions"]] == [1, 2, 3, 4, 5, 6, 7]
    assert [(d["old"]["number"], d["new"]["number"]) for d in data["diffs"]] == [
        (n, n + 1) for n in range(1, 7)
    ]
    assert data["versions"][0]["analysis"] is None
    assert data["versions"][1]["analysis"]["level"] == "minor"
    one = json.loads(run(runner, loaded, "report", URL, "--from", "1", "--json").stdout)
    assert [(d["old"]["number"], d["new"]["number"]) for d in one["diffs"]] == [(1, 7)]


def test_feed_json_has_the_atom_entries_ids(runner: CliRunner, loaded: Path) -> None:
    import json

    atom = ET.fromstring(run(runner, loaded, "feed", URL, "--limit", "3").stdout)
    data = json.loads(run(runner, loaded, "feed", URL, "--limit", "3", "--json").stdout)
    assert [e["id"] for e in data["entries"]] == [
        e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")
    ]
    assert data["feed_id"] == atom.findtext(f"{ATOM}id") and data["link"] == URL
    assert [e["version"]["number"] for e in data["entries"]] == [7, 6, 5]
    assert data["entries"][0]["stats"]["words_added"] >= 1
