"""Reading a git repository: the commits that touched a file, and the file at each.

git itself is run as a subprocess: ``git log`` lists the commits once, and one
long-running ``git cat-file --batch`` hands over the file's contents commit by commit,
so a history of ten thousand commits costs two processes, not ten thousand.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import attrs

from ..errors import InputError, NewsArchiveError

__all__ = ["GitCommit", "GitRepository"]


@attrs.frozen(kw_only=True)
class GitCommit:
    """A commit that touched the file: its id and its committer date."""

    sha: str
    committed_at: datetime


class GitRepository:
    """A git repository on disk, read through the ``git`` program.

    Raises:
        InputError: ``path`` is not inside a git repository.
        NewsArchiveError: the ``git`` program is not installed.
    """

    def __init__(self, path: Path) -> None:
        executable = shutil.which("git")
        if executable is None:
            raise NewsArchiveError("importing from git needs the git program on the PATH")
        self.executable = executable
        self.path = path
        try:
            self.run("rev-parse", "--git-dir")
        except InputError:
            raise InputError(f"{path} is not a git repository") from None

    def run(self, *args: str) -> str:
        """Run a git command in the repository and return what it printed.

        Raises:
            InputError: git failed; the message is git's last line of error.
        """
        done = subprocess.run(
            [self.executable, "-C", str(self.path), *args],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"git {args[0]} failed: {message[-1] if message else 'error'}")
        return done.stdout.decode("utf-8", "replace")

    def resolve(self, rev: str) -> str | None:
        """The commit a branch, tag or commit names; None in a repository with no commits.

        Raises:
            InputError: ``rev`` names no commit.
        """
        try:
            return self.run(
                "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"
            )
        except InputError:
            if rev == "HEAD" and not self.run("rev-list", "--all", "--max-count=1").strip():
                return None  # a new repository: nothing committed yet
            raise InputError(f"{rev!r} is not a branch, tag or commit of {self.path}") from None

    def commits(self, path: str, *, rev: str = "HEAD") -> list[GitCommit]:
        """The commits reachable from ``rev`` that touched ``path``, oldest first.

        Commits are ordered by committer date; ties keep git's topological order.

        Raises:
            InputError: ``rev`` names no commit.
        """
        head = self.resolve(rev)
        if head is None:
            return []
        output = self.run("log", "--format=%H %ct", head.strip(), "--", path)
        commits = []
        for line in output.splitlines():
            sha, _, stamp = line.partition(" ")
            commits.append(GitCommit(sha=sha, committed_at=datetime.fromtimestamp(int(stamp), UTC)))
        # git log lists newest first; reversed, ties keep its topological order.
        commits.reverse()
        commits.sort(key=lambda c: c.committed_at)
        return commits

    def blobs(self) -> GitBlobs:
        """A reader of files at commits; use it as a context manager."""
        return GitBlobs(self.executable, self.path)


class GitBlobs:
    """File contents at commits, through one long-running ``git cat-file --batch``."""

    def __init__(self, executable: str, repo: Path) -> None:
        self.process = subprocess.Popen(
            [executable, "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def __enter__(self) -> GitBlobs:
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def get(self, sha: str, path: str) -> bytes | None:
        """The file at a commit; None where the commit deleted it."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(f"{sha}:{path}\n".encode())
        stdin.flush()
        header = stdout.readline().decode("utf-8", "replace").split()
        if len(header) != 3:
            return None  # "<name> missing": the file is absent at that commit
        size = int(header[2])
        data = _read_exactly(stdout, size)
        stdout.read(1)  # the newline after each object
        return data if header[1] == "blob" else None


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
