"""Pure timeline logic: which captures form which versions.

A version is a maximal run of consecutive good captures (ordered by capture time, then
by insertion) with the same content hash. Rebuilding is only needed when a capture lands
before the latest one (a backfill); appending is handled by the store directly.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence

import attrs


@attrs.frozen
class TimelineCapture:
    id: int
    captured_at: int
    content_hash: bytes


@attrs.frozen
class OldVersion:
    id: str
    first_key: tuple[int, int]


@attrs.frozen(kw_only=True)
class Run:
    number: int
    id: str
    content_hash: bytes
    capture_id: int
    first_captured_at: int
    last_captured_at: int
    capture_count: int
    reverted_to: int | None


def version_id(url: str, first_captured_at: int, content_hash: bytes) -> str:
    """A stable id for a new version: derived from what first made it, never from its number."""
    seed = f"{url}\n{first_captured_at}\n{content_hash.hex()}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]


def rebuild(
    url: str, captures: Sequence[TimelineCapture], old_versions: Sequence[OldVersion]
) -> list[Run]:
    """Group ``captures`` into versions, keeping the ids of the versions they belonged to.

    Args:
        url: the article's canonical URL (seeds ids of new versions).
        captures: the article's good captures.
        old_versions: the versions before the rebuild, in timeline order.
    """
    ordered = sorted(captures, key=lambda c: (c.captured_at, c.id))
    old_keys = [v.first_key for v in old_versions]
    groups: list[list[TimelineCapture]] = []
    for capture in ordered:
        if groups and groups[-1][-1].content_hash == capture.content_hash:
            groups[-1].append(capture)
        else:
            groups.append([capture])

    used: set[str] = set()
    first_number: dict[bytes, int] = {}
    runs: list[Run] = []
    for number, group in enumerate(groups, start=1):
        head = group[0]
        run_id = None
        for capture in group:
            # The old version this capture belonged to: the last one starting at or before it.
            index = bisect.bisect_right(old_keys, (capture.captured_at, capture.id)) - 1
            if index >= 0 and old_versions[index].id not in used:
                run_id = old_versions[index].id
                break
        if run_id is None:
            run_id = version_id(url, head.captured_at, head.content_hash)
            while run_id in used:
                run_id = version_id(url + "#", head.captured_at + number, head.content_hash)
        used.add(run_id)
        reverted_to = first_number.get(head.content_hash)
        first_number.setdefault(head.content_hash, number)
        runs.append(
            Run(
                number=number,
                id=run_id,
                content_hash=head.content_hash,
                capture_id=head.id,
                first_captured_at=head.captured_at,
                last_captured_at=group[-1].captured_at,
                capture_count=len(group),
                reverted_to=reverted_to,
            )
        )
    return runs
