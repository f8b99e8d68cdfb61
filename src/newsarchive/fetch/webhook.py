"""Posting a JSON document to a webhook: retried with backoff, optionally signed.

The signature is ``X-Newsarchive-Signature: sha256=<hex>``, the HMAC-SHA256 of the
exact body bytes under a shared secret, as GitHub signs its webhooks, so a receiver
can check that a post came from whoever holds the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

import attrs

from ..errors import FetchError
from .http import DEFAULT_USER_AGENT, RETRY_STATUSES, _import_httpx

SIGNATURE_HEADER = "X-Newsarchive-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``: ``sha256=`` and the hex HMAC.

    Args:
        body: the exact bytes posted.
        secret: the secret shared with the receiver.

    Returns:
        ``sha256=<64 hex digits>``.
    """
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@attrs.frozen(kw_only=True)
class WebhookOptions:
    """How patiently to post. ``retries`` counts attempts after the first."""

    timeout_seconds: float = 10.0
    retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    backoff_seconds: float = 1.0
    user_agent: str = DEFAULT_USER_AGENT


def post_json(
    url: str,
    body: bytes,
    *,
    secret: str | None = None,
    headers: Mapping[str, str] | None = None,
    options: WebhookOptions = WebhookOptions(),
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST ``body`` (JSON bytes) to ``url``, retrying network errors, 429 and 5xx.

    Waits ``backoff_seconds``, then twice that, and so on, between attempts.

    Args:
        url: the webhook's http(s) URL.
        body: the UTF-8 JSON document.
        secret: when given, the body is signed (see :func:`sign`).
        headers: more request headers.
        options: timeout, retries and backoff.
        sleep: waits between attempts (tests pass a recorder).

    Returns:
        The 2xx status the webhook answered.

    Raises:
        FetchError: the last attempt failed, or the webhook refused the post (4xx).
        MissingDependencyError: httpx (the ``scrape`` extra) is not installed.
    """
    httpx = _import_httpx()
    sent = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": options.user_agent,
        **(headers or {}),
    }
    if secret is not None:
        sent[SIGNATURE_HEADER] = sign(body, secret)
    problem = ""
    status: int | None = None
    with httpx.Client(timeout=options.timeout_seconds, follow_redirects=False) as client:
        for attempt in range(options.retries + 1):
            if attempt:
                sleep(options.backoff_seconds * 2 ** (attempt - 1))
            try:
                response = client.post(url, content=body, headers=sent)
            except httpx.HTTPError as exc:
                status, problem = None, str(exc) or type(exc).__name__
                continue
            status = response.status_code
            if 200 <= status < 300:
                return int(status)
            problem = f"HTTP {status}"
            if status not in RETRY_STATUSES:
                break
    raise FetchError(f"webhook {url} failed: {problem}", url=url, status=status)
