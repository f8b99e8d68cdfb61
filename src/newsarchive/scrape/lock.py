"""The archive's run lock, so two unattended runs never overlap."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..archive import Archive
from ..errors import ArchiveBusyError


@contextlib.contextmanager
def run_lock(archive: Archive, *, wait: bool, name: str = "watch") -> Iterator[None]:
    """Hold the archive's run lock, so two runs never overlap.

    For an archive directory the lock is ``<dir>/<name>.lock`` (``flock``),
    released by the kernel if the process dies.

    Args:
        archive: the archive.
        wait: block until the other run ends, instead of failing at once.
        name: which lock.

    Raises:
        ArchiveBusyError: another run holds the lock and ``wait`` is False.
    """
    path = _lock_path(archive.location, name)
    if path is None:
        yield
        return
    # POSIX only: imported where the lock is taken, so the package imports anywhere.
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise ArchiveBusyError(
                f"another {name} run is using the archive {archive.location}; "
                "it was left alone (use --wait to queue behind it)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def _lock_path(location: str, name: str) -> Path | None:
    if location == ":memory:":
        return None
    directory = Path(location)
    if directory.is_dir():
        return directory / f"{name}.lock"
    # A database server: serialise runs on this machine.
    digest = hashlib.sha256(location.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newsarchive-{digest}-{name}.lock"
