"""The export's bulk read gives what reading article by article through the store gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsarchive import Archive
from newsarchive.errors import NotFoundError
from newsarchive.interop.parquet import export_parquet
from newsarchive.interop.research import stored_text
from newsarchive.storage.export_read import list_articles, read_articles
from newsarchive.times import to_micros

STORY = "https://news.example.com/2021/05/03/storm"
COPY = "https://mirror.example.org/storm-copy"
QUIET = "https://news.example.com/2021/05/03/quiet"
T0 = datetime(2021, 5, 3, 8, 0, tzinfo=UTC)
BODY = "The storm reached the coast on Monday.\nPower was cut to 2,000 homes."


def _fill(archive: Archive) -> None:
    """Edits, a revert, a flagged capture, an alias, a lone surrogate and a text two
    articles share (one blob, read for both)."""
    texts = [
        BODY,
        BODY.replace("2,000", "3,000"),
        BODY.replace("2,000", "3,000") + "\nSchools will stay shut.",
        BODY,  # back to the first text
    ]
    for hour, text in enumerate(texts):
        archive.save(
            STORY,
            text=text,
            title=f"Storm, update {hour}",
            captured_at=T0 + timedelta(hours=hour),
            metadata={"desk": "weather", "hour": hour},
            fetched_url=STORY + "?src=feed" if hour == 1 else None,
            http_status=200,
        )
    archive.save(
        STORY, text="Page not found", captured_at=T0 + timedelta(hours=5), quality="soft-404"
    )
    archive.save(STORY, text=BODY, captured_at=T0 + timedelta(hours=6))
    archive.save(COPY, text=texts[2], title="Copy", captured_at=T0 + timedelta(hours=3))
    archive.save(
        "https://news.example.com/quiet?amp=1",
        canonical_url=QUIET,
        text="Nothing happened.",
        captured_at=T0,
    )
    archive.save(QUIET, text="Nothing happened \ud800 at all.", captured_at=T0 + timedelta(hours=1))


def test_bulk_read_matches_the_store(archive: Archive) -> None:
    _fill(archive)
    listed = list_articles(archive.store)
    assert listed == archive.articles()
    read = list(read_articles(archive.store, [a.url for a in listed]))
    assert [url for url, _, _ in read] == [a.url for a in listed]
    for url, versions, captures in read:
        expected = archive.history(url)
        assert len(versions) == len(expected)
        for got, want in zip(versions, expected, strict=True):
            analysis = want.analysis or {}
            assert (got.number, got.id, got.title, got.byline, got.metadata, got.reverted_to) == (
                want.number, want.id, want.title, want.byline, dict(want.metadata),
                want.reverted_to,
            )  # fmt: skip
            assert got.text.decode("utf-8", "surrogatepass") == want.text
            assert (got.first_captured_at, got.last_captured_at, got.capture_count) == (
                to_micros(want.first_captured_at), to_micros(want.last_captured_at),
                want.capture_count,
            )  # fmt: skip
            assert (got.level, got.stealth) == (analysis.get("level"), analysis.get("stealth"))
            reasons = analysis.get("reasons")
            assert got.reasons == (None if reasons is None else [r["code"] for r in reasons])
        for first, second in zip(versions, versions[1:], strict=False):
            same = expected[first.number - 1].text_hash == expected[second.number - 1].text_hash
            assert (first.text_id == second.text_id) == same
        stored = archive.captures(url)
        assert [
            (c.id, c.captured_at, c.source, c.fetched_url, c.http_status, c.quality,
             c.version, c.version_id, c.metadata)
            for c in captures
        ] == [
            (c.id, to_micros(c.captured_at), c.source, c.fetched_url, c.http_status,
             c.quality, c.version, c.version_id, dict(c.metadata))
            for c in stored
        ]  # fmt: skip
    story = next(versions for url, versions, _ in read if url == STORY)
    assert any(v.level is not None for v in story), "the archive analyses what it saves"


def test_a_lone_surrogate_becomes_a_replacement_character(archive: Archive) -> None:
    _fill(archive)
    (_, versions, _), = read_articles(archive.store, [QUIET])  # fmt: skip
    assert stored_text(versions[-1].text) == "Nothing happened \ufffd at all."


def test_an_unknown_article_is_not_found(archive: Archive) -> None:
    _fill(archive)
    with pytest.raises(NotFoundError, match="nowhere"):
        list(read_articles(archive.store, [STORY, "https://nowhere.example/"]))


def test_groups_of_articles_read_as_one(
    sqlite_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles are read a group at a time; the groups' edges change nothing."""
    import newsarchive.storage.export_read as export_read

    _fill(sqlite_archive)
    urls = [a.url for a in list_articles(sqlite_archive.store)]
    whole = list(read_articles(sqlite_archive.store, urls))
    monkeypatch.setattr(export_read, "_MAX_IDS", 1)
    assert list(read_articles(sqlite_archive.store, urls)) == whole


def test_workers_chosen_by_size_write_the_same_tables(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    """``workers=None`` (what the command line passes) picks them from the archive's size."""
    _fill(sqlite_archive)
    here = export_parquet(sqlite_archive, tmp_path / "here", workers=0)
    chosen = export_parquet(sqlite_archive, tmp_path / "chosen", workers=None)
    assert chosen == here
    for name in ("articles", "versions", "sentence_edits", "captures"):
        assert pq.read_table(tmp_path / "chosen" / f"{name}.parquet").equals(
            pq.read_table(tmp_path / "here" / f"{name}.parquet")
        )
