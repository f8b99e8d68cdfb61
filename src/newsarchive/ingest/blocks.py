"""An import's input cut into blocks of whole lines, which its workers prepare one by one.

From a regular file, the blocks are offsets: each worker reads its blocks itself, so the
lines never pass through the process that writes. Any other stream is read here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO

from ..errors import InputError

# Bytes of lines a worker prepares at a time: large enough to amortise passing them
# between processes, small enough to keep memory constant.
BLOCK_BYTES = 2_000_000


def file_identity(file: IO[bytes]) -> tuple[int, int]:
    """What tells one file from another that took its name (device and inode)."""
    status = os.fstat(file.fileno())
    return status.st_dev, status.st_ino


def regular_file_path(stream: IO[bytes]) -> str | None:
    """The path of ``stream`` if it is a regular file that workers can read themselves.

    Only a file opened as is: the bytes of a decompressing stream (``gzip.open``) are not
    the file's, though it has the file's name and seeks.
    """
    raw = stream.raw if isinstance(stream, io.BufferedReader) else stream
    name = getattr(stream, "name", None)
    if not isinstance(raw, io.FileIO) or not isinstance(name, str):
        return None  # a stream in memory or decoding another, or a file opened by descriptor
    # Absolute, and through links: a worker may not share this process's directory, nor
    # its standard input (/dev/stdin).
    path = os.path.realpath(name)
    try:
        if stream.seekable() and os.path.isfile(path):
            with open(path, "rb") as file:
                return path if file_identity(file) == file_identity(stream) else None
    except (OSError, ValueError):
        pass
    return None


def blocks(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Blocks of about ``BLOCK_BYTES`` of whole lines, with their ends' offsets."""
    done = 0
    while data := stream.read(BLOCK_BYTES):
        if not data.endswith(b"\n"):
            data += stream.readline()
        done += len(data)
        yield done, data


def ranges(stream: IO[bytes]) -> Iterator[tuple[int, int, int]]:
    """Like ``blocks`` for a regular file, without reading it: offsets of the blocks."""
    begin = start = stream.tell()
    size = os.fstat(stream.fileno()).st_size
    while start < size:
        stream.seek(min(start + BLOCK_BYTES, size) - 1)
        stream.readline()  # to the end of the line that crosses the block's end
        end = stream.tell()
        yield end - begin, start, end
        start = end


def read_range(path: str, identity: tuple[int, int], start: int, end: int) -> bytes:
    """Bytes ``start`` to ``end`` of the file at ``path``, which must still be the file
    whose ``file_identity`` was taken (InputError if it was replaced since)."""
    with open(path, "rb") as file:
        if file_identity(file) != identity:
            raise InputError(f"{path} was replaced while it was being imported")
        file.seek(start)
        return file.read(end - start)
