"""robots.txt rules, fetched once per host and kept for the life of a fetcher.

Follows RFC 9309: a robots.txt answering 4xx allows everything; one that
cannot be reached or answers 5xx disallows everything for now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import MissingDependencyError

RobotsGetter = Callable[[str], tuple[int | None, bytes]]


class RobotsCache:
    """Answer "may this URL be fetched?" for one user agent.

    Args:
        get: returns ``(status, body)`` for a robots.txt URL, status None when
            the server could not be reached.
        user_agent: the full User-Agent string; its product token is matched.

    Raises:
        MissingDependencyError: protego is not installed.
    """

    def __init__(self, get: RobotsGetter, *, user_agent: str) -> None:
        try:
            # The scrape extra's dependency, loaded on first use.
            from protego import Protego
        except ImportError as exc:
            raise MissingDependencyError("Fetching pages", "scrape") from exc
        self._protego = Protego
        self._get = get
        self.user_agent = user_agent
        self._rules: dict[str, Any] = {}
        self._problems: dict[str, str] = {}

    def _parser(self, url: str) -> Any:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        if key not in self._rules:
            robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
            status, body = self._get(robots_url)
            if status is not None and 200 <= status < 300:
                text = body.decode("utf-8", errors="replace")
            elif status is not None and 400 <= status < 500:
                text = ""
            else:
                text = "User-agent: *\nDisallow: /\n"
                self._problems[key] = (
                    "its robots.txt is unreachable"
                    if status is None
                    else f"its robots.txt answered HTTP {status}"
                )
            self._rules[key] = self._protego.parse(text)
        return self._rules[key]

    def problem(self, url: str) -> str | None:
        """Why every URL of this host is refused (robots.txt unreachable or failing), if so."""
        self._parser(url)
        parts = urlsplit(url)
        return self._problems.get(f"{parts.scheme}://{parts.netloc}".lower())

    def allowed(self, url: str) -> bool:
        """Return whether ``url`` may be fetched."""
        return bool(self._parser(url).can_fetch(url, self.user_agent))

    def crawl_delay(self, url: str) -> float | None:
        """Return the Crawl-delay that applies to ``url``'s host, if any."""
        delay = self._parser(url).crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None
