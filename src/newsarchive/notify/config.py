"""Alert channels named in a ``watch`` config, fired at the end of each run::

[[alerts]]
webhook = "https://hooks.example.org/news"
webhook_secret = "…"          # optional: sign the posts
min_significance = "minor"

[[alerts]]
apprise = ["ntfy://ntfy.sh/my-newsroom-topic"]
stealth = true
urls = ["example.org/politics/*"]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..errors import InputError
from .channels import Channel, channels_from_options
from .run import AlertFilter

_KEYS = {
    "webhook", "webhook_secret", "command", "apprise", "min_significance", "stealth",
    "reasons", "headline", "urls", "site_url",
}  # fmt: skip


@attrs.frozen(kw_only=True)
class AlertRule:
    """Channels and the filters they share, from one ``[[alerts]]`` table."""

    channels: tuple[Channel, ...]
    filters: AlertFilter
    site_url: str | None = None


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, ())
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {key} must be a string or a list of strings")
    return tuple(value)


def _flag(table: Mapping[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{where}: {key} must be true or false")
    return value


def alert_rules(tables: Sequence[Mapping[str, Any]]) -> list[AlertRule]:
    """Read the ``[[alerts]]`` tables of a watch config.

    Args:
        tables: the parsed tables.

    Returns:
        One rule per table, in order.

    Raises:
        InputError: an unknown key, a bad value, or a table naming no channel.
    """
    rules = []
    for number, table in enumerate(tables, start=1):
        where = f"[[alerts]] #{number}"
        if not isinstance(table, Mapping):
            raise InputError(f"{where}: expected a table")
        unknown = sorted(set(table) - _KEYS)
        if unknown:
            raise InputError(f"{where}: unknown key {unknown[0]!r}")
        secret = table.get("webhook_secret")
        level = table.get("min_significance")
        site_url = table.get("site_url")
        for key, value in (("webhook_secret", secret), ("min_significance", level),
                           ("site_url", site_url)):  # fmt: skip
            if value is not None and not isinstance(value, str):
                raise InputError(f"{where}: {key} must be a string")
        channels = channels_from_options(
            webhooks=_strings(table, "webhook", where),
            commands=_strings(table, "command", where),
            apprise_urls=_strings(table, "apprise", where),
            webhook_secret=secret,
        )
        if not channels:
            raise InputError(f"{where}: name a webhook, command or apprise URL")
        filters = AlertFilter(
            min_significance=level,
            stealth=_flag(table, "stealth", where),
            reasons=_strings(table, "reasons", where),
            headline=_flag(table, "headline", where),
            url_patterns=_strings(table, "urls", where),
        )
        rules.append(AlertRule(channels=tuple(channels), filters=filters, site_url=site_url))
    return rules
