"""Bulk imports into a store: JSON Lines (in worker processes when it pays) and capture files.

An import saves batches of prepared records in one transaction each; the analysis of
the versions a batch adds is stored in that transaction (see :class:`ImportAnalysis`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypedDict

import attrs

from ..errors import InputError, describe_failure
from ..models import ImportReport, Problem
from ..storage import CaptureRecord, OnSaved, Store
from . import DEFAULT_MAX_TEXT_BYTES
from .capturefile import parse_capture_file
from .follower import AnalysedAhead, Summarise
from .records import default_workers, prepare_lines, prepare_record
from .shards import Shards

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from ..storage import WrittenVersions

ProgressCallback = Callable[[int, int], None]


@attrs.frozen
class ImportAnalysis:
    """How an import analyses the versions it adds, inside each batch's transaction."""

    #: Called in each batch's transaction, before it commits, with what the store's
    #: ``on_saved`` is given (the articles whose versions it wrote, and which), the
    #: import's worker pool (None without workers), whose processes may
    #: compute the analyses, and the batch's versions analysed ahead (by version id), to
    #: be taken where they hold.
    on_saved: Callable[
        [Mapping[str, WrittenVersions], Executor | None, Mapping[str, AnalysedAhead]], None
    ]
    #: Run in each worker process as it starts (e.g. to set the rules it applies).
    start_worker: Callable[[], None] | None = None
    #: How a worker analyses a version ahead of its save (see ``ArticleFollower``);
    #: None: every version is analysed after its save.
    summarise: Summarise | None = None

    def hook(self, pool: Executor | None, ahead: Mapping[str, AnalysedAhead]) -> OnSaved:
        """The store's ``on_saved`` for an import whose workers are ``pool``'s and whose
        batch's versions analysed ahead are ``ahead`` (as it is when the batch is saved)."""
        return lambda changed: self.on_saved(changed, pool, ahead)


# Captures per transaction when importing: large enough to amortise commits, and for an
# article's successive versions to share a batch, so a worker analysing the later one
# has split the earlier one already (a thousand: 5% less analysis work than five hundred).
IMPORT_BATCH = 1000


def import_lines(
    store: Store,
    stream: IO[bytes],
    *,
    total: int = 0,
    source: str = "import",
    workers: int = 0,
    analysis: ImportAnalysis | None = None,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    on_progress: ProgressCallback | None = None,
    atomic: bool = False,
) -> ImportReport:
    """Import JSON Lines into ``store``, in constant memory; see ``Archive.import_jsonl``.

    Args:
        store: where the captures go.
        stream: a binary stream of UTF-8 JSON Lines.
        total: the stream's size in bytes, if known, for ``on_progress``.
        source: the capture source of lines that name none.
        workers: processes that prepare lines, and analyse new versions, while this one
            writes (0: none).
        analysis: how new versions are analysed, in each batch's transaction; None
            leaves them without analysis.
        max_text_bytes: the largest text a capture may hold; a larger one is a problem.
        on_progress: called with (bytes read, total) as blocks of lines are read, each
            at most one batch ahead of what is saved, and after each batch.
        atomic: all or nothing: if any line cannot be used, nothing is written; else the
            captures are written in one transaction (held in memory until then).

    Returns:
        The counts, and one problem per line that could not be used.
    """
    problems: list[Problem] = []
    # One pool of workers, made before anything else starts a thread, prepares lines
    # and analyses new versions in turn.
    start = None if analysis is None else analysis.start_worker
    pool = Shards(workers, start) if workers > 0 else None
    batches = _Batches(store, analysis, pool)
    done = lines = 0
    try:
        for done, read, prepared, ahead in prepare_lines(
            stream,
            source=source,
            workers=workers,
            max_text_bytes=max_text_bytes,
            pool=pool,
            summarise=None if analysis is None else analysis.summarise,
            store=store,
        ):
            lines = read
            if on_progress and not atomic and done < total:
                # Per block of lines, a batch being several: a slow import still moves
                # the bar every second or two. The end is told once the last is saved.
                on_progress(done, total)
            for number, record in prepared:
                if isinstance(record, str):
                    problems.append(Problem(line=number, message=record))
                    continue
                batches.add(record, ahead.get(number))
                if len(batches) >= IMPORT_BATCH and not atomic:
                    batches.flush()
                    if on_progress:
                        on_progress(done, total)
        if atomic and problems:
            batches.clear()  # one bad line, and nothing is written
        batches.flush()
        if on_progress:
            on_progress(done, total)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    counts = batches.counts
    return ImportReport(
        lines=lines,
        captures_added=counts["captures_added"],
        versions_added=counts["versions_added"],
        unchanged=counts["unchanged"],
        problems=tuple(problems),
    )


class _Batches:
    """The captures of an import waiting to be saved, with the versions analysed ahead
    among them, and the counts of what was saved so far."""

    def __init__(self, store: Store, analysis: ImportAnalysis | None, pool: Shards | None):
        self.counts = {"captures_added": 0, "versions_added": 0, "unchanged": 0}
        self._store = store
        self._records: list[CaptureRecord] = []
        self._ahead: dict[str, AnalysedAhead] = {}
        self._on_saved = None if analysis is None else analysis.hook(pool, self._ahead)

    def __len__(self) -> int:
        return len(self._records)

    def add(self, record: CaptureRecord, analysed: AnalysedAhead | None) -> None:
        self._records.append(record)
        if analysed is not None:
            self._ahead[analysed.id] = analysed

    def clear(self) -> None:
        self._records.clear()
        self._ahead.clear()

    def flush(self) -> None:
        """Save the waiting captures in one transaction."""
        for outcome in self._store.ingest(self._records, on_saved=self._on_saved):
            self.counts["captures_added" if outcome.is_new_capture else "unchanged"] += 1
            self.counts["versions_added"] += outcome.is_new_version
        self.clear()


def import_files(
    store: Store,
    paths: Iterable[Path],
    *,
    source: str = "import",
    analysis: ImportAnalysis | None = None,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    on_progress: ProgressCallback | None = None,
    atomic: bool = False,
) -> ImportReport:
    """Import capture files into ``store`` in one transaction, in time order.

    Args:
        store: where the captures go.
        paths: the files, one capture each.
        source: the capture source of files that name none.
        analysis: how new versions are analysed, in the same transaction.
        max_text_bytes: the largest text a capture may hold; a larger one is a problem.
        on_progress: called with (files done, files) at the end.
        atomic: all or nothing: if any file cannot be used, nothing is imported.

    Returns:
        The counts, and one problem per file that could not be used (by its place).
    """
    files = list(paths)
    records: list[CaptureRecord] = []
    problems: list[Problem] = []
    for number, path in enumerate(files, start=1):
        try:
            content = path.read_bytes().decode("utf-8-sig")
            fields = parse_capture_file(content, default_source=source)
            records.append(prepare_record(**fields, max_text_bytes=max_text_bytes))
        except UnicodeDecodeError:
            problems.append(Problem(line=number, message=f"{path}: not valid UTF-8"))
        except OSError as exc:
            problems.append(Problem(line=number, message=f"{path}: {exc.strerror}"))
        except InputError as exc:
            problems.append(Problem(line=number, message=f"{path}: {exc}"))
        except Exception as exc:  # noqa: BLE001 - one bad file never ends an import
            problems.append(Problem(line=number, message=f"{path}: {describe_failure(exc)}"))
    records.sort(key=lambda r: r.captured_at)
    if atomic and problems:
        records.clear()
    results = store.save(records, on_saved=None if analysis is None else analysis.hook(None, {}))
    if on_progress:
        on_progress(len(files), len(files))
    return ImportReport(
        lines=len(files),
        captures_added=sum(r.is_new_capture for r in results),
        versions_added=sum(r.is_new_version for r in results),
        unchanged=sum(not r.is_new_capture for r in results),
        problems=tuple(problems),
        unit="file",
    )


class _Keywords(TypedDict):
    """What ``import_source`` passes on to the import it picks."""

    analysis: ImportAnalysis | None
    max_text_bytes: int
    on_progress: ProgressCallback | None
    atomic: bool


def import_source(
    store: Store,
    source: str | os.PathLike[str] | IO[bytes],
    *,
    analysis: ImportAnalysis | None = None,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    on_progress: ProgressCallback | None = None,
    atomic: bool = False,
) -> ImportReport:
    """Import a directory of capture files, a JSON Lines file, or a JSON Lines stream.

    Args:
        store: where the captures go.
        source: the directory, file or binary stream.
        analysis: how new versions are analysed, in each batch's transaction.
        max_text_bytes: the largest text a capture may hold; a larger one is a problem.
        on_progress: called with (done, total).
        atomic: all or nothing (see :func:`import_lines`).

    Returns:
        The import's report.

    Raises:
        InputError: the file cannot be read, or the directory holds no capture files.
    """
    options = _Keywords(
        analysis=analysis, max_text_bytes=max_text_bytes, on_progress=on_progress, atomic=atomic
    )
    if not isinstance(source, (str, os.PathLike)):
        return import_lines(store, source, **options)
    path = Path(source)
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise InputError(f"{source} holds no capture files (*.txt)")
        return import_files(store, files, **options)
    try:
        stream, total = open(path, "rb"), os.path.getsize(path)  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}") from None
    with stream:
        return import_lines(
            store,
            stream,
            total=total,
            workers=default_workers(total),
            **options,
        )
