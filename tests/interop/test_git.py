from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from newsarchive import Archive
from newsarchive.errors import InputError
from newsarchive.interop.git import ItemPointers, import_git, resolve_pointer

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

    def commit(self, name: str, content: str | bytes | None, when: datetime) -> str:
        target = self.path / name
        if content is None:
            self.git("rm", "-q", name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                content = content.encode("utf-8")
            target.write_bytes(content)
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
    # Only the last capture of a batch records how far the import read.
    assert [c.metadata.get("git") for c in captures] == [
        None,
        None,
        {"through": last, "path": "story.txt"},
    ]
    assert [v.number for v in archive.history(URL)] == [1, 2, 3]


def test_importing_again_adds_only_new_commits(archive: Archive, repo: Repo) -> None:
    repo.commit("story.txt", "First draft.", T0)
    repo.commit("story.txt", "Second draft.", T0 + timedelta(hours=1))
    first = import_git(archive, repo.path, "story.txt", url=URL)
    assert first.captures_added == 2
    again = import_git(archive, repo.path, "story.txt", url=URL)
    assert (again.captures_added, again.already_imported) == (0, 2)
    repo.commit("story.txt", "Third draft.", T0 + timedelta(hours=2))
    later = import_git(archive, repo.path, "story.txt", url=URL)
    assert (later.captures_added, later.versions_added, later.already_imported) == (1, 1, 2)
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


def test_html_file_is_kept_as_the_bytes_committed(archive: Archive, repo: Repo) -> None:
    """A page in the charset it declares is kept byte for byte, and read in that charset."""
    page = (
        '<html><head><meta charset="windows-1252"><title>Caf\u00e9 closes</title></head>'
        "<body><article><h1>Caf\u00e9 closes</h1><p>The caf\u00e9 on the square closes "
        "after forty years, its owner said on Monday.</p></article></body></html>"
    ).encode("cp1252")
    repo.commit("page.html", page, T0)
    repo.commit("page.html", page.replace(b"forty", b"fifty"), T0 + timedelta(hours=1))
    report = import_git(archive, repo.path, "page.html", url=URL)
    assert report.ok and report.captures_added == 2
    first, second = archive.captures(URL)
    assert archive.served_html(first) == (page, "cp1252")
    assert archive.served_html(second) == (page.replace(b"forty", b"fifty"), "cp1252")
    assert "Caf\u00e9 closes" in (archive.raw_html(first) or "")
    assert "caf\u00e9 on the square" in archive.text_of(first)
    assert archive.get(URL).title == "Caf\u00e9 closes"


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
        archive, repo.path, "feed.json", items=ItemPointers(url="/link", items="/articles")
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
            archive, repo.path, "feed.json", items=ItemPointers(url="/link", items="/articles")
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
    report = import_git(archive, repo.path, "list.json", items=ItemPointers(url="/url"))
    assert report.captures_added == 1
    assert [(p.item, p.message) for p in report.problems] == [
        ("1", "no URL at '/url'"),
        ("2", "the entry has no text or HTML"),
    ]
    [skipped] = report.skipped
    assert skipped.message.startswith("list.json is not valid JSON")
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
        import_git(archive, repo.path, "story.txt", url=URL, items=ItemPointers(url="/url"))
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


BASE = "https://news.example.com/"


def latest(*items: dict[str, object]) -> str:
    """A news site's "latest articles" list, as a git scraper commits it."""
    return json.dumps(list(items), indent=2)


def item(
    id_: int,
    title: str,
    subtitle: str = "A subtitle.",
    *,
    updated: str = "2021-03-01T09:00:00+00:00",
) -> dict[str, object]:
    slug = title.lower().replace(" ", "-")
    return {
        "id": id_,
        "title": title,
        "subtitle": subtitle,
        "url": f"/world/{id_}/{slug}.html",
        "published_at": "2021-03-01T08:00:00+00:00",
        "updated_at": updated,
    }


FEED = ItemPointers(
    url="/url",
    url_base=BASE,
    id="/id",
    titles=("/title",),
    texts=("/title", "/subtitle"),
    published="/published_at",
)


def test_an_id_keeps_one_history_whatever_urls_it_had(archive: Archive, repo: Repo) -> None:
    """The slug follows the headline; keyed on the id, every URL is an alias of one article."""
    repo.commit("latest.json", latest(item(7, "Storm nears coast")), T0)
    repo.commit("latest.json", latest(item(7, "Storm hits coast")), T0 + timedelta(hours=1))
    last = repo.commit(
        "latest.json",
        latest(item(7, "Storm hits coast", "Thousands without power.")),
        T0 + timedelta(hours=2),
    )
    report = import_git(archive, repo.path, "latest.json", items=FEED)
    assert report.ok and (report.captures_added, report.versions_added) == (3, 3)
    first = BASE + "world/7/storm-nears-coast.html"
    second = BASE + "world/7/storm-hits-coast.html"
    for url in (first, second):
        history = archive.history(url)
        assert [(v.title, v.text) for v in history] == [
            ("Storm nears coast", "Storm nears coast\n\nA subtitle."),
            ("Storm hits coast", "Storm hits coast\n\nA subtitle."),
            ("Storm hits coast", "Storm hits coast\n\nThousands without power."),
        ]
        assert history[0].published_at == datetime(2021, 3, 1, 8, tzinfo=UTC)
    article = archive.article(second)
    assert (article.url, article.aliases) == (first, (second,))
    # The first capture ties the id to the article; the batch's last says how far it read.
    assert [c.metadata.get("git") for c in archive.captures(first)] == [
        {"id": "7", "path": "latest.json"},
        None,
        {"path": "latest.json", "through": last},
    ]


def test_without_an_id_each_url_is_an_article(archive: Archive, repo: Repo) -> None:
    repo.commit("latest.json", latest(item(7, "Storm nears coast")), T0)
    repo.commit("latest.json", latest(item(7, "Storm hits coast")), T0 + timedelta(hours=1))
    report = import_git(archive, repo.path, "latest.json", items=attrs.evolve(FEED, id=None))
    assert report.ok
    assert len(archive.articles()) == 2


def test_fields_left_out_make_no_captures(archive: Archive, repo: Repo) -> None:
    """A churning updated_at that is not imported adds nothing; kept as metadata, it adds
    captures of the same version."""
    for hour in range(3):
        stamp = f"2021-03-01T1{hour}:00:00+00:00"
        repo.commit(
            "latest.json", latest(item(7, "Storm", updated=stamp)), T0 + timedelta(hours=hour)
        )
    url = BASE + "world/7/storm.html"
    report = import_git(archive, repo.path, "latest.json", items=FEED)
    assert (report.captures_added, report.unchanged_commits, report.already_imported) == (1, 2, 0)
    with Archive.open(repo.path.parent / "meta-archive") as other:
        meta = attrs.evolve(FEED, meta={"updated": "/updated_at", "missing": "/nope"})
        report = import_git(other, repo.path, "latest.json", items=meta)
        assert (report.captures_added, report.versions_added) == (3, 1)
        assert [c.metadata["updated"] for c in other.captures(url)] == [
            "2021-03-01T10:00:00+00:00",
            "2021-03-01T11:00:00+00:00",
            "2021-03-01T12:00:00+00:00",
        ]
        assert "missing" not in other.captures(url)[0].metadata


def test_usual_names_are_tried_only_when_no_field_is_named(archive: Archive, repo: Repo) -> None:
    repo.commit("latest.json", latest({**item(7, "Storm"), "body": "Rain."}), T0)
    guessed = ItemPointers(url="/url", url_base=BASE, id="/id")
    import_git(archive, repo.path, "latest.json", items=guessed)
    version = archive.get(BASE + "world/7/storm.html")
    assert (version.title, version.text) == ("Storm", "Rain.")
    assert version.modified_at == datetime(2021, 3, 1, 9, tzinfo=UTC)
    assert version.published_at == datetime(2021, 3, 1, 8, tzinfo=UTC)


def test_title_pointers_are_tried_in_order(archive: Archive, repo: Repo) -> None:
    entries = [
        {"url": "https://x.example/a", "kicker": "", "headline": "Real headline", "body": "B."},
    ]
    repo.commit("feed.json", json.dumps(entries), T0)
    pointers = ItemPointers(url="/url", titles=("/kicker", "/missing", "/headline"), texts="/body")
    import_git(archive, repo.path, "feed.json", items=pointers)
    assert archive.get("https://x.example/a").title == "Real headline"


def test_relative_url_without_base_is_one_clear_error(archive: Archive, repo: Repo) -> None:
    repo.commit("latest.json", latest(item(7, "Storm")), T0)
    with pytest.raises(
        InputError, match=r"\[0\]: the URL '/world/7/storm.html' is relative.*--url-base"
    ):
        import_git(archive, repo.path, "latest.json", items=attrs.evolve(FEED, url_base=None))
    assert archive.articles() == []
    with pytest.raises(InputError, match="base URL"):
        ItemPointers(url="/url", url_base="news.example.com")
    with pytest.raises(InputError, match="reserved"):
        ItemPointers(url="/url", meta={"git": "/id"})
    with pytest.raises(InputError, match="JSON pointer"):
        ItemPointers(url="/url", texts=("title",))


def test_empty_and_broken_files_are_skipped_and_counted(archive: Archive, repo: Repo) -> None:
    repo.commit("latest.json", latest(item(7, "Storm")), T0)
    empty = repo.commit("latest.json", "", T0 + timedelta(hours=1))
    broken = repo.commit("latest.json", '[{"id": 7,', T0 + timedelta(hours=2))
    repo.commit("latest.json", latest(item(7, "Storm"), item(8, "Flood")), T0 + timedelta(hours=3))
    report = import_git(archive, repo.path, "latest.json", items=FEED)
    assert report.ok
    assert (report.commits, report.already_imported, report.unchanged_commits) == (4, 0, 0)
    assert [(s.commit, s.message) for s in report.skipped] == [
        (empty, "latest.json is empty"),
        (broken, report.skipped[1].message),
    ]
    assert report.skipped[1].message.startswith("latest.json is not valid JSON")
    # The entry unchanged around the broken commits is not saved again.
    assert report.captures_added == 2
    with Archive.open(repo.path.parent / "strict") as other:
        strict = import_git(other, repo.path, "latest.json", items=FEED, strict=True)
        assert not strict.ok and not strict.skipped
        assert [p.commit for p in strict.problems] == [empty, broken]
        assert strict.captures_added == 2


def test_rev_imports_up_to_a_branch_tag_or_commit(archive: Archive, repo: Repo) -> None:
    repo.commit("latest.json", latest(item(7, "One")), T0)
    second = repo.commit("latest.json", latest(item(7, "Two")), T0 + timedelta(hours=1))
    repo.git("tag", "v1")
    repo.commit("latest.json", latest(item(7, "Three")), T0 + timedelta(hours=2))
    report = import_git(archive, repo.path, "latest.json", items=FEED, rev="v1")
    assert (report.commits, report.captures_added) == (2, 2)
    assert report.captures[-1].commit == second
    report = import_git(archive, repo.path, "latest.json", items=FEED, rev="main")
    assert (report.commits, report.already_imported, report.captures_added) == (3, 2, 1)
    assert [v.title for v in archive.history(BASE + "world/7/one.html")] == ["One", "Two", "Three"]
    with pytest.raises(InputError, match="'nope' is not a branch, tag or commit"):
        import_git(archive, repo.path, "latest.json", items=FEED, rev="nope")


def test_a_rerun_goes_on_from_the_last_commit_imported(archive: Archive, repo: Repo) -> None:
    """A run goes on after the last commit an earlier run read, even one that changed
    nothing imported. An id that left the list and comes back under a new URL, in a
    later run, joins its article."""
    repo.commit("latest.json", latest(item(7, "Storm"), item(8, "Flood")), T0)
    repo.commit("latest.json", latest(item(8, "Flood")), T0 + timedelta(hours=1))
    import_git(archive, repo.path, "latest.json", items=FEED)
    again = import_git(archive, repo.path, "latest.json", items=FEED)
    assert (again.commits, again.already_imported, again.unchanged_commits) == (2, 2, 0)
    assert again.captures_added == 0
    repo.commit(
        "latest.json", latest(item(8, "Flood"), item(7, "Storm returns")), T0 + timedelta(hours=2)
    )
    later = import_git(archive, repo.path, "latest.json", items=FEED)
    assert (later.already_imported, later.unchanged_commits, later.captures_added) == (2, 0, 1)
    assert [c.url for c in later.captures] == [BASE + "world/7/storm.html"]
    assert [v.title for v in archive.history(BASE + "world/7/storm-returns.html")] == [
        "Storm",
        "Storm returns",
    ]


def test_a_run_that_ended_on_an_empty_file_goes_on_from_the_last_good_one(
    archive: Archive, repo: Repo
) -> None:
    """The next run compares with the last file that could be read, not the empty one:
    the entry that did not change is not saved again, and the empty file is not counted
    again."""
    repo.commit("latest.json", latest(item(7, "Storm"), item(8, "Flood")), T0)
    empty = repo.commit("latest.json", "", T0 + timedelta(hours=1))
    first = import_git(archive, repo.path, "latest.json", items=FEED)
    assert [s.commit for s in first.skipped] == [empty] and first.captures_added == 2
    repo.commit(
        "latest.json", latest(item(7, "Storm"), item(8, "Flood rises")), T0 + timedelta(hours=2)
    )
    later = import_git(archive, repo.path, "latest.json", items=FEED)
    assert (later.already_imported, later.skipped, later.captures_added) == (2, (), 1)
    assert [c.url for c in later.captures] == [BASE + "world/8/flood.html"]
    assert len(archive.captures(BASE + "world/7/storm.html")) == 1


def test_every_backend_finds_what_it_imported(archive_location: str, repo: Repo) -> None:
    repo.commit("latest.json", latest(item(7, "Storm")), T0)
    repo.commit("latest.json", latest(item(7, "Storm hits")), T0 + timedelta(hours=1))
    with Archive.open(archive_location) as opened:
        first = import_git(opened, repo.path, "latest.json", items=FEED)
        again = import_git(opened, repo.path, "latest.json", items=FEED)
        assert (first.captures_added, again.captures_added, again.already_imported) == (2, 0, 2)
        assert len(opened.history(BASE + "world/7/storm-hits.html")) == 2


def test_cli_imports_a_news_feed(tmp_path: Path, repo: Repo) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    repo.commit("latest.json", latest(item(7, "Storm nears")), T0)
    empty = repo.commit("latest.json", "", T0 + timedelta(minutes=30))
    repo.commit("latest.json", latest(item(7, "Storm hits")), T0 + timedelta(hours=1))
    location = str(tmp_path / "cli-archive")
    args = ["--archive", location, "import-git", str(repo.path), "latest.json"]
    feed_options = [
        "--id-from", "/id", "--url-from", "/url", "--url-base", BASE,
        "--title-from", "/title", "--text-from", "/title", "--text-from", "/subtitle",
        "--published-from", "/published_at", "--meta-from", "updated=/updated_at",
    ]  # fmt: skip
    runner = CliRunner()
    result = runner.invoke(cli, [*args, *feed_options, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "commits": 3,
        "already_imported": 0,
        "unchanged_commits": 0,
        "captures_added": 2,
        "versions_added": 2,
        "articles": 1,
        "skipped": [{"commit": empty, "reason": "latest.json is empty"}],
        "problems": [],
    }
    assert f"skipped: commit {empty[:12]}: latest.json is empty" in result.stderr
    result = runner.invoke(cli, [*args, *feed_options])
    assert result.stderr.splitlines()[-1] == (
        "imported 0 captures (0 new versions) of 0 articles from 3 commits: "
        "3 already imported, 0 unchanged, 0 skipped, 0 failed"
    )
    log = runner.invoke(cli, ["--archive", location, "log", BASE + "world/7/storm-nears.html"])
    assert log.exit_code == 0 and "Storm hits" in log.stdout
    strict = runner.invoke(
        cli, ["--archive", str(tmp_path / "s"), *args[2:], *feed_options, "--strict"]
    )
    assert strict.exit_code == 1
    assert f"failed: commit {empty[:12]}: latest.json is empty" in strict.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--url", URL, "--url-from", "/url"], "--url-from is for a JSON file"),
        (["--url", URL, "--url-base", BASE], "--url-base is for a JSON file"),
        (["--id-from", "/id"], "give --url"),
        (["--url-from", "/url", "--meta-from", "nope"], "is not NAME=JSON-POINTER"),
    ],
)
def test_cli_usage_errors(tmp_path: Path, repo: Repo, options: list[str], message: str) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    repo.commit("latest.json", latest(item(7, "Storm")), T0)
    args = ["--archive", str(tmp_path / "a"), "import-git", str(repo.path), "latest.json"]
    result = CliRunner().invoke(cli, [*args, *options])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_relative_url_without_base(tmp_path: Path, repo: Repo) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import cli

    repo.commit("latest.json", latest(item(7, "Storm")), T0)
    args = ["--archive", str(tmp_path / "a"), "import-git", str(repo.path), "latest.json"]
    result = CliRunner().invoke(cli, [*args, "--url-from", "/url", "--id-from", "/id"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: commit ") and line.endswith(
        "[0]: the URL '/world/7/storm.html' is relative: give a base URL to resolve it (--url-base)"
    )


def test_every_import_git_option_is_documented() -> None:
    import click

    from newsarchive.cli import cli

    command = cli.get_command(click.Context(cli), "import-git")
    assert command is not None
    doc = (Path(__file__).resolve().parents[2] / "docs" / "git-scraping.md").read_text()
    for param in command.params:
        for flag in (*param.opts, *param.secondary_opts):
            if flag.startswith("--") and flag != "--help":
                assert f"`{flag}" in doc or f"{flag}`" in doc or f" {flag}" in doc, flag
