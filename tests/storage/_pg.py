"""PostgreSQL test helpers: the server from NEWSARCHIVE_TEST_POSTGRES_URL, a schema per test.

``pg_location`` is the PostgreSQL side of the ``archive_location`` fixture: a location
in a fresh ``na_test_<random>`` schema, dropped (with everything in it) afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

POSTGRES_ENV = "NEWSARCHIVE_TEST_POSTGRES_URL"


def server_url() -> str:
    """The test server's URL; skips the test when none is configured."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    return url


def with_schema(url: str, schema: str) -> str:
    """``url`` with ``?schema=NAME`` added."""
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


def run_sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on its own autocommitted connection; return its rows, if any."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@contextmanager
def fresh_schema() -> Iterator[tuple[str, str]]:
    """Yield (server URL, schema name) of a schema no one uses; drop it afterwards."""
    url = server_url()
    schema = f"na_test_{uuid.uuid4().hex[:12]}"
    try:
        yield url, schema
    finally:
        run_sql(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def pg_location() -> Iterator[str]:
    """An archive location in a fresh schema of its own, dropped afterwards."""
    with fresh_schema() as (url, schema):
        yield with_schema(url, schema)
