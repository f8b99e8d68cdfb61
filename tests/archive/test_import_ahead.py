"""An import's workers analyse versions ahead of the save: what is stored is what the save
would have computed, whatever the order, names and kinds of the captures."""

from __future__ import annotations

import json
import signal
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import at
from newsarchive import Archive
from newsarchive.archive import stored_analyses
from newsarchive.ingest import shards as _shards
from newsarchive.ingest.follower import Router

URL = "https://news.example.com/story"
ALIAS = "https://news.example.com/story?utm_source=feed"
BASE = "The council approved the budget on Monday.\n\nThree members voted against it."
TEXTS = [
    BASE,
    BASE.replace("Monday", "Tuesday"),
    BASE + "\n\nThe vote was 6-3 after a long debate about taxes.",
    "A different story altogether, about the harbour.\n\nIt was rebuilt in 1990.",
]

_ROW = st.fixed_dictionaries(
    {
        "url": st.sampled_from([URL, ALIAS, "https://news.example.com/other"]),
        # Hours apart, and sometimes out of order or at the same time.
        "captured_at": st.integers(0, 30).map(lambda h: (at(0) + timedelta(hours=h)).isoformat()),
        "text": st.sampled_from(TEXTS),
    },
    optional={
        # Headlines that return to an earlier one within hours: a headline test.
        "title": st.sampled_from(["Budget passes", "Council backs budget", "Budget passes"]),
        "quality": st.just("soft-404"),
        "modified_at": st.just(at(3).isoformat()),
    },
)


def _recomputed(archive: Archive) -> dict[str, Any]:
    """Every version's stored analysis, and what analysing the whole history again gives."""
    stored, again = {}, {}
    for article in archive.articles():
        for version in archive.history(article.url):
            stored[version.id] = version.analysis
        again.update(dict(archive._analyses.recomputed(article.url)))
    return {"stored": stored, "again": again}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, max_size=14), batch=st.sampled_from([2, 5, 500]))
def test_analyses_made_ahead_are_those_a_save_makes(rows: list[dict[str, Any]], batch: int) -> None:
    lines = "".join(json.dumps(row) + "\n" for row in rows).encode()
    with Archive.open(":memory:") as archive:
        import io
        from unittest import mock

        with mock.patch("newsarchive.ingest.bulk.IMPORT_BATCH", batch):
            archive.import_jsonl(io.BytesIO(lines))
        found = _recomputed(archive)
    assert found["stored"] == found["again"]


def _interleaved(path: Path, articles: int = 6, versions: int = 5) -> None:
    lines = []
    for n in range(versions):
        for a in range(articles):
            text = f"{BASE}\n\nStory {a} update {n // 2}." + (" More." * (n % 3))
            title = "Budget passes" if n % 2 else "Council backs budget"
            lines.append(
                json.dumps(
                    {
                        "url": f"{URL}/{a}",
                        "captured_at": (at(0) + timedelta(hours=n, minutes=a)).isoformat(),
                        "title": title,
                        "text": text,
                    }
                )
            )
    path.write_text("\n".join(lines) + "\n")


def test_workers_analyse_every_version_of_an_interleaved_import_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "captures.jsonl"
    _interleaved(path)
    made: list[int] = []
    jobs = stored_analyses.StoredAnalyses._jobs

    def counted(self: Any, url: str, ahead: Any) -> Any:
        ready, rest = jobs(self, url, ahead)
        made.extend([len(ready), len(rest)])
        return ready, rest

    monkeypatch.setattr(stored_analyses.StoredAnalyses, "_jobs", counted)
    with Archive.open(tmp_path / "a") as archive, path.open("rb") as stream:
        report = archive.import_jsonl(stream, workers=2)
        found = _recomputed(archive)
    assert found["stored"] == found["again"]
    assert report.versions_added == sum(made[0::2]) > 0 and sum(made[1::2]) == 0


def test_a_second_import_analyses_after_the_save_what_its_workers_did_not_see(
    tmp_path: Path,
) -> None:
    """The workers of a later import never saw the versions archived before it: their
    numbering differs from the store's, and the save's analysis is stored instead."""
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    _interleaved(first, versions=3)
    lines = first.read_text().splitlines()
    first.write_text("\n".join(lines[:9]) + "\n")
    second.write_text("\n".join(lines[9:]) + "\n")
    with Archive.open(tmp_path / "a") as archive:
        for path in (first, second):
            with path.open("rb") as stream:
                archive.import_jsonl(stream, workers=2)
        found = _recomputed(archive)
    assert found["stored"] == found["again"] and len(found["stored"]) == 18


def test_every_line_of_an_article_goes_to_one_worker() -> None:
    route = Router(4)
    names = [
        b'{"url": "https://news.example.com/a?utm_source=x", "text": "t"}',
        b'{"text": "t", "url" : "https://NEWS.example.com/a"}',
        b'{"url": "https://m.example.com/b", "canonical_url": "https://news.example.com/a"}',
        b'{"url": "https:\\/\\/news.example.com\\/a"}',
    ]
    assert len({route(line) for line in names}) == 1
    assert route(b"{broken") == 0 and route(b'{"url": "not a url"}') == 0


def _fail() -> None:
    raise ValueError("refused")


def _die() -> None:
    signal.raise_signal(signal.SIGKILL)


def _large(size: int) -> bytes:
    return b"x" * size


def _touch(path: str) -> None:
    Path(path).touch()


def test_a_worker_goes_on_while_its_results_wait_to_be_read(tmp_path: Path) -> None:
    """A result larger than a pipe holds does not keep its worker from its next work
    while the importing process, busy saving, has not read it yet."""
    marker = tmp_path / "second job ran"
    pool = _shards.Shards(1)
    try:
        first = pool.submit_to(0, _large, 4_000_000)
        second = pool.submit_to(0, _touch, str(marker))
        for _ in range(400):  # up to 20 s on a busy machine; nothing is read meanwhile
            if marker.exists():
                break
            time.sleep(0.05)
        assert marker.exists()
        assert len(first.result()) == 4_000_000 and second.result() is None
    finally:
        pool.shutdown(cancel_futures=True)


def test_a_worker_failure_reaches_the_importing_process() -> None:
    pool = _shards.Shards(2)
    try:
        with pytest.raises(ValueError, match="refused"):
            pool.submit_to(1, _fail).result()
        assert pool.submit_to(1, int, "7").result() == 7  # the worker carries on
        with pytest.raises(_shards.BrokenProcessPool):
            pool.submit_to(0, _die).result()
    finally:
        pool.shutdown(cancel_futures=True)
