"""The archive's four research tables as Parquet files (needs ``newsarchive[research]``).

One file per table (``articles.parquet``, ``versions.parquet``,
``sentence_edits.parquet``, ``captures.parquet``), written batch by batch with pyarrow's
``ParquetWriter``, so memory stays bounded whatever the archive's size. Times are
``timestamp[us, UTC]``, lists of codes ``list<string>``, metadata a JSON string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, MissingDependencyError, StorageError
from .research import TABLES, ExportReport, iter_batches

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = ["export_parquet"]


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingDependencyError("A Parquet export", "research") from None
    return pyarrow


def _schema(pa: Any, columns: Sequence[tuple[str, str]]) -> Any:
    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "strings": pa.list_(pa.string()),
        "json": pa.string(),
    }
    return pa.schema([(name, types[kind]) for name, kind in columns])


def export_parquet(
    archive: Archive,
    directory: str | Path,
    *,
    edits: bool = True,
    workers: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write ``articles``, ``versions``, ``sentence_edits`` and ``captures`` as Parquet.

    Each file is written beside its final name and moved into place when complete.

    Args:
        archive: the archive to read.
        directory: where the four files go (created if needed; files there replaced).
        edits: fill ``sentence_edits`` (see :func:`.research.iter_batches`).
        workers: processes building rows (see :func:`.research.iter_batches`).
        on_progress: called with (articles done, articles in total).

    Returns:
        Rows written per table.

    Raises:
        MissingDependencyError: pyarrow is not installed.
        InputError: ``directory`` is a file.
        StorageError: a file could not be written.
    """
    pa = _pyarrow()
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file: a Parquet export writes a directory of files")
    out.mkdir(parents=True, exist_ok=True)
    schemas = {name: _schema(pa, columns) for name, columns in TABLES.items()}
    partial = {name: out / f".{name}.parquet.partial" for name in TABLES}
    counts = dict.fromkeys(TABLES, 0)
    writers: dict[str, Any] = {}
    try:
        for name, schema in schemas.items():
            writers[name] = pa.parquet.ParquetWriter(partial[name], schema, compression="zstd")
        for batch in iter_batches(archive, edits=edits, workers=workers, on_progress=on_progress):
            for name, rows in batch.items():
                if rows:
                    columns = list(zip(*rows, strict=True))
                    table = pa.Table.from_arrays(
                        [
                            pa.array(c, type=f.type)
                            for c, f in zip(columns, schemas[name], strict=True)
                        ],
                        schema=schemas[name],
                    )
                    writers[name].write_table(table)
                    counts[name] += len(rows)
        for writer in writers.values():
            writer.close()
        for name in TABLES:
            partial[name].replace(out / f"{name}.parquet")
    except OSError as exc:
        raise StorageError(f"cannot write the Parquet export to {out}: {exc}") from None
    finally:
        for name, writer in writers.items():
            if writer.is_open:
                writer.close()
            partial[name].unlink(missing_ok=True)
    return ExportReport(**counts)
