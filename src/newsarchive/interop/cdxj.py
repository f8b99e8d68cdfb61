"""CDXJ indexes of WARC files, in the layout pywb and OutbackCDX read.

One line per replayable record (``response``, ``revisit``, ``resource`` with an http(s)
target)::

    com,example)/news/story 20170606120000 {"url": "https://example.com/news/story",
    "mime": "text/html", "status": "200", "digest": "SHA1BASE32...", "length": "1043",
    "offset": "512", "filename": "export.warc.gz"}

(shown wrapped here; each entry is one line).

The key is the SURT form of the URL (:mod:`newsarchive.interop.surt`), the timestamp 14 digits
in UTC, and lines are sorted by plain code-point order, which is the byte order pywb
binary-searches on.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, TextIO

import attrs

from ..errors import WarcFormatError
from ..models import BatchReport, Problem
from .surt import surt
from .warc import WarcRecord, as_problem, iter_records

__all__ = ["CdxjEntry", "CdxjReport", "index_records", "index_warc", "write_cdxj"]

_INDEXED = frozenset({"response", "revisit", "resource"})


@attrs.frozen(kw_only=True)
class CdxjEntry:
    """One CDXJ line: a SURT key, a 14-digit timestamp and the JSON block."""

    key: str
    timestamp: str
    fields: dict[str, str] = attrs.field(eq=True, hash=False)

    def to_line(self) -> str:
        return f"{self.key} {self.timestamp} {json.dumps(self.fields, ensure_ascii=False)}"


@attrs.frozen(kw_only=True)
class CdxjReport(BatchReport):
    """What :func:`index_files` indexed (sorted as written), and the records it could not read."""

    lines: int
    problems: tuple[Problem, ...]
    entries: tuple[CdxjEntry, ...] = attrs.field(default=(), repr=False)


def index_records(records: Iterable[WarcRecord], filename: str) -> Iterator[CdxjEntry]:
    """Yield a CDXJ entry for each replayable record, in file order.

    Args:
        records: records as :func:`newsarchive.interop.warc.iter_records` yields them.
        filename: the name written in each line's ``filename`` field.
    """
    for record in records:
        uri = record.target_uri or ""
        if record.type not in _INDEXED or record.date is None:
            continue
        if not uri.startswith(("http://", "https://")):
            continue
        fields = {"url": uri}
        if record.type == "revisit":
            fields["mime"] = "warc/revisit"
        else:
            fields["mime"] = record.mime or "unk"
        if record.http_status is not None:
            fields["status"] = str(record.http_status)
        digest = record.payload_digest
        if digest is None and record.type != "revisit":
            digest = "sha1:" + base64.b32encode(hashlib.sha1(record.payload).digest()).decode()
        if digest:
            fields["digest"] = digest.split(":", 1)[-1]
        fields["length"] = str(record.length)
        fields["offset"] = str(record.offset)
        fields["filename"] = filename
        yield CdxjEntry(
            key=surt(uri), timestamp=record.date.strftime("%Y%m%d%H%M%S"), fields=fields
        )


def index_warc(
    stream: BinaryIO,
    filename: str,
    *,
    on_problem: Callable[[WarcFormatError], None] | None = None,
) -> Iterator[CdxjEntry]:
    """Yield the CDXJ entries of one WARC or ARC stream, in file order.

    Args:
        stream: the file, opened in binary mode.
        filename: the name written in each line (usually the file's base name).
        on_problem: receives each damaged record; when None the first one raises.

    Raises:
        MissingDependencyError: warcio is not installed.
        WarcFormatError: a damaged record, when ``on_problem`` is None.
    """
    yield from index_records(iter_records(stream, name=filename, on_problem=on_problem), filename)


def write_cdxj(
    paths: Iterable[str | os.PathLike[str]],
    out: TextIO,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> CdxjReport:
    """Index WARC files and write one sorted CDXJ document to ``out``.

    Damaged records are skipped and returned as problems; the rest is indexed.

    Args:
        paths: the WARC or ARC files; each line names its file by base name.
        out: a text stream.
        on_progress: called as ``on_progress(files_done, files_total)``.

    Returns:
        The number of lines, the entries and the problems met.

    Raises:
        MissingDependencyError: warcio is not installed.
        WarcFormatError: a file cannot be opened (``offset`` is None).
    """
    report = index_files(paths, on_progress=on_progress)
    for entry in report.entries:
        out.write(entry.to_line() + "\n")
    return report


def index_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> CdxjReport:
    """Index WARC files: every replayable record's entry, in CDXJ order.

    Args:
        paths: the WARC or ARC files; each entry names its file by base name.
        on_progress: called as ``on_progress(files_done, files_total)``.

    Returns:
        The entries sorted as a CDXJ file lists them, and the problems met.

    Raises:
        MissingDependencyError: warcio is not installed.
        WarcFormatError: a file cannot be opened (``offset`` is None).
    """
    files = list(paths)
    problems: list[Problem] = []
    entries: list[CdxjEntry] = []
    for done, path in enumerate(files, start=1):
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise WarcFormatError(f"cannot read {os.fspath(path)}: {exc.strerror}") from None
        with stream:
            name = os.path.basename(os.fspath(path))
            collect = functools.partial(_collect, problems, name)
            entries.extend(index_warc(stream, name, on_problem=collect))
        if on_progress:
            on_progress(done, len(files))
    entries.sort(key=CdxjEntry.to_line)
    return CdxjReport(lines=len(entries), problems=tuple(problems), entries=tuple(entries))


def _collect(problems: list[Problem], name: str, error: WarcFormatError) -> None:
    problems.append(as_problem(error, name))
