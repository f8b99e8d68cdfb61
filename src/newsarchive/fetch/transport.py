"""The HTTP client's limits that httpx does not enforce itself.

httpx's timeouts apply to each read: a server sending one byte a second never trips a
five-second read timeout, and holds a scheduled job forever. Here every socket
operation of a request gets only the time left before the request's deadline, so
connecting, sending, the headers and the body together cannot take longer than it.

httpx also decompresses a whole network chunk at once, so a compressed "bomb" (64 KB
that inflate to gigabytes, easily made with zstd) fills memory before any size check
runs. :func:`decoded_chunks` inflates gzip and deflate in bounded steps instead, and
only those encodings are asked for.

Imported only when a fetcher is created, as httpx is.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from ..errors import FetchError

ACCEPT_ENCODING = "gzip, deflate"
# Bytes inflated at a time: small enough that a bomb is stopped early.
_STEP = 64 * 1024


class Deadline:
    """The deadline of the request running in each thread, read by every socket operation.

    Args:
        clock: monotonic seconds; tests may pass a fake.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._local = threading.local()

    @contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        """Run the block's socket operations within ``seconds`` in all."""
        self._local.at = self._clock() + seconds
        try:
            yield
        finally:
            self._local.at = None

    def timeout(self, timeout: float | None, error: type[Exception]) -> float | None:
        """The time one operation may take: its own timeout, cut to what is left."""
        at: float | None = getattr(self._local, "at", None)
        if at is None:
            return timeout
        left = at - self._clock()
        if left <= 0:
            raise error("the request's deadline passed")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline.timeout(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, left), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline) -> None:
        self._backend = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline.timeout(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, left, local_address, socket_options)
        return _Stream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        left = self._deadline.timeout(timeout, httpcore.ConnectTimeout)
        return _Stream(
            self._backend.connect_unix_socket(path, left, socket_options), self._deadline
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport over sockets that honour a :class:`Deadline`."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        # httpx builds its connection pool without a way to pass a network backend; the
        # pool is the one httpx would build, with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_Backend(deadline)
        )


def decoded_chunks(raw: Iterable[bytes], encoding: str | None, *, url: str) -> Iterator[bytes]:
    """The body of a response from its raw chunks, inflated a bounded step at a time.

    Args:
        raw: the body as sent (``Response.iter_raw()``).
        encoding: the ``Content-Encoding`` header.
        url: for the error message.

    Returns:
        Chunks of at most ``_STEP`` bytes each (an iterator).

    Raises:
        FetchError: an encoding other than gzip or deflate, or a damaged stream.
    """
    name = (encoding or "identity").strip().lower()
    if name in ("", "identity"):
        yield from raw
        return
    if name not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"Could not fetch {url}: unsupported content encoding {name!r}", url=url)
    # gzip, or deflate as zlib data; a raw deflate stream (some servers send it) on retry.
    wbits = zlib.MAX_WBITS | 32 if name != "deflate" else zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    started = False
    try:
        for chunk in raw:
            data = chunk
            while True:
                try:
                    out = decoder.decompress(data, _STEP)
                except zlib.error:
                    if started or wbits != zlib.MAX_WBITS:
                        raise
                    wbits = -zlib.MAX_WBITS
                    decoder = zlib.decompressobj(wbits)
                    continue
                started = True
                if out:
                    yield out
                data = decoder.unconsumed_tail
                if decoder.eof and decoder.unused_data:  # another gzip member follows
                    data = decoder.unused_data
                    decoder = zlib.decompressobj(wbits)
                # A full step may leave output inside the decoder: ask again until less.
                if not data and len(out) < _STEP:
                    break
    except zlib.error as exc:
        raise FetchError(f"Could not fetch {url}: damaged {name} body ({exc})", url=url) from None
