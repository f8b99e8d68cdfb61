"""Merging two articles into one under its several URLs, and splitting them again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsarchive import Archive
from newsarchive.errors import InputError, NotFoundError
from newsarchive.identity import merge_articles, split_articles

OLD = "https://news.example.com/2024/06/10/council-debates-budget"
NEW = "https://news.example.com/2024/06/10/council-approves-budget"
T0 = datetime(2024, 6, 10, 8, tzinfo=UTC)
TEXT = "The council met on Tuesday to debate the budget for next year. " * 4


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def fill(archive: Archive) -> None:
    archive.save(OLD, text=TEXT, title="Council debates budget", captured_at=at(0))
    archive.save(OLD, text=TEXT + "It ran late.", title="Council debates budget", captured_at=at(1))
    archive.save(NEW, text=TEXT + "It ran late. It passed.", title="Council approves budget",
                 captured_at=at(3))  # fmt: skip
    archive.save(NEW, text=TEXT + "It ran late. It passed 7-2.", title="Council approves budget",
                 captured_at=at(4))  # fmt: skip


def history(archive: Archive, url: str) -> list[tuple[int, str | None, str]]:
    return [(v.number, v.title, v.id) for v in archive.history(url)]


def test_merge_files_both_histories_under_one_article(archive: Archive) -> None:
    fill(archive)
    change = merge_articles(archive, OLD, NEW)

    assert (change.url, change.other_url, change.captures_moved, change.versions) == (
        OLD, NEW, 2, 4,
    )  # fmt: skip
    assert [a.url for a in archive.articles()] == [OLD]
    assert archive.article(NEW).url == OLD
    assert NEW in archive.article(OLD).aliases
    assert [t for _, t, _ in history(archive, NEW)] == ["Council debates budget"] * 2 + [
        "Council approves budget"
    ] * 2
    # Every version after the first is analysed against its new predecessor.
    assert [bool(v.analysis) for v in archive.history(OLD)] == [True] * 4
    assert "headline-changed" in [r["code"] for r in archive.get(OLD, 3).analysis["reasons"]]


def test_a_fetch_of_the_new_url_lands_in_the_merged_article(archive: Archive) -> None:
    fill(archive)
    merge_articles(archive, OLD, NEW)
    archive.save(NEW, text=TEXT + "It ran late. It passed 7-2. Updated.", captured_at=at(5))
    assert len(archive.history(OLD)) == 5


def test_split_undoes_a_merge_exactly(archive: Archive) -> None:
    fill(archive)
    before = {url: history(archive, url) for url in (OLD, NEW)}
    merge_articles(archive, OLD, NEW)
    change = split_articles(archive, OLD, NEW)

    assert (change.url, change.other_url, change.captures_moved) == (NEW, OLD, 2)
    assert {url: history(archive, url) for url in (OLD, NEW)} == before
    assert sorted(a.url for a in archive.articles()) == sorted([OLD, NEW])
    assert all("merged_from" not in c.metadata for c in archive.captures(NEW))


def test_merging_an_article_with_itself_is_refused(archive: Archive) -> None:
    fill(archive)
    merge_articles(archive, OLD, NEW)
    with pytest.raises(InputError, match="already filed under"):
        merge_articles(archive, OLD, NEW)


def test_split_without_a_merge_is_refused_and_changes_nothing(archive: Archive) -> None:
    fill(archive)
    before = {url: history(archive, url) for url in (OLD, NEW)}
    with pytest.raises(InputError, match="was merged from"):
        split_articles(archive, OLD, NEW)
    with pytest.raises(NotFoundError):
        merge_articles(archive, OLD, "https://news.example.com/nothing")
    assert {url: history(archive, url) for url in (OLD, NEW)} == before
