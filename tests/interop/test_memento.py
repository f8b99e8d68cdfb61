from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsarchive import Archive
from newsarchive.errors import InputError, NotFoundError
from newsarchive.interop.memento import format_http_date, parse_link_format, timemap
from newsarchive.render.json import timemap_to_dict

T0 = datetime(2017, 6, 6, 12, 0, tzinfo=UTC)
URL = "https://example.com/news/story"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


def fill(archive: Archive) -> None:
    archive.save(URL, text="First.", captured_at=T0)
    archive.save(
        URL, text="First.", captured_at=T0 + timedelta(hours=1), fetched_url=URL + "?ref=home"
    )
    archive.save(URL, text="Not found", captured_at=T0 + timedelta(hours=2), quality="soft-404")
    archive.save(URL, text="Second.", captured_at=T0 + timedelta(days=1, microseconds=7))


def test_timemap_in_link_format(archive: Archive) -> None:
    fill(archive)
    text = timemap(archive, URL, base_url="http://wb.test/coll").to_link_format()
    assert text == (
        '<https://example.com/news/story>; rel="original",\n'
        '<http://wb.test/coll/timemap/link/https://example.com/news/story>; rel="self"; '
        'type="application/link-format"; from="Tue, 06 Jun 2017 12:00:00 GMT"; '
        'until="Wed, 07 Jun 2017 12:00:00 GMT",\n'
        '<http://wb.test/coll/https://example.com/news/story>; rel="timegate",\n'
        "<http://wb.test/coll/20170606120000/https://example.com/news/story>; "
        'rel="first memento"; datetime="Tue, 06 Jun 2017 12:00:00 GMT",\n'
        "<http://wb.test/coll/20170606130000/https://example.com/news/story?ref=home>; "
        'rel="memento"; datetime="Tue, 06 Jun 2017 13:00:00 GMT",\n'
        "<http://wb.test/coll/20170607120000/https://example.com/news/story>; "
        'rel="last memento"; datetime="Wed, 07 Jun 2017 12:00:00 GMT"\n'
    )


def test_timemap_parses_back(archive: Archive) -> None:
    fill(archive)
    links = parse_link_format(timemap(archive, URL).to_link_format())
    mementos = [link for link in links if "memento" in link.rel]
    assert [link.rel for link in mementos] == [
        ("first", "memento"),
        ("memento",),
        ("last", "memento"),
    ]
    assert [link.params["datetime"] for link in mementos] == [
        format_http_date(T0),
        format_http_date(T0 + timedelta(hours=1)),
        format_http_date(T0 + timedelta(days=1)),
    ]
    assert links[0].rel == ("original",) and links[0].uri == URL


def test_single_capture_is_first_and_last(archive: Archive) -> None:
    archive.save(URL, text="Only.", captured_at=T0)
    assert 'rel="first last memento"' in timemap(archive, URL).to_link_format()


def test_timemap_json(archive: Archive) -> None:
    fill(archive)
    data = timemap_to_dict(timemap(archive, URL))
    assert [(m["datetime"], m["version"]) for m in data["mementos"]] == [
        ("2017-06-06T12:00:00Z", 1),
        ("2017-06-06T13:00:00Z", 1),
        ("2017-06-07T12:00:00.000007Z", 2),
    ]


def test_unknown_article_raises(archive: Archive) -> None:
    with pytest.raises(NotFoundError):
        timemap(archive, URL)


def test_bad_link_format_raises() -> None:
    with pytest.raises(InputError):
        parse_link_format("this is not a link")


def test_timegate_picks_latest_at_or_before(archive: Archive) -> None:
    fill(archive)
    assert archive.get(URL, at=T0).number == 1
    assert archive.get(URL, at=T0 + timedelta(hours=23)).number == 1
    assert archive.get(URL, "@2017-06-07T12:00:01Z").number == 2
    assert archive.get(URL, "@2030-01-01T00:00Z").number == 2


def test_timegate_before_first_capture_says_when_it_was(archive: Archive) -> None:
    fill(archive)
    with pytest.raises(InputError, match="2017-06-06T12:00:00Z"):
        archive.get(URL, "@2017-06-06T11:59Z")


def test_cli_timemap(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from newsarchive.cli import cli

    location = tmp_path / "archive"
    with Archive.open(location) as archive:
        fill(archive)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--archive", str(location), "timemap", URL, "--base-url", "http://wb.test/coll/"]
    )
    assert result.exit_code == 0, result.output
    links = parse_link_format(result.stdout)
    assert [link.rel for link in links][-1] == ("last", "memento")
    result = runner.invoke(cli, ["--archive", str(location), "timemap", URL, "--json"])
    assert len(json.loads(result.stdout)["mementos"]) == 3
    result = runner.invoke(cli, ["--archive", str(location), "timemap", "https://nope.example/"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
