"""Bulk imports into a store: JSON Lines (in worker processes when it pays) and capture files.

An import saves batches of prepared records in one transaction each, and tells its
caller which articles got new versions, so that their analysis can follow.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from ..errors import InputError, describe_failure
from ..models import ImportReport, Problem
from ..storage import CaptureRecord, Store
from .capturefile import parse_capture_file
from .records import default_workers, prepare_lines, prepare_record

ProgressCallback = Callable[[int, int], None]
# Receives the URLs of the articles a batch added versions to, sorted.
NewVersionsCallback = Callable[[list[str]], None]

# Captures per transaction when importing: large enough to amortise commits.
IMPORT_BATCH = 500


def import_lines(
    store: Store,
    stream: IO[bytes],
    *,
    total: int = 0,
    source: str = "import",
    workers: int = 0,
    on_new_versions: NewVersionsCallback | None = None,
    on_progress: ProgressCallback | None = None,
    atomic: bool = False,
) -> ImportReport:
    """Import JSON Lines into ``store``, in constant memory; see ``Archive.import_jsonl``.

    Args:
        store: where the captures go.
        stream: a binary stream of UTF-8 JSON Lines.
        total: the stream's size in bytes, if known, for ``on_progress``.
        source: the capture source of lines that name none.
        workers: processes that prepare lines while this one writes (0: none).
        on_new_versions: called after each batch that added versions.
        on_progress: called with (bytes read, total) after each batch.
        atomic: all or nothing: if any line cannot be used, nothing is written; else the
            captures are written in one transaction (held in memory until then).

    Returns:
        The counts, and one problem per line that could not be used.
    """
    counts = {"lines": 0, "captures_added": 0, "versions_added": 0, "unchanged": 0}
    problems: list[Problem] = []
    batch: list[CaptureRecord] = []
    done = 0

    def flush() -> None:
        changed = set()
        for outcome in store.ingest(batch):
            counts["captures_added" if outcome.is_new_capture else "unchanged"] += 1
            counts["versions_added"] += outcome.is_new_version
            if outcome.is_new_version:
                changed.add(outcome.url)
        if on_new_versions is not None and changed:
            on_new_versions(sorted(changed))
        batch.clear()
        if on_progress:
            on_progress(done, total)

    for read, lines, prepared in prepare_lines(stream, source=source, workers=workers):
        done, counts["lines"] = read, lines
        for number, record in prepared:
            if isinstance(record, str):
                problems.append(Problem(line=number, message=record))
                continue
            batch.append(record)
            if len(batch) >= IMPORT_BATCH and not atomic:
                flush()
    if atomic and problems:
        batch.clear()  # one bad line, and nothing is written
    flush()
    return ImportReport(
        lines=counts["lines"],
        captures_added=counts["captures_added"],
        versions_added=counts["versions_added"],
        unchanged=counts["unchanged"],
        problems=tuple(problems),
    )


def import_files(
    store: Store,
    paths: Iterable[Path],
    *,
    source: str = "import",
    on_new_versions: NewVersionsCallback | None = None,
    on_progress: ProgressCallback | None = None,
    atomic: bool = False,
) -> ImportReport:
    """Import capture files into ``store`` in one transaction, in time order.

    Args:
        store: where the captures go.
        paths: the files, one capture each.
        source: the capture source of files that name none.
        on_new_versions: called once with the articles that got new versions.
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
            records.append(prepare_record(**parse_capture_file(content, default_source=source)))
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
    results = store.save(records)
    changed = sorted({r.version.url for r in results if r.is_new_version and r.version})
    if on_new_versions is not None and changed:
        on_new_versions(changed)
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


def import_source(
    store: Store,
    source: str | os.PathLike[str] | IO[bytes],
    *,
    on_new_versions: NewVersionsCallback | None = None,
    on_progress: ProgressCallback | None = None,
    atomic: bool = False,
) -> ImportReport:
    """Import a directory of capture files, a JSON Lines file, or a JSON Lines stream.

    Args:
        store: where the captures go.
        source: the directory, file or binary stream.
        on_new_versions: called after each batch that added versions.
        on_progress: called with (done, total).
        atomic: all or nothing (see :func:`import_lines`).

    Returns:
        The import's report.

    Raises:
        InputError: the file cannot be read, or the directory holds no capture files.
    """
    if not isinstance(source, (str, os.PathLike)):
        return import_lines(
            store, source, on_new_versions=on_new_versions, on_progress=on_progress, atomic=atomic
        )
    path = Path(source)
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise InputError(f"{source} holds no capture files (*.txt)")
        return import_files(
            store, files, on_new_versions=on_new_versions, on_progress=on_progress, atomic=atomic
        )
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
            on_new_versions=on_new_versions,
            on_progress=on_progress,
            atomic=atomic,
        )
