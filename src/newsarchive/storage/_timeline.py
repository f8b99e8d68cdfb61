"""Pure timeline logic: where a capture older than the latest one (a backfill) lands.

A version is a maximal run of consecutive good captures (ordered by capture time, then
by insertion) with the same content hash. Appending is handled by the store directly;
a backfill changes the timeline only around the place it lands, so it costs what it
changes rather than what the article holds: its neighbours' ranges and counts, and the
numbers and revert marks of the versions after it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import attrs


@attrs.frozen
class TimelineCapture:
    id: int
    captured_at: int
    content_hash: bytes

    @property
    def key(self) -> tuple[int, int]:
        """Its place in the timeline: capture time, then capture id."""
        return self.captured_at, self.id


@attrs.frozen(kw_only=True)
class Run:
    """A version as the timeline sees it: its run of captures, from its head capture."""

    number: int
    id: str
    content_hash: bytes
    capture_id: int
    first_captured_at: int
    last_captured_at: int
    capture_count: int
    reverted_to: int | None

    @property
    def head(self) -> tuple[int, int]:
        return self.first_captured_at, self.capture_id


def version_id(url: str, first_captured_at: int, content_hash: bytes) -> str:
    """A stable id for a new version: derived from what first made it, never from its number."""
    import hashlib  # here, not above: it loads OpenSSL, which reading never needs

    seed = f"{url}\n{first_captured_at}\n{content_hash.hex()}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]


def neighbours(runs: Sequence[Run], capture: TimelineCapture) -> tuple[Run | None, Run | None]:
    """The versions ``capture`` lands between: the last one whose head comes before it
    (which it may land inside of), and the next one."""
    index = bisect.bisect_right([r.head for r in runs], capture.key) - 1
    return (
        runs[index] if index >= 0 else None,
        runs[index + 1] if index + 1 < len(runs) else None,
    )


def may_split(before: Run | None, capture: TimelineCapture) -> bool:
    """Whether ``capture`` may land inside ``before`` with other content, splitting it.

    The version's captures decide, so :func:`place` needs them. (A capture at the very
    time of the version's last one may sort before or after it.)
    """
    return (
        before is not None
        and before.content_hash != capture.content_hash
        and capture.captured_at <= before.last_captured_at
    )


def join(before: Run | None, after: Run | None, capture: TimelineCapture) -> Run | None:
    """The neighbour ``capture`` becomes one more capture of, if that is all it does.

    This is the common backfill (the same content seen again by another source), and it
    needs no other version. None when the capture makes or may make a new version.
    """
    if before is not None and before.content_hash == capture.content_hash:
        return attrs.evolve(
            before,
            last_captured_at=max(before.last_captured_at, capture.captured_at),
            capture_count=before.capture_count + 1,
        )
    if may_split(before, capture) or after is None:
        return None
    return _as_head(after, capture) if after.content_hash == capture.content_hash else None


def place(
    url: str,
    runs: Sequence[Run],
    capture: TimelineCapture,
    members: Sequence[TimelineCapture] = (),
) -> tuple[list[Run], Run]:
    """Add a capture to an article's versions, wherever in time it lands.

    Args:
        url: the article's canonical URL (seeds the ids of new versions).
        runs: the article's versions, in number order.
        capture: the capture to add, not yet part of any version.
        members: the captures of the version before it, when :func:`may_split` says so.

    Returns:
        The versions after the capture is added, and the one it belongs to. Versions that
        exist already keep their ids; a new one gets an id from its head capture.
    """
    before, after = neighbours(runs, capture)
    new = list(runs)
    joined = join(before, after, capture)
    if joined is not None:
        new[joined.number - 1] = joined
        return new, joined
    made = _run(capture.content_hash, [capture])
    at = 0 if before is None else before.number  # the index a new version goes at
    if before is not None and may_split(before, capture):
        if len(members) != before.capture_count:
            raise ValueError("members are not the captures of the version they may split")
        earlier = [m for m in members if m.key < capture.key]
        later = [m for m in members if m.key > capture.key]
        if later:
            # Inside a run of other content: its earlier part keeps the version, the
            # rest becomes a new one, which reverts to it.
            kept = attrs.evolve(
                before, last_captured_at=earlier[-1].captured_at, capture_count=len(earlier)
            )
            new[at - 1 : at] = [kept, made, _run(before.content_hash, later)]
            new = _renumber(url, new)
            return new, new[at]
        if after is not None and after.content_hash == capture.content_hash:
            # After the version's last capture after all, at the same time.
            new[at] = _as_head(after, capture)
            return new, new[at]
    new.insert(at, made)
    new = _renumber(url, new)
    return new, new[at]


def _as_head(run: Run, capture: TimelineCapture) -> Run:
    """``run`` with ``capture`` as its new first capture."""
    return attrs.evolve(
        run,
        first_captured_at=capture.captured_at,
        capture_id=capture.id,
        capture_count=run.capture_count + 1,
    )


def _run(content_hash: bytes, captures: Sequence[TimelineCapture]) -> Run:
    """A new version of ``captures``; _renumber gives it its number, id and revert mark."""
    return Run(
        number=0,
        id="",
        content_hash=content_hash,
        capture_id=captures[0].id,
        first_captured_at=captures[0].captured_at,
        last_captured_at=captures[-1].captured_at,
        capture_count=len(captures),
        reverted_to=None,
    )


def _renumber(url: str, runs: list[Run]) -> list[Run]:
    """Number versions in order, give new ones ids, and mark every revert again."""
    used: set[str] = set()
    first_number: dict[bytes, int] = {}
    done: list[Run] = []
    for number, run in enumerate(runs, start=1):
        run_id = run.id
        if not run_id or run_id in used:  # (taken by a new version: as unlikely as a clash)
            run_id = version_id(url, run.first_captured_at, run.content_hash)
            while run_id in used:
                run_id = version_id(url + "#", run.first_captured_at + number, run.content_hash)
        used.add(run_id)
        first = first_number.setdefault(run.content_hash, number)
        reverted_to = None if first == number else first
        if (run.number, run.id, run.reverted_to) != (number, run_id, reverted_to):
            # Built whole rather than evolved: a backfill renumbers every version after it.
            run = Run(
                number=number,
                id=run_id,
                content_hash=run.content_hash,
                capture_id=run.capture_id,
                first_captured_at=run.first_captured_at,
                last_captured_at=run.last_captured_at,
                capture_count=run.capture_count,
                reverted_to=reverted_to,
            )
        done.append(run)
    return done
