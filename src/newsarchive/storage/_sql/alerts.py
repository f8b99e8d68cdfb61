"""Where each alert channel stands: its starting point and the versions it was sent.

A delivery row is claimed (``pending``) before its alert goes out and settled
(``sent`` or ``failed``) after, all under a lock on the channel. Two runs at once
therefore never claim the same version; a run killed between claim and settle
leaves a claim that expires after a lease, so the next run sends it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, TypeVar

from ...times import from_micros, to_micros

T = TypeVar("T")

# Claims looked up per query: small enough for any backend's parameter limit.
_CHUNK = 500


class AlertLog:
    """The alert part of the Store protocol, over the shared SQL helpers."""

    def _write(self, lock_keys: Sequence[str]) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _alert_work(self, what: str, channel: str, work: Callable[[], T]) -> T:
        def locked() -> T:
            with self._write([f"alerts\n{channel}"]):
                return work()

        # PostgreSQL retries a transaction that conflicted; SQLite's lock serialises.
        retrying = getattr(self, "_retrying", None)
        return retrying(what, locked) if retrying is not None else locked()

    def alert_start(self, channel: str, *, start_at: datetime, create: bool = True) -> datetime:
        """Where ``channel`` starts: versions first captured at or after this time.

        A channel seen for the first time starts at ``start_at`` (and is recorded, with
        ``create``); a known one keeps its own start, whatever ``start_at`` says.
        """

        def work() -> datetime:
            row = self._execute(
                "SELECT start_at FROM alert_channels WHERE channel = ?", (channel,)
            ).fetchone()
            if row is not None:
                return from_micros(int(row[0]))
            if create:
                self._execute(
                    "INSERT INTO alert_channels (channel, start_at) VALUES (?, ?)",
                    (channel, to_micros(start_at)),
                )
            return start_at

        return self._alert_work("reading an alert channel", channel, work)

    def claim_alerts(
        self,
        channel: str,
        version_ids: Sequence[str],
        *,
        now: datetime,
        lease_seconds: float,
        commit: bool = True,
    ) -> list[str]:
        """Claim the versions ``channel`` should send now, in the order given.

        A version is claimed unless it was sent, or another run claimed it less than
        ``lease_seconds`` ago. A failed one is claimed again. Without ``commit``, the
        versions that would be claimed are returned and nothing is recorded.
        """
        at = to_micros(now)
        expired = at - int(lease_seconds * 1_000_000)

        def work() -> list[str]:
            known: dict[str, tuple[str, int]] = {}
            for start in range(0, len(version_ids), _CHUNK):
                chunk = list(version_ids[start : start + _CHUNK])
                marks = ", ".join("?" * len(chunk))
                rows = self._execute(
                    "SELECT version_id, state, claimed_at FROM alert_deliveries"
                    f" WHERE channel = ? AND version_id IN ({marks})",
                    (channel, *chunk),
                ).fetchall()
                known.update({r[0]: (r[1], int(r[2])) for r in rows})
            claimed = []
            for vid in dict.fromkeys(version_ids):
                state, claimed_at = known.get(vid, ("", 0))
                if state == "sent" or (state == "pending" and claimed_at > expired):
                    continue
                claimed.append(vid)
                if not commit:
                    continue
                self._execute(
                    "INSERT INTO alert_deliveries"
                    " (channel, version_id, state, claimed_at, attempts) VALUES (?, ?, ?, ?, 0)"
                    " ON CONFLICT (channel, version_id)"
                    " DO UPDATE SET state = excluded.state, claimed_at = excluded.claimed_at",
                    (channel, vid, "pending", at),
                )
            return claimed

        return self._alert_work("claiming alerts", channel, work)

    def settle_alerts(
        self,
        channel: str,
        outcomes: Sequence[tuple[str, str | None]],
        *,
        start_at: datetime | None = None,
    ) -> None:
        """Record what sending claimed alerts did: ``(version_id, error)``, None if sent.

        ``start_at``, when given, moves the channel's start forward (never back).
        """

        def work() -> None:
            for vid, error in outcomes:
                self._execute(
                    "UPDATE alert_deliveries SET state = ?, error = ?, attempts = attempts + 1"
                    " WHERE channel = ? AND version_id = ?",
                    ("sent" if error is None else "failed", error, channel, vid),
                )
            if start_at is not None:
                self._execute(
                    "UPDATE alert_channels SET start_at = ? WHERE channel = ? AND start_at < ?",
                    (to_micros(start_at), channel, to_micros(start_at)),
                )

        self._alert_work("recording alerts", channel, work)
