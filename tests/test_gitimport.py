from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsarchive import Archive
from newsarchive.errors import InputError
from newsarchive.interop.git import import_git, resolve_pointer

T0 = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
URL = "https://news.example.com/story"


class Repo:
    """A real git repository in a temporary directory, committed to at chosen times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: datetime | None = None) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Scraper",
            "GIT_AUTHOR_EMAIL": "s@example.com",
            "GIT_COMMITTER_NAME": "Scraper",
            "GIT_COMMITTER_EMAIL": "s@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.path),
        }
        if when is not None:
            stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
        done = subprocess.run(
            ["git", "-C", str(self.path), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def commit(self, name: str, content: str | None, when: datetime) -> str:
        target = self.path / name
        if content is None:
            self.git("rm", "-q", name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
            self.git("add", name)
        self.git("commit", "-q", "--allow-empty", "-m", f"update {name}", when=when)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


def test_each_commit_of_a_text_file_is_a_capture(archive: Archive, repo: Repo) -> None:
    repo.commit("story.txt", "First draft.", T0)
    repo.commit("other.txt", "Unrelated.", T0 + timedelta(minutes=5))
    repo.commit("story.txt", "Second draft.", T0 + timedelta(hours=1))
    last = repo.commit("story.txt", "First draft.", T0 + timedelta(hours=2))
    progress: list[tuple[int, int]] = []
    report = import_git(
        archive, repo.path, "story.txt", url=URL, on_progress=lambda d, t: progress.append((d, t))
    )
    assert report.ok and report.commits == 3 and progress[-1] == (3, 3)
    captures = archive.captures(URL)
    assert [(c.captured_at, c.source, archive.text_of(c)) for c in captures] == [
        (T0, "git", "First draft."),
        (T0 + timedelta(hours=1), "git", "Second draft."),
        (T0 + timedelta(hours=2), "git", "First draft."),
    ]
    assert captures[-1].metadata["git"] == {"commit": last, "path": "story.txt"}
    assert [v.number for v in archive.history(URL)] == [1, 2, 3]


def test_importing_again_adds_only_new_commits(archive: Archive, repo: Repo) -> None:
    repo.commit("story.txt", "First draft.", T0)
    repo.commit("story.txt", "Second draft.", T0 + timedelta(hours=1))
    first = import_git(archive, repo.path, "story.txt", url=URL)
    assert first.captures_added == 2
    again = import_git(archive, repo.path, "story.txt", url=URL)
    assert (again.captures_added, again.skipped_commits) == (0, 2)
    repo.commit("story.txt", "Third draft.", T0 + timedelta(hours=2))
    later = import_git(archive, repo.path, "story.txt", url=URL)
    assert (later.captures_added, later.versions_added, later.skipped_commits) == (1, 1, 2)
    assert len(archive.captures(URL)) == 3


def test_html_file_is_extracted_and_kept(archive: Archive, repo: Repo) -> None:
    html = (
        "<html><head><title>Budget passes</title></head><body><article>"
        "<h1>Budget passes</h1><p>The city council passed the budget on Tuesday night "
        "after a long debate.</p><p>The vote was seven to two.</p></article></body></html>"
    )
    repo.commit("page.html", html, T0)
    import_git(archive, repo.path, "page.html", url=URL)
    [capture] = archive.captures(URL)
    assert archive.raw_html(capture) == html
    assert "passed the budget" in archive.text_of(capture)
    assert archive.get(URL).title == "Budget passes"


def feed(*entries: tuple[str, str, str]) -> str:
    return json.dumps(
        {
            "generated": "x",
            "articles": {
                key: {"link": url, "headline": title, "body": text}
                for key, url, title, text in entries
            },
        }
    )


def test_json_file_of_many_articles(archive: Archive, repo: Repo) -> None:
    a, b = "https://news.example.com/a", "https://news.example.com/b"
    repo.commit("feed.json", feed(("1", a, "A", "Text A.")), T0)
    repo.commit(
        "feed.json",
        feed(("1", a, "A", "Text A."), ("2", b, "B", "Text B.")),
        T0 + timedelta(hours=1),
    )
    repo.commit(
        "feed.json",
        feed(("1", a, "A", "Text A, edited."), ("2", b, "B", "Text B.")),
        T0 + timedelta(hours=2),
    )
    report = import_git(
        archive, repo.path, "feed.json", url_pointer="/link", items_pointer="/articles"
    )
    assert report.ok, report.problems
    # Unchanged entries are not saved again at later commits.
    assert [(c.url, c.captured_at) for c in report.captures] == [
        (a, T0),
        (b, T0 + timedelta(hours=1)),
        (a, T0 + timedelta(hours=2)),
    ]
    assert [v.text for v in archive.history(a)] == ["Text A.", "Text A, edited."]
    assert archive.get(b).title == "B"
    assert archive.captures(a)[0].metadata["git"]["id"] == "1"
    assert (
        import_git(
            archive, repo.path, "feed.json", url_pointer="/link", items_pointer="/articles"
        ).captures_added
        == 0
    )


def test_json_array_and_bad_entries(archive: Archive, repo: Repo) -> None:
    entries = [
        {
            "url": "https://news.example.com/a",
            "text": "Alpha.",
            "author": ["X", "Y"],
            "published": "2021-02-28T10:00:00Z",
        },
        {"text": "No URL."},
        {"url": "https://news.example.com/c"},
    ]
    repo.commit("list.json", json.dumps(entries), T0)
    repo.commit("list.json", "{not json", T0 + timedelta(hours=1))
    report = import_git(archive, repo.path, "list.json", url_pointer="/url")
    assert report.captures_added == 1
    assert [(p.item, p.reason) for p in report.problems] == [
        ("1", "no URL at '/url'"),
        ("2", "the entry has no text or HTML"),
        (None, report.problems[2].reason),
    ]
    assert report.problems[2].reason.startswith("not valid JSON")
    version = archive.get("https://news.example.com/a")
    assert version.byline == "X, Y"
    assert version.published_at == datetime(2021, 2, 28, 10, tzinfo=UTC)


def test_deleted_and_restored_file(archive: Archive, repo: Repo) -> None:
    repo.commit("story.txt", "Text.", T0)
    repo.commit("story.txt", None, T0 + timedelta(hours=1))
    repo.commit("story.txt", "Text again.", T0 + timedelta(hours=2))
    report = import_git(archive, repo.path, "story.txt", url=URL)
    assert report.ok and report.captures_added == 2


def test_bad_arguments(archive: Archive, repo: Repo, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="URL"):
        import_git(archive, repo.path, "story.txt")
    with pytest.raises(InputError, match="URL"):
        import_git(archive, repo.path, "story.txt", url=URL, url_pointer="/url")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(InputError, match="not a git repository"):
        import_git(archive, plain, "story.txt", url=URL)
    with pytest.raises(InputError, match="story.txt is in no commit of"):
        import_git(archive, repo.path, "story.txt", url=URL)


def test_resolve_pointer() -> None:
    doc = {"a/b": {"c~d": [10, 20]}, "": 1}
    assert resolve_pointer(doc, "/a~1b/c~0d/1") == 20
    assert resolve_pointer(doc, "") is doc
    assert resolve_pointer(doc, "/") == 1
    with pytest.raises(KeyError):
        resolve_pointer(doc, "/missing")
    with pytest.raises(InputError):
        resolve_pointer(doc, "a")


def test_cli_import_git(tmp_path: Path, repo: Repo) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    repo.commit("story.txt", "First.", T0)
    repo.commit("story.txt", "Second.", T0 + timedelta(hours=1))
    location = str(tmp_path / "cli-archive")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["--archive", location, "import-git", str(repo.path), "story.txt", "--url", URL, "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["captures_added"] == 2
    result = runner.invoke(cli, ["--archive", location, "import-git", str(repo.path), "story.txt"])
    assert result.exit_code == 2
    assert "--url" in result.stderr
