"""SQLite specifics: the file layout, WAL mode, schema, and two processes saving at once."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import story
from newsarchive import Archive
from newsarchive.storage import _blobs, _migrations

URL = "https://example.com/story"


def test_archive_is_one_database_file_in_wal_mode(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        archive.save(URL, text="Hello.")
    assert (tmp_path / "a" / "newsarchive.db").is_file()
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version FROM schema_migrations").fetchall() == [
            (n,) for n in range(1, len(_migrations.SQLITE) + 1)
        ]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {
        "schema_migrations", "blobs", "articles", "aliases", "captures", "versions",
        "alert_channels", "alert_deliveries", "analysis_rules", "dictionaries", "strings",
        "unnormalised_texts",
    }  # fmt: skip


def test_the_write_ahead_log_shrinks_back_after_bulk_work(tmp_path: Path) -> None:
    """A reader keeps the log from being removed; checkpoints still cut it to its limit."""
    from newsarchive.storage.sqlite import WAL_LIMIT_BYTES

    wal = tmp_path / "a" / "newsarchive.db-wal"
    with Archive.open(tmp_path / "a") as archive, sqlite3.connect(wal.with_suffix(".db")):
        big = [
            archive.prepare(f"{URL}/{n}", text=random.Random(n).randbytes(100_000).hex())
            for n in range(80)
        ]
        archive.save_many(big, analyse=False)  # one transaction: the log grows past the limit
        grown = wal.stat().st_size
        archive.save(URL, text="After the import.")  # a checkpoint resets, then cuts, the log
        assert grown > WAL_LIMIT_BYTES >= wal.stat().st_size


def test_schema_snapshot(tmp_path: Path) -> None:
    Archive.open(tmp_path / "a").close()
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        columns = {
            table: [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for table in ("blobs", "articles", "aliases", "captures", "versions")
        }
    assert columns == {
        "blobs": ["id", "hash", "base_id", "depth", "size", "dictionary_id", "data"],
        "articles": ["id", "url", "created_at"],
        "aliases": ["url", "article_id"],
        "captures": [
            "id",
            "article_id",
            "captured_at",
            "content_hash",
            "text_id",
            "html_id",
            "title_id",
            "byline_id",
            "published_at",
            "modified_at",
            "source_id",
            "fetched_url_id",
            "http_status",
            "http_headers_zstd",
            "quality",
            "metadata_id",
            "same_content_as",
        ],
        "versions": [
            "article_id",
            "number",
            "id",
            "capture_id",
            "first_captured_at",
            "last_captured_at",
            "capture_count",
            "reverted_to",
            "significance",
            "stealth",
            "analysis_frame",
        ],
    }


def test_versions_are_stored_as_small_deltas_with_periodic_keyframes(tmp_path: Path) -> None:
    base = " ".join(f"Sentence {i} of the report says something new." for i in range(200))
    with Archive.open(tmp_path / "a") as archive:
        for i in range(40):
            archive.save(URL, text=f"{base} Update {i}.", captured_at=None)
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        rows = conn.execute("SELECT depth, size, length(data) FROM blobs").fetchall()
    keyframes = [r for r in rows if r[0] == 0]
    deltas = [r for r in rows if r[0] > 0]
    assert len(rows) == 40
    assert max(r[0] for r in rows) == _blobs.KEYFRAME_INTERVAL - 1
    assert len(keyframes) == 3  # versions 1, 17 and 33
    assert max(r[2] for r in deltas) < 100 < min(r[2] for r in keyframes)


def test_delta_frames_round_trip() -> None:
    base = b"The quick brown fox." * 50
    new = base + b" An update."
    frame = _blobs.compress_delta(new, base)
    assert len(frame) < 60
    assert _blobs.decompress(frame, base) == new


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from newsarchive import Archive

    location, offset = sys.argv[1], int(sys.argv[2])
    t0 = datetime(2017, 6, 6, tzinfo=UTC)
    with Archive.open(location) as archive:
        for i in range(60):
            # Both writers save the same captures (duplicates) and captures of their own.
            archive.save("https://example.com/shared", text=f"text {i // 3}",
                         captured_at=t0 + timedelta(minutes=i))
            archive.save("https://example.com/shared", text=f"text {i // 3}",
                         captured_at=t0 + timedelta(minutes=i, seconds=offset))
    """
)


def test_two_processes_saving_at_once_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    location = str(tmp_path / "a")
    Archive.open(location).close()
    env_path = str(Path(__file__).resolve().parents[2] / "src")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, location, str(offset)],
            env={"PYTHONPATH": env_path},
            stderr=subprocess.PIPE,
        )
        for offset in (10, 20)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with Archive.open(location) as archive:
        captures = archive.captures("https://example.com/shared")
        history = archive.history("https://example.com/shared")
    # 60 shared captures once each, plus 60 of each writer's own.
    assert len(captures) == 180
    assert len({(c.captured_at, c.content_hash) for c in captures}) == 180
    assert [v.number for v in history] == list(range(1, 21))
    assert [v.text for v in history] == [f"text {i}" for i in range(20)]
    assert sum(v.capture_count for v in history) == 180


OPENER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from newsarchive import Archive

    with Archive.open(sys.argv[1]) as archive:
        archive.save("https://example.com/" + sys.argv[2], text="Hello.",
                     captured_at=datetime(2017, 6, 6, tzinfo=UTC))
    """
)


def test_processes_opening_a_fresh_archive_at_once_all_succeed(tmp_path: Path) -> None:
    """Overlapping cron jobs on a new archive: both create it, neither fails as locked."""
    location = str(tmp_path / "fresh")
    env_path = str(Path(__file__).resolve().parents[2] / "src")
    for attempt in range(5):
        target = f"{location}-{attempt}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, target, str(n)],
                env={"PYTHONPATH": env_path},
                stderr=subprocess.PIPE,
            )
            for n in range(6)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode()
        with Archive.open(target) as archive:
            assert len(archive.articles()) == 6


def test_keyframes_after_the_first_ones_use_a_dictionary_trained_on_them(tmp_path: Path) -> None:
    stories = {f"{URL}/{n}": story(n) for n in range(3 * _blobs.TRAIN_AFTER)}
    with Archive.open(tmp_path / "a") as archive:
        for url, text in stories.items():
            archive.save(url, text=text, analyse=False)
    with sqlite3.connect(tmp_path / "a" / "newsarchive.db") as conn:
        assert conn.execute("SELECT count(*) FROM dictionaries").fetchone() == (1,)
        plain, trained = conn.execute(
            "SELECT AVG(length(data)) FILTER (WHERE dictionary_id IS NULL),"
            " AVG(length(data)) FILTER (WHERE dictionary_id IS NOT NULL) FROM blobs"
        ).fetchone()
    assert trained < 0.9 * plain
    with Archive.open(tmp_path / "a") as archive:  # a new process's view: nothing cached
        assert {url: archive.get(url).text for url in stories} == stories


def test_an_archive_a_process_at_least_doubled_is_compacted_when_it_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows of many articles interleaved leave pages split half empty; closing packs them."""
    from newsarchive.storage import sqlite as backend

    monkeypatch.setattr(backend, "COMPACT_MIN_BYTES", 256 * 1024)
    rng = random.Random(5)
    words = [rng.randbytes(3).hex() for _ in range(500)]
    database = tmp_path / "a" / "newsarchive.db"
    urls = [f"{URL}/{n}" for n in range(500)]
    with Archive.open(tmp_path / "a") as archive:
        for round_ in range(4):
            batch = [
                archive.prepare(
                    url,
                    text=" ".join(rng.choice(words) for _ in range(40)),
                    captured_at=at(round_ * 600 + n),
                )
                for n, url in enumerate(urls)
            ]
            archive.save_many(batch, analyse=False)
        before = archive.store._page_count()  # type: ignore[attr-defined]
        texts = [archive.get(url).text for url in urls]
    with sqlite3.connect(database) as conn:
        after = conn.execute("PRAGMA page_count").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    assert after < before
    with Archive.open(tmp_path / "a") as archive:
        assert [archive.get(url).text for url in urls] == texts
        archive.save(urls[0], text="Later.", captured_at=at(9999))
        pages = archive.store._page_count()  # type: ignore[attr-defined]
    with sqlite3.connect(database) as conn:  # not doubled by this process: left as it is
        assert conn.execute("PRAGMA page_count").fetchone()[0] == pages


def at(minutes: int) -> Any:
    from conftest import at as story_time

    return story_time(minutes)
