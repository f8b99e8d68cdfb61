"""Fuzzing save and import: exit 0, 1 or 2, never a traceback, nothing changed on error."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import Archive
from newsarchive.cli import cli

URL = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def loaded_archive(tmp_path: Path, sample_dir: Path) -> Iterator[Path]:
    archive = tmp_path / "archive"
    result = CliRunner().invoke(cli, ["--archive", str(archive), "import", str(sample_dir)])
    assert result.exit_code == 0, result.output
    yield archive


def snapshot(archive: Path) -> str:
    out = io.StringIO()
    with Archive.open(archive) as opened:
        opened.export_jsonl(out)
    return out.getvalue()


def check_outcome(result: Result) -> None:
    """The exit code is 0, 1 or 2; an error is one complete line; no traceback."""
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert errors, result.stderr
        assert all(len(line) < 1000 for line in errors)


junk = st.text(max_size=30) | st.text(alphabet="0123456789-:TZ+.", max_size=30)
times = (
    junk
    | st.datetimes().map(lambda d: d.isoformat())
    | st.sampled_from(["", "9999-12-31T23:59:59-23:59", "2017-02-30", "0001-01-01T00:00:00+01:00"])
)
urls = (
    st.sampled_from([URL, URL + "?utm_source=x", "https://news.example.com/new", ""])
    | junk
    | st.integers(0, 200_000).map(lambda n: "https://news.example.com/" + "a" * n)
    | st.text(max_size=10).map(lambda t: "https://news.example.com/" + t)
)
cli_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)


@FUZZ
@given(
    url=urls,
    options=st.lists(
        st.tuples(st.sampled_from(["--captured-at", "--published-at", "--modified-at"]), times).map(
            list
        )
        | st.tuples(st.just("--title"), cli_text).map(list)
        | st.tuples(st.just("--meta"), cli_text).map(list)
        | st.sampled_from([["--html"], ["--allow-empty"], ["--json"], ["--bogus"]]),
        max_size=4,
    ),
    content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
)
def test_save_never_fails_badly(
    loaded_archive: Path, url: str, options: list[list[str]], content: bytes
) -> None:
    before = snapshot(loaded_archive)
    args = [arg for option in options for arg in option]
    result = CliRunner().invoke(
        cli, ["--archive", str(loaded_archive), "save", url, *args], input=content
    )
    check_outcome(result)
    if result.exit_code != 0:
        assert snapshot(loaded_archive) == before


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | times,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
good_line = st.fixed_dictionaries(
    {
        "url": urls,
        "captured_at": times,
        "text": st.text(max_size=40),
    },
    optional={
        "title": json_values,
        "http_status": json_values,
        "metadata": json_values,
        "published_at": json_values,
        "http_headers": json_values,
        "html": json_values,
    },
)
lines = st.lists(
    good_line.map(lambda d: json.dumps(d).encode())
    | st.binary(max_size=60)
    | st.integers(1, 5000).map(lambda n: b'{"metadata": ' + b"[" * n + b"]" * n + b"}"),
    min_size=1,
    max_size=6,
)


@FUZZ
@given(lines=lines, atomic=st.booleans())
def test_import_never_fails_badly(loaded_archive: Path, lines: list[bytes], atomic: bool) -> None:
    before = snapshot(loaded_archive)
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    args = ["--atomic"] if atomic else []
    result = CliRunner().invoke(
        cli, ["--archive", str(loaded_archive), "import", "-q", *args, "-"], input=data
    )
    check_outcome(result)
    after = snapshot(loaded_archive)
    if result.exit_code != 0 and atomic:
        assert after == before
    # Whatever was imported exports and imports back without a problem.
    with Archive.open(":memory:") as copy:
        report = copy.import_jsonl(io.BytesIO(after.encode("utf-8", "surrogatepass")))
        assert report.problems == ()
