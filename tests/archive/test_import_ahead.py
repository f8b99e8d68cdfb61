"""An import's workers analyse versions ahead of the save: what is stored is what the save
would have computed, whatever the order, names and kinds of the captures."""

from __future__ import annotations

import functools
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
@given(
    rows=st.lists(_ROW, max_size=14),
    batch=st.sampled_from([2, 5, 500]),
    split=st.integers(0, 14),
    window=st.sampled_from([1, 2, 128]),
)
def test_analyses_made_ahead_are_those_a_save_makes(
    rows: list[dict[str, Any]], batch: int, split: int, window: int
) -> None:
    """Whatever the captures, and whether the archive held some of them (imported before,
    or the same lines again): the followers take up what the store holds."""
    import io
    from unittest import mock

    with Archive.open(":memory:") as archive:
        for part in (rows[:split], rows[split:], rows):
            lines = "".join(json.dumps(row) + "\n" for row in part).encode()
            with (
                mock.patch("newsarchive.ingest.bulk.IMPORT_BATCH", batch),
                mock.patch("newsarchive.ingest.follower.STORED_WINDOW", window),
            ):
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
    made = _counting_analyses(monkeypatch)
    with Archive.open(tmp_path / "a") as archive, path.open("rb") as stream:
        report = archive.import_jsonl(stream, workers=2)
        found = _recomputed(archive)
    assert found["stored"] == found["again"]
    assert report.versions_added == sum(made[0::2]) > 0 and sum(made[1::2]) == 0


def _counting_analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts, for each article an import saved, the analyses taken from its workers and
    those computed after the save."""
    made: list[int] = []
    jobs = stored_analyses.StoredAnalyses._jobs

    def counted(self: Any, url: str, ahead: Any, written: Any) -> Any:
        ready, rest = jobs(self, url, ahead, written)
        made.extend([len(ready), len(rest)])
        return ready, rest

    monkeypatch.setattr(stored_analyses.StoredAnalyses, "_jobs", counted)
    return made


_SUMMARISE = stored_analyses.summarise_next


def _logged_summary(log: str, *args: Any) -> Any:
    with open(log, "a") as out:
        out.write("1\n")
    return _SUMMARISE(*args)


def _analysed_in(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets a line each time an import's worker (or the import itself)
    analyses a version ahead (a file, as workers are processes of their own)."""
    log = path / "analysed"
    logged = functools.partial(_logged_summary, str(log))
    monkeypatch.setattr(stored_analyses, "summarise_next", logged)
    return log


@pytest.mark.parametrize("workers", [0, 2])
def test_a_later_import_takes_up_the_articles_the_archive_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The versions a later import adds to articles archived before it are analysed
    ahead, as the first import's are: its followers go on from where the store left
    each article, not from scratch."""
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    _interleaved(first, versions=4)
    lines = first.read_text().splitlines()
    first.write_text("\n".join(lines[:9]) + "\n")
    second.write_text("\n".join(lines[9:]) + "\n")
    with Archive.open(tmp_path / "a") as archive:
        with first.open("rb") as stream:
            archive.import_jsonl(stream, workers=workers)
        made = _counting_analyses(monkeypatch)
        with second.open("rb") as stream:
            report = archive.import_jsonl(stream, workers=workers)
        found = _recomputed(archive)
    assert found["stored"] == found["again"] and len(found["stored"]) == 24
    assert report.versions_added == sum(made[0::2]) == 15 and sum(made[1::2]) == 0


@pytest.mark.parametrize("workers", [0, 2])
def test_lines_archived_already_are_not_analysed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """A file imported again, or one that has grown since it was imported (a scraper's
    output imported every day): only its new lines cost an analysis."""
    grown = tmp_path / "grown.jsonl"
    _interleaved(grown, versions=4)
    lines = grown.read_text().splitlines()
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(lines[:12]) + "\n")
    with Archive.open(tmp_path / "a") as archive:
        with first.open("rb") as stream:
            archive.import_jsonl(stream, workers=workers)
        analysed = _analysed_in(tmp_path, monkeypatch)
        with first.open("rb") as stream:
            again = archive.import_jsonl(stream, workers=workers)
        assert (again.captures_added, again.unchanged) == (0, 12)
        assert not analysed.exists()
        with grown.open("rb") as stream:
            report = archive.import_jsonl(stream, workers=workers)
        found = _recomputed(archive)
    assert (report.captures_added, report.unchanged) == (12, 12)
    assert len(analysed.read_text().splitlines()) == report.versions_added == 12
    assert found["stored"] == found["again"]


@pytest.mark.parametrize(("window", "asked_each"), [(128, 1), (3, 2)])
def test_an_import_again_reads_each_articles_captures_a_stretch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int, asked_each: int
) -> None:
    """Whether each line is archived already is read from stretches of an article's stored
    captures: a line at a time would cost a round trip each on a shared server."""
    from newsarchive.ingest import follower
    from newsarchive.storage._sql.read import SQLReader

    path = tmp_path / "captures.jsonl"
    _interleaved(path, articles=3, versions=4)
    asked: list[str] = []
    listed = SQLReader.captures_from

    def counted(self: Any, url: str, since: Any, limit: int) -> Any:
        asked.append(url)
        return listed(self, url, since, limit)

    analysed = _analysed_in(tmp_path, monkeypatch)
    with Archive.open(tmp_path / "a") as archive:
        with path.open("rb") as stream:
            archive.import_jsonl(stream, workers=0)
        analysed.unlink()
        monkeypatch.setattr(SQLReader, "captures_from", counted)
        monkeypatch.setattr(follower, "STORED_WINDOW", window)
        with path.open("rb") as stream:
            again = archive.import_jsonl(stream, workers=0)
    assert (again.captures_added, again.unchanged) == (0, 12)
    assert not analysed.exists()  # each line was found archived
    assert sorted(asked) == sorted([f"{URL}/{a}" for a in range(3)] * asked_each)


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


def _collection_settings() -> tuple[int, int, int]:
    import gc

    gen0, gen1, gen2 = gc.get_threshold()
    return gc.get_freeze_count(), gen0, gen2


def test_a_worker_leaves_what_it_holds_out_of_full_collections() -> None:
    """A worker's analysis caches grow to hundreds of thousands of objects: what it
    inherits is frozen, and full collections come far more rarely than by default, while
    the young generation is collected as often as in any process."""
    import gc

    pool = _shards.Shards(1)
    try:
        frozen, young, full = pool.submit_to(0, _collection_settings).result()
    finally:
        pool.shutdown(cancel_futures=True)
    assert frozen > 1000  # the modules and objects it started with
    assert young == gc.get_threshold()[0]
    assert full >= 100 * gc.get_threshold()[2]


def test_a_store_a_worker_cannot_read_tells_nothing(tmp_path: Path) -> None:
    """A worker that cannot open the store, or whose store fails, follows every article
    from scratch (the save then analyses what it could not): the import goes on."""
    from newsarchive.errors import StorageError
    from newsarchive.ingest.follower import OpenedTails
    from newsarchive.storage import open_store

    nowhere = OpenedTails(functools.partial(open_store, tmp_path / "none", create=False))
    assert nowhere.article_tail(URL, 16) is None
    assert nowhere.captures_from(URL, at(0), 10) == []

    store = open_store(tmp_path / "a")
    store.close()  # every question to it now fails
    with pytest.raises(StorageError):
        store.find_article(URL)
    failing = OpenedTails(lambda: store)
    assert failing.article_tail(URL, 16) is None
    assert failing.captures_from(URL, at(0), 10) == []
