"""The archive's JSON Lines and capture-file imports, and its JSON Lines export."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from ..models import Capture
from ..storage import Store

if TYPE_CHECKING:
    from ..models import ImportReport
    from .stored_analyses import StoredAnalyses

ProgressCallback = Callable[[int, int], None]


class ImportExport:
    """What :class:`~newsarchive.Archive` reads from and writes to files and streams."""

    store: Store
    max_text_bytes: int

    if TYPE_CHECKING:  # provided by Archive

        @property
        def _analyses(self) -> StoredAnalyses: ...

        def iter_captures(self, urls: Iterable[str] | None = None) -> Iterator[Capture]: ...

        def text_of(self, capture: Capture) -> str: ...

        def served_html(self, capture: Capture) -> tuple[bytes, str | None] | None: ...

    def import_jsonl(
        self,
        stream: IO[bytes],
        *,
        total: int = 0,
        source: str = "import",
        analyse: bool = True,
        workers: int = 0,
        on_progress: ProgressCallback | None = None,
        atomic: bool = False,
    ) -> ImportReport:
        """Import captures from JSON Lines, one capture per line; see ``docs/cli.md``.

        Runs in constant memory. A line that cannot be used is reported and skipped; the
        rest imports. Importing the same lines again adds nothing.

        Args:
            stream: a binary stream of UTF-8 JSON Lines.
            total: the stream's size in bytes, if known, for ``on_progress``.
            source: the capture source of lines that name none.
            analyse: compute the change analysis of new versions as they are saved;
                without it, run :meth:`reanalyse` afterwards.
            workers: processes that parse and hash lines, and analyse new versions, while
                this one writes (see :func:`newsarchive.ingest.records.default_workers`);
                where they cannot be forked they import the main module, so a script that
                passes ``workers`` should guard its entry point with
                ``if __name__ == "__main__"``.
            on_progress: called with (bytes read, total) as lines are read, at most one
                batch ahead of what is saved, and after each batch.
            atomic: all or nothing: if any line cannot be used, nothing is imported (the
                report lists every such line), and the captures are written in one
                transaction. They are held in memory until then.

        Returns:
            The counts, and one problem per line that could not be used.
        """
        from ..ingest.bulk import import_lines  # importing only: reading never loads it

        return import_lines(
            self.store,
            stream,
            total=total,
            source=source,
            workers=workers,
            analysis=self._analyses.for_import() if analyse else None,
            max_text_bytes=self.max_text_bytes,
            on_progress=on_progress,
            atomic=atomic,
        )

    def import_from(
        self,
        source: str | os.PathLike[str] | IO[bytes],
        *,
        analyse: bool = True,
        on_progress: ProgressCallback | None = None,
        atomic: bool = False,
    ) -> ImportReport:
        """Import whatever ``source`` holds: a directory of capture files, or JSON Lines.

        A JSON Lines file large enough to pay for them is prepared by worker processes
        (see :meth:`import_jsonl`); a stream (such as standard input) is read in this one.

        Args:
            source: a directory of ``*.txt`` capture files, a JSON Lines file, or a binary
                stream of JSON Lines.
            analyse: compute the change analysis of new versions as they are saved.
            on_progress: called with (done, total): bytes of a file, or files of a directory.
            atomic: all or nothing: if any line or file cannot be used, nothing is imported
                (the report lists every such one); see :meth:`import_jsonl`.

        Returns:
            The counts, and the lines (or files) that could not be used.

        Raises:
            InputError: the file cannot be read, or the directory holds no capture files.
        """
        from ..ingest.bulk import import_source

        return import_source(
            self.store,
            source,
            analysis=self._analyses.for_import() if analyse else None,
            max_text_bytes=self.max_text_bytes,
            on_progress=on_progress,
            atomic=atomic,
        )

    def iter_export(self, urls: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """One JSON-ready dict per capture, in the import format, article by article.

        Each article's captures come in the order they were saved (time order, unless
        some were backfilled), so that importing them replays its history: the same
        versions, with the same ids.
        """
        from ..ingest.jsonl import capture_line

        for capture in self.iter_captures(urls):
            yield capture_line(capture, self.text_of(capture), self.served_html(capture))

    def export_jsonl(self, stream: IO[str], urls: Iterable[str] | None = None) -> int:
        """Write every capture (of ``urls``, or all) as JSON Lines; returns the count."""
        from ..ingest.jsonl import write_lines

        return write_lines(self.iter_export(urls), stream)
