"""Research exports (Parquet, plain SQLite) and the NewsEdits import, read back by the
tools researchers use: DuckDB, polars, sqlite-utils and Datasette."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from newsarchive import Archive
from newsarchive.cli import cli
from newsarchive.errors import InputError, StorageError
from newsarchive.interop.newsedits import import_newsedits
from newsarchive.interop.parquet import export_parquet
from newsarchive.interop.research import TABLES, export_sqlite

DOCS = Path(__file__).resolve().parents[2] / "docs"
T0 = datetime(2021, 5, 3, 8, 0, tzinfo=UTC)
MAYOR = "https://news.example.com/2021/05/03/mayor-budget"
PARKS = "https://news.example.com/2021/05/03/parks"
FLOOD = "https://www.other.example.org/flood"

BODY = [
    "The mayor spoke on Monday about the budget. Taxes will rise next year.",
    "Parks will close at nine every night.",
]


def build(archive: Archive) -> None:
    """Three articles on two sites: headlines changed thrice, a stealth edit, a move."""
    texts = [
        "\n\n".join(BODY),
        "\n\n".join(BODY).replace("Monday", "Tuesday"),
        "\n\n".join([BODY[1], BODY[0]]).replace("Monday", "Tuesday"),
        "\n\n".join([BODY[1], BODY[0], "A vote is due in March."]).replace("Monday", "Tuesday"),
    ]
    titles = ["Mayor on budget", "Mayor on the budget", "Mayor: taxes to rise", "Taxes to rise"]
    for hour, (text, title) in enumerate(zip(texts, titles, strict=True)):
        archive.save(MAYOR, text=text, title=title, captured_at=T0 + timedelta(hours=hour))
    archive.save(MAYOR, text=texts[-1], title=titles[-1], captured_at=T0 + timedelta(hours=5))
    archive.save(PARKS, text="Parks open.", title="Parks", captured_at=T0)
    archive.save(
        PARKS, text="Parks open at six. They close at nine.", title="Parks",
        captured_at=T0 + timedelta(hours=1), metadata={"desk": "city"},
    )  # fmt: skip
    archive.save(FLOOD, text="The river rose 2 metres.", title="Flood", captured_at=T0)
    archive.save(
        FLOOD, text="The river rose 3 metres.", title="Flood",
        captured_at=T0 + timedelta(hours=2), fetched_url=FLOOD + "?utm=x", http_status=200,
    )  # fmt: skip


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as archive:
        build(archive)
        yield archive


def test_parquet_tables_hold_every_version_and_edit(built: Archive, tmp_path: Path) -> None:
    report = export_parquet(built, tmp_path / "tables")
    assert attrs.asdict(report) == {
        "articles": 3,
        "versions": 8,
        "sentence_edits": report.sentence_edits,
        "captures": 9,
    }
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == [
        "articles.parquet",
        "captures.parquet",
        "sentence_edits.parquet",
        "versions.parquet",
    ]
    tables = tmp_path / "tables"
    for name, columns in TABLES.items():
        frame = pl.read_parquet(tables / f"{name}.parquet")
        assert frame.columns == [c for c, _ in columns]
    versions = duckdb.sql(
        f"SELECT url, version, version_id, title, text, significance, stealth"
        f" FROM '{tables}/versions.parquet' ORDER BY url, version"
    ).fetchall()
    expected = [
        (v.url, v.number, v.id, v.title, v.text, (v.analysis or {}).get("level"),
         (v.analysis or {}).get("stealth"))
        for url in sorted([MAYOR, PARKS, FLOOD])
        for v in built.history(url)
    ]  # fmt: skip
    assert versions == expected
    edits = duckdb.sql(
        f"SELECT version, old_version, action, reasons, old_index, new_index, new_sentence"
        f" FROM '{tables}/sentence_edits.parquet' WHERE url = '{MAYOR}'"
        " ORDER BY version, coalesce(new_index, old_index)"
    ).fetchall()
    assert edits == [
        (2, 1, "edit", ["date-changed"], 0, 0, "The mayor spoke on Tuesday about the budget."),
        (3, 2, "refactor", ["sentence-moved"], 2, 0, "Parks will close at nine every night."),
        (4, 3, "addition", ["sentence-added"], None, 3, "A vote is due in March."),
    ]
    captures = duckdb.sql(
        f"SELECT captured_at, fetched_url, http_status, version FROM '{tables}/captures.parquet'"
        f" WHERE url = '{FLOOD}' ORDER BY captured_at"
    ).fetchall()
    assert [(c[0].astimezone(UTC), c[1], c[2], c[3]) for c in captures] == [
        (T0, None, None, 1),
        (T0 + timedelta(hours=2), FLOOD + "?utm=x", 200, 2),
    ]
    [(aliases, site, count)] = duckdb.sql(
        f"SELECT aliases, site, capture_count FROM '{tables}/articles.parquet'"
        f" WHERE url = '{FLOOD}'"
    ).fetchall()
    assert (aliases, site, count) == ([FLOOD + "?utm=x"], "www.other.example.org", 2)
    [(metadata,)] = duckdb.sql(
        f"SELECT metadata FROM '{tables}/versions.parquet' WHERE url = '{PARKS}' AND version = 2"
    ).fetchall()
    assert json.loads(metadata) == {"desk": "city"}


def test_plain_database_is_read_by_sqlite_utils_and_datasette(
    built: Archive, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.db"
    report = export_sqlite(built, plain)
    assert (report.articles, report.versions, report.captures) == (3, 8, 9)
    import sqlite_utils

    db = sqlite_utils.Database(plain)
    assert {t: db[t].count for t in TABLES} == {
        "articles": 3,
        "versions": 8,
        "sentence_edits": report.sentence_edits,
        "captures": 9,
    }
    assert db["versions"].detect_fts() == "versions_fts"
    found = list(db["versions"].search("taxes", columns=["url", "version"]))
    assert {(r["url"], r["version"]) for r in found} == {(MAYOR, n) for n in (1, 2, 3, 4)}
    row = next(db["versions"].rows_where("url = ? AND version = 1", [MAYOR]))
    assert row["text"] == built.get(MAYOR, 1).text
    assert row["first_captured_at"] == "2021-05-03T08:00:00Z"
    article = next(db["articles"].rows_where("url = ?", [FLOOD]))
    assert json.loads(article["aliases"]) == [FLOOD + "?utm=x"]
    assert {i.name for i in db["versions"].indexes} >= {"versions_by_url_version"}
    inspect = subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", str(plain)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    tables = json.loads(inspect.stdout)["plain"]["tables"]
    assert tables["versions"]["count"] == 8 and tables["versions_fts"]["count"] == 8


def test_lone_surrogates_are_exported_as_replacement_characters(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive") as archive:
        archive.save(MAYOR, text="Broken \ud800 pair.", captured_at=T0)
        export_sqlite(archive, tmp_path / "plain.db")
        export_parquet(archive, tmp_path / "tables")
    [(text,)] = duckdb.sql(f"SELECT text FROM '{tmp_path}/tables/versions.parquet'").fetchall()
    assert text == "Broken \ufffd pair."


def test_an_export_replaces_the_old_one_only_when_complete(built: Archive, tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    plain.write_text("old")
    export_sqlite(built, plain)
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(InputError, match="is a file"):
        export_parquet(built, plain)


def _doc_examples() -> list[str]:
    text = (DOCS / "exports.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_docs_examples_run_and_are_right(
    built: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_parquet(built, tmp_path / "tables")
    export_sqlite(built, tmp_path / "plain.db")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in _doc_examples():
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, "docs/exports.md", "exec"), namespace)  # noqa: S102
    # What the examples compute, from the archive itself.
    changes = {}
    for url in (MAYOR, PARKS, FLOOD):
        titles = [v.title for v in built.history(url)]
        changes[url] = sum(a != b for a, b in zip(titles, titles[1:], strict=False))
    assert namespace["headline_changes"] == [(u, n) for u, n in changes.items() if n > 2]
    assert namespace["headline_changes"] == [(MAYOR, 3)]
    shares = {}
    for site, urls in (("news.example.com", [MAYOR, PARKS]), ("www.other.example.org", [FLOOD])):
        flags = [bool((v.analysis or {}).get("stealth")) for u in urls for v in built.history(u)]
        shares[site] = sum(flags) / len(flags)
    frame = namespace["stealth_share"]
    assert isinstance(frame, pl.DataFrame)
    assert dict(frame.iter_rows()) == pytest.approx(shares)
    assert 0 < shares["www.other.example.org"] < 1
    assert namespace["actions"] == {"addition": 2, "edit": 2, "refactor": 1} or all(
        k in ("addition", "deletion", "edit", "refactor")
        for k in namespace["actions"]  # type: ignore[attr-defined]
    )
    assert namespace["found"] == [(MAYOR, n) for n in (1, 2, 3, 4)]


def newsedits_dump(path: Path) -> None:
    """A dump laid out as the NewsEdits corpus's per-outlet databases are."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(
            "CREATE TABLE entryversion (entry_id INTEGER, version INTEGER, title TEXT,"
            " created TEXT, url TEXT, source TEXT, num_versions INTEGER, summary TEXT)"
        )
        rows = [
            (1, 0, "Fire downtown", "2019-08-07 14:59:27", "https://ap.example/fire", "ap", 3,
             "<p>A fire broke out downtown.</p><p>No one was hurt.</p>"),
            (1, 1, "Fire downtown", "2019-08-07 16:02:00", "https://ap.example/fire", "ap", 3,
             "<p>A fire broke out downtown on Wednesday.</p><p>No one was hurt.</p>"),
            (1, 2, "Two hurt in downtown fire", "2019-08-08 09:00:00",
             "https://ap.example/fire-two-hurt", "ap", 3,
             "<p>A fire broke out downtown on Wednesday.</p>"
             "<p>Two people were hurt &amp; treated.</p>"),
            (2, 0, "Rates", "2019-08-07 10:00:00", "https://ap.example/rates", "ap", 2,
             "Rates held."),
            (2, 1, "Rates", None, "https://ap.example/rates", "ap", 2, "Rates cut."),
        ]  # fmt: skip
        db.executemany("INSERT INTO entryversion VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.commit()


def test_newsedits_dump_round_trips_through_parquet(tmp_path: Path) -> None:
    dump = tmp_path / "ap.db"
    newsedits_dump(dump)
    with Archive.open(tmp_path / "archive") as archive:
        report = import_newsedits(archive, dump)
        assert (report.rows, report.captures_added, report.versions_added) == (5, 4, 4)
        assert report.problems == (("2 v1", "no time"),)
        again = import_newsedits(archive, dump)
        assert (again.captures_added, again.unchanged) == (0, 4)
        fire = archive.history("https://ap.example/fire-two-hurt")
        assert [v.title for v in fire] == [
            "Fire downtown",
            "Fire downtown",
            "Two hurt in downtown fire",
        ]
        assert fire[-1].text == (
            "A fire broke out downtown on Wednesday.\n\nTwo people were hurt & treated."
        )
        assert archive.captures("https://ap.example/fire")[0].metadata["newsedits"] == {
            "entry_id": 1, "version": 0, "source": "ap",
        }  # fmt: skip
        export_parquet(archive, tmp_path / "tables")
    tables = tmp_path / "tables"
    with contextlib.closing(sqlite3.connect(dump)) as db:
        source = db.execute(
            "SELECT url, summary FROM entryversion WHERE created IS NOT NULL"
            " ORDER BY entry_id, version"
        ).fetchall()
    exported = duckdb.sql(
        f"SELECT url, text FROM '{tables}/versions.parquet' ORDER BY url, version"
    ).fetchall()
    assert len(exported) == len(source) == 4
    plain = [
        re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", s)).replace("&amp;", "&").strip()
        for _, s in source
    ]
    assert [re.sub(r"\s+", " ", t) for _, t in exported] == plain
    [(count,)] = duckdb.sql(f"SELECT count(*) FROM '{tables}/articles.parquet'").fetchall()
    assert count == 2


def test_newsedits_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    with contextlib.closing(sqlite3.connect(bad)) as db:
        db.execute("CREATE TABLE a (x)")
        db.execute("CREATE TABLE b (entry_id, url)")
    with Archive.open(tmp_path / "archive") as archive:
        with pytest.raises(StorageError, match="2 tables: name the one to read"):
            import_newsedits(archive, bad)
        with pytest.raises(InputError, match="no column for the text, time"):
            import_newsedits(archive, bad, table="b")
        with pytest.raises(StorageError, match="no table 'c'"):
            import_newsedits(archive, bad, table="c")
        text = tmp_path / "notes.txt"
        text.write_text("not a database")
        with pytest.raises(StorageError, match="cannot read"):
            import_newsedits(archive, text)


def test_cli_exports_and_imports(tmp_path: Path, sample_dir: Path) -> None:
    runner = CliRunner()
    location = str(tmp_path / "archive")
    assert runner.invoke(cli, ["--archive", location, "import", str(sample_dir)]).exit_code == 0
    result = runner.invoke(
        cli,
        [
            "--archive",
            location,
            "export",
            "--format",
            "parquet",
            "-o",
            str(tmp_path / "t"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert (counts["articles"], counts["versions"], counts["captures"]) == (1, 7, 8)
    assert "exported 1 article, 7 versions" in result.stderr
    result = runner.invoke(
        cli, ["--archive", location, "export", "--format", "sqlite", "-o", str(tmp_path / "p.db")]
    )
    assert result.exit_code == 0 and result.stdout == ""
    result = runner.invoke(cli, ["--archive", location, "export", "--format", "sqlite"])
    assert result.exit_code == 2 and "needs -o" in result.stderr
    result = runner.invoke(cli, ["--archive", location, "export", "--format", "parquet", "a.warc"])
    assert result.exit_code == 2 and "exports the whole archive" in result.stderr
    dump = tmp_path / "ap.db"
    newsedits_dump(dump)
    result = runner.invoke(
        cli, ["--archive", str(tmp_path / "n"), "import-newsedits", str(dump), "--json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [{"row": "2 v1", "reason": "no time"}]
    assert result.stderr.splitlines()[-1] == (
        "4 captures added (4 new versions), 0 already archived, 1 skipped, of 5 rows"
    )


def test_workers_build_the_same_tables(built: Archive, tmp_path: Path) -> None:
    export_parquet(built, tmp_path / "here")
    export_parquet(built, tmp_path / "workers", workers=2)
    for name in TABLES:
        here = duckdb.sql(f"SELECT * FROM '{tmp_path}/here/{name}.parquet'").fetchall()
        there = duckdb.sql(f"SELECT * FROM '{tmp_path}/workers/{name}.parquet'").fetchall()
        assert here == there and here, name


def test_cli_parquet_into_an_existing_directory(tmp_path: Path, sample_dir: Path) -> None:
    runner = CliRunner()
    location = str(tmp_path / "archive")
    runner.invoke(cli, ["--archive", location, "import", str(sample_dir)])
    tables = tmp_path / "tables"
    tables.mkdir()
    result = runner.invoke(
        cli, ["--archive", location, "export", "--format", "parquet", "-o", str(tables)]
    )
    assert result.exit_code == 0, result.output
    assert (tables / "versions.parquet").is_file()
    result = runner.invoke(cli, ["--archive", location, "export", "-o", str(tables)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_plain_database_takes_the_same_options(built: Archive, tmp_path: Path) -> None:
    here = export_sqlite(built, tmp_path / "here.db")
    there = export_sqlite(built, tmp_path / "workers.db", workers=2)
    plain = export_sqlite(built, tmp_path / "plain.db", edits=False)
    assert here == there and here.sentence_edits > 0
    assert attrs.evolve(here, sentence_edits=0) == plain
    for name in TABLES:
        rows = []
        for path in ("here.db", "workers.db"):
            with contextlib.closing(sqlite3.connect(tmp_path / path)) as db:
                rows.append(db.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall())
        assert rows[0] == rows[1] and rows[0], name
    with contextlib.closing(sqlite3.connect(tmp_path / "plain.db")) as db:
        assert db.execute("SELECT count(*) FROM sentence_edits").fetchone() == (0,)
