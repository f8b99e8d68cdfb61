"""Import the history of a git-scraped file: every committed version becomes a capture.

Git scraping keeps a page or feed in a repository and commits it whenever it changes.
:func:`import_git` walks the commits that touched one file, oldest first, and saves
what the file held at each, at the commit's time (committer date), with source ``git``:

* a text or HTML file holds one article, whose URL is given;
* a JSON file holds many articles (an object keyed by id, or an array), each carrying
  its URL at a JSON pointer (RFC 6901). An article is saved at a commit only when its
  entry changed, so a feed of a thousand articles does not add a thousand captures per
  commit.

Each capture records its commit in ``metadata["git"]``; importing again skips commits
already imported and adds only the new ones. git itself is run as a subprocess.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from ..errors import InputError, NewsArchiveError, StorageError, describe_failure
from ..models import SavedCaptures

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = [
    "GitCommit",
    "GitImportProblem",
    "GitImportReport",
    "GitImportedCapture",
    "import_git",
    "resolve_pointer",
]

SOURCE = "git"
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# Where articles in JSON usually keep their fields, tried in order.
_TEXT_KEYS = ("text", "body", "content", "article_text", "articleBody")
_HTML_KEYS = ("html", "body_html", "content_html")
_TITLE_KEYS = ("title", "headline")
_BYLINE_KEYS = ("byline", "author", "authors")
_PUBLISHED_KEYS = ("published_at", "published", "datePublished", "date")
_MODIFIED_KEYS = ("modified_at", "updated_at", "updated", "dateModified")


@attrs.frozen(kw_only=True)
class GitCommit:
    sha: str
    committed_at: datetime


@attrs.frozen(kw_only=True)
class GitImportedCapture:
    """One capture saved from one commit."""

    commit: str
    url: str
    captured_at: datetime
    is_new_capture: bool
    is_new_version: bool


@attrs.frozen(kw_only=True)
class GitImportProblem:
    """A commit, or an entry in it, that could not be imported."""

    commit: str
    reason: str
    item: str | None = None

    def __str__(self) -> str:
        where = self.commit[:12] + (f" [{self.item}]" if self.item is not None else "")
        return f"commit {where}: {self.reason}"


@attrs.frozen(kw_only=True)
class GitImportReport(SavedCaptures):
    """One entry per capture saved and per problem, in commit order."""

    commits: int
    skipped_commits: int
    captures: tuple[GitImportedCapture, ...] = attrs.field(repr=False)
    problems: tuple[GitImportProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def resolve_pointer(document: Any, pointer: str) -> Any:
    """Return the value a JSON pointer (RFC 6901) names in ``document``.

    Raises:
        KeyError: the pointer names nothing in the document.
        InputError: the pointer is not a JSON pointer.
    """
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise InputError(f"bad JSON pointer {pointer!r}: it must be empty or start with /")
    value = document
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise KeyError(pointer)
    return value


def import_git(
    archive: Archive,
    repo: str | Path,
    path: str,
    *,
    url: str | None = None,
    url_pointer: str | None = None,
    items_pointer: str = "",
    text_pointer: str | None = None,
    html_pointer: str | None = None,
    title_pointer: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> GitImportReport:
    """Save every committed version of ``path`` in ``repo`` as captures.

    Args:
        archive: the archive to save into.
        repo: a directory inside a git working tree (or a bare repository).
        path: the file, relative to the repository root.
        url: the article the file holds (text or HTML file).
        url_pointer: for a JSON file of many articles, the pointer to each article's URL
            within its entry (e.g. ``/url``).
        items_pointer: where the entries are in the JSON document (default: its root).
        text_pointer, html_pointer, title_pointer: where an entry keeps these fields;
            by default the usual names (``text``/``body``, ``html``, ``title``...) are tried.
        on_progress: called as ``on_progress(commits_done, commits_total)``.

    Returns:
        One entry per capture saved and per problem, in commit order.

    Raises:
        InputError: neither or both of ``url`` and ``url_pointer``, ``repo`` is not a
            git repository, or no commit of it holds ``path``.
        NewsArchiveError: the ``git`` program is not installed.
    """
    if (url is None) == (url_pointer is None):
        raise InputError("give the article URL, or a JSON pointer to each article's URL")
    git = _Git(Path(repo))
    commits = git.commits(path)
    if not commits:
        # A misspelt path imports nothing: say so rather than report success.
        raise InputError(f"{path} is in no commit of {repo}: check the path")
    reader = _Reader(
        archive,
        path,
        url=url,
        url_pointer=url_pointer,
        items_pointer=items_pointer,
        text_pointer=text_pointer,
        html_pointer=html_pointer,
        title_pointer=title_pointer,
    )
    if on_progress:
        on_progress(0, len(commits))
    with git.blobs() as blobs:
        for done, commit in enumerate(commits, start=1):
            try:
                reader.read(commit, blobs.get(commit.sha, path))
            except StorageError:
                raise  # the archive itself failed: the import cannot go on
            except Exception as exc:  # noqa: BLE001 - one commit never ends an import
                reader.problems.append(
                    GitImportProblem(commit=commit.sha, reason=describe_failure(exc))
                )
            if on_progress:
                on_progress(done, len(commits))
    return GitImportReport(
        commits=len(commits),
        skipped_commits=reader.skipped,
        captures=tuple(reader.captures),
        problems=tuple(reader.problems),
    )


class _Git:
    def __init__(self, repo: Path) -> None:
        self.executable = shutil.which("git")
        if self.executable is None:
            raise NewsArchiveError("importing from git needs the git program on the PATH")
        self.repo = repo
        try:
            self.run("rev-parse", "--git-dir")
        except InputError:
            raise InputError(f"{repo} is not a git repository") from None

    def run(self, *args: str) -> str:
        assert self.executable is not None
        done = subprocess.run(
            [self.executable, "-C", str(self.repo), *args],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"git {args[0]} failed: {message[-1] if message else 'error'}")
        return done.stdout.decode("utf-8", "replace")

    def commits(self, path: str) -> list[GitCommit]:
        try:
            output = self.run("log", "--format=%H %ct", "--", path)
        except InputError as exc:
            if "does not have any commits" in str(exc):
                return []
            raise
        commits = []
        for line in output.splitlines():
            sha, _, stamp = line.partition(" ")
            commits.append(GitCommit(sha=sha, committed_at=datetime.fromtimestamp(int(stamp), UTC)))
        # git log lists newest first; ties keep git's topological order, reversed.
        commits.reverse()
        commits.sort(key=lambda c: c.committed_at)
        return commits

    def blobs(self) -> _Blobs:
        assert self.executable is not None
        return _Blobs(self.executable, self.repo)


class _Blobs:
    """File contents at commits, through one long-running ``git cat-file --batch``."""

    def __init__(self, executable: str, repo: Path) -> None:
        self.process = subprocess.Popen(
            [executable, "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def __enter__(self) -> _Blobs:
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


class _Reader:
    def __init__(
        self,
        archive: Archive,
        path: str,
        *,
        url: str | None,
        url_pointer: str | None,
        items_pointer: str,
        text_pointer: str | None,
        html_pointer: str | None,
        title_pointer: str | None,
    ) -> None:
        self.archive = archive
        self.path = path
        self.url = url
        self.url_pointer = url_pointer
        self.items_pointer = items_pointer
        self.text_pointer = text_pointer
        self.html_pointer = html_pointer
        self.title_pointer = title_pointer
        self.captures: list[GitImportedCapture] = []
        self.problems: list[GitImportProblem] = []
        self.skipped = 0
        self.previous: dict[str, str] = {}
        self.imported: dict[str, set[str]] = {}

    def read(self, commit: GitCommit, data: bytes | None) -> None:
        if data is None:
            self.previous = {}  # deleted here; whatever comes back is new
            return
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problems.append(
                GitImportProblem(
                    commit=commit.sha, reason=f"{self.path} is not UTF-8 (byte {exc.start})"
                )
            )
            return
        if self.url is not None:
            self._read_file(commit, content)
        else:
            self._read_json(commit, content)

    def _commits_of(self, url: str) -> set[str]:
        if url not in self.imported:
            shas: set[str] = set()
            try:
                captures = self.archive.captures(url)
            except NewsArchiveError:
                captures = []
            for capture in captures:
                info = capture.metadata.get(SOURCE)
                if capture.source == SOURCE and isinstance(info, dict):
                    shas.add(str(info.get("commit")))
            self.imported[url] = shas
        return self.imported[url]

    def _read_file(self, commit: GitCommit, content: str) -> None:
        assert self.url is not None
        if commit.sha in self._commits_of(self.url):
            self.skipped += 1
            return
        fields: dict[str, Any]
        if self.path.lower().endswith(_HTML_SUFFIXES):
            fields = {"html": content, **_extract(content, self.url)}
        else:
            fields = {"text": content}
        self._save(commit, self.url, fields, item=None)

    def _read_json(self, commit: GitCommit, content: str) -> None:
        assert self.url_pointer is not None
        try:
            document = json.loads(content)
            entries = resolve_pointer(document, self.items_pointer)
        except ValueError as exc:
            self.problems.append(
                GitImportProblem(commit=commit.sha, reason=f"not valid JSON: {exc}")
            )
            return
        except KeyError:
            self.problems.append(
                GitImportProblem(commit=commit.sha, reason=f"nothing at {self.items_pointer!r}")
            )
            return
        if isinstance(entries, dict):
            pairs: Iterator[tuple[str | None, Any]] = iter(entries.items())
        elif isinstance(entries, list):
            pairs = ((None, entry) for entry in entries)
        else:
            self.problems.append(
                GitImportProblem(
                    commit=commit.sha, reason="the entries are neither an object nor an array"
                )
            )
            return
        current: dict[str, str] = {}
        any_new = False
        for index, (key, entry) in enumerate(pairs):
            label = key if key is not None else str(index)
            try:
                url = resolve_pointer(entry, self.url_pointer)
            except (KeyError, TypeError):
                self.problems.append(
                    GitImportProblem(
                        commit=commit.sha, item=label, reason=f"no URL at {self.url_pointer!r}"
                    )
                )
                continue
            if not isinstance(url, str):
                self.problems.append(
                    GitImportProblem(
                        commit=commit.sha, item=label, reason="the URL is not a string"
                    )
                )
                continue
            identity = key if key is not None else url
            state = json.dumps(entry, sort_keys=True, ensure_ascii=False)
            current[identity] = state
            if self.previous.get(identity) == state:
                continue
            if commit.sha in self._commits_of(url):
                continue
            any_new = True
            try:
                fields = self._fields(entry, url)
            except InputError as exc:
                self.problems.append(
                    GitImportProblem(commit=commit.sha, item=label, reason=str(exc))
                )
                continue
            self._save(commit, url, fields, item=key)
        if not any_new:
            self.skipped += 1
        self.previous = current

    def _fields(self, entry: Any, url: str) -> dict[str, Any]:
        html = _pick(entry, self.html_pointer, _HTML_KEYS)
        text = _pick(entry, self.text_pointer, _TEXT_KEYS)
        fields: dict[str, Any] = {}
        if html is not None:
            fields.update(html=html, **_extract(html, url))
        if text is not None:
            fields["text"] = text
        if "text" not in fields and "html" not in fields:
            raise InputError("the entry has no text or HTML")
        title = _pick(entry, self.title_pointer, _TITLE_KEYS)
        if title is not None:
            fields["title"] = title
        byline = _pick(entry, None, _BYLINE_KEYS)
        if byline is not None:
            fields["byline"] = byline
        for name, keys in (("published_at", _PUBLISHED_KEYS), ("modified_at", _MODIFIED_KEYS)):
            value = _pick(entry, None, keys)
            if value is not None:
                from ..times import parse_time

                # An unreadable date is left out rather than losing the entry.
                with contextlib.suppress(InputError):
                    fields[name] = parse_time(value, what=name)
        return fields

    def _save(self, commit: GitCommit, url: str, fields: dict[str, Any], item: str | None) -> None:
        info: dict[str, Any] = {"commit": commit.sha, "path": self.path}
        if item is not None:
            info["id"] = item
        fields = dict(fields)
        # The extractor's page fields, if any, go with the commit in the metadata.
        metadata = {**(fields.pop("metadata", None) or {}), SOURCE: info}
        try:
            result = self.archive.save(
                url,
                captured_at=commit.committed_at,
                source=SOURCE,
                metadata=metadata,
                **fields,
            )
        except NewsArchiveError as exc:
            self.problems.append(GitImportProblem(commit=commit.sha, item=item, reason=str(exc)))
            return
        self._commits_of(url).add(commit.sha)
        self.captures.append(
            GitImportedCapture(
                commit=commit.sha,
                url=result.capture.url,
                captured_at=result.capture.captured_at,
                is_new_capture=result.is_new_capture,
                is_new_version=bool(result.is_new_version and result.is_new_capture),
            )
        )


def _pick(entry: Any, pointer: str | None, keys: tuple[str, ...]) -> str | None:
    if pointer is not None:
        try:
            value = resolve_pointer(entry, pointer)
        except (KeyError, TypeError):
            return None
        return _as_text(value)
    if not isinstance(entry, dict):
        return None
    for key in keys:
        value = _as_text(entry.get(key))
        if value is not None:
            return value
    return None


def _as_text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    return None


def _extract(html: str, url: str) -> dict[str, Any]:
    from .warc import _extract as extract_fields

    fields = extract_fields(html, url)
    fields.pop("canonical_url", None)  # the URL given is the article's identity here
    return fields
