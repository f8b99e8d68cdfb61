"""Import the history of a git-scraped file: every committed version becomes a capture.

Git scraping keeps a page or feed in a repository and commits it whenever it changes.
:func:`import_git` walks the commits that touched one file, oldest first, and saves
what the file held at each, at the commit's time (committer date), with source ``git``:

* a text or HTML file holds one article, whose URL is given;
* a JSON file holds many articles (an object keyed by id, or an array), each found with
  JSON pointers (see :class:`~newsarchive.interop.gitentries.ItemPointers`). An article is
  saved at a commit only when what is imported of its entry changed, so a feed of a
  thousand articles does not add a thousand captures per commit. Keyed on a stable id,
  an article keeps one history whatever URLs it had; each is kept as an alias.

An import keeps what it needs to go on later in ``metadata["git"]`` of a few captures
only, not of every one: an article's first capture names its entry's id (or key), and the
last capture of each batch the commit the import had read up to (``through``). Importing
again goes on after that commit. A capture's own commit is the one whose committer date
is its capture time. Captures are saved in batches, one transaction each.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..archive import CaptureRecord
from ..errors import InputError, NewsArchiveError, StorageError, describe_failure
from ..fetch.decode import decode_html
from ..models import BatchReport, Problem, SavedCaptures
from .gitentries import (
    RESERVED_META,
    ItemPointers,
    RelativeURLError,
    entries_of,
    entry_fields,
    entry_id,
    entry_meta,
    entry_url,
    resolve_pointer,
)
from .gitrepo import GitBlobs, GitCommit, GitRepository

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = [
    "GitCommit",
    "GitImportReport",
    "GitImportedCapture",
    "ItemPointers",
    "import_git",
    "resolve_pointer",
]

SOURCE = "git"
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# Captures per transaction: large enough to amortise commits, small enough to report often.
BATCH_CAPTURES = 500


@attrs.frozen(kw_only=True)
class GitImportedCapture:
    """One capture saved from one commit."""

    commit: str
    url: str
    captured_at: datetime
    is_new_capture: bool
    is_new_version: bool


@attrs.frozen(kw_only=True)
class GitImportReport(SavedCaptures, BatchReport):
    """What an import did, in commit order.

    ``commits`` counts every commit that touched the file up to the revision;
    ``already_imported`` those an earlier import went through; ``unchanged_commits``
    those read now where no article changed; ``skipped`` the commits whose file was empty
    or unreadable (problems instead, in a strict import). Each skip and problem names its
    ``commit``, and a problem with one entry of a JSON file its ``item`` too.
    """

    commits: int
    already_imported: int
    unchanged_commits: int
    skipped: tuple[Problem, ...]
    captures: tuple[GitImportedCapture, ...] = attrs.field(repr=False)
    problems: tuple[Problem, ...]


def import_git(
    archive: Archive,
    repo: str | Path,
    path: str,
    *,
    url: str | None = None,
    items: ItemPointers | None = None,
    rev: str = "HEAD",
    strict: bool = False,
    analyse: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> GitImportReport:
    """Save every committed version of ``path`` in ``repo`` as captures.

    Args:
        archive: the archive to save into.
        repo: a directory inside a git working tree (or a bare repository).
        path: the file, relative to the repository root.
        url: the article the file holds (a text or HTML file).
        items: for a JSON file of many articles, where they and their fields are.
        rev: the branch, tag or commit to import up to.
        strict: an empty or unreadable file at a commit is a problem, not a skip.
        analyse: compute the change analysis of new versions as they are saved.
        on_progress: called as ``on_progress(commits_done, commits_total)``.

    Returns:
        Counts of commits, one entry per capture saved, and each skip and problem.

    Raises:
        InputError: neither or both of ``url`` and ``items``, ``repo`` is not a git
            repository, ``rev`` names no commit, or an entry's URL is relative and no
            base URL was given (nothing of that batch is saved), or no commit holds ``path``.
        NewsArchiveError: the ``git`` program is not installed.
    """
    if (url is None) == (items is None):
        raise InputError("give the article URL, or where each article's URL is in the JSON")
    git = GitRepository(Path(repo))
    commits = git.commits(path, rev=rev)
    if not commits:
        # A misspelt path imports nothing: say so rather than report success.
        raise InputError(f"{path} is in no commit of {repo}: check the path")
    done = _Imported.load(archive, path)
    # Commits up to the last one imported were gone through by an earlier import.
    start = max((i + 1 for i, c in enumerate(commits) if c.sha in done.commits), default=0)
    reader = _Reader(archive, path, url=url, items=items, strict=strict, analyse=analyse)
    reader.ids.update(done.articles)
    if on_progress:
        on_progress(start, len(commits))
    with git.blobs() as blobs:
        reader.prime(commits[:start], blobs)
        for number, commit in enumerate(commits[start:], start=start + 1):
            if commit.sha in done.commits:
                reader.already += 1
                continue
            try:
                reader.read(commit, blobs.get(commit.sha, path))
            except (StorageError, RelativeURLError):
                raise  # the archive failed, or the command needs --url-base: nothing can go on
            except Exception as exc:  # noqa: BLE001 - one commit never ends an import
                reader.problems.append(Problem(commit=commit.sha, message=describe_failure(exc)))
            reader.through = commit
            if len(reader.batch) >= BATCH_CAPTURES:
                reader.flush()
                if on_progress:
                    on_progress(number, len(commits))
        reader.flush()
    if on_progress:
        on_progress(len(commits), len(commits))
    return GitImportReport(
        commits=len(commits),
        already_imported=start + reader.already,
        unchanged_commits=reader.unchanged,
        skipped=tuple(reader.skipped),
        captures=tuple(reader.captures),
        problems=tuple(reader.problems),
    )


@attrs.frozen
class _Imported:
    """What earlier imports of a path left: the commits they read up to, and each id's
    article."""

    commits: frozenset[str]
    articles: dict[str, str]

    @classmethod
    def load(cls, archive: Archive, path: str) -> _Imported:
        commits: set[str] = set()
        articles: dict[str, str] = {}
        for url, _, metadata in archive.source_metadata(SOURCE):
            info = metadata.get(SOURCE)
            if not isinstance(info, dict) or info.get("path") != path:
                continue
            # "commit": archives from before the import kept every capture's commit.
            for key in ("through", "commit"):
                if key in info:
                    commits.add(str(info[key]))
            if "id" in info:
                articles.setdefault(str(info["id"]), url)
        return cls(frozenset(commits), articles)


class _Reader:
    """Turns each commit's file into records, and saves them batch by batch."""

    def __init__(
        self,
        archive: Archive,
        path: str,
        *,
        url: str | None,
        items: ItemPointers | None,
        strict: bool,
        analyse: bool,
    ) -> None:
        self.archive = archive
        self.path = path
        self.url = url
        self.items = items
        self.strict = strict
        self.analyse = analyse
        self.is_html = path.lower().endswith(_HTML_SUFFIXES)
        self.captures: list[GitImportedCapture] = []
        self.problems: list[Problem] = []
        self.skipped: list[Problem] = []
        self.already = 0
        self.unchanged = 0
        self.batch: list[tuple[str, CaptureRecord]] = []
        # The last commit read: the next batch saved records that the import got this far.
        self.through: GitCommit | None = None
        # Per entry (its id, key or URL): what was imported of it at the previous commit.
        self.previous: dict[str, Any] = {}
        # Per id or key: the URL of its article (the first URL it had).
        self.ids: dict[str, str] = {}
        self.last_data: bytes | None = None
        # The charset the last HTML file read declared (or was found in).
        self.charset = "utf-8"
        # Reading commits imported before, only to compare the next with them.
        self.priming = False

    def prime(self, commits: list[GitCommit], blobs: GitBlobs) -> None:
        """Start from the file as the last readable commit imported left it (reporting
        nothing): the one an earlier import read up to may have held an empty file."""
        self.priming = True
        try:
            for commit in reversed(commits):
                if self._prime(commit, blobs.get(commit.sha, self.path)):
                    return
        finally:
            self.priming = False

    def _prime(self, commit: GitCommit, data: bytes | None) -> bool:
        content = self._decode(commit, data)
        if content is None or data is None:
            return False
        if self.items is None:
            self.last_data = data
            return True
        document = self._parse(commit, content)
        if document is None:
            return False
        self._changed(commit, document)
        return True

    def read(self, commit: GitCommit, data: bytes | None) -> None:
        """Queue the records of one commit's file."""
        if data is None:
            self.previous, self.last_data = {}, None  # deleted; whatever comes back is new
            self.unchanged += 1
            return
        content = self._decode(commit, data)
        if content is None:
            return
        queued = len(self.batch)
        if self.items is None:
            self._read_file(commit, data, content)
        else:
            document = self._parse(commit, content)
            if document is None:
                return
            for key, fields in self._changed(commit, document):
                self._queue(commit, key, fields)
        if len(self.batch) == queued:
            self.unchanged += 1

    def _skip(self, commit: GitCommit, reason: str) -> None:
        if self.priming:
            return
        problem = Problem(commit=commit.sha, message=reason)
        (self.problems if self.strict else self.skipped).append(problem)

    def _decode(self, commit: GitCommit, data: bytes | None) -> str | None:
        """The file as text (an HTML file read in the charset it declares)."""
        if data is None:
            return None
        if self.is_html:
            content, self.charset = decode_html(data)
        else:
            try:
                content = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                self._skip(commit, f"{self.path} is not UTF-8 (byte {exc.start})")
                return None
        if not content.strip():
            self._skip(commit, f"{self.path} is empty")
            return None
        return content

    def _parse(self, commit: GitCommit, content: str) -> Any:
        try:
            return json.loads(content)
        except ValueError as exc:
            self._skip(commit, f"{self.path} is not valid JSON: {exc}")
            return None

    def _read_file(self, commit: GitCommit, data: bytes, content: str) -> None:
        assert self.url is not None
        if data == self.last_data:
            return
        self.last_data = data
        fields: dict[str, Any]
        if self.is_html:
            # Kept as the bytes committed, in the charset they declare, as a page is kept
            # as served; fields the page declares are read from its text.
            fields = {**_extract(content, self.url), "html": data, "html_charset": self.charset}
        else:
            fields = {"text": content}
        self._queue(commit, None, {"url": self.url, **fields})

    def _changed(self, commit: GitCommit, document: Any) -> list[tuple[str | None, dict[str, Any]]]:
        """The entries whose imported fields changed since the previous commit."""
        assert self.items is not None
        label = commit.sha
        try:
            pairs = entries_of(document, self.items)
        except InputError as exc:
            self._skip(commit, str(exc))
            return []
        current: dict[str, Any] = {}
        changed = []
        for index, (key, entry) in enumerate(pairs):
            item = key if key is not None else str(index)
            try:
                seen_url = entry_url(entry, self.items)
                identity = entry_id(entry, self.items, key, seen_url)
                if identity in current:
                    continue  # listed twice in one file: the first stands
                previous = self.previous.get(identity)
                if previous is not None and previous[0] == entry:
                    current[identity] = previous
                    continue
                fields = {
                    "url": seen_url,
                    **entry_fields(entry, self.items),
                    **({"meta": meta} if (meta := entry_meta(entry, self.items)) else {}),
                }
            except RelativeURLError as exc:
                raise RelativeURLError(f"commit {label[:12]} [{item}]: {exc}") from None
            except InputError as exc:
                if not self.priming:
                    self.problems.append(Problem(commit=label, item=item, message=str(exc)))
                continue
            current[identity] = (entry, fields)
            if previous is None or previous[1] != fields:
                changed.append((identity if self.items.id else key, fields))
        self.previous = current
        return changed

    def _queue(self, commit: GitCommit, item: str | None, fields: dict[str, Any]) -> None:
        fields = dict(fields)  # the entry's fields stay as they are, to compare the next
        seen_url = fields.pop("url")
        metadata = dict(fields.pop("meta", {}))
        if isinstance(fields.get("html"), str):
            # Fields the HTML declares fill in what the entry does not say.
            fields = {**_extract(fields["html"], seen_url), **fields}
        first = item is not None and item not in self.ids
        if first:
            # The article's first capture: what ties later commits' entries to it.
            metadata[RESERVED_META] = {"id": item, "path": self.path}
        if item is not None and self.items is not None and self.items.id is not None:
            fields["canonical_url"] = self.ids.get(item, seen_url)
        # The extractor's page fields, if any, go in the metadata.
        metadata = {**(fields.pop("metadata", None) or {}), **metadata}
        try:
            record = self.archive.prepare(
                seen_url,
                captured_at=commit.committed_at,
                source=SOURCE,
                metadata=metadata,
                **fields,
            )
        except NewsArchiveError as exc:
            self.problems.append(Problem(commit=commit.sha, item=item, message=str(exc)))
            return
        if first:
            assert item is not None
            self.ids[item] = seen_url
        self.batch.append((commit.sha, record))

    def flush(self) -> None:
        """Save the queued records in one transaction; the last records how far the import
        read, so that an import that stops here goes on from there."""
        if not self.batch:
            return
        if self.through is not None:
            sha, last = self.batch[-1]
            info = {**last.metadata.get(RESERVED_META, {}), "path": self.path}
            info["through"] = self.through.sha
            metadata = {**last.metadata, RESERVED_META: info}
            self.batch[-1] = (sha, attrs.evolve(last, metadata=metadata))
        records = [record for _, record in self.batch]
        outcomes = self.archive.ingest(records, analyse=self.analyse)
        for (sha, record), outcome in zip(self.batch, outcomes, strict=True):
            self.captures.append(
                GitImportedCapture(
                    commit=sha,
                    url=outcome.url,
                    captured_at=record.captured_at,
                    is_new_capture=outcome.is_new_capture,
                    is_new_version=outcome.is_new_capture and outcome.is_new_version,
                )
            )
        self.batch.clear()


def _extract(html: str, url: str) -> dict[str, Any]:
    # Loaded for HTML files only: extraction brings trafilatura and lxml.
    from .warc import extract_fields

    fields = extract_fields(html, url)
    fields.pop("canonical_url", None)  # the URL given is the article's identity here
    return {k: v for k, v in fields.items() if v is not None}
