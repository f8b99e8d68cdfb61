"""Damaged, empty and half-bad imports: reported, never silent, never half-done when asked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive import Archive
from newsarchive.cli import cli

URL = "https://news.example.com/2017/06/06/story"


def run(archive: Path, *args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--archive", str(archive), *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def line(n: int, **extra: object) -> str:
    fields = {"url": f"{URL}-{n}", "captured_at": "2017-06-06T20:00:00Z", "text": f"Text {n}."}
    return json.dumps({**fields, **extra}) + "\n"


def test_an_empty_jsonl_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n")
    code, _, err = run(tmp_path / "a", "import", str(tmp_path / "empty.jsonl"))
    assert code == 1
    assert err == f"Error: {tmp_path / 'empty.jsonl'} holds no captures\n"


def test_atomic_import_writes_nothing_when_one_line_is_bad(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(line(1) + line(2) + line(3, http_status=99999999999999999999999) + line(4))
    code, _, err = run(tmp_path / "a", "import", "--atomic", str(source))
    assert code == 1
    assert err.splitlines() == [
        "Error: line 3: http_status 99999999999999999999999 is not between 100 and 599",
        "nothing imported (--atomic): 1 bad line",
    ]
    with Archive.open(tmp_path / "a") as archive:
        assert archive.articles() == []
    source.write_text(line(1) + line(2))
    assert run(tmp_path / "a", "import", "--atomic", str(source))[0] == 0
    with Archive.open(tmp_path / "a") as archive:
        assert len(archive.articles()) == 2


def test_atomic_import_with_json_lists_the_bad_lines_and_adds_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(line(1) + line(2, http_status=99999999999999999999999))
    code, out, _ = run(tmp_path / "a", "import", "--atomic", "--json", str(source))
    assert code == 1
    report = json.loads(out)
    assert report["captures_added"] == 0
    assert [p["line"] for p in report["problems"]] == [2]


def test_atomic_import_from_the_library_writes_nothing_when_one_line_is_bad(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(line(1) + line(2, captured_at=7))
    with Archive.open(tmp_path / "a") as archive:
        report = archive.import_from(source, atomic=True)
        assert [p.line for p in report.problems] == [2]
        assert report.captures_added == 0
        assert archive.articles() == []
        assert archive.import_from(source).captures_added == 1


def test_atomic_import_of_capture_files_writes_nothing_when_one_is_bad(tmp_path: Path) -> None:
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "1.txt").write_text(f"URL: {URL}\nCaptured-At: 2017-06-06T20:00:00Z\n\nText.\n")
    (folder / "2.txt").write_bytes(b"\xff\xfe not text")
    code, _, err = run(tmp_path / "a", "import", "--atomic", str(folder))
    assert code == 1
    assert "nothing imported (--atomic)" in err
    with Archive.open(tmp_path / "a") as archive:
        assert archive.articles() == []


@pytest.mark.parametrize("content", [b"", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"])
def test_an_empty_or_truncated_warc_is_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(content)
    code, _, err = run(tmp_path / "a", "import", "--warc", str(path))
    assert code == 1
    assert f"{path} at offset 0: no WARC or ARC record in the file" in err
    assert "Traceback" not in err


def test_a_warc_cut_short_after_its_first_records_reports_the_rest(tmp_path: Path) -> None:
    archive = tmp_path / "a"
    source = tmp_path / "in.jsonl"
    source.write_text("".join(line(n) for n in range(3)))
    assert run(archive, "import", str(source))[0] == 0
    warc = tmp_path / "out.warc.gz"
    assert run(archive, "export", "--warc", str(warc))[0] == 0
    data = warc.read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) * 2 // 3])
    code, _, err = run(tmp_path / "b", "import", "--warc", str(tmp_path / "cut.warc.gz"))
    assert code == 1
    assert "Traceback" not in err
    with Archive.open(tmp_path / "b") as copy:
        assert 1 <= len(copy.articles()) < 3


def test_import_git_of_a_path_never_in_the_repository_is_an_error(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@example.com",
    }
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    (repo / "story.txt").write_text("Text.\n")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "one"], check=True, env=env)
    code, _, err = run(tmp_path / "a", "import-git", str(repo), "stroy.txt", "--url", URL)
    assert code == 1
    assert err == f"Error: stroy.txt is in no commit of {repo}: check the path\n"


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command may hold spaces and parentheses: fields start after the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_import_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    padding = "word " * 400
    with source.open("w") as out:
        for n in range(3000):
            out.write(line(n, text=f"Text {n}. {padding}"))
    process = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "--archive", str(tmp_path / "a")]
        + ["import", "-q", str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        workers: set[int] = set()
        for _ in range(600):  # until the pool has started (polling, not timing)
            workers = _children(process.pid)
            if workers or process.poll() is not None:
                break
            time.sleep(0.01)
        if not workers:
            pytest.skip("the import finished before its workers could be seen")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        for _ in range(500):
            if not any(_alive(pid) for pid in workers):
                break
            time.sleep(0.01)
        assert not any(_alive(pid) for pid in workers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _stored_captures(location: Path) -> int:
    """How many captures an archive another process writes holds now (0 before it can be
    opened)."""
    from newsarchive.errors import StorageError
    from newsarchive.storage import open_store

    try:
        store = open_store(location, create=False)
    except StorageError:
        return 0
    try:
        return sum(article.capture_count for article in store.articles())
    except StorageError:
        return 0
    finally:
        store.close()


def test_an_import_killed_midway_leaves_every_version_analysed(tmp_path: Path) -> None:
    """A batch is saved with its analyses in one transaction: an import killed between
    batches keeps the batches before, each version with its analysis, and the same
    import run again adds the rest."""
    source = tmp_path / "interleaved.jsonl"
    sentences = [f"Sentence {k} of the story says something about the vote." for k in range(30)]
    with source.open("w") as out:
        for n in range(40):  # versions, each a batch's worth of articles later
            for a in range(60):
                text = " ".join(sentences[: 10 + n % 20]) + f" Update {n}."
                out.write(
                    line(a, text=text, captured_at=f"2017-06-{6 + n // 24:02}T{n % 24:02}:00:00Z")
                )
    location = tmp_path / "a"
    process = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "--archive", str(location)]
        + ["import", "-q", str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while process.poll() is None and not _stored_captures(location):
            time.sleep(0.01)  # polling for the first batch, not timing anything
        if process.poll() is not None:
            pytest.skip("the import finished before it could be killed")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with Archive.open(location) as archive:
        kept = 0
        for article in archive.articles():
            states = archive.store.analysis_states(article.url)
            assert all(state.analysis is not None for state in states)
            kept += article.capture_count
        assert 0 < kept < 2400
        assert kept % 1000 == 0  # whole batches
        code, _, _ = run(location, "import", "-q", str(source))
        assert code == 0
        assert sum(a.capture_count for a in archive.articles()) == 2400
        for article in archive.articles():
            states = archive.store.analysis_states(article.url)
            assert len(states) == 40 and all(s.analysis is not None for s in states)
