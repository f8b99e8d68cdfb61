"""Shared fixtures: archives on every backend, a CLI runner, a small article history."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from chromium import DevTools, open_browser
from newsarchive import Archive

POSTGRES_ENV = "NEWSARCHIVE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite-file", "sqlite-memory", "postgres"]
T0 = datetime(2017, 6, 6, 20, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """A capture time ``minutes`` after the story broke."""
    return T0 + timedelta(minutes=minutes)


def story(seed: int) -> str:
    """A few KB of news-like text unlike every other seed's (a non-negative one: a seed
    and its negation give the same text), as an article's first text is."""
    rng = random.Random(seed)
    words = ["council", "budget", "mayor", "police", "report", "vote", "said", "Monday"]
    return "\n\n".join(
        f"The {rng.choice(words)} said {rng.randrange(1000)} people"
        f" {' '.join(rng.choices(words, k=12))}."
        for _ in range(30)
    )


@pytest.fixture
def postgres_location() -> Iterator[str]:
    """A PostgreSQL archive location in a schema of its own, dropped afterwards."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    import psycopg

    schema = f"na_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def archive_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where an archive lives, once per backend."""
    if request.param == "sqlite-file":
        return str(tmp_path / "archive")
    if request.param == "sqlite-memory":
        return ":memory:"
    return str(request.getfixturevalue("postgres_location"))


@pytest.fixture
def archive(archive_location: str) -> Iterator[Archive]:
    with Archive.open(archive_location) as opened:
        yield opened


@pytest.fixture
def sqlite_archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def sample_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "archive" / "sample"


def run_cli(
    runner: CliRunner, archive: Path, *args: str, input: bytes | str | None = None
) -> Result:
    """The command line on one archive, through click's runner."""
    from newsarchive.cli import cli

    return runner.invoke(cli, ["--archive", str(archive), *args], input=input)


@pytest.fixture
def loaded(runner: CliRunner, tmp_path: Path, sample_dir: Path) -> Path:
    """A SQLite archive holding the sample story, imported through the command line."""
    archive = tmp_path / "archive"
    result = run_cli(runner, archive, "import", str(sample_dir))
    assert result.exit_code == 0, result.output
    return archive


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    """A headless Chromium, one per test module (skipped when none is installed)."""
    yield from open_browser(tmp_path_factory)
