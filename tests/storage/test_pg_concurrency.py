"""Many processes saving captures of the same articles into one PostgreSQL archive at once."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _pg import pg_location

from newsarchive import Archive

pytestmark = pytest.mark.postgres

WORKERS = 8
ARTICLES = 50
SLOTS = 24
T0 = datetime(2017, 6, 6, 20, 0, tzinfo=UTC)
SRC = str(Path(__file__).resolve().parents[2] / "src")

WORKER = textwrap.dedent(
    """
    import json, sys, time
    from datetime import datetime
    from pathlib import Path
    from newsarchive import Archive

    location, plan_path, ready, go = sys.argv[1:5]
    batches = json.loads(Path(plan_path).read_text())
    with Archive.open(location) as archive:
        Path(ready).touch()
        while not Path(go).exists():
            time.sleep(0.005)
        for batch in batches:
            archive.save_many([
                archive.prepare(c["url"], text=c["text"], title=c["title"],
                                captured_at=datetime.fromisoformat(c["at"]), source="worker")
                for c in batch
            ])
        print(archive.store.conflicts_retried)
    """
)


def _captures() -> list[dict[str, Any]]:
    """Every article's captures: runs of equal content, changes, and reverts."""
    captures = []
    for article in range(ARTICLES):
        for slot in range(SLOTS):
            state = (slot // 3) % 4 if article % 2 else slot // 4
            captures.append(
                {
                    "url": f"https://news.example/{article:02d}/story",
                    "text": f"Article {article}, state {state}. " * (1 + article % 3),
                    "title": f"Story {article}" if state < 3 else f"Story {article} (updated)",
                    "at": (T0 + timedelta(minutes=slot, seconds=article)).isoformat(),
                    "slot": slot,
                }
            )
    return captures


def _plans(captures: list[dict[str, Any]], rng: random.Random) -> list[list[list[dict[str, Any]]]]:
    """Split captures among workers: interleaved, some sent twice, some late (backfills)."""
    queues: list[list[dict[str, Any]]] = [[] for _ in range(WORKERS)]
    for capture in captures:
        owner = capture["slot"] % WORKERS
        queues[owner].append(capture)
        if rng.random() < 0.25:  # the same capture saved by a second machine too
            queues[(owner + rng.randrange(1, WORKERS)) % WORKERS].append(capture)
    plans = []
    for queue in queues:
        queue.sort(key=lambda c: c["at"])
        for _ in range(len(queue) // 5):  # a fifth arrive out of order
            queue.insert(rng.randrange(len(queue)), queue.pop(rng.randrange(len(queue))))
        batches = []
        while queue:
            size = rng.randint(1, 5)
            batches.append(queue[:size])
            del queue[:size]
        plans.append(batches)
    return plans


@pytest.fixture
def location() -> Iterator[str]:
    with pg_location() as found:
        yield found


def _line_key(line: dict[str, Any]) -> tuple[str, str]:
    return line["url"], line["captured_at"]


def _state(archive: Archive) -> dict[str, Any]:
    # Version ids are left out: a backfill keeps the ids already handed out, so they
    # depend on the order captures arrived in; everything else must not.
    return {
        article.url: (
            [
                (
                    v.number,
                    v.text,
                    v.title,
                    v.capture_count,
                    v.first_captured_at,
                    v.last_captured_at,
                    v.reverted_to,
                )
                for v in archive.history(article.url)
            ],
            [(c.captured_at, c.content_hash, c.version) for c in archive.captures(article.url)],
        )
        for article in archive.articles()
    }


def test_eight_processes_saving_the_same_articles_lose_and_duplicate_nothing(
    location: str, tmp_path: Path
) -> None:
    captures = _captures()
    plans = _plans(captures, random.Random(20170606))
    Archive.open(location).close()
    go = tmp_path / "go"
    procs = []
    for index, plan in enumerate(plans):
        plan_path = tmp_path / f"plan{index}.json"
        plan_path.write_text(json.dumps(plan))
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WORKER,
                    location,
                    str(plan_path),
                    str(tmp_path / f"ready{index}"),
                    str(go),
                ],
                env={"PYTHONPATH": SRC},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready{i}").exists() for i in range(WORKERS)):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for p in procs), "a worker died while starting"
        time.sleep(0.01)
    go.touch()  # all at once
    retried = 0
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        retried += int(out)

    # The same captures saved one by one, in time order, by a single writer.
    with Archive.open(tmp_path / "reference") as reference:
        for capture in captures:
            reference.save(
                capture["url"],
                text=capture["text"],
                title=capture["title"],
                captured_at=datetime.fromisoformat(capture["at"]),
                source="worker",
            )
        expected = _state(reference)
        expected_export = list(reference.iter_export())

    with Archive.open(location) as archive:
        state = _state(archive)
        export = list(archive.iter_export())
        archive_history = {url: archive.history(url) for url in state}
    assert len(state) == ARTICLES
    for url, (versions, saved) in state.items():
        assert [v[0] for v in versions] == list(range(1, len(versions) + 1)), url
        assert len(saved) == SLOTS == len(set(saved)), url  # every capture, exactly once
        assert sum(v[3] for v in versions) == SLOTS, url
    assert state == expected
    ids = [v.id for url in state for v in archive_history[url]]
    assert len(ids) == len(set(ids))
    # The per-article locks queued the writers: no save had to be re-run after a conflict.
    assert retried == 0
    # The same captures; each article's in the order its writers happened to save them.
    assert sorted(export, key=_line_key) == sorted(expected_export, key=_line_key)
