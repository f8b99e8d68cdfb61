"""Placing a capture that lands before the newest one (a backfill) in its article's timeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...errors import StorageError
from .. import _analysis
from .links import ArticleLinks
from .rooms import NumberRooms
from .rows import LAST_CAPTURED_AT, content_hash_of
from .statements import FIRST_WITH_CONTENT, INSERT_VERSION

# The first version with this content before a number: the one a new version there reverts to.
_FIRST_BEFORE = f"{FIRST_WITH_CONTENT} AND v.number < ?"
# Versions after a new one with its content, which it is the first to have: they revert
# to it now. Their heads come after its own, so only captures from its time on are read.
_NOW_REVERTING = (
    "UPDATE versions SET reverted_to = ? WHERE article_id = ? AND number > ? AND capture_id IN"
    " (SELECT c.id FROM captures c WHERE c.article_id = ? AND c.captured_at >= ?"
    f" AND {content_hash_of('c')} = ?)"
)

# The text blob of a version: its key and its depth in its delta chain.
_TEXT_OF = (
    "SELECT b.hash, b.depth FROM versions v JOIN captures c ON c.id = v.capture_id"
    " JOIN blobs b ON b.id = c.text_id WHERE v.article_id = ? AND v.number = ?"
)

if TYPE_CHECKING:
    from .. import _timeline
    from .save_records import _Placed


class SQLTimeline(NumberRooms):
    """Backfills: renumber only the versions around where a capture lands."""

    def _place(
        self,
        url: str,
        article_id: int,
        capture: _timeline.TimelineCapture,
        last: int | None,
        *,
        new_content: bool = False,
    ) -> _Placed:
        """Add a backfilled capture to its article's versions, rewriting only what moves;
        ``last`` is the number of the last version first captured by its time (see
        ``_number_at``), ``new_content`` if no version can have its content (see
        ``_store_capture``)."""
        from .. import _timeline  # here, as below: only a save needs the timeline's logic
        from .save_records import _Placed

        at, cid = capture.key
        # The version whose head comes last before the capture: among the last one first
        # captured before its time and those first captured at that very time.
        heads = []
        if last is not None:
            earlier = self._number_at(article_id, at, before=True)
            first = 1 if earlier is None else earlier
            heads = self._runs(article_id, "AND number BETWEEN ? AND ?", (first, last))
        before = sorted((r for r in heads if r.head < capture.key), key=lambda r: r.head)[-1:]
        below = before[0].number if before else 0
        after = self._runs(article_id, "AND number = ?", (self._next_number(article_id, below),))
        joined = _timeline.join(before[0] if before else None, after[0] if after else None, capture)
        if joined is not None:
            self._write_runs(article_id, [*before, *after], [joined])
            rooms = self._free_numbers.get(article_id)
            room = rooms.following(below) if rooms else None
            if room is not None and after and joined.id == after[0].id:
                room.ceiling = at  # the version after the room is headed earlier now
            return _Placed(joined.id, False)
        if not (before and _timeline.may_split(before[0], capture)):
            inserted = self._insert_version(
                url,
                article_id,
                capture,
                before[0] if before else None,
                after[0] if after else None,
                new_content=new_content,
            )
            if inserted is not None:
                return inserted
        self._close_rooms_of(article_id)  # what follows works on every version's number
        self._ids_taken.pop(article_id, None)  # and may give versions other ids
        runs = self._runs(article_id, "ORDER BY number")
        members: list[_timeline.TimelineCapture] = []
        if before and _timeline.may_split(before[0], capture):
            split = before[0]
            rows = self._all(
                "SELECT id, captured_at FROM captures WHERE article_id = ? AND quality IS NULL"
                " AND captured_at BETWEEN ? AND ? AND id <> ?",
                (article_id, split.first_captured_at, split.last_captured_at, cid),
            )
            # Of the captures in its time range, those from its head up to the next head.
            members = sorted(
                (_timeline.TimelineCapture(int(r[0]), int(r[1]), split.content_hash) for r in rows),
                key=lambda m: m.key,
            )
            members = [
                m for m in members if m.key >= split.head and (not after or m.key < after[0].head)
            ]
        try:
            placed, run = _timeline.place(url, runs, capture, members)
        except ValueError as error:  # never from versions this code wrote
            raise StorageError(
                f"archive {self.location}: the versions of {url} do not match its captures"
            ) from error
        self._write_runs(article_id, runs, placed)
        return _Placed(run.id, run.id not in {r.id for r in runs})

    def _insert_version(
        self,
        url: str,
        article_id: int,
        capture: _timeline.TimelineCapture,
        before: _timeline.Run | None,
        after: _timeline.Run | None,
        *,
        new_content: bool = False,
    ) -> _Placed | None:
        """Make ``capture`` a version of its own right after ``before`` (first if None)
        and before ``after``, the versions after it moving on; None if its id is taken
        already, a case left to ``_timeline.place``.

        What ``place`` would work out over every version of the article, done by a few
        statements whose cost is the database's: a capture landing before a long history
        reads none of it into Python. Revert marks move with the numbers they name, and a
        later version with this content reverts to this one now if it is the first. With
        ``new_content`` no other version has its content, and none is looked for. In a
        bulk import, the later versions move on by as many numbers as the batch's next
        captures of the article may take there (see ``free_numbers``).
        """
        from .. import _timeline
        from .save_records import _Placed

        version_id = _timeline.version_id(url, capture.captured_at, capture.content_hash)
        if self._id_taken(article_id, url, version_id):
            return None
        number, below = self._number_in_room(
            article_id, before.number if before else 0, capture, before, after
        )
        # Versions before the new one hold the numbers up to ``below``.
        earlier = (
            None
            if new_content
            else self._one(_FIRST_BEFORE, (article_id, capture.content_hash, below + 1))
        )
        reverted_to = None if earlier is None or earlier[0] is None else int(earlier[0])
        if reverted_to is None and not new_content:
            self._execute(
                _NOW_REVERTING,
                (number, article_id, number, article_id, capture.captured_at, capture.content_hash),
            )
        self._execute(
            INSERT_VERSION,
            (article_id, number, version_id, capture.id, capture.captured_at, reverted_to),
        )
        self._wrote_version(article_id, number, capture.captured_at)
        self._ids_taken.get(article_id, set()).add(version_id)
        return _Placed(version_id, True)

    def _neighbour_text(self, article_id: int, last: int | None) -> tuple[bytes, int] | None:
        """The text key and chain depth of the version a capture lands next to: the last
        one first captured by its time (numbered ``last``), else the first. A backfilled
        text is stored as a delta against it, as a sorted import stores each against the
        one before, rather than against the article's latest text, which may have grown
        far from it."""
        number = last or self._next_number(article_id, 0)
        row = self._one(_TEXT_OF, (article_id, number))
        return None if row is None else (bytes(row[0]), int(row[1]))

    def _runs(self, article_id: int, where: str, params: Sequence[Any] = ()) -> list[_timeline.Run]:
        from .. import _timeline

        return [
            _timeline.Run(
                number=int(r[0]),
                id=str(r[1]),
                content_hash=bytes(r[2]),
                capture_id=int(r[3]),
                first_captured_at=int(r[4]),
                last_captured_at=int(r[5]),
                capture_count=int(r[6]),
                reverted_to=None if r[7] is None else int(r[7]),
            )
            for r in self._all(
                f"SELECT number, v.id, {content_hash_of('c')}, capture_id, first_captured_at,"
                f" {LAST_CAPTURED_AT}, capture_count, reverted_to"
                " FROM versions v JOIN captures c ON c.id = v.capture_id"
                f" WHERE v.article_id = ? {where}",
                (article_id, *params),
            )
        ]

    def _write_runs(
        self, article_id: int, old: Sequence[_timeline.Run], new: Sequence[_timeline.Run]
    ) -> None:
        """Write the versions of ``new`` that differ from ``old``, matched by id.

        Versions only ever move to higher numbers, so writing from the last one down never
        needs a number that another row still holds. A row that stays keeps its analysis.
        Versions that only move, as every one after a version inserted does, are moved a
        run at a time (see ``_shift``).
        """
        stored = {r.id: r for r in old}
        moved: list[tuple[int, int]] = []  # (number, new number) of rows that only move
        rewritten: list[tuple[_timeline.Run, _timeline.Run | None]] = []
        for run in new:
            was = stored.get(run.id)
            if was == run:
                continue
            if was is not None and _only_moved(was, run):
                moved.append((was.number, run.number))
            else:
                rewritten.append((run, was))
        if moved:
            self._shift(article_id, moved)
        for run, was in sorted(rewritten, key=lambda item: -item[0].number):
            self._write_run(article_id, run, was)
        if moved:
            self._execute(
                "UPDATE versions SET number = -number WHERE article_id = ? AND number < 0",
                (article_id,),
            )

    def _shift(self, article_id: int, moved: list[tuple[int, int]]) -> None:
        """Move rows from their numbers to new ones, each run of rows moving alike at once.

        The rows go to the negated new numbers, which no row holds, and are turned positive
        once every other row is written; one statement moves a run of consecutive rows.
        """
        moved.sort()
        start = 0
        while start < len(moved):
            end = start + 1
            lo, to = moved[start]
            while (
                end < len(moved)
                and moved[end][0] == moved[end - 1][0] + 1
                and moved[end][1] - moved[end][0] == to - lo
            ):
                end += 1
            hi = moved[end - 1][0]
            self._execute(
                "UPDATE versions SET number = -(number + ?)"
                " WHERE article_id = ? AND number BETWEEN ? AND ?",
                (to - lo, article_id, lo, hi),
            )
            self._wrote_version(article_id, lo, None)  # renumbered only
            start = end

    def _write_run(self, article_id: int, run: _timeline.Run, was: _timeline.Run | None) -> None:
        """Insert a new version's row, or rewrite one whose captures or revert mark changed."""
        if was is None:
            self._wrote_version(article_id, run.number, run.last_captured_at)
        elif (was.capture_id, was.first_captured_at, was.last_captured_at) != (
            run.capture_id,
            run.first_captured_at,
            run.last_captured_at,
        ):
            # Its time span moved: a headline test looks back on either.
            latest = max(was.last_captured_at, run.last_captured_at)
            self._wrote_version(article_id, was.number, latest)
        else:
            self._wrote_version(article_id, was.number, None)  # renumbered only
        values = (
            run.number,
            run.id,
            run.capture_id,
            run.first_captured_at,
            None if run.last_captured_at == run.first_captured_at else run.last_captured_at,
            run.capture_count,
            run.reverted_to,
        )
        if was is None:
            self._execute(
                "INSERT INTO versions (number, id, capture_id,"
                " first_captured_at, last_captured_at, capture_count, reverted_to,"
                " article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, article_id),
            )
            return
        if was.capture_id != run.capture_id:
            self._relink_analysis(article_id, was, run.capture_id)
        self._execute(
            "UPDATE versions SET number = ?, id = ?, capture_id = ?,"
            " first_captured_at = ?, last_captured_at = ?, capture_count = ?,"
            " reverted_to = ? WHERE article_id = ? AND number = ?",
            (*values, article_id, was.number),
        )

    def _relink_analysis(self, article_id: int, was: _timeline.Run, capture_id: int) -> None:
        """Keep a version's analysis readable when another capture comes to head it.

        A stored analysis may quote its version's text by the capture heading it (see
        ``_analysis``): frame it again for the new one, which may differ in spacing.
        """
        row = self._one(
            "SELECT a.url, v.analysis_frame FROM versions v JOIN articles a ON a.id = v.article_id"
            " WHERE v.article_id = ? AND v.number = ?",
            (article_id, was.number),
        )
        if row is None or row[1] is None:
            return
        links = ArticleLinks(self, str(row[0]), article_id)
        summary = _analysis.decode(bytes(row[1]), links, was.capture_id)
        self._execute(
            "UPDATE versions SET analysis_frame = ? WHERE article_id = ? AND number = ?",
            (_analysis.encode(summary, links, capture_id), article_id, was.number),
        )


def _only_moved(was: _timeline.Run, run: _timeline.Run) -> bool:
    """Whether a version (matched by id) differs from what is stored in its number alone."""
    return (
        was.capture_id == run.capture_id
        and was.first_captured_at == run.first_captured_at
        and was.last_captured_at == run.last_captured_at
        and was.capture_count == run.capture_count
        and was.reverted_to == run.reverted_to
        and was.content_hash == run.content_hash
    )
