"""Archives written at an earlier schema are brought to the current layout in place."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _pg import pg_location, run_sql, server_url

from newsarchive import Archive
from newsarchive.storage import _migrations

URL = "https://example.com/story"
BASE = "The council approved the budget on Monday.\n\nThree members voted against it."
TEXTS = [BASE, BASE.replace("Monday", "Tuesday"), BASE + "\n\nThe mayor resigned.", BASE]

# What captures carry beside their text, each value stored once since schema 11.
DETAILS: list[dict[str, Any]] = [
    {
        "title": "Budget approved",
        "byline": "A. Reporter",
        "fetched_url": URL + "?amp",
        "metadata": {"site_name": "Example", "language": "en"},
    },
    {"title": "Budget approved", "metadata": {"site_name": "Example", "language": "en"}},
]

Run = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


def _build_at_schema_3(location: str, run: Run, binary: str) -> list[dict[str, Any]]:
    """An archive as schema 3 left it: analyses as JSON text, no frame column, no alerts,
    each version's content hash in its row.

    It is written by today's code, then taken back: frames turned into the JSON the
    earlier code stored, the new column and tables dropped and the migrations' records
    removed.
    """
    with Archive.open(location) as archive:
        for minutes, text in enumerate(TEXTS):
            archive.save(URL, text=text, captured_at=_at(minutes), **DETAILS[minutes % 2])
        summaries = [dict(v.analysis or {}) for v in archive.history(URL)]
    _take_back_to_schema_12(run)
    run("ALTER TABLE versions ADD COLUMN analysis TEXT", ())
    run(
        "UPDATE versions SET last_captured_at = first_captured_at WHERE last_captured_at IS NULL",
        (),
    )
    run("ALTER TABLE captures ADD COLUMN source TEXT", ())
    run(
        "UPDATE captures SET source = (SELECT value FROM strings WHERE id = captures.source_id)", ()
    )
    run("ALTER TABLE captures DROP COLUMN source_id", ())
    for article_id, number in run("SELECT article_id, number FROM versions", ()):
        summary = summaries[number - 1]
        run(
            "UPDATE versions SET analysis = ? WHERE article_id = ? AND number = ?",
            (json.dumps(summary, ensure_ascii=False, sort_keys=True), article_id, number),
        )
    run("ALTER TABLE versions DROP COLUMN analysis_frame", ())
    run("DROP TABLE analysis_rules", ())
    run(f"ALTER TABLE captures ADD COLUMN text_hash {binary}", ())
    run(f"ALTER TABLE captures ADD COLUMN html_hash {binary}", ())
    run(
        "UPDATE captures SET text_hash = (SELECT hash FROM blobs WHERE id = captures.text_id),"
        " html_hash = (SELECT hash FROM blobs WHERE id = captures.html_id)",
        (),
    )
    run("ALTER TABLE captures DROP COLUMN text_id", ())
    run("ALTER TABLE captures DROP COLUMN html_id", ())
    run("ALTER TABLE blobs DROP COLUMN dictionary_id", ())
    run("DROP TABLE dictionaries", ())
    run(f"ALTER TABLE versions ADD COLUMN content_hash {binary}", ())
    run(
        "UPDATE versions SET content_hash ="
        " (SELECT c.content_hash FROM captures c WHERE c.id = versions.capture_id)",
        (),
    )
    for column in ("title", "byline", "fetched_url", "metadata"):
        run(f"ALTER TABLE captures ADD COLUMN {column} TEXT", ())
        run(
            f"UPDATE captures SET {column} ="
            f" (SELECT value FROM strings WHERE id = captures.{column}_id)",
            (),
        )
        run(f"ALTER TABLE captures DROP COLUMN {column}_id", ())
    run("DROP TABLE strings", ())
    run("DROP TABLE alert_deliveries", ())
    run("DROP TABLE alert_channels", ())
    run("DELETE FROM schema_migrations WHERE version > 3", ())
    return summaries


def _take_back_to_schema_13(run: Run) -> None:
    """Drop the list of articles that may hold texts stored other than in normal form."""
    run("DROP TABLE unnormalised_texts", ())
    run("DELETE FROM schema_migrations WHERE version > 13", ())


def _take_back_to_schema_12(run: Run) -> None:
    """Give every capture its own content hash, drop schema 13's column and bring back
    the JSON headers column it dropped (no page of these archives is kept in its row)."""
    _take_back_to_schema_13(run)
    frames = run("SELECT http_headers_zstd FROM captures", ())
    assert not [f for (f,) in frames if f is not None and bytes(f)[:1] == b"\x04"]
    run(
        "UPDATE captures SET content_hash = (SELECT f.content_hash FROM captures f"
        " WHERE f.id = captures.same_content_as) WHERE same_content_as IS NOT NULL",
        (),
    )
    run("ALTER TABLE captures DROP COLUMN same_content_as", ())
    run("ALTER TABLE captures ADD COLUMN http_headers TEXT", ())
    run("DELETE FROM schema_migrations WHERE version > 12", ())


def _at(minutes: int) -> Any:
    from conftest import at

    return at(minutes * 10)


def _check_migrated(location: str, summaries: list[dict[str, Any]], run: Run) -> None:
    with Archive.open(location) as archive:
        assert archive.schema_version() == len(_migrations.SQLITE) == len(_migrations.POSTGRES)
        history = archive.history(URL)
        assert [v.text for v in history] == TEXTS
        for number, capture in enumerate(archive.captures(URL)):
            details = DETAILS[number % 2]
            assert capture.title == details["title"]
            assert capture.byline == details.get("byline")
            assert capture.fetched_url == details.get("fetched_url")
            assert capture.metadata == details["metadata"]
        assert archive.articles()[0].title == "Budget approved"
        assert [dict(v.analysis or {}) for v in history] == summaries
        assert [c.level for c in archive.changes()] == ["substantive", "substantive", "substantive"]
        archive.save(URL, text=BASE + " Later.", captured_at=_at(9))
        assert archive.get(URL).analysis["against"] == archive.get(URL, 4).id
        assert archive.store.alert_start("webhook", start_at=_at(0)) == _at(0)
    assert run("SELECT count(*) FROM versions WHERE last_captured_at = first_captured_at", ()) == [
        (0,)
    ]
    assert run("SELECT count(*) FROM versions WHERE analysis_frame IS NULL", ()) == [(0,)]
    frames = [bytes(r[0]) for r in run("SELECT analysis_frame FROM versions", ())]
    assert {frame[:1] for frame in frames} == {b"\x03"}  # all in the linked layout


def test_sqlite_archive_at_schema_3_is_migrated_in_place(tmp_path: Path) -> None:
    location = str(tmp_path / "a")

    def run(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with sqlite3.connect(Path(location) / "newsarchive.db") as conn:
            return conn.execute(sql, params).fetchall()

    summaries = _build_at_schema_3(location, run, "BLOB")
    for statement in (  # blobs as schema 1 made them
        "CREATE TABLE old_blobs (hash BLOB PRIMARY KEY, base BLOB, depth INTEGER NOT NULL,"
        " size INTEGER NOT NULL, data BLOB NOT NULL) WITHOUT ROWID",
        "INSERT INTO old_blobs SELECT b.hash, p.hash, b.depth, b.size, b.data FROM blobs b"
        " LEFT JOIN blobs p ON p.id = b.base_id",
        "DROP TABLE blobs",
        "ALTER TABLE old_blobs RENAME TO blobs",
    ):
        run(statement, ())
    assert run("PRAGMA table_info(versions)", ())[-1][1] == "content_hash"
    _check_migrated(location, summaries, run)
    assert [r[1] for r in run("PRAGMA table_info(blobs)", ())] == [
        "id",
        "hash",
        "base_id",
        "depth",
        "size",
        "dictionary_id",
        "data",
    ]
    assert "content_hash" not in [r[1] for r in run("PRAGMA table_info(versions)", ())]
    assert run("SELECT value FROM strings ORDER BY id", ()) == [
        ("A. Reporter",),
        ("Budget approved",),
        (URL + "?amp",),
        ('{"language": "en", "site_name": "Example"}',),
        ("manual",),  # the captures' source, named by number since schema 12
    ]


@pytest.mark.postgres
def test_postgres_archive_at_schema_3_is_migrated_in_place() -> None:
    with pg_location() as location:
        schema = location.rpartition("schema=")[2]

        def run(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            for table in (
                "versions",
                "schema_migrations",
                "alert_deliveries",
                "alert_channels",
                "analysis_rules",
                "captures",
                "blobs",
                "dictionaries",
                "strings",
                "unnormalised_texts",
            ):
                sql = re.sub(rf"\b{table}\b", f'"{schema}".{table}', sql)
            return [tuple(r) for r in run_sql(server_url(), sql.replace("?", "%s"), params)]

        summaries = _build_at_schema_3(location, run, "BYTEA")
        for statement in (  # blobs as schema 3 made them
            "ALTER TABLE blobs ADD COLUMN base BYTEA",
            "UPDATE blobs SET base = p.hash FROM blobs p WHERE p.id = blobs.base_id",
            "ALTER TABLE blobs DROP COLUMN base_id",
            "ALTER TABLE blobs DROP COLUMN id",
        ):
            run(statement, ())
        _check_migrated(location, summaries, run)


DATA = Path(__file__).parent / "data"
STORY, OTHER = "https://example.com/story", "https://example.com/other"


def _reads(archive: Archive) -> dict[str, Any]:
    """What an archive reads back, as ``archive_at_schema_11.json`` records it."""
    found: dict[str, Any] = {}
    for url in (STORY, OTHER):
        found[url] = {
            "versions": [
                {
                    "id": v.id,
                    "number": v.number,
                    "text": v.text,
                    "content_hash": v.content_hash,
                    "text_hash": v.text_hash,
                    "reverted_to": v.reverted_to,
                    "analysis": json.loads(json.dumps(v.analysis, default=str))
                    if v.analysis
                    else None,
                }
                for v in archive.history(url)
            ],
            "captures": [
                {
                    "id": c.id,
                    "captured_at": c.captured_at.isoformat(),
                    "version_id": c.version_id,
                    "content_hash": c.content_hash,
                    "text_hash": c.text_hash,
                    "html_hash": c.html_hash,
                    "http_headers": [list(h) for h in (c.http_headers or [])],
                    "html": archive.raw_html(c) if c.html_hash else None,
                }
                for c in archive.captures(url)
            ],
        }
    return found


def test_sqlite_archive_at_schema_11_is_migrated_in_place(tmp_path: Path) -> None:
    """An archive the code at schema 11 wrote (dumped as SQL), with what it read back."""
    (tmp_path / "a").mkdir()
    database = tmp_path / "a" / "newsarchive.db"
    with sqlite3.connect(database) as conn:
        conn.executescript((DATA / "archive_at_schema_11.sql").read_text())
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"sqlite_autoindex_captures_1", "sqlite_autoindex_blobs_1"} <= indexes
    expected = json.loads((DATA / "archive_at_schema_11.json").read_text())
    with Archive.open(tmp_path / "a") as archive:
        assert archive.schema_version() == len(_migrations.SQLITE) > 11
        assert _reads(archive) == expected
        assert [c.source for c in archive.captures(STORY)] == ["fetch"] * 5
        assert [c.source for c in archive.captures(OTHER)] == ["manual"] * 3
        # A capture saved again is found by article and time, and a text stored once.
        first = archive.captures(STORY)[0]
        again = archive.save(STORY, text=expected[STORY]["versions"][0]["text"],
                             captured_at=first.captured_at, title="Budget approved",
                             source="fetch", fetched_url=STORY,
                             metadata={"site_name": "Example"})  # fmt: skip
        assert not again.is_new_capture and again.capture.id == first.id
        blobs = archive.store._one("SELECT count(*) FROM blobs")[0]
        archive.save(OTHER, text="A quiet day.", title="Quiet", captured_at=at_minutes(120))
        assert archive.store._one("SELECT count(*) FROM blobs")[0] == blobs
        assert archive.get(OTHER).reverted_to == 1
    with sqlite3.connect(database) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)  # compacted after
        assert conn.execute(
            "SELECT count(*) FROM versions WHERE last_captured_at IS NOT NULL"
        ).fetchone() == (1,)  # the one version captured twice keeps its last time
    assert {"captures_by_time", "blobs_by_hash", "versions_by_change"} <= indexes
    assert not indexes & {
        "sqlite_autoindex_captures_1",
        "sqlite_autoindex_blobs_1",
        "versions_by_time",
    }


def at_minutes(minutes: float) -> Any:
    from conftest import at

    return at(minutes)


@pytest.mark.postgres
def test_postgres_archive_at_schema_11_is_migrated_in_place() -> None:
    """Written by today's code, taken back to schema 11's layout, then opened again."""
    with pg_location() as location:
        schema = location.rpartition("schema=")[2]

        def run(sql: str) -> list[tuple[Any, ...]]:
            for table in (
                "versions",
                "schema_migrations",
                "captures",
                "strings",
                "unnormalised_texts",
            ):
                sql = re.sub(rf"\b{table}\b", f'"{schema}".{table}', sql)
            return [tuple(r) for r in run_sql(server_url(), sql, ())]

        with Archive.open(location) as archive:
            for minutes, text in enumerate(TEXTS):
                # Pages of as many tokens as no other, so none is kept in its row.
                page = f"<p>{text}</p>" + "<br>" * minutes
                archive.save(STORY, text=text, captured_at=_at(minutes), source="fetch",
                             http_headers=[("server", "nginx")], html=page)  # fmt: skip
            archive.save(STORY, text=TEXTS[-1], captured_at=_at(5), source="fetch")
            for minutes, text in ((0, "A quiet day."), (60, "Rain."), (30, "Clouds.")):
                archive.save(OTHER, text=text, captured_at=at_minutes(minutes))
            before = _reads(archive)
        _take_back_to_schema_12(lambda sql, params: run(sql))
        for statement in (
            "ALTER TABLE captures ADD COLUMN source TEXT",
            "UPDATE captures SET source = (SELECT value FROM strings WHERE id = source_id)",
            "ALTER TABLE captures ALTER COLUMN source SET NOT NULL",
            "ALTER TABLE captures DROP COLUMN source_id",
            "ALTER TABLE versions ADD COLUMN analysis TEXT",
            "UPDATE versions SET last_captured_at = first_captured_at"
            " WHERE last_captured_at IS NULL",
            "ALTER TABLE versions ALTER COLUMN last_captured_at SET NOT NULL",
            "ALTER TABLE captures ADD CONSTRAINT captures_article_id_captured_at_content_hash_key"
            " UNIQUE (article_id, captured_at, content_hash)",
            "DROP INDEX captures_by_time",
            "CREATE INDEX versions_by_time ON versions (article_id, first_captured_at)",
            "DELETE FROM schema_migrations WHERE version > 11",
        ):
            run(statement.replace("INDEX captures_by_time", f'INDEX "{schema}".captures_by_time'))
        with Archive.open(location) as archive:
            assert archive.schema_version() == len(_migrations.POSTGRES)
            assert _reads(archive) == before
            assert [c.source for c in archive.captures(STORY)] == ["fetch"] * 5
        assert run("SELECT count(*) FROM versions WHERE last_captured_at = first_captured_at") == [
            (0,)
        ]
        indexes = {
            r[0]
            for r in run_sql(
                server_url(), "SELECT indexname FROM pg_indexes WHERE schemaname = %s", (schema,)
            )
        }
        assert "captures_by_time" in indexes
        assert not indexes & {
            "captures_article_id_captured_at_content_hash_key",
            "versions_by_time",
        }


def _re_check(archive: Archive, minutes: int, cf_id: str) -> None:
    """Save STORY's latest text again, as a scheduled fetch would find it."""
    latest = archive.get(STORY)
    page = next(archive.raw_html(c) for c in archive.captures(STORY)[::-1] if c.html_hash)
    assert page is not None
    archive.save(STORY, text=latest.text, captured_at=at_minutes(minutes), source="fetch",
                 title=latest.title, html=page.replace("council", f"council{minutes}"),
                 http_headers=[("server", "AmazonS3"), ("x-amz-cf-id", cf_id)])  # fmt: skip


def test_sqlite_archive_at_schema_12_is_migrated_in_place(tmp_path: Path) -> None:
    """An archive the code at schema 12 wrote (dumped as SQL), with what it read back:
    scheduled re-checks of one article, with headers and pages, a backfill and a revert."""
    (tmp_path / "a").mkdir()
    database = tmp_path / "a" / "newsarchive.db"
    with sqlite3.connect(database) as conn:
        conn.executescript((DATA / "archive_at_schema_12.sql").read_text())
    expected = json.loads((DATA / "archive_at_schema_12.json").read_text())
    with Archive.open(tmp_path / "a") as archive:
        assert archive.schema_version() == len(_migrations.SQLITE) == 14
        assert _reads(archive) == expected
        # Re-checks saved now: in the new layout, against what schema 12 stored.
        for minutes in (200, 215):
            _re_check(archive, minutes, f"{minutes:040x}")
        after = _reads(archive)
        assert after[STORY]["captures"][:-2] == expected[STORY]["captures"]
        assert [c["http_headers"] for c in after[STORY]["captures"][-2:]] == [
            [["server", "AmazonS3"], ["x-amz-cf-id", f"{m:040x}"]] for m in (200, 215)
        ]
        last = after[STORY]["captures"][-1]["html"]
        assert last == expected[STORY]["captures"][-1]["html"].replace("council", "council215200")
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            "SELECT length(content_hash), same_content_as IS NULL,"
            " substr(http_headers_zstd, 1, 1) = x'04' FROM captures ORDER BY id"
        ).fetchall()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(captures)")]
    # Rows schema 12 wrote keep their layout; the re-checks name the hash they repeat
    # and keep their pages in their rows, after their headers.
    assert rows[:-2] == [(32, 1, 0)] * 10 + [(32, 1, None)] * 3
    assert rows[-2:] == [(0, 0, 1)] * 2
    assert "http_headers" not in columns


@pytest.mark.postgres
def test_postgres_archive_at_schema_12_is_migrated_in_place() -> None:
    """Written by today's code, taken back to schema 12's layout, then opened again."""
    with pg_location() as location:
        schema = location.rpartition("schema=")[2]

        def run(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
            for table in ("schema_migrations", "captures", "unnormalised_texts"):
                sql = re.sub(rf"\b{table}\b", f'"{schema}".{table}', sql)
            return [tuple(r) for r in run_sql(server_url(), sql.replace("?", "%s"), params)]

        with Archive.open(location) as archive:
            for minutes, text in enumerate(TEXTS * 2):
                # Pages of as many tokens as no other, so none is kept in its row.
                archive.save(STORY, text=text, captured_at=_at(minutes), source="fetch",
                             http_headers=[("server", "nginx")],
                             html=f"<p>{text}</p>" + "<br>" * minutes)  # fmt: skip
            archive.save(STORY, text=TEXTS[-1], captured_at=_at(9), source="fetch")
            archive.save(OTHER, text="A quiet day.", captured_at=at_minutes(0))
            before = _reads(archive)
        assert run("SELECT count(*) FROM captures WHERE same_content_as IS NOT NULL") == [(2,)]
        _take_back_to_schema_12(run)
        with Archive.open(location) as archive:
            assert archive.schema_version() == len(_migrations.POSTGRES) == 14
            assert _reads(archive) == before
            for minutes in (200, 215):
                _re_check(archive, minutes, f"{minutes:040x}")
            after = _reads(archive)
        assert after[STORY]["captures"][:-2] == before[STORY]["captures"]
        rows = run(
            "SELECT length(content_hash), same_content_as IS NULL,"
            " substr(http_headers_zstd, 1, 1) = '\\x04'::bytea FROM captures ORDER BY id"
        )
        assert rows[-2:] == [(0, False, True)] * 2


def _listed_after_schema_13(location: str, run: Run) -> None:
    """Written by today's code (one article holding a text stored with other spacing),
    taken back to schema 13, opened again: every article is listed as one that may hold
    such texts, so a revert to one is still found."""
    with Archive.open(location) as archive:
        archive.save(STORY, text="A quiet  day.", captured_at=at_minutes(0))
        archive.save(STORY, text="A busy day.", captured_at=at_minutes(10))
        archive.save(OTHER, text="Nothing new.", captured_at=at_minutes(0))
        before = _reads(archive)
    _take_back_to_schema_13(run)
    with Archive.open(location) as archive:
        assert archive.schema_version() == 14
        assert _reads(archive) == before
        assert run("SELECT count(*) FROM unnormalised_texts", ()) == [(2,)]
        archive.save(STORY, text="A quiet day.", captured_at=at_minutes(20))
        assert [v.reverted_to for v in archive.history(STORY)] == [None, None, 1]


def test_sqlite_archive_at_schema_13_is_migrated_in_place(tmp_path: Path) -> None:
    database = tmp_path / "a" / "newsarchive.db"

    def run(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with sqlite3.connect(database) as conn:
            return conn.execute(sql, params).fetchall()

    _listed_after_schema_13(str(tmp_path / "a"), run)


@pytest.mark.postgres
def test_postgres_archive_at_schema_13_is_migrated_in_place() -> None:
    with pg_location() as location:
        schema = location.rpartition("schema=")[2]

        def run(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            for table in ("schema_migrations", "unnormalised_texts"):
                sql = re.sub(rf"\b{table}\b", f'"{schema}".{table}', sql)
            return [tuple(r) for r in run_sql(server_url(), sql.replace("?", "%s"), params)]

        _listed_after_schema_13(location, run)
