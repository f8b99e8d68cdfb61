"""The watch configuration: what to follow, how often, and how politely.

A TOML file (read with :mod:`tomllib`)::

    user_agent = "ExampleBot/1.0 (+https://example.org/bot)"
    recheck = "watched"          # "watched" | "all" | "none"

    [limits]
    max_items = 500              # pages fetched per run (feeds not counted)
    max_seconds = 900            # stop starting new pages after this long
    timeout_seconds = 20
    retries = 2
    backoff_seconds = 1
    max_retry_wait_seconds = 60
    per_host_interval_seconds = 1
    max_body_bytes = 10_000_000
    respect_robots = true
    min_fraction = 0.4           # shorter than this share of the last text = truncated

    [schedule]
    stop_after = "60d"
    tiers = [
      { within = "3h", every = "15m" },
      { within = "1d", every = "1h" },
      { within = "7d", every = "3h" },
      { within = "30d", every = "3d" },
    ]

    [defaults]                   # per-source options every source starts from
    headers = { "Accept-Language" = "en" }
    boilerplate = ["^Sign up for our newsletter"]

    [[feeds]]
    url = "https://example.org/world/rss.xml"
    include = ["/world/"]
    exclude = ["/live/", "/video/"]

    [[urls]]
    url = "https://example.org/politics/budget-vote"

Durations are numbers of seconds or strings such as ``90s``, ``15m``, ``3h``, ``2d``, ``1w``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from ..errors import InputError
from ..fetch.http import FetchOptions
from ..fetch.quality import QualityOptions

Recheck = Literal["watched", "all", "none"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(value: object, *, key: str = "duration") -> float:
    """Read a duration: a number of seconds, or a string like ``15m``, ``3h``, ``2d``.

    Args:
        value: the value from the config.
        key: the config key, for the error message.

    Returns:
        Seconds.

    Raises:
        InputError: the value is not a non-negative duration.
    """
    if isinstance(value, bool):
        raise InputError(f"{key}: expected a duration such as '15m', got {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise InputError(f"{key}: duration cannot be negative")
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    raise InputError(f"{key}: expected a duration such as '15m', '3h' or '2d', got {value!r}")


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Tier:
    """Check articles that changed less than ``within_seconds`` ago every ``every_seconds``."""

    within_seconds: float
    every_seconds: float


def _tiers(values: Iterable[Tier]) -> tuple[Tier, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Schedule:
    """When a known article is due for another look, by time since it last changed."""

    tiers: tuple[Tier, ...] = attrs.field(
        default=(
            Tier(3 * 3600, 15 * 60),
            Tier(86400, 3600),
            Tier(7 * 86400, 3 * 3600),
            Tier(30 * 86400, 3 * 86400),
        ),
        converter=_tiers,
    )
    stop_after_seconds: float = 60 * 86400

    def interval(self, since_change_seconds: float) -> float | None:
        """Return how often to check an article that last changed this long ago.

        Args:
            since_change_seconds: seconds since the article's content last changed.

        Returns:
            The interval in seconds, or None once checking has stopped.
        """
        if since_change_seconds >= self.stop_after_seconds:
            return None
        for tier in self.tiers:
            if since_change_seconds < tier.within_seconds:
                return tier.every_seconds
        # Between the last tier and stop_after: keep the slowest pace.
        return self.tiers[-1].every_seconds if self.tiers else None


@attrs.frozen(kw_only=True)
class Source:
    """A feed to read, or a single page to keep checking, with its options."""

    url: str
    kind: Literal["feed", "url"]
    name: str
    include: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    exclude: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    boilerplate: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    headers: Mapping[str, str] = attrs.field(factory=dict, hash=False)

    def accepts(self, url: str) -> bool:
        """Return whether a feed entry URL passes the include and exclude patterns."""
        if self.include and not any(re.search(p, url) for p in self.include):
            return False
        return not any(re.search(p, url) for p in self.exclude)


def _sources(values: Iterable[Source]) -> tuple[Source, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class WatchConfig:
    """Everything one ``watch`` run needs besides the archive."""

    sources: tuple[Source, ...] = attrs.field(default=(), converter=_sources)
    schedule: Schedule = attrs.field(factory=Schedule)
    fetch: FetchOptions = attrs.field(factory=FetchOptions)
    quality: QualityOptions = attrs.field(factory=QualityOptions)
    max_items: int | None = None
    max_seconds: float | None = None
    recheck: Recheck = "watched"
    defaults: Source | None = None
    #: The ``[[alerts]]`` tables as parsed, read by ``notify.config.alert_rules``.
    alerts: tuple[Mapping[str, Any], ...] = ()

    @property
    def feeds(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.kind == "feed")

    @property
    def urls(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.kind == "url")

    def source_named(self, name: str | None) -> Source | None:
        """Return the configured source of this name (as recorded in capture metadata)."""
        for source in self.sources:
            if source.name == name:
                return source
        return None

    @classmethod
    def from_file(cls, path: str | Path) -> WatchConfig:
        """Read a TOML config file.

        Args:
            path: the file.

        Returns:
            The config.

        Raises:
            InputError: the file is missing, is not TOML, or has bad values
                (the message names the file and the key).
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"config file not found: {path}") from None
        except OSError as exc:
            raise InputError(f"cannot read config file {path}: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not valid TOML: {exc}") from None
        try:
            return cls.from_dict(data)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WatchConfig:
        """Build a config from parsed TOML.

        Args:
            data: the document.

        Returns:
            The config.

        Raises:
            InputError: an unknown key or a bad value.
        """
        _known(
            data,
            {"user_agent", "recheck", "limits", "schedule", "defaults", "feeds", "urls", "alerts"},
            "top level",
        )
        limits = _table(data, "limits")
        _known(
            limits,
            {
                "max_items",
                "max_seconds",
                "timeout_seconds",
                "retries",
                "backoff_seconds",
                "max_retry_wait_seconds",
                "per_host_interval_seconds",
                "max_body_bytes",
                "respect_robots",
                "min_fraction",
                "max_redirects",
            },
            "[limits]",
        )
        defaults_table = _table(data, "defaults")
        _known(defaults_table, {"include", "exclude", "boilerplate", "headers"}, "[defaults]")
        defaults = _source(
            {**defaults_table, "url": "", "name": "defaults"}, "url", None, "[defaults]"
        )

        fetch_kwargs = _fetch_kwargs(data, limits)
        quality = _quality(limits)

        recheck = data.get("recheck", "watched")
        if recheck not in ("watched", "all", "none"):
            raise InputError("recheck: expected 'watched', 'all' or 'none'")

        sources = _listed_sources(data, defaults)

        try:
            fetch = FetchOptions(**fetch_kwargs)
        except ValueError as exc:
            raise InputError(f"[limits]: {exc}") from None
        return cls(
            sources=sources,
            schedule=_schedule(_table(data, "schedule")),
            fetch=fetch,
            quality=quality,
            max_items=_int(limits["max_items"], "limits.max_items", minimum=1)
            if "max_items" in limits
            else None,
            max_seconds=parse_duration(limits["max_seconds"], key="limits.max_seconds")
            if "max_seconds" in limits
            else None,
            recheck=recheck,
            defaults=defaults,
            alerts=_alert_tables(data.get("alerts", [])),
        )


def _fetch_kwargs(data: Mapping[str, Any], limits: Mapping[str, Any]) -> dict[str, Any]:
    """The :class:`FetchOptions` keywords the file sets (checked when they are built)."""
    fetch_kwargs: dict[str, Any] = {}
    if "user_agent" in data:
        fetch_kwargs["user_agent"] = _string(data["user_agent"], "user_agent")
    for key in (
        "timeout_seconds",
        "backoff_seconds",
        "max_retry_wait_seconds",
        "per_host_interval_seconds",
    ):
        if key in limits:
            fetch_kwargs[key] = parse_duration(limits[key], key=f"limits.{key}")
    for key in (
        "retries",
        "max_body_bytes",
        "max_redirects",
        "max_url_length",
        "max_header_bytes",
    ):
        if key in limits:
            fetch_kwargs[key] = _int(limits[key], f"limits.{key}", minimum=0)
    if "respect_robots" in limits:
        fetch_kwargs["respect_robots"] = _bool(limits["respect_robots"], "limits.respect_robots")
    return fetch_kwargs


def _quality(limits: Mapping[str, Any]) -> QualityOptions:
    quality = QualityOptions()
    if "min_fraction" in limits:
        fraction = limits["min_fraction"]
        if (
            isinstance(fraction, bool)
            or not isinstance(fraction, int | float)
            or not (0 <= fraction <= 1)
        ):
            raise InputError("limits.min_fraction: expected a number from 0 to 1")
        quality = attrs.evolve(quality, min_fraction=float(fraction))
    return quality


def _listed_sources(data: Mapping[str, Any], defaults: Source) -> list[Source]:
    """The ``[[feeds]]`` then the ``[[urls]]``, each name used once."""
    sources: list[Source] = []
    kinds: tuple[tuple[Literal["feed", "url"], str], ...] = (("feed", "feeds"), ("url", "urls"))
    for kind, key in kinds:
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise InputError(f"{key}: expected an array of tables ([[{key}]])")
        for index, entry in enumerate(entries):
            where = f"{key}[{index}]"
            if not isinstance(entry, dict):
                raise InputError(f"{where}: expected a table")
            sources.append(_source(entry, kind, defaults, where))
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"source listed twice: {duplicates[0]}")
    return sources


def _alert_tables(value: object) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(value, list) or not all(isinstance(t, Mapping) for t in value):
        raise InputError("alerts must be an array of tables: [[alerts]]")
    return tuple(value)


def _schedule(table: Mapping[str, Any]) -> Schedule:
    _known(table, {"tiers", "stop_after"}, "[schedule]")
    schedule = Schedule()
    if "tiers" in table:
        raw = table["tiers"]
        if not isinstance(raw, list) or not raw:
            raise InputError("schedule.tiers: expected a non-empty array of {within, every}")
        tiers: list[Tier] = []
        for index, tier in enumerate(raw):
            where = f"schedule.tiers[{index}]"
            if not isinstance(tier, dict) or set(tier) != {"within", "every"}:
                raise InputError(f"{where}: expected {{ within = ..., every = ... }}")
            within = parse_duration(tier["within"], key=f"{where}.within")
            every = parse_duration(tier["every"], key=f"{where}.every")
            if every <= 0:
                raise InputError(f"{where}.every: must be more than zero")
            if tiers and within <= tiers[-1].within_seconds:
                raise InputError(f"{where}.within: tiers must be in increasing order")
            tiers.append(Tier(within, every))
        schedule = attrs.evolve(schedule, tiers=tuple(tiers))
    if "stop_after" in table:
        schedule = attrs.evolve(
            schedule,
            stop_after_seconds=parse_duration(table["stop_after"], key="schedule.stop_after"),
        )
    return schedule


def _source(
    entry: Mapping[str, Any], kind: Literal["feed", "url"], defaults: Source | None, where: str
) -> Source:
    _known(entry, {"url", "name", "include", "exclude", "boilerplate", "headers"}, where)
    url = entry.get("url")
    if not isinstance(url, str) or (
        where != "[defaults]" and not url.startswith(("http://", "https://"))
    ):
        raise InputError(f"{where}.url: expected an http(s) URL")
    patterns = {}
    for key in ("include", "exclude", "boilerplate"):
        values = entry.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(f"{where}.{key}: expected an array of strings")
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise InputError(
                    f"{where}.{key}: bad regular expression {value!r}: {exc}"
                ) from None
        patterns[key] = tuple(values)
    headers = entry.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise InputError(f"{where}.headers: expected a table of strings")
    name = entry.get("name", url)
    if not isinstance(name, str) or not name:
        raise InputError(f"{where}.name: expected a string")
    if defaults is not None:
        headers = {**defaults.headers, **headers}
        patterns["boilerplate"] = defaults.boilerplate + patterns["boilerplate"]
        patterns["include"] = patterns["include"] or defaults.include
        patterns["exclude"] = defaults.exclude + patterns["exclude"]
    return Source(url=url, kind=kind, name=name, headers=headers, **patterns)


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(f"[{key}]: expected a table")
    return value


def _known(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}")


def _string(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{key}: expected a non-empty string")
    return value


def _int(value: object, key: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{key}: expected a whole number of at least {minimum}")
    return value


def _bool(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{key}: expected true or false")
    return value
