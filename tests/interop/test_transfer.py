"""Copying archives between locations: lossless, resumable, across both backends."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsarchive import Archive
from newsarchive.errors import InputError
from newsarchive.interop import transfer as copying
from newsarchive.interop.transfer import CopyReport, copy_archive

T0 = datetime(2017, 6, 6, 20, 0, tzinfo=UTC)
STORY = "https://news.example/2017/06/story"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def build_source(archive: Archive) -> None:
    """A history with every kind of thing a copy must carry."""
    archive.save(
        "https://m.news.example/2017/06/story",
        canonical_url=STORY,
        html="<html><head><title>Fire</title></head><body><p>A fire.</p></body></html>",
        captured_at=at(0),
        source="fetch",
        fetched_url="https://m.news.example/s?x=1",
        http_status=200,
        http_headers=[("Content-Type", "text/html"), ("X-A", "1")],
        metadata={"feed": "front", "rank": 3},
    )
    archive.save(
        STORY,
        text="A fire.\n\nThree hurt.",
        title="Fire",
        captured_at=at(10),
        published_at=at(-5),
        modified_at=at(9),
    )
    archive.save(STORY, text="A fire.", title="Fire", captured_at=at(20))  # a revert
    archive.save(
        STORY, text="Access denied", captured_at=at(25), quality="bot-challenge", http_status=403
    )
    archive.save(STORY, text="A fire.\n\nTwo hurt.", title="Fire", captured_at=at(5))  # backfill
    # A backfill that moves the start of a version: it keeps the id it was given first.
    archive.save(
        STORY,
        text="A fire.\n\nThree hurt.",
        title="Fire",
        captured_at=at(7),
        published_at=at(-5),
        modified_at=at(9),
    )
    archive.save(
        "https://news.example/other",
        text="Emoji 👩‍👩‍👧 RTL مرحبا CRLF\r\nNUL\x00 end",
        byline="By Ann",
        captured_at=at(1),
    )
    archive.save("https://news.example/other", text="Second.", captured_at=at(2))
    archive.save(
        "https://news.example/other", text="Second.", captured_at=at(2), source="again"
    )  # identical capture: a no-op
    first = archive.history(STORY)[1]
    archive.store.set_analyses(STORY, [(first.id, {"level": "minor", "reasons": ["casualties"]})])


def export(archive: Archive) -> str:
    out = io.StringIO()
    archive.export_jsonl(out)
    return out.getvalue()


def snapshot(archive: Archive) -> list[Any]:
    """Everything observable about an archive's articles and versions."""
    return [
        (
            article,
            [
                (v.id, v.number, v.text, v.title, v.reverted_to, v.capture_count, v.analysis)
                for v in archive.history(article.url)
            ],
            [
                (c.captured_at, c.version, c.version_id, c.content_hash, c.html_hash, c.quality)
                for c in archive.captures(article.url)
            ],
        )
        for article in archive.articles()
    ]


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "source") as archive:
        build_source(archive)
        yield archive


def test_copy_into_every_backend_is_lossless(source: Archive, archive: Archive) -> None:
    report = copy_archive(source, archive)
    assert report == CopyReport(
        articles=2, captures=8, captures_added=8, versions_added=6, analyses_copied=1
    )
    assert export(archive) == export(source)
    assert snapshot(archive) == snapshot(source)
    assert archive.article("https://m.news.example/2017/06/story").url == STORY


def test_sqlite_to_postgres_to_sqlite_round_trip(
    source: Archive, postgres_location: str, tmp_path: Path
) -> None:
    with Archive.open(postgres_location) as middle, Archive.open(tmp_path / "back") as back:
        copy_archive(source, middle)
        copy_archive(middle, back)
        assert export(middle) == export(source) == export(back)
        assert snapshot(back) == snapshot(source)


def test_copying_again_adds_nothing(source: Archive, tmp_path: Path) -> None:
    with Archive.open(tmp_path / "copy") as target:
        copy_archive(source, target)
        again = copy_archive(source, target)
    assert again == CopyReport(
        articles=2, captures=8, captures_added=0, versions_added=0, analyses_copied=0
    )


def test_an_interrupted_copy_resumes_where_it_stopped(
    source: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copying, "BATCH_CAPTURES", 2)
    seen = []

    def interrupt(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 2:
            raise KeyboardInterrupt

    with Archive.open(tmp_path / "copy") as target:
        with pytest.raises(KeyboardInterrupt):
            copy_archive(source, target, on_progress=interrupt)
        assert seen == [(2, 8), (4, 8)]
        assert sum(a.capture_count for a in target.articles()) == 4
        resumed = copy_archive(source, target)
        assert resumed.captures_added == 4
        assert export(target) == export(source)
        assert snapshot(target) == snapshot(source)


def test_copy_merges_into_an_archive_with_other_articles(source: Archive, tmp_path: Path) -> None:
    with Archive.open(tmp_path / "copy") as target:
        target.save("https://elsewhere.example/a", text="Mine.", captured_at=at(0))
        copy_archive(source, target)
        assert [a.url for a in target.articles()] == [
            "https://elsewhere.example/a",
            "https://news.example/2017/06/story",
            "https://news.example/other",
        ]


def test_copying_an_archive_onto_itself_is_refused(source: Archive) -> None:
    with pytest.raises(InputError, match="onto itself"):
        copy_archive(source, source)


def test_a_copy_keeping_a_hash_this_release_would_not_give_keeps_its_reverts(
    tmp_path: Path,
) -> None:
    """Content hashed otherwise (by an earlier normalisation, say): two texts that differ,
    each in its normal form today, may be one content. The copy keeps the hash, and still
    finds the revert."""
    import attrs

    texts = ["A fire.\n\nThree hurt.", "A fire.", "A fire.\n\nThree hurt!"]
    with Archive.open(tmp_path / "old") as old:
        first = old.prepare(STORY, text=texts[0], captured_at=at(0))
        old.ingest([first, old.prepare(STORY, text=texts[1], captured_at=at(1))], analyse=False)
        # Hashed as the first text, as an earlier release might have: stored as such.
        third = old.prepare(STORY, text=texts[2], captured_at=at(2))
        third = attrs.evolve(third, content_hash=first.content_hash, text_normal=False)
        old.ingest([third], analyse=False)
        assert [v.reverted_to for v in old.history(STORY)] == [None, None, 1]
        with Archive.open(tmp_path / "copy") as target:
            copy_archive(old, target)
            assert [v.reverted_to for v in target.history(STORY)] == [None, None, 1]
            assert target.get(STORY).text == texts[2]
