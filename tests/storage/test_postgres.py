"""PostgreSQL specifics: locations, schema and migrations, locks and retries, errors.

The archive behaviour itself runs on every backend through the shared ``archive`` fixture.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from _pg import fresh_schema, pg_location, run_sql, server_url, with_schema

from newsarchive import Archive
from newsarchive.errors import InputError, SchemaError, StorageError
from newsarchive.storage import CaptureRecord, _blobs, _migrations

pytestmark = pytest.mark.postgres

URL = "https://example.com/story"
T0 = datetime(2017, 6, 6, 20, 0, tzinfo=UTC)
SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def location() -> Iterator[str]:
    with pg_location() as found:
        yield found


def _tables(url: str, schema: str) -> set[str]:
    rows = run_sql(
        url, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
    )
    return {r[0] for r in rows}


def test_schema_parameter_creates_the_schema_and_keeps_everything_in_it() -> None:
    with fresh_schema() as (url, schema):
        with Archive.open(with_schema(url, schema)) as archive:
            archive.save(URL, text="Hello.")
            assert archive.store.schema_version() == len(_migrations.POSTGRES)
        assert _tables(url, schema) == {
            "schema_migrations",
            "blobs",
            "articles",
            "aliases",
            "captures",
            "versions",
            "alert_channels",
            "alert_deliveries",
            "analysis_rules",
            "dictionaries",
            "strings",
            "unnormalised_texts",
        }
        assert run_sql(url, f'SELECT version FROM "{schema}".schema_migrations') == [
            (n,) for n in range(1, len(_migrations.POSTGRES) + 1)
        ]
        assert run_sql(url, f'SELECT url FROM "{schema}".articles') == [(URL,)]


def test_search_path_option_selects_an_existing_schema() -> None:
    with fresh_schema() as (url, schema):
        run_sql(url, f'CREATE SCHEMA "{schema}"')
        location = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        with Archive.open(location) as archive:
            archive.save(URL, text="Hello.")
        assert "captures" in _tables(url, schema)


def test_search_path_naming_no_schema_is_a_clear_error() -> None:
    with fresh_schema() as (url, schema):
        location = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        with pytest.raises(StorageError, match="names no existing schema"):
            Archive.open(location)


def test_connection_settings_come_from_pg_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parts = urlsplit(server_url())
    with fresh_schema() as (url, schema):
        for name, value in (
            ("PGHOST", parts.hostname),
            ("PGPORT", parts.port),
            ("PGUSER", parts.username),
            ("PGDATABASE", parts.path.lstrip("/")),
        ):
            if value:
                monkeypatch.setenv(name, str(value))
        with Archive.open(f"postgresql://?schema={schema}") as archive:
            archive.save(URL, text="From the environment.")
        assert run_sql(url, f'SELECT count(*) FROM "{schema}".captures') == [(1,)]


def test_schema_snapshot(location: str) -> None:
    Archive.open(location).close()
    schema = location.rpartition("schema=")[2]
    rows = run_sql(
        server_url(),
        "SELECT table_name, column_name, data_type"
        " FROM information_schema.columns WHERE table_schema = %s"
        " ORDER BY table_name, ordinal_position",
        (schema,),
    )
    columns: dict[str, list[str]] = {}
    for table, column, kind in rows:
        columns.setdefault(table, []).append(f"{column} {kind}")
    assert columns == {
        "schema_migrations": ["version integer", "applied_at bigint"],
        "blobs": [
            "hash bytea",
            "depth integer",
            "size integer",
            "data bytea",
            "id bigint",
            "base_id bigint",
            "dictionary_id bigint",
        ],
        "articles": ["id bigint", "url text", "created_at bigint"],
        "aliases": ["url text", "article_id bigint"],
        "captures": [
            "id bigint",
            "article_id bigint",
            "captured_at bigint",
            "content_hash bytea",
            "published_at bigint",
            "modified_at bigint",
            "http_status integer",
            "quality text",
            "http_headers_zstd bytea",
            "text_id bigint",
            "html_id bigint",
            "title_id bigint",
            "byline_id bigint",
            "fetched_url_id bigint",
            "metadata_id bigint",
            "source_id bigint",
            "same_content_as bigint",
        ],
        "versions": [
            "article_id bigint",
            "number integer",
            "id text",
            "capture_id bigint",
            "first_captured_at bigint",
            "last_captured_at bigint",
            "capture_count integer",
            "reverted_to integer",
            "significance integer",
            "stealth integer",
            "analysis_frame bytea",
        ],
        "alert_channels": ["channel text", "start_at bigint"],
        "analysis_rules": ["id bigint", "name text"],
        "dictionaries": ["id bigint", "data bytea"],
        "strings": ["id bigint", "value text"],
        "alert_deliveries": [
            "channel text",
            "version_id text",
            "state text",
            "claimed_at bigint",
            "attempts integer",
            "error text",
        ],
        "unnormalised_texts": ["article_id bigint"],
    }


def test_database_newer_than_the_code_is_a_schema_error(location: str) -> None:
    Archive.open(location).close()
    schema = location.rpartition("schema=")[2]
    run_sql(server_url(), f'INSERT INTO "{schema}".schema_migrations VALUES (99, 0)')
    with pytest.raises(SchemaError, match="schema version 99, newer than"):
        Archive.open(location)


OPENER = textwrap.dedent(
    """
    import sys, time
    from newsarchive import Archive
    location, start = sys.argv[1], float(sys.argv[2])
    time.sleep(max(0.0, start - time.time()))
    with Archive.open(location) as archive:
        print(archive.store.schema_version())
    """
)


def test_processes_opening_a_fresh_database_at_once_migrate_it_once(location: str) -> None:
    import time

    start = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, location, start],
            env={"PYTHONPATH": SRC},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(6)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
        assert out.decode().strip() == str(len(_migrations.POSTGRES))
    schema = location.rpartition("schema=")[2]
    assert run_sql(server_url(), f'SELECT version FROM "{schema}".schema_migrations') == [
        (n,) for n in range(1, len(_migrations.POSTGRES) + 1)
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "postgresql://[oops",
        "postgresql://localhost/test?no_such_option=1",
        "postgresql://user:secret@127.0.0.1:1/test",
    ],
)
def test_bad_or_unreachable_location_is_a_one_line_storage_error(bad: str) -> None:
    with pytest.raises(StorageError) as caught:
        Archive.open(bad)
    message = str(caught.value)
    assert message.startswith("cannot open PostgreSQL archive")
    assert "\n" not in message
    assert "secret" not in message


def test_missing_database_is_named_in_the_error() -> None:
    parts = urlsplit(server_url())
    missing = parts._replace(path="/na_no_such_database").geturl()
    with pytest.raises(StorageError, match='database "na_no_such_database" does not exist'):
        Archive.open(missing)


def test_urls_sort_byte_wise_as_on_sqlite(location: str, tmp_path: Path) -> None:
    urls = [
        "https://example.com/b",
        "https://example.com/B",
        "https://example.com/a-1",
        "https://example.com/a_1",
        "https://example.com/a/1",
        "https://example.com/é",
    ]
    listed = []
    for where in (location, str(tmp_path / "a")):
        with Archive.open(where) as archive:
            for url in urls:
                archive.save(url, text=url, captured_at=T0)
            listed.append([a.url for a in archive.articles()])
    assert listed[0] == listed[1]


def test_saving_under_an_alias_files_the_capture_with_its_article(location: str) -> None:
    with Archive.open(location) as archive:
        archive.save(
            "https://example.com/amp/story", canonical_url=URL, text="One.", captured_at=T0
        )
        result = archive.save(
            "https://example.com/amp/story", text="Two.", captured_at=T0 + timedelta(minutes=1)
        )
        assert result.capture.url == URL
        assert [v.text for v in archive.history(URL)] == ["One.", "Two."]


def test_versions_are_stored_as_small_deltas_in_the_database(location: str) -> None:
    base = " ".join(f"Sentence {i} of the report says something new." for i in range(200))
    with Archive.open(location) as archive:
        for i in range(20):
            archive.save(URL, text=f"{base} Update {i}.", captured_at=T0 + timedelta(minutes=i))
        assert archive.get(URL, 20).text == f"{base} Update 19."
    schema = location.rpartition("schema=")[2]
    rows = run_sql(server_url(), f'SELECT depth, length(data) FROM "{schema}".blobs')
    assert len(rows) == 20
    assert max(r[0] for r in rows) == _blobs.KEYFRAME_INTERVAL - 1
    assert max(r[1] for r in rows if r[0] > 0) < 100 < min(r[1] for r in rows if r[0] == 0)


def _batch(archive: Archive) -> list[CaptureRecord]:
    """Captures whose lookups, sent ahead of their writes, go stale within the batch."""
    texts = ["First text.", "Second text.", "First text.", "Third text.", "Second text."]
    records = [
        archive.prepare(URL, text=text, captured_at=T0 + timedelta(minutes=i))
        for i, text in enumerate(texts)
    ]
    # The same text in another article, and a backfill into the first one.
    records.append(archive.prepare(f"{URL}-2", text="Third text.", captured_at=T0))
    records.append(archive.prepare(URL, text="Early text.", captured_at=T0 - timedelta(hours=1)))
    return records


def _layout(archive: Archive) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The blobs as stored, byte for byte, and each version as history shows it."""
    blobs = archive.store._all(  # type: ignore[attr-defined]
        "SELECT b.hash, p.hash, b.depth, b.size, b.data FROM blobs b"
        " LEFT JOIN blobs p ON p.id = b.base_id ORDER BY b.hash"
    )
    versions = [
        (v.url, v.number, v.text, v.reverted_to, v.capture_count)
        for url in (URL, f"{URL}-2")
        for v in archive.history(url)
    ]
    return [tuple(bytes(c) if isinstance(c, memoryview) else c for c in r) for r in blobs], versions


@pytest.mark.parametrize("method", ["save_many", "ingest"])
def test_a_batch_stores_what_sqlite_stores(location: str, tmp_path: Path, method: str) -> None:
    """Batched lookups and pipelined writes leave the same rows as one query at a time."""
    layouts = []
    for where in (location, str(tmp_path / "a")):
        with Archive.open(where) as archive:
            getattr(archive, method)(_batch(archive), analyse=False)
            layouts.append(_layout(archive))
    assert layouts[0] == layouts[1]
    assert [v[3] for v in layouts[0][1]] == [None, None, None, 2, None, 3, None]


@pytest.mark.parametrize(
    ("backfill", "reverts"),
    [(False, [None, None, None, 2, 1, 3]), (True, [None, None, None, None, 3, 1, 4])],
)
def test_a_batch_into_stored_articles_stores_what_sqlite_stores(
    location: str, tmp_path: Path, backfill: bool, reverts: list[int | None]
) -> None:
    """Revert checks asked for the whole batch at once see what the batch wrote since:
    a return to a text stored before it, and to one the batch itself brought."""
    layouts = []
    for where in (location, str(tmp_path / "a")):
        with Archive.open(where) as archive:
            before = T0 - timedelta(hours=2)
            stored = [(URL, "Third text."), (f"{URL}-2", "Second text.")]
            archive.ingest(
                [archive.prepare(u, text=t, captured_at=before) for u, t in stored], analyse=False
            )
            archive.ingest(_batch(archive)[: None if backfill else -1], analyse=False)
            layouts.append(_layout(archive))
    assert layouts[0] == layouts[1]
    assert [v[3] for v in layouts[0][1]] == [*reverts, None, None]


def test_an_import_batch_sends_as_many_statements_however_many_captures(location: str) -> None:
    """Its writes go as one batch per statement, its lookups as one per batch: what it
    sends one statement at a time does not grow with the captures it saves."""
    body = "".join(f"Paragraph {n} of a story that goes on for a while.\n\n" for n in range(40))

    def sent(count: int, first: datetime) -> int:
        with Archive.open(location) as archive:
            records = [
                archive.prepare(
                    f"{URL}/{n % 3}",
                    title="The same title.",
                    text=f"{body}Updated {first + timedelta(minutes=n)}.",
                    captured_at=first + timedelta(minutes=n),
                )
                for n in range(count)
            ]
            conn = archive.store._conn  # type: ignore[attr-defined]
            statements = []
            execute = conn.execute
            conn.execute = lambda *args, **kw: statements.append(args[0]) or execute(*args, **kw)
            archive.ingest(records, analyse=False)
            return len(statements)

    sent(3, T0)  # the articles and their title stored
    assert sent(6, T0 + timedelta(hours=1)) == sent(30, T0 + timedelta(hours=2))
    with Archive.open(location) as archive:
        assert [len(archive.history(f"{URL}/{n}")) for n in range(3)] == [13, 13, 13]


def _story_lines(first: datetime, count: int, articles: int = 3) -> bytes:
    """JSON Lines of ``articles`` stories edited in turn, returning now and then to an
    earlier text, with headlines that change."""
    body = "".join(f"Paragraph {n} of a story that goes on for a while.\n\n" for n in range(40))
    lines = []
    for n in range(count):
        when = first + timedelta(minutes=n)
        lines.append(
            {
                "url": f"{URL}/{n % articles}",
                "captured_at": when.isoformat(),
                "title": f"Headline {n // articles % 3}",
                "text": f"{body}Edition {n // articles % 4}.",
            }
        )
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def test_an_import_with_workers_stores_what_sqlite_stores(
    location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions, reverts and analyses, batch after batch, in a new archive and into
    articles stored before: each lookup asked for a whole batch, each write held back."""
    monkeypatch.setattr("newsarchive.ingest.bulk.IMPORT_BATCH", 7)
    found = []
    for where in (location, str(tmp_path / "a")):
        with Archive.open(where) as archive:
            for first, count in ((T0, 20), (T0 + timedelta(days=1), 25)):
                archive.import_jsonl(io.BytesIO(_story_lines(first, count)), workers=2)
            histories = [archive.history(f"{URL}/{n}") for n in range(3)]
            found.append(
                [
                    (v.number, v.text, v.title, v.reverted_to, v.capture_count, v.analysis)
                    for history in histories
                    for v in history
                ]
            )
            assert [v.analysis for h in histories for v in h] == [
                summary
                for n in range(3)
                for _, summary in archive._analyses.recomputed(f"{URL}/{n}")
            ]
    assert found[0] == found[1]
    assert any(v[3] is not None for v in found[0])


def test_an_import_with_workers_sends_as_many_statements_however_many_versions() -> None:
    """Analysed ahead, an import's versions are stored with their analyses in statements
    that do not grow with their number."""

    def sent(count: int) -> int:
        with pg_location() as location, Archive.open(location) as archive:
            conn = archive.store._conn  # type: ignore[attr-defined]
            statements = []
            execute = conn.execute
            conn.execute = lambda *args, **kw: statements.append(args[0]) or execute(*args, **kw)
            archive.import_jsonl(io.BytesIO(_story_lines(T0, count)), workers=2)
            conn.execute = execute
            assert sum(len(archive.history(f"{URL}/{n}")) for n in range(3)) == count
            assert all(v.analysis for v in archive.history(f"{URL}/0"))
            return len(statements)

    assert sent(6) == sent(30)


def test_an_article_another_writer_created_unseen_has_the_save_run_again(location: str) -> None:
    """A new article's row is inserted without reading back its id: were its URL taken
    after all (the advisory lock rules it out), the conflict has the save run again."""
    with Archive.open(location) as archive:
        archive.save(URL, text="First.", captured_at=T0)
        store = archive.store
        found = store._article_row  # type: ignore[attr-defined]
        missed: list[str] = []

        def unseen(url: str) -> Any:
            # As if the lookup ran before another writer's insert of the article.
            if not missed and sys._getframe(1).f_code.co_name == "_ensure_article":
                missed.append(url)
                return None
            return found(url)

        store._article_row = unseen  # type: ignore[attr-defined]
        archive.save(URL, text="Second.", captured_at=T0 + timedelta(minutes=1))
        assert missed == [URL] and store.conflicts_retried == 1  # type: ignore[attr-defined]
        assert [v.text for v in archive.history(URL)] == ["First.", "Second."]
        assert [a.url for a in archive.articles()] == [URL]


def test_an_error_in_a_pipelined_write_rolls_back_the_whole_batch(location: str) -> None:
    """A failing statement whose result is not read until later still undoes the batch."""
    with Archive.open(location) as archive:
        archive.save(URL, text="Kept.", captured_at=T0)
        store = archive.store
        writing = store._write([URL])  # type: ignore[attr-defined]
        with pytest.raises(psycopg.errors.CheckViolation), writing:
            store._execute(  # type: ignore[attr-defined]
                "INSERT INTO articles (url, created_at) VALUES (?, ?)", (f"{URL}-2", 1)
            )
            # Fails on the row saved before; its result is read only on leaving the pipeline.
            store._execute("ALTER TABLE articles ADD CHECK (created_at < 0)")  # type: ignore[attr-defined]
        assert [a.url for a in archive.articles()] == [URL]
        archive.save(URL, text="Still fine.", captured_at=T0 + timedelta(minutes=1))
        assert [v.text for v in archive.history(URL)] == ["Kept.", "Still fine."]


def test_a_transient_conflict_is_retried_and_a_persistent_one_reported(location: str) -> None:
    """A real serialization failure raised by the server is retried, then given up on."""
    with Archive.open(location) as archive:
        store = archive.store
        calls = []

        def conflict_once() -> str:
            calls.append(1)
            with store._write(["k"]):  # type: ignore[attr-defined]
                if len(calls) == 1:
                    store._execute(  # type: ignore[attr-defined]
                        "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$"
                    )
                return "done"

        assert store._retrying("testing", conflict_once) == "done"  # type: ignore[attr-defined]
        assert len(calls) == 2

        def always_deadlocks() -> None:
            with store._write(["k"]):  # type: ignore[attr-defined]
                store._execute(  # type: ignore[attr-defined]
                    "DO $$ BEGIN RAISE EXCEPTION 'stuck' USING ERRCODE = '40P01'; END $$"
                )

        with pytest.raises(StorageError, match="kept conflicting with other writers: stuck"):
            store._retrying("testing", always_deadlocks)  # type: ignore[attr-defined]
        # The connection is usable afterwards.
        archive.save(URL, text="Still fine.")
        assert archive.get(URL).text == "Still fine."


def test_text_that_postgresql_cannot_hold_is_refused_at_the_door_and_saves_nothing(
    location: str,
) -> None:
    """Refused on every backend alike, so any archive can be copied to PostgreSQL."""
    with Archive.open(location) as archive:
        with pytest.raises(InputError, match="title holds a NUL character"):
            archive.save(URL, text="Body.", title="Bad\x00title")
        assert archive.articles() == []


def test_lock_keys_are_stable_across_processes_and_releases() -> None:
    """Machines running different releases must agree on which lock guards an article."""
    from newsarchive.storage.postgres import lock_key

    assert lock_key("public", URL) == lock_key("public", URL)
    assert lock_key("public", URL) != lock_key("other", URL)
    assert lock_key("public", URL) == -8341500209131764893


def test_without_psycopg_a_postgresql_location_names_the_extra_to_install() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["psycopg"] = None  # as if the extra were not installed
        from newsarchive import Archive
        from newsarchive.errors import MissingDependencyError
        try:
            Archive.open("postgresql://localhost/news")
        except MissingDependencyError as exc:
            print(exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == (
        "A PostgreSQL archive needs an optional dependency: pip install 'newsarchive[postgres]'"
    )
