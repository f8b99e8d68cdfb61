"""The archive's four research tables as Parquet files (needs ``newsarchive[research]``).

One file per table (``articles.parquet``, ``versions.parquet``,
``sentence_edits.parquet``, ``captures.parquet``), written batch by batch with pyarrow's
``ParquetWriter``, so memory stays bounded whatever the archive's size. Times are
``timestamp[us, UTC]``, lists of codes ``list<string>``, metadata a JSON string.

Each batch becomes Arrow record batches, column by column, where it was built (in the
worker processes when there are any), so the exporting process only writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, MissingDependencyError, StorageError
from .research import TABLES, Columns, ExportReport, iter_batches, stored_text

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


# zstd at level 1, Arrow's default for it: by measurement on news text, higher levels
# cost more time than the bytes they save are worth here.
COMPRESSION_LEVEL = 1


@lru_cache(maxsize=1)
def _schemas() -> dict[str, Any]:
    pa = _pyarrow()
    return {name: _schema(pa, columns) for name, columns in TABLES.items()}


def _record_batches(columns: Columns) -> dict[str, Any]:
    """Each table's values as an Arrow record batch (tables without rows left out)."""
    pa = _pyarrow()
    batches = {}
    for name, values in columns.items():
        if values and values[0]:
            schema = _schemas()[name]
            arrays = [
                _text_array(pa, column) if kind == "text" else pa.array(column, type=field.type)
                for column, field, (_, kind) in zip(values, schema, TABLES[name], strict=True)
            ]
            batches[name] = pa.RecordBatch.from_arrays(arrays, schema=schema)
    return batches


def _text_array(pa: Any, texts: list[bytes | None]) -> Any:
    """Stored UTF-8 texts as an Arrow string array, without decoding them.

    Arrow checks that they are UTF-8; a text holding a lone surrogate (which the archive
    stores as given) is not, and gets U+FFFD in its place, as every other string does.
    """
    binary = pa.array(texts, type=pa.binary())
    try:
        return binary.cast(pa.string())
    except pa.ArrowInvalid:
        return pa.array([None if t is None else stored_text(t) for t in texts], type=pa.string())


def _schema(pa: Any, columns: Sequence[tuple[str, str]]) -> Any:
    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "strings": pa.list_(pa.string()),
        "json": pa.string(),
        "text": pa.string(),
    }
    return pa.schema([(name, types[kind]) for name, kind in columns])


def export_parquet(
    archive: Archive,
    directory: str | Path,
    *,
    edits: bool = True,
    workers: int | None = 0,
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
    schemas = _schemas()
    partial = {name: out / f".{name}.parquet.partial" for name in TABLES}
    counts = dict.fromkeys(TABLES, 0)
    writers: dict[str, Any] = {}
    try:
        for name, schema in schemas.items():
            writers[name] = pa.parquet.ParquetWriter(
                partial[name], schema, compression="zstd", compression_level=COMPRESSION_LEVEL
            )
        batches = iter_batches(
            archive, _record_batches, edits=edits, workers=workers, on_progress=on_progress
        )
        for batch in batches:
            for name, records in batch.items():
                writers[name].write_batch(records)
                counts[name] += records.num_rows
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
