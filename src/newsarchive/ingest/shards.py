"""The worker processes of a bulk import: one per share of the articles.

Every worker is sent every block of lines, and prepares the lines of its share (see
:mod:`newsarchive.ingest.follower`), so each must be told its work by name: a process
pool deals work to whichever worker is free. These are plain processes, each with a pipe
for its work and one for its results, all started before any thread is.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import signal
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from ..errors import describe_failure

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext


class Shards(Executor):
    """A worker process per share of the articles.

    ``submit_to`` sends work to the worker owning a share; ``submit`` sends work any
    worker may do to each in turn. Each worker does its work in the order sent. Create
    it while this process has one thread, so that its workers can be forked (see
    ``_pool_context``): all of them start at once, here, before any thread does. They
    leave with the import (see ``_start_worker``); ``initializer()`` runs in each as it
    starts.
    """

    def __init__(self, workers: int, initializer: Callable[[], None] | None = None) -> None:
        context = _pool_context()
        # A forked worker's parent is this process; others are started by a server process.
        parent = os.getpid() if context.get_start_method() == "fork" else 0
        self._workers = [_Worker(context, parent, initializer) for _ in range(workers)]
        for worker in self._workers:
            worker.wait_started()
        self._turn = 0

    def __len__(self) -> int:
        return len(self._workers)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self._turn = (self._turn + 1) % len(self._workers)
        return self._workers[self._turn].send(functools.partial(fn, *args, **kwargs))

    def submit_to(self, shard: int, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        return self._workers[shard].send(functools.partial(fn, *args))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for worker in self._workers:
            worker.stop(cancel=cancel_futures)
        if wait:
            for worker in self._workers:
                worker.join()


class _Result(Future[Any]):
    """The result of work sent to a worker, collected from it when asked for."""

    def __init__(self, worker: _Worker) -> None:
        super().__init__()
        self._worker = worker

    def done(self) -> bool:
        self._worker.collect(self, block=False)
        return super().done()

    def result(self, timeout: float | None = None) -> Any:
        self._worker.collect(self, block=True)
        return super().result(timeout)


class _Worker:
    """One worker process, the work sent to it, and its results, in order."""

    def __init__(self, context: BaseContext, parent: int, initializer: Any) -> None:
        jobs_in, self._jobs = context.Pipe(duplex=False)
        self._results, results_out = context.Pipe(duplex=False)
        # Every start method's context has one (BaseContext's stubs do not say so).
        process_type: Any = context.Process  # type: ignore[attr-defined]
        self._process = process_type(
            target=_serve, args=(jobs_in, results_out, parent, initializer), daemon=True
        )
        self._process.start()
        jobs_in.close()
        results_out.close()
        self._pending: deque[_Result] = deque()

    def wait_started(self) -> None:
        self.send(functools.partial(int)).result()

    def send(self, job: Callable[[], Any]) -> Future[Any]:
        result = _Result(self)
        self._pending.append(result)
        try:
            self._jobs.send(job)
        except (OSError, EOFError):
            raise BrokenProcessPool("an import worker process stopped") from None
        return result

    def collect(self, until: _Result, *, block: bool) -> None:
        """Take in results as they come, up to ``until``'s (while any are there, without
        ``block``)."""
        from multiprocessing.connection import wait

        while not Future.done(until):
            if not block and not self._results.poll():
                return
            if not self._results.poll():
                wait([self._results, self._process.sentinel])
                if not self._results.poll():
                    raise BrokenProcessPool("an import worker process stopped")
            try:
                outcome, value = self._results.recv()
            except (EOFError, OSError):  # it died: its end of the pipe closed
                raise BrokenProcessPool("an import worker process stopped") from None
            done = self._pending.popleft()
            if outcome == "ok":
                done.set_result(value)
            else:
                done.set_exception(value)

    def stop(self, *, cancel: bool) -> None:
        with contextlib.suppress(OSError):
            self._jobs.send(None)
        if cancel and self._process.is_alive():
            self._process.terminate()

    def join(self) -> None:
        self._process.join()
        self._jobs.close()
        self._results.close()


def _serve(jobs: Connection, results: Connection, parent: int, initializer: Any) -> None:
    """A worker's life: its work, in the order sent, until told to stop.

    A thread takes the work in as it is sent, so that the importing process never waits
    to send while this one waits to send a result back; another sends the results back,
    so that this one goes on to its next work while the importing process is busy
    saving and not yet reading (a pipe holds less than one block's result).
    """
    import queue
    import threading

    _start_worker(parent, initializer)
    _collect_young_only()
    waiting: queue.SimpleQueue[Any] = queue.SimpleQueue()
    replies: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def take_in() -> None:
        while True:
            try:
                job = jobs.recv()
            except (EOFError, OSError):
                job = None
            waiting.put(job)
            if job is None:
                return

    def send_back() -> None:
        while (reply := replies.get()) is not None:
            try:
                results.send(reply)
            except (OSError, EOFError):
                os._exit(1)  # the import is gone
            except Exception as exc:  # noqa: BLE001 - a result that cannot be sent
                results.send(("error", RuntimeError(describe_failure(exc))))

    threading.Thread(target=take_in, daemon=True).start()
    sender = threading.Thread(target=send_back, daemon=True)
    sender.start()
    while (job := waiting.get()) is not None:
        try:
            replies.put(("ok", job()))
        except BaseException as exc:  # noqa: BLE001 - sent back, to be raised there
            replies.put(("error", exc))
    replies.put(None)
    sender.join()  # every result sent before leaving
    os._exit(0)


def _start_worker(parent: int, initializer: Callable[[], None] | None) -> None:
    """Set a worker up to leave with the import: on Ctrl-C, and when its parent dies.

    Ctrl-C reaches every process of the group; the importing one stops the import, so a
    worker ignores it. A parent killed outright (``kill -9``) cannot stop its workers: on
    Linux the kernel is asked to kill each worker then (``parent`` is its pid, or 0 when
    a server process started the worker), and elsewhere a worker notices at its next
    block (see ``orphaned``). Then ``initializer()`` runs, if given.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:  # it died before the request above took effect
        os._exit(1)
    if initializer is not None:
        initializer()


def _collect_young_only() -> None:
    """Leave the worker's long-lived objects out of garbage collection.

    A worker lives for one import and makes almost no reference cycles, while the caches of
    its analysis grow to hundreds of thousands of objects, which every full collection walks
    again: in a 10,000-version import, 0.4 s of a worker's 7.5 went to collecting, two thirds
    of it to six full collections. What it inherits is frozen, and the young generations
    are collected as before.
    """
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, _FULL_COLLECTION_AFTER)


# Collections of the middle generation before a full one: an import's worker makes a few
# million objects, so at most a few full collections in a very long import.
_FULL_COLLECTION_AFTER = 1000


def orphaned() -> bool:
    """True in a worker whose importing process has died (it was adopted by init)."""
    return os.getppid() == 1


def _pool_context() -> BaseContext:
    """How to start worker processes: by fork where that is safe, as it is fastest.

    A forked worker starts in milliseconds; a fresh interpreter first spends a tenth of a
    second importing this package. Forking is safe in a process of one thread, on Linux
    (macOS's system libraries are not safe to fork). A forked worker never touches the
    database connection it inherits, and leaves by ``os._exit``, which does not close it.
    """
    # Process pools load only for imports that start workers.
    import multiprocessing

    if sys.platform == "linux" and _threads() == 1:
        return multiprocessing.get_context("fork")
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _threads() -> int:
    """This process's threads, as the system counts them (not only Python's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0
