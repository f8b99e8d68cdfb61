"""Where alerts go: a webhook, a local command, or any service apprise can reach.

Each channel has a ``key`` under which the archive keeps its position. The key is a
hash of the target, so a webhook's or a service's secret token never lands in the
archive; ``label`` is what reports show, with any credentials left out.

apprise sends through its own HTTP stack, so it is imported here rather than from
``fetch/``: it is a delivery service's client, not a fetcher of pages.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol
from urllib.parse import urlsplit

import attrs

from ..errors import FetchError, InputError, MissingDependencyError, NewsArchiveError
from ..fetch.webhook import WebhookOptions, post_json
from .alert import Alert

COMMAND_TIMEOUT_SECONDS = 60.0


class DeliveryError(NewsArchiveError):
    """An alert could not be delivered; the channel sends it again on its next run."""


class Channel(Protocol):
    """Something that delivers alerts."""

    @property
    def key(self) -> str:
        """Where the archive keeps this channel's position."""

    @property
    def label(self) -> str:
        """How reports name the channel, without credentials."""

    def send(self, alert: Alert, *, attachment: str | None = None) -> None:
        """Deliver one alert; ``attachment`` is a file path (an image) it may carry.

        Raises:
            DeliveryError: the alert was not delivered.
        """


def _key(kind: str, target: str) -> str:
    return f"{kind}:{hashlib.sha256(target.encode('utf-8')).hexdigest()[:16]}"


def _public_url(url: str) -> str:
    """A URL's scheme, host and first path segment: enough to recognise, no token."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    segment = parts.path.strip("/").split("/")[0] if parts.path.strip("/") else ""
    return f"{parts.scheme}://{host}/{segment}{'/…' if segment else ''}"


def body_bytes(alert: Alert) -> bytes:
    """The alert's JSON body, as posted and piped: UTF-8, keys sorted, one line."""
    return json.dumps(alert.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")


@attrs.frozen
class WebhookChannel:
    """POSTs the alert's JSON body to a URL, signed when a secret is given."""

    url: str
    secret: str | None = attrs.field(default=None, repr=False)
    options: WebhookOptions = WebhookOptions()

    def __attrs_post_init__(self) -> None:
        if urlsplit(self.url).scheme not in ("http", "https") or not urlsplit(self.url).hostname:
            raise InputError(f"webhook URL must be http(s)://host/..., not {self.url!r}")

    @property
    def key(self) -> str:
        return _key("webhook", self.url)

    @property
    def label(self) -> str:
        return f"webhook {_public_url(self.url)}"

    def send(self, alert: Alert, *, attachment: str | None = None) -> None:
        try:
            post_json(self.url, body_bytes(alert), secret=self.secret, options=self.options)
        except FetchError as exc:
            raise DeliveryError(str(exc)) from None


@attrs.frozen
class CommandChannel:
    """Runs a shell command with the alert's JSON body on its standard input.

    The command also sees ``NEWSARCHIVE_ALERT_ATTACHMENT`` (a card's path) when one is
    attached. A non-zero exit status is a failed delivery.
    """

    command: str
    timeout_seconds: float = COMMAND_TIMEOUT_SECONDS

    @property
    def key(self) -> str:
        return _key("command", self.command)

    @property
    def label(self) -> str:
        words = shlex.split(self.command, posix=True) if self.command.strip() else [""]
        return f"command {words[0]}"

    def send(self, alert: Alert, *, attachment: str | None = None) -> None:
        import os

        env = dict(os.environ)
        if attachment is not None:
            env["NEWSARCHIVE_ALERT_ATTACHMENT"] = attachment
        try:
            done = subprocess.run(
                self.command,
                shell=True,  # the user's own command line, as cron would run it
                input=body_bytes(alert),
                capture_output=True,
                timeout=self.timeout_seconds,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DeliveryError(
                f"{self.label} ran longer than {self.timeout_seconds:g} s"
            ) from None
        except OSError as exc:
            raise DeliveryError(f"{self.label} could not run: {exc.strerror}") from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = f": {said[-1]}" if said else ""
            raise DeliveryError(f"{self.label} exited with status {done.returncode}{detail}")


@contextmanager
def _quiet() -> Iterator[None]:
    # apprise loads its plugins lazily, and one imports the deprecated imghdr module.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _apprise() -> Any:
    try:
        import apprise
    except ImportError:
        raise MissingDependencyError("Alerts through apprise", "alerts") from None
    return apprise


@attrs.frozen
class AppriseChannel:
    """Sends the alert's text to a service apprise knows (``mailto://``, ``ntfy://``...)."""

    url: str = attrs.field(repr=False)

    def __attrs_post_init__(self) -> None:
        with _quiet():
            known = _apprise().Apprise.instantiate(self.url) is not None
        if not known:
            raise InputError(f"apprise does not recognise the URL {self.label!r}")

    @property
    def key(self) -> str:
        return _key("apprise", self.url)

    @property
    def label(self) -> str:
        return f"apprise {urlsplit(self.url).scheme}://"

    def send(self, alert: Alert, *, attachment: str | None = None) -> None:
        with _quiet():
            self._send(alert, attachment)

    def _send(self, alert: Alert, attachment: str | None) -> None:
        apprise = _apprise()
        sender = apprise.Apprise()
        sender.add(self.url)
        headline = alert.title or alert.url
        marks = ", stealth edit" if alert.stealth else ""
        title = f"Changed ({alert.level}{marks}): {headline}"
        text = alert.to_text().split("\n", 1)[1]
        sent = sender.notify(
            title=title,
            body=text,
            body_format=apprise.NotifyFormat.TEXT,
            attach=attachment,
        )
        if not sent:
            raise DeliveryError(f"{self.label}: a service did not accept the alert")


def channels_from_options(
    *,
    webhooks: Sequence[str] = (),
    commands: Sequence[str] = (),
    apprise_urls: Sequence[str] = (),
    webhook_secret: str | None = None,
) -> list[Channel]:
    """The channels named on a command line or in a job config.

    Each webhook, command and apprise URL is a channel of its own.

    Raises:
        InputError: a webhook URL that is not http(s), or an apprise URL it does not know.
        MissingDependencyError: apprise URLs without the ``alerts`` extra installed.
    """
    found: list[Channel] = [WebhookChannel(u, webhook_secret) for u in webhooks]
    found.extend(CommandChannel(c) for c in commands)
    found.extend(AppriseChannel(u) for u in apprise_urls)
    return found
