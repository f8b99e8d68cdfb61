"""Numbered schema migrations, per dialect. Append only: never edit an applied step."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from . import _analysis, _linked
from ._sql import SQLStore
from ._sql.links import ArticleLinks

Execute = Callable[[str, Sequence[Any]], Any]


_UNNORMALISED = "CREATE TABLE unnormalised_texts (article_id {id_type} PRIMARY KEY)"


def _named_strings(id_type: str) -> list[str]:
    """Fill ``strings`` from the captures, then name the captures' values by number."""
    columns = ("title", "byline", "fetched_url", "metadata")
    return [
        "INSERT INTO strings (value) SELECT value FROM ("
        " SELECT title AS value FROM captures UNION SELECT byline FROM captures"
        " UNION SELECT fetched_url FROM captures UNION SELECT metadata FROM captures"
        ") s WHERE value IS NOT NULL ORDER BY value",
        *(f"ALTER TABLE captures ADD COLUMN {c}_id {id_type}" for c in columns),
        "UPDATE captures SET "
        + ", ".join(
            f"{c}_id = (SELECT id FROM strings WHERE value = captures.{c})" for c in columns
        ),
        *(f"ALTER TABLE captures DROP COLUMN {c}" for c in columns),
    ]


_CAPTURE_COLUMNS = (
    "id, article_id, captured_at, content_hash, text_id, html_id, title_id, byline_id,"
    " published_at, modified_at, {source}, fetched_url_id, http_status, http_headers,"
    " http_headers_zstd, quality, metadata_id"
)
_BLOB_COLUMNS = "id, hash, base_id, depth, size, dictionary_id, data"
_VERSION_COLUMNS = (
    "article_id, number, id, capture_id, first_captured_at, {last}, capture_count,"
    " reverted_to, significance, stealth, analysis_frame"
)
# Sources named by number, as titles are (both backends' strings take each value once).
_SOURCES_AS_STRINGS = (
    "INSERT INTO strings (value) SELECT DISTINCT source FROM captures c"
    " WHERE NOT EXISTS (SELECT 1 FROM strings s WHERE s.value = c.source) ORDER BY source"
)
_SOURCE_ID = "(SELECT MIN(s.id) FROM strings s WHERE s.value = captures.source)"
# A version's last capture time, kept only where it differs from its first.
_ONCE = "NULLIF(last_captured_at, first_captured_at)"

SQLITE: list[list[str]] = [
    [
        """CREATE TABLE blobs (
            hash BLOB PRIMARY KEY,
            base BLOB,
            depth INTEGER NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        )""",
        """CREATE TABLE aliases (
            url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id)
        ) WITHOUT ROWID""",
        """CREATE TABLE captures (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id),
            captured_at INTEGER NOT NULL,
            content_hash BLOB NOT NULL,
            text_hash BLOB NOT NULL,
            html_hash BLOB,
            title TEXT,
            byline TEXT,
            published_at INTEGER,
            modified_at INTEGER,
            source TEXT NOT NULL,
            fetched_url TEXT,
            http_status INTEGER,
            http_headers TEXT,
            quality TEXT,
            metadata TEXT,
            UNIQUE (article_id, captured_at, content_hash)
        )""",
        """CREATE TABLE versions (
            article_id INTEGER NOT NULL REFERENCES articles (id),
            number INTEGER NOT NULL,
            id TEXT NOT NULL,
            content_hash BLOB NOT NULL,
            capture_id INTEGER NOT NULL REFERENCES captures (id),
            first_captured_at INTEGER NOT NULL,
            last_captured_at INTEGER NOT NULL,
            capture_count INTEGER NOT NULL,
            reverted_to INTEGER,
            analysis TEXT,
            PRIMARY KEY (article_id, number)
        ) WITHOUT ROWID""",
        "CREATE INDEX versions_by_time ON versions (article_id, first_captured_at)",
    ],
    [
        # Change analysis: the level as a number (0 none … 3 substantive) and the stealth
        # flag beside the stored summary, so cross-archive change listings filter by index.
        "ALTER TABLE versions ADD COLUMN significance INTEGER",
        "ALTER TABLE versions ADD COLUMN stealth INTEGER",
        "CREATE INDEX versions_by_change ON versions (first_captured_at)",
    ],
    [
        # Response headers as a zstd frame (see _headers.py); older rows keep their JSON.
        "ALTER TABLE captures ADD COLUMN http_headers_zstd BLOB",
    ],
    [
        # Alerts: each channel's starting point, and what it was sent (see _sql/alerts.py).
        """CREATE TABLE alert_channels (
            channel TEXT PRIMARY KEY,
            start_at INTEGER NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE alert_deliveries (
            channel TEXT NOT NULL,
            version_id TEXT NOT NULL,
            state TEXT NOT NULL,
            claimed_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT,
            PRIMARY KEY (channel, version_id)
        ) WITHOUT ROWID""",
    ],
    [
        # Change analyses as compact frames (see _analysis.py); the JSON ones move over
        # in the step below, leaving the old column empty.
        "ALTER TABLE versions ADD COLUMN analysis_frame BLOB",
    ],
    [
        # Blobs in a table with row ids. A WITHOUT ROWID row keeps at most about a
        # quarter of a page in place: a keyframe (a few KB) spilled into overflow pages
        # left mostly empty, a quarter of the archive. With row ids it fits in its page.
        """CREATE TABLE blobs_by_rowid (
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            base BLOB,
            depth INTEGER NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL
        )""",
        "INSERT INTO blobs_by_rowid (hash, base, depth, size, data)"
        " SELECT hash, base, depth, size, data FROM blobs ORDER BY hash",
        "DROP TABLE blobs",
        "ALTER TABLE blobs_by_rowid RENAME TO blobs",
    ],
    [
        # Rules ids by number, for analysis frames that refer to them (see _linked.py).
        """CREATE TABLE analysis_rules (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        )""",
    ],
    [
        # A delta names its base by row id, not by its 32-byte hash; a version's content
        # hash is its first capture's (see rows.py). 0.6 MB less on 10,000 versions.
        "ALTER TABLE blobs ADD COLUMN base_id INTEGER",
        "UPDATE blobs SET base_id = (SELECT p.id FROM blobs p WHERE p.hash = blobs.base)"
        " WHERE base IS NOT NULL",
        "ALTER TABLE blobs DROP COLUMN base",
        "ALTER TABLE versions DROP COLUMN content_hash",
    ],
    [
        # Keyframes compressed with a dictionary trained on the archive's own texts.
        """CREATE TABLE dictionaries (
            id INTEGER PRIMARY KEY,
            data BLOB NOT NULL
        )""",
        "ALTER TABLE blobs ADD COLUMN dictionary_id INTEGER",
    ],
    [
        # A capture names its text and page by blob row id, not by 32-byte hashes.
        "ALTER TABLE captures ADD COLUMN text_id INTEGER",
        "ALTER TABLE captures ADD COLUMN html_id INTEGER",
        "UPDATE captures SET text_id = (SELECT id FROM blobs WHERE hash = captures.text_hash),"
        " html_id = (SELECT id FROM blobs WHERE hash = captures.html_hash)",
        "ALTER TABLE captures DROP COLUMN text_hash",
        "ALTER TABLE captures DROP COLUMN html_hash",
    ],
    [
        # Titles, bylines, fetched URLs and metadata stored once each and named by number:
        # most captures repeat the ones before them.
        """CREATE TABLE strings (
            id INTEGER PRIMARY KEY,
            value TEXT NOT NULL UNIQUE
        )""",
        *_named_strings("INTEGER"),
    ],
    [
        # Smaller keys and one index fewer. A capture is found by article and time (a
        # save checks the content hash itself): the unique index repeated the 32-byte
        # hash of every row. A blob is found by the first 8 bytes of its hash, checked
        # against the whole: the unique index repeated all 32. Both tables are rebuilt,
        # as SQLite drops no constraint in place; row ids stay, as other rows name them.
        """CREATE TABLE captures_v12 (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id),
            captured_at INTEGER NOT NULL,
            content_hash BLOB NOT NULL,
            text_id INTEGER,
            html_id INTEGER,
            title_id INTEGER,
            byline_id INTEGER,
            published_at INTEGER,
            modified_at INTEGER,
            source_id INTEGER NOT NULL,
            fetched_url_id INTEGER,
            http_status INTEGER,
            http_headers TEXT,
            http_headers_zstd BLOB,
            quality TEXT,
            metadata_id INTEGER
        )""",
        _SOURCES_AS_STRINGS,
        f"INSERT INTO captures_v12 ({_CAPTURE_COLUMNS.format(source='source_id')})"
        f" SELECT {_CAPTURE_COLUMNS.format(source=_SOURCE_ID)} FROM captures ORDER BY id",
        "DROP TABLE captures",
        "ALTER TABLE captures_v12 RENAME TO captures",
        "CREATE INDEX captures_by_time ON captures (article_id, captured_at)",
        """CREATE TABLE blobs_v12 (
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL,
            base_id INTEGER,
            depth INTEGER NOT NULL,
            size INTEGER NOT NULL,
            dictionary_id INTEGER,
            data BLOB NOT NULL
        )""",
        f"INSERT INTO blobs_v12 ({_BLOB_COLUMNS}) SELECT {_BLOB_COLUMNS} FROM blobs ORDER BY id",
        "DROP TABLE blobs",
        "ALTER TABLE blobs_v12 RENAME TO blobs",
        "CREATE INDEX blobs_by_hash ON blobs (substr(hash, 1, 8))",
        # Version numbers follow time: the key finds the version current at a time
        # (see _sql/asof.py). A version seen once has no last time apart from its first;
        # the JSON analyses, empty since step 5, go.
        """CREATE TABLE versions_v12 (
            article_id INTEGER NOT NULL REFERENCES articles (id),
            number INTEGER NOT NULL,
            id TEXT NOT NULL,
            capture_id INTEGER NOT NULL REFERENCES captures (id),
            first_captured_at INTEGER NOT NULL,
            last_captured_at INTEGER,
            capture_count INTEGER NOT NULL,
            reverted_to INTEGER,
            significance INTEGER,
            stealth INTEGER,
            analysis_frame BLOB,
            PRIMARY KEY (article_id, number)
        ) WITHOUT ROWID""",
        f"INSERT INTO versions_v12 ({_VERSION_COLUMNS.format(last='last_captured_at')})"
        f" SELECT {_VERSION_COLUMNS.format(last=_ONCE)} FROM versions"
        " ORDER BY article_id, number",
        "DROP TABLE versions",
        "ALTER TABLE versions_v12 RENAME TO versions",
        "CREATE INDEX versions_by_change ON versions (first_captured_at)",
    ],
    [
        # A re-check costs what changed (see rows.py and _pages.py): a capture with its
        # version's content names a capture holding the hash (its own is left empty).
        # Headers saved as JSON before step 3 become frames and their column goes (see
        # ``frame_legacy_headers``), so no capture pays a byte for the one column more.
        "ALTER TABLE captures ADD COLUMN same_content_as INTEGER",
    ],
    [
        # The articles that may hold a text stored other than in its normal form: a save
        # of a text new to the archive into any other article has no earlier version with
        # its content to look for (see _sql/write.py). Nothing was kept of whether the
        # texts stored so far were normal, so every article there is now is listed.
        _UNNORMALISED.format(id_type="INTEGER"),
        "INSERT INTO unnormalised_texts (article_id) SELECT id FROM articles",
    ],
]
# URLs sort byte-wise ("C"), as SQLite sorts them, so both backends list articles alike.
POSTGRES: list[list[str]] = [
    [
        """CREATE TABLE blobs (
            hash BYTEA PRIMARY KEY,
            base BYTEA,
            depth INTEGER NOT NULL,
            size INTEGER NOT NULL,
            data BYTEA NOT NULL
        )""",
        """CREATE TABLE articles (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            url TEXT COLLATE "C" NOT NULL UNIQUE,
            created_at BIGINT NOT NULL
        )""",
        """CREATE TABLE aliases (
            url TEXT COLLATE "C" PRIMARY KEY,
            article_id BIGINT NOT NULL REFERENCES articles (id)
        )""",
        """CREATE TABLE captures (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            article_id BIGINT NOT NULL REFERENCES articles (id),
            captured_at BIGINT NOT NULL,
            content_hash BYTEA NOT NULL,
            text_hash BYTEA NOT NULL,
            html_hash BYTEA,
            title TEXT,
            byline TEXT,
            published_at BIGINT,
            modified_at BIGINT,
            source TEXT NOT NULL,
            fetched_url TEXT,
            http_status INTEGER,
            http_headers TEXT,
            quality TEXT,
            metadata TEXT,
            UNIQUE (article_id, captured_at, content_hash)
        )""",
        """CREATE TABLE versions (
            article_id BIGINT NOT NULL REFERENCES articles (id),
            number INTEGER NOT NULL,
            id TEXT NOT NULL,
            content_hash BYTEA NOT NULL,
            capture_id BIGINT NOT NULL REFERENCES captures (id),
            first_captured_at BIGINT NOT NULL,
            last_captured_at BIGINT NOT NULL,
            capture_count INTEGER NOT NULL,
            reverted_to INTEGER,
            analysis TEXT,
            PRIMARY KEY (article_id, number)
        )""",
        "CREATE INDEX versions_by_time ON versions (article_id, first_captured_at)",
        # Blobs are zstd frames already: spare TOAST a second, futile compression pass.
        "ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL",
    ],
    [
        # Change analysis: the level as a number (0 none … 3 substantive) and the stealth
        # flag beside the stored summary, so cross-archive change listings filter by index.
        "ALTER TABLE versions ADD COLUMN significance INTEGER",
        "ALTER TABLE versions ADD COLUMN stealth INTEGER",
        "CREATE INDEX versions_by_change ON versions (first_captured_at)",
    ],
    [
        # Response headers as a zstd frame (see _headers.py); older rows keep their JSON.
        "ALTER TABLE captures ADD COLUMN http_headers_zstd BYTEA",
    ],
    [
        # Alerts: each channel's starting point, and what it was sent (see _sql/alerts.py).
        """CREATE TABLE alert_channels (
            channel TEXT PRIMARY KEY,
            start_at BIGINT NOT NULL
        )""",
        """CREATE TABLE alert_deliveries (
            channel TEXT NOT NULL,
            version_id TEXT NOT NULL,
            state TEXT NOT NULL,
            claimed_at BIGINT NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT,
            PRIMARY KEY (channel, version_id)
        )""",
    ],
    [
        # Change analyses as compact frames (see _analysis.py); the JSON ones move over
        # in the step below, leaving the old column empty.
        "ALTER TABLE versions ADD COLUMN analysis_frame BYTEA",
    ],
    # Nothing: SQLite's blobs move to a table with row ids, which PostgreSQL's has always
    # been (numbers stay in step across backends).
    [],
    [
        # Rules ids by number, for analysis frames that refer to them (see _linked.py).
        """CREATE TABLE analysis_rules (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        )""",
    ],
    [
        # A delta names its base by row id, not by its 32-byte hash; a version's content
        # hash is its first capture's (see rows.py).
        "ALTER TABLE blobs ADD COLUMN id BIGINT GENERATED BY DEFAULT AS IDENTITY",
        "CREATE UNIQUE INDEX blobs_by_id ON blobs (id)",
        "ALTER TABLE blobs ADD COLUMN base_id BIGINT",
        "UPDATE blobs SET base_id = p.id FROM blobs p WHERE p.hash = blobs.base",
        "ALTER TABLE blobs DROP COLUMN base",
        "ALTER TABLE versions DROP COLUMN content_hash",
    ],
    [
        # Keyframes compressed with a dictionary trained on the archive's own texts.
        """CREATE TABLE dictionaries (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            data BYTEA NOT NULL
        )""",
        "ALTER TABLE blobs ADD COLUMN dictionary_id BIGINT",
    ],
    [
        # A capture names its text and page by blob row id, not by 32-byte hashes.
        "ALTER TABLE captures ADD COLUMN text_id BIGINT",
        "ALTER TABLE captures ADD COLUMN html_id BIGINT",
        "UPDATE captures SET text_id = (SELECT id FROM blobs WHERE hash = captures.text_hash),"
        " html_id = (SELECT id FROM blobs WHERE hash = captures.html_hash)",
        "ALTER TABLE captures DROP COLUMN text_hash",
        "ALTER TABLE captures DROP COLUMN html_hash",
    ],
    [
        # Titles, bylines, fetched URLs and metadata stored once each and named by number:
        # most captures repeat the ones before them.
        # A hash index: a B-tree entry cannot hold a long value (metadata may be one).
        # Two writers may store one value twice, each with its own number: both read alike.
        """CREATE TABLE strings (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        "CREATE INDEX strings_by_value ON strings USING hash (value)",
        *_named_strings("BIGINT"),
    ],
    [
        # A capture is found by article and time, a save checking the content hash
        # itself; version numbers follow time (see SQLite's step). Blobs keep their
        # unique hash: a writer inserting a text another has just stored then finds it
        # there, rather than storing it twice.
        "ALTER TABLE captures DROP CONSTRAINT IF EXISTS"
        " captures_article_id_captured_at_content_hash_key",
        "CREATE INDEX IF NOT EXISTS captures_by_time ON captures (article_id, captured_at)",
        "DROP INDEX IF EXISTS versions_by_time",
        _SOURCES_AS_STRINGS,
        "ALTER TABLE captures ADD COLUMN source_id BIGINT",
        f"UPDATE captures SET source_id = {_SOURCE_ID}",
        "ALTER TABLE captures ALTER COLUMN source_id SET NOT NULL",
        "ALTER TABLE captures DROP COLUMN source",
        "ALTER TABLE versions ALTER COLUMN last_captured_at DROP NOT NULL",
        f"UPDATE versions SET last_captured_at = {_ONCE}",
        "ALTER TABLE versions DROP COLUMN analysis",
    ],
    [
        # A re-check costs what changed (see SQLite's step).
        "ALTER TABLE captures ADD COLUMN same_content_as BIGINT",
    ],
    [
        # Articles that may hold a text stored other than in its normal form (see
        # SQLite's step).
        _UNNORMALISED.format(id_type="BIGINT"),
        "INSERT INTO unnormalised_texts (article_id) SELECT id FROM articles",
    ],
]


def frame_analyses(execute: Execute) -> None:
    """Move every version's JSON analysis into its compact frame, a thousand at a time."""
    after = (-1, 0)
    while True:
        rows = list(
            execute(
                "SELECT article_id, number, analysis FROM versions WHERE analysis IS NOT NULL"
                " AND (article_id > ? OR (article_id = ? AND number > ?))"
                " ORDER BY article_id, number LIMIT 1000",
                (after[0], after[0], after[1]),
            ).fetchall()
        )
        if not rows:
            return
        for article_id, number, text in rows:
            execute(
                "UPDATE versions SET analysis_frame = ?, analysis = NULL"
                " WHERE article_id = ? AND number = ?",
                (_analysis.encode(json.loads(text)), article_id, number),
            )
        after = (int(rows[-1][0]), int(rows[-1][1]))


def link_analyses(store: SQLStore) -> None:
    """Store every analysis frame in the linked layout (see _linked.py), a thousand at a time.

    A summary that layout cannot hold keeps the frame it has.
    """
    after = (-1, 0)
    while True:
        rows = store._all(
            "SELECT v.article_id, v.number, v.capture_id, v.analysis_frame, a.url"
            " FROM versions v JOIN articles a ON a.id = v.article_id"
            " WHERE v.analysis_frame IS NOT NULL"
            " AND (v.article_id > ? OR (v.article_id = ? AND v.number > ?))"
            " ORDER BY v.article_id, v.number LIMIT 1000",
            (after[0], after[0], after[1]),
        )
        if not rows:
            return
        for article_id, number, capture_id, frame, url in rows:
            if bytes(frame)[:1] == _linked.LAYOUT:
                continue
            links = ArticleLinks(store, str(url), int(article_id))
            linked = _analysis.encode(_analysis.decode(bytes(frame)), links, int(capture_id))
            store._execute(
                "UPDATE versions SET analysis_frame = ? WHERE article_id = ? AND number = ?",
                (linked, article_id, number),
            )
        after = (int(rows[-1][0]), int(rows[-1][1]))


def frame_legacy_headers(store: SQLStore) -> None:
    """Store headers saved as JSON (before step 3) as frames, then drop their column.

    A thousand captures at a time; JSON with no headers becomes no frame, as a capture
    saved without headers has, and both read back as none.
    """
    from . import _headers  # here: no other migration needs zstd's dictionary set up

    after = 0
    while True:
        rows = store._all(
            "SELECT id, http_headers FROM captures WHERE http_headers IS NOT NULL AND id > ?"
            " ORDER BY id LIMIT 1000",
            (after,),
        )
        if not rows:
            break
        for capture_id, text in rows:
            frame = _headers.compress(_headers.parse(text)) if text else None
            store._execute(
                "UPDATE captures SET http_headers_zstd = ? WHERE id = ?", (frame, capture_id)
            )
        after = int(rows[-1][0])
    store._execute("ALTER TABLE captures DROP COLUMN http_headers")


#: SQLite migrations that copy whole tables: an archive upgraded by one is compacted after.
#: (Dropping a column rewrites every row of its table.)
REBUILDS = {12, 13}

#: Work done in code after a migration's statements, by migration number.
AFTER: dict[int, Callable[[SQLStore], None]] = {
    5: lambda store: frame_analyses(store._execute),
    10: link_analyses,
    13: frame_legacy_headers,
}
