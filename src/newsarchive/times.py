"""Parsing and formatting of the times the archive records (aware UTC datetimes)."""

from __future__ import annotations

from datetime import UTC, datetime

from .errors import InputError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_time(value: str, *, what: str = "time") -> datetime:
    """Parse an ISO 8601 time; a time without an offset is taken as UTC.

    Args:
        value: the text, e.g. ``2017-06-06T14:30:00Z``.
        what: the field's name, for the error message.

    Returns:
        An aware UTC datetime between years 1 and 9999.

    Raises:
        InputError: the value is empty, not ISO 8601, names a day that does not exist
            (``2017-02-30``), or falls outside years 1 to 9999 in UTC.
    """
    text = value.strip()
    if not text:
        raise InputError(f"bad {what}: empty (expected ISO 8601, e.g. 2017-06-06T14:30:00Z)")
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    shown = value if len(value) <= 60 else value[:60] + "…"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        # fromisoformat says "day is out of range for month" for a date that reads well
        # but does not exist; that deserves its own message.
        reason = str(exc)
        if "out of range" in reason or "must be in" in reason:
            raise InputError(f"bad {what} {shown!r}: {reason}") from None
        raise InputError(
            f"bad {what} {shown!r}: expected ISO 8601, e.g. 2017-06-06T14:30:00Z"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InputError(f"bad {what} {shown!r}: outside years 1 to 9999 in UTC") from None


def as_utc(value: datetime) -> datetime:
    """Return an aware UTC datetime; naive datetimes are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_time(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, or None."""
    if value is None:
        return None
    text = as_utc(value).isoformat()
    return text.removesuffix("+00:00") + "Z"


def display_time(value: datetime | None, *, missing: str = "-") -> str:
    """A time as people read it in listings: UTC to the second with its ``Z``.

    Args:
        value: the time, or None.
        missing: what to show for None.

    Returns:
        e.g. ``2017-06-06T20:10:00Z``; ``missing`` for None.
    """
    if value is None:
        return missing
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_micros(value: datetime) -> int:
    delta = as_utc(value) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    seconds, micros = divmod(value, 1_000_000)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=micros)


def utc_now() -> datetime:
    return datetime.now(UTC)
