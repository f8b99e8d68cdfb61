"""Polite HTTP fetching: one place that talks to the network.

:class:`HttpFetcher` follows redirects itself so it can record the chain and
check robots.txt and the scheme on every hop before a request is built, waits a
minimum interval between requests to one host, retries 429 and 5xx answers with
exponential backoff (honouring ``Retry-After`` up to a cap), and holds every
request to limits a hostile server cannot stretch: an overall deadline, and caps
on redirects, URL length, header and body size (see ``docs/limits.md``). httpx is
imported only when a fetcher is created, so ``import newsarchive`` works
without the ``scrape`` extra.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

import attrs

from ..errors import FetchError, MissingDependencyError
from ..models import header_value
from .decode import decode_html
from .robots import RobotsCache

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # quiet unless the application sets up logging


def _default_user_agent() -> str:
    try:
        release = version("newsarchive")
    except PackageNotFoundError:
        release = "dev"
    return f"newsarchive/{release} (+https://pypi.org/project/newsarchive/)"


DEFAULT_USER_AGENT = _default_user_agent()
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@attrs.frozen(kw_only=True)
class FetchOptions:
    """How politely and patiently to fetch.

    Durations are seconds. ``retries`` counts attempts after the first one.
    ``timeout_seconds`` bounds each request as a whole (connecting, sending, the
    headers and the body), however slowly the server answers. ``max_body_bytes``
    counts the body after decompression.
    """

    user_agent: str = DEFAULT_USER_AGENT
    timeout_seconds: float = attrs.field(default=20.0, validator=attrs.validators.gt(0))
    retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    backoff_seconds: float = 1.0
    max_retry_wait_seconds: float = 60.0
    per_host_interval_seconds: float = 1.0
    max_body_bytes: int = attrs.field(default=10_000_000, validator=attrs.validators.ge(1))
    max_redirects: int = attrs.field(default=10, validator=attrs.validators.ge(0))
    max_url_length: int = attrs.field(default=8192, validator=attrs.validators.ge(16))
    max_header_bytes: int = attrs.field(default=65_536, validator=attrs.validators.ge(1024))
    respect_robots: bool = True
    max_crawl_delay_seconds: float = 30.0


@attrs.frozen(kw_only=True)
class Redirect:
    """One hop of a redirect chain: ``url`` answered ``status`` pointing to ``location``."""

    url: str
    status: int
    location: str


@attrs.frozen(kw_only=True)
class Response:
    """A complete HTTP answer, after redirects."""

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = attrs.field(repr=False)
    redirects: tuple[Redirect, ...] = ()
    fetched_at: datetime
    attempts: int = 1
    # As received, e.g. "HTTP/1.0 200 Fine"; empty when not known.
    status_line: str = ""

    def header(self, name: str) -> str | None:
        """Return the first value of header ``name`` (case-insensitive), or None."""
        return header_value(self.headers, name)

    @property
    def is_not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """Return the body decoded with :func:`~newsarchive.fetch.decode.decode_html`."""
        return decode_html(self.body, self.header("content-type"))[0]


class Fetcher(Protocol):
    """What jobs need from the network; tests of pure logic may pass a fake."""

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response: ...

    def close(self) -> None: ...


def _import_httpx() -> Any:
    try:
        # The scrape extra's dependency, loaded on first use.
        import httpx
    except ImportError as exc:
        raise MissingDependencyError("Fetching pages", "scrape") from exc
    return httpx


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delay-seconds or an HTTP date.

    Args:
        value: the header value.
        now: the current time, for HTTP dates (defaults to the clock).

    Returns:
        Seconds to wait (never negative), or None if absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class HttpFetcher:
    """The default :class:`Fetcher`, built on httpx.

    Args:
        options: politeness and limits.
        sleep: called to wait; tests may pass a recorder.
        clock: monotonic seconds, which the per-request deadline and the spacing of
            requests to a host are measured by; tests may pass a fake.

    Raises:
        MissingDependencyError: httpx is not installed.
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        client_module = _import_httpx()
        from .transport import ACCEPT_ENCODING, Deadline, DeadlineTransport

        self.options = options or FetchOptions()
        self._sleep = sleep
        self._clock = clock
        self._deadline = Deadline(clock)
        self._client: httpx.Client = client_module.Client(
            follow_redirects=False,
            timeout=self.options.timeout_seconds,
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            transport=DeadlineTransport(self._deadline),
            # httpx builds the request a redirect points to as soon as a response
            # arrives, even when it is not to follow it, and raises on a javascript: or
            # data: target; a response hook runs before that, and checks the target.
            event_hooks={"response": [self._check_redirect]},
        )
        self._last_request: dict[str, float] = {}
        self._host_interval: dict[str, float] = {}
        self._lock = threading.Lock()
        self._robots: RobotsCache | None = None
        if self.options.respect_robots:
            self._robots = RobotsCache(self._fetch_robots, user_agent=self.options.user_agent)

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response:
        """Fetch ``url``, following redirects, with retries and politeness.

        Args:
            url: an absolute http(s) URL.
            headers: extra request headers (e.g. ``If-None-Match``).

        Returns:
            The final response, whatever its status: HTTP errors are data.

        Raises:
            FetchError: the URL (or a redirect's target) is not http(s) or is too
                long, robots.txt disallows it, the connection failed or the deadline
                passed after every retry, there were too many redirects, or the
                headers or body exceed their limits.
        """
        self._check_url(url)
        redirects: list[Redirect] = []
        current = url
        attempts_total = 0
        for _ in range(self.options.max_redirects + 1):
            self._check_robots(current, original=url)
            status, resp_headers, body, attempts, line = self._get_with_retries(current, headers)
            attempts_total += attempts
            location = header_value(resp_headers, "location")
            if status in REDIRECT_STATUSES and location:
                # Checked before httpx builds the next request: it raises on a javascript:
                # or data: target rather than report it.
                target = self._redirect_target(current, location, original=url)
                redirects.append(Redirect(url=current, status=status, location=target))
                current = target
                continue
            return Response(
                url=url,
                final_url=current,
                status=status,
                headers=resp_headers,
                body=body,
                redirects=tuple(redirects),
                fetched_at=datetime.now(UTC),
                attempts=attempts_total,
                status_line=line,
            )
        raise FetchError(f"Too many redirects fetching {url}", url=url)

    # -- internals ---------------------------------------------------------

    def _check_url(self, url: str, *, original: str | None = None) -> None:
        limit = self.options.max_url_length
        if len(url) > limit:
            raise FetchError(
                f"URL too long: {len(url)} characters (limit {limit}): {url[:60]}…",
                url=original or url[:limit],
            )
        _check_url(url, original=original)

    def _check_redirect(self, response: httpx.Response) -> None:
        location = response.headers.get("location")
        if response.status_code in REDIRECT_STATUSES and location:
            current = str(response.request.url)
            self._redirect_target(current, location, original=current)

    def _redirect_target(self, current: str, location: str, *, original: str) -> str:
        try:
            target = urljoin(current, location.strip())
        except ValueError:
            shown = location if len(location) <= 60 else location[:60] + "…"
            raise FetchError(f"Bad redirect from {current} to {shown!r}", url=original) from None
        self._check_url(target, original=original)
        return target

    def _check_robots(self, url: str, *, original: str) -> None:
        if self._robots is None:
            return
        if not self._robots.allowed(url):
            problem = self._robots.problem(url)
            if problem:
                raise FetchError(
                    f"Could not fetch {url}: {problem} (RFC 9309 says stay away)", url=original
                )
            raise FetchError(f"robots.txt disallows fetching {url}", url=original)
        delay = self._robots.crawl_delay(url)
        if delay:
            host = _host_key(url)
            self._host_interval[host] = min(delay, self.options.max_crawl_delay_seconds)

    def _fetch_robots(self, robots_url: str) -> tuple[int | None, bytes]:
        """Return (status, body) for a robots.txt URL; status None if unreachable."""
        current = robots_url
        for _ in range(5):
            try:
                status, resp_headers, body, _, _ = self._get_with_retries(current, None)
            except FetchError:
                return None, b""
            location = header_value(resp_headers, "location")
            if status in REDIRECT_STATUSES and location:
                try:
                    current = self._redirect_target(current, location, original=robots_url)
                except FetchError:
                    return None, b""
                continue
            return status, body
        return None, b""

    def _wait_for_host(self, url: str) -> None:
        host = _host_key(url)
        interval = max(self.options.per_host_interval_seconds, self._host_interval.get(host, 0.0))
        with self._lock:
            last = self._last_request.get(host)
            now = self._clock()
            if last is not None and now - last < interval:
                self._sleep(interval - (now - last))
            self._last_request[host] = self._clock()

    def _get_with_retries(
        self, url: str, headers: Mapping[str, str] | None
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes, int, str]:
        httpx = _import_httpx()
        attempt = 0
        while True:
            attempt += 1
            self._wait_for_host(url)
            try:
                status, resp_headers, body, line = self._get_once(url, headers)
            except httpx.TimeoutException as exc:
                error: FetchError | None = FetchError(
                    f"Timed out after {self.options.timeout_seconds:g}s fetching {url}", url=url
                )
                cause: BaseException = exc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                # Transport and protocol errors (endless headers, a broken body), and a
                # URL httpx cannot send: each is this URL's failure, never the run's.
                error = FetchError(f"Could not fetch {url}: {_describe(exc)}", url=url)
                cause = exc
            else:
                error = None
            if error is None:
                if status not in RETRY_STATUSES or attempt > self.options.retries:
                    return status, resp_headers, body, attempt, line
                wait = parse_retry_after(header_value(resp_headers, "retry-after"))
                if wait is None:
                    wait = self.options.backoff_seconds * 2 ** (attempt - 1)
                log.info("HTTP %s from %s; retrying in %.2fs", status, url, wait)
            else:
                if attempt > self.options.retries:
                    raise error from cause
                wait = self.options.backoff_seconds * 2 ** (attempt - 1)
                log.info("%s; retrying in %.2fs", error, wait)
            self._sleep(min(wait, self.options.max_retry_wait_seconds))

    def _get_once(
        self, url: str, headers: Mapping[str, str] | None
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes, str]:
        from .transport import decoded_chunks

        limit = self.options.max_body_bytes
        with (
            self._deadline.within(self.options.timeout_seconds),
            self._client.stream("GET", url, headers=dict(headers or {})) as resp,
        ):
            # Names as the server wrote them, for archives that keep the response as sent.
            coding = resp.headers.encoding
            resp_headers = tuple((k.decode(coding), v.decode(coding)) for k, v in resp.headers.raw)
            line = f"{resp.http_version} {resp.status_code} {resp.reason_phrase}".rstrip()
            header_bytes = sum(len(k) + len(v) + 4 for k, v in resp.headers.raw)
            if header_bytes > self.options.max_header_bytes:
                raise FetchError(
                    f"Headers too large: {url} sent {header_bytes} bytes of headers"
                    f" (limit {self.options.max_header_bytes})",
                    url=url,
                    status=resp.status_code,
                )
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    f"Page too large: {url} declares {int(declared)} bytes (limit {limit})",
                    url=url,
                    status=resp.status_code,
                )
            chunks: list[bytes] = []
            size = 0
            encoding = resp.headers.get("content-encoding")
            for chunk in decoded_chunks(resp.iter_raw(), encoding, url=url):
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        f"Page too large: {url} sent more than {limit} bytes",
                        url=url,
                        status=resp.status_code,
                    )
                chunks.append(chunk)
            return resp.status_code, resp_headers, b"".join(chunks), line


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_url(url: str, *, original: str | None = None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"Not an http(s) URL: {url}", url=original or url)


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:199] + "…"
    return text or type(exc).__name__
