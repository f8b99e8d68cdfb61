"""The Store protocol's contract, run unchanged on every backend.

These tests talk to a store directly, as ``Archive`` does, with records prepared by the
public ingest function; SQLite (file and memory) and PostgreSQL must answer alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from conftest import story
from newsarchive.errors import NotFoundError
from newsarchive.ingest.records import prepare_record
from newsarchive.storage import CaptureRecord, Store, open_store
from newsarchive.storage._blobs import TRAIN_AFTER
from newsarchive.storage.framer import TextFramer

URL = "https://news.example.com/2017/06/06/story"
ALIAS = "https://news.example.com/story?id=7"
OTHER = "https://news.example.com/2017/06/07/other"
T0 = datetime(2017, 6, 6, 20, 0, tzinfo=UTC)
A, B, C = "First draft.", "First draft, edited.", "A new lede.\n\nFirst draft, edited."


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def record(text: str, minutes: float, url: str = URL, **fields: Any) -> CaptureRecord:
    return prepare_record(url, text=text, captured_at=at(minutes), **fields)


@pytest.fixture
def store(archive_location: str) -> Iterator[Store]:
    opened = open_store(archive_location)
    try:
        yield opened
    finally:
        opened.close()


def test_every_backend_has_every_method_of_the_protocol(store: Store) -> None:
    wanted = {name for name in dir(Store) if not name.startswith("_")} | {"location"}
    assert {name for name in wanted if not hasattr(store, name)} == set()


def test_a_new_article_starts_at_version_one(store: Store) -> None:
    [result] = store.save([record(A, 0, title="Story")])
    assert result.is_new_capture and result.is_new_version
    assert result.version is not None
    assert (result.version.number, result.version.text, result.version.title) == (1, A, "Story")
    assert result.capture.version_id == result.version.id


def test_unchanged_content_adds_a_capture_and_no_version(store: Store) -> None:
    store.save([record(A, 0)])
    [result] = store.save([record(A, 10)])
    assert result.is_new_capture and not result.is_new_version
    [version] = store.versions(URL)
    assert (version.capture_count, version.last_captured_at) == (2, at(10))


def test_saving_the_same_capture_twice_adds_nothing(store: Store) -> None:
    store.save([record(A, 0), record(B, 10)])
    again = store.save([record(A, 0), record(B, 10)])
    assert [(r.is_new_capture, r.is_new_version) for r in again] == [(False, False)] * 2
    assert len(store.captures(URL)) == 2


def test_versions_are_found_by_number_id_time_and_as_the_latest(store: Store) -> None:
    store.save([record(A, 0), record(B, 10), record(C, 20)])
    versions = store.versions(URL)
    assert [v.text for v in versions] == [A, B, C]
    assert store.version(URL, 2) == versions[1]
    assert store.version(URL, 4) is None
    assert store.version_by_id(URL, versions[1].id) == versions[1]
    assert store.version_by_id(URL, "0" * 16) is None
    assert store.latest_version(URL) == versions[-1]
    assert store.version_at(URL, at(15)) == versions[1]
    assert store.version_at(URL, at(-1)) is None


def test_an_alias_finds_the_article(store: Store) -> None:
    store.save([record(A, 0, fetched_url=ALIAS)])
    article = store.find_article(ALIAS)
    assert article is not None and article.url == URL and ALIAS in article.aliases
    assert store.versions(ALIAS) == store.versions(URL)
    assert store.find_article(OTHER) is None


def test_an_unknown_article_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.versions(OTHER)
    with pytest.raises(NotFoundError):
        store.captures(OTHER)


def test_going_back_to_earlier_content_is_a_revert(store: Store) -> None:
    store.save([record(A, 0), record(B, 10)])
    [result] = store.save([record(A, 20)])
    assert result.is_new_version and result.version is not None
    assert (result.version.number, result.version.reverted_to) == (3, 1)


def test_a_revert_is_found_whatever_the_spacing_of_either_text(store: Store) -> None:
    """The content compared is the normalised one, so the texts stored (and their blobs)
    differ: the new text is one the archive has never held, yet it is a revert."""
    spaced = "First  draft.\n\n\nSecond paragraph."
    store.save([record(spaced, 0), record(B, 10)])
    [result] = store.save([record("First draft.\n\nSecond paragraph.", 20)])
    assert result.version is not None and result.version.reverted_to == 1
    store.save([record("Third  text.", 30, url=OTHER), record(B, 40, url=OTHER)])
    store.save([record(C, 60, url=OTHER)])
    [backfilled] = store.save([record("Third text.", 50, url=OTHER)])
    assert [v.reverted_to for v in store.versions(OTHER)] == [None, None, 1, None]
    assert backfilled.version is not None and backfilled.version.number == 3


def test_a_capture_earlier_than_the_latest_lands_in_its_place(store: Store) -> None:
    store.save([record(A, 0), record(C, 20)])
    [result] = store.save([record(B, 10)])
    assert result.is_new_version
    assert [(v.number, v.text) for v in store.versions(URL)] == [(1, A), (2, B), (3, C)]
    assert [c.captured_at for c in store.captures(URL)] == [at(0), at(10), at(20)]


def test_captures_come_back_in_the_order_they_were_saved(store: Store) -> None:
    store.save([record(A, 0), record(C, 20)])
    store.save([record(B, 10)])
    store.save([record("Other.", 5, url=OTHER)])
    saved = list(store.iter_captures([URL]))
    assert [c.captured_at for c in saved] == [at(0), at(20), at(10)]
    assert {c.url for c in store.iter_captures()} == {URL, OTHER}


def test_blobs_give_back_the_exact_bytes(store: Store) -> None:
    text = "Zürich 🗞\r\nRTL: שלום\n"
    [result] = store.save([record(text, 0, html="<p>Zürich</p>")])
    capture = result.capture
    assert store.blob(capture.text_hash) == text.encode()
    assert capture.html_hash == hashlib.sha256("<p>Zürich</p>".encode()).hexdigest()
    assert store.blob(capture.html_hash) == "<p>Zürich</p>".encode()
    with pytest.raises(NotFoundError):
        store.blob("0" * 64)


def test_ingest_saves_as_save_does_and_reports_only_what_changed(store: Store) -> None:
    outcomes = store.ingest([record(A, 0), record(A, 10), record(B, 20), record(B, 20)])
    assert [(o.url, o.is_new_capture, o.is_new_version) for o in outcomes] == [
        (URL, True, True),
        (URL, True, False),
        (URL, True, True),
        (URL, False, False),
    ]
    assert [v.text for v in store.versions(URL)] == [A, B]


def test_articles_are_listed_by_url_with_their_counts(store: Store) -> None:
    store.save([record(A, 0, title="Story"), record(B, 10, title="Story")])
    store.save([record(B, 15, title="Story")])
    store.save([record("Other.", 5, url=OTHER)])
    counts = [(a.url, a.title, a.version_count, a.capture_count) for a in store.articles()]
    assert counts == [(URL, "Story", 2, 3), (OTHER, None, 1, 1)]  # sorted by URL


def test_changes_list_later_versions_newest_first_by_stored_analysis(store: Store) -> None:
    store.save([record(A, 0), record(B, 10), record(C, 20)])
    _, second, third = store.versions(URL)
    store.set_analyses(
        URL,
        [
            (second.id, {"level": "minor", "reasons": [{"code": "typo"}], "stealth": False}),
            (third.id, {"level": "substantive", "reasons": [], "stealth": True}),
        ],
    )
    assert [c.version for c in store.changes()] == [3, 2]
    assert [c.version for c in store.changes(min_level="substantive")] == [3]
    assert [c.version for c in store.changes(stealth_only=True)] == [3]
    assert [c.version for c in store.changes(since=at(15))] == [3]
    assert [c.version for c in store.changes(limit=1)] == [3]
    assert store.version_by_id(URL, second.id).analysis["level"] == "minor"  # type: ignore[union-attr]


def test_the_schema_is_migrated_on_opening(store: Store) -> None:
    assert store.schema_version() >= 1


def test_a_batch_files_a_capture_under_an_alias_an_earlier_capture_of_it_added(
    store: Store,
) -> None:
    """Articles are looked up for a whole batch at once: an alias the batch adds still
    files the captures after it under its article."""
    mobile = "https://m.news.example.com/2017/06/06/story"
    batch = [
        record(A, 0, url=mobile, canonical_url=URL),
        record(B, 5, url=mobile),
        record(C, 10, url=URL),
    ]
    done = store.ingest(batch)
    assert [d.url for d in done] == [URL, URL, URL]
    assert [v.text for v in store.versions(URL)] == [A, B, C]


def test_a_batch_that_saves_one_text_twice_stores_it_once(store: Store) -> None:
    """A text stored by an earlier capture of the batch (here, another article's) is
    found there, and reverts keep their text."""
    done = store.ingest(
        [record(A, 0), record(A, 1, url=OTHER), record(B, 2), record(A, 3), record(B, 4, url=OTHER)]
    )
    assert [d.is_new_version for d in done] == [True, True, True, True, True]
    assert [v.text for v in store.versions(URL)] == [A, B, A]
    assert [v.reverted_to for v in store.versions(URL)] == [None, None, 1]
    assert [v.text for v in store.versions(OTHER)] == [A, B]
    assert store.blob(hashlib.sha256(A.encode()).hexdigest()) == A.encode()


def test_an_article_tail_is_where_its_timeline_ends(store: Store) -> None:
    assert store.article_tail(URL, 2) is None
    store.save([record(A, 0), record(B, 10), record(B, 15), record(A, 20), record(C, 30)])
    store.save([record(C, 40, quality="soft-404")])
    tail = store.article_tail(URL, 2)
    assert tail is not None and tail.url == URL
    latest = store.latest_version(URL)
    assert latest is not None
    # The last two versions, oldest first; only the latest with its text.
    assert [v.number for v in tail.versions] == [3, 4]
    assert tail.versions[-1] == attrs.evolve(latest, analysis=None)
    assert tail.versions[0].text == "" and tail.versions[0].last_captured_at == at(20)
    hashes = [v.content_hash for v in store.versions(URL)]
    assert tail.firsts == {hashes[0]: 1, hashes[1]: 2, hashes[3]: 4}
    assert tail.last_captured_at == int(at(40).timestamp() * 1_000_000)
    assert tail.text_depth >= 0


def test_versions_between_two_numbers_come_without_their_texts(store: Store) -> None:
    store.save([record(A, 0, title="One"), record(B, 10, title="Two"), record(C, 20)])
    full = store.versions(URL)
    between = store.versions_between(URL, 2, 3)
    assert between == [attrs.evolve(v, text="", analysis=None) for v in full[1:]]
    assert [v.title for v in between] == ["Two", None]
    assert store.versions_between(URL, 4, 9) == []


def test_a_save_names_the_versions_it_wrote(store: Store) -> None:
    """What a save hands ``on_saved``: the first version it wrote (no analysis before it
    can be out of date, so the archive never reads an article's whole history), and the
    latest capture time of those whose captures it changed."""
    seen: list[dict[str, tuple[int, datetime | None]]] = []

    def noted(changed: Any) -> None:
        seen.append({url: (w.first, w.until) for url, w in changed.items()})

    store.save([record(A, 0), record(B, 10)], on_saved=noted)
    store.save([record(B, 20)], on_saved=noted)  # a re-check writes no version
    store.save([record(C, 30)], on_saved=noted)
    store.save([record(C, 5)], on_saved=noted)  # a backfill: renumbers B and C after it
    store.save([record(B, 9)], on_saved=noted)  # re-heads B
    assert seen == [{URL: (1, at(10))}, {URL: (3, at(30))}, {URL: (2, at(5))}, {URL: (3, at(20))}]
    history = store.versions(URL)
    assert [(v.number, v.first_captured_at) for v in history] == [
        (1, at(0)),
        (2, at(5)),
        (3, at(9)),
        (4, at(30)),
    ]


def test_captures_are_listed_in_time_order_from_a_time_on(store: Store) -> None:
    first = record(A, 0, canonical_url=URL, fetched_url=ALIAS)
    again = record(A, 5)  # a re-check: its content hash is held as its first capture's
    changed = record(B, 10)
    store.save([changed, first, again])
    keys = [
        (at(0), first.content_hash),
        (at(5), first.content_hash),
        (at(10), changed.content_hash),
    ]
    assert store.captures_from(URL, at(0), 10) == keys
    assert store.captures_from(ALIAS, at(0), 10) == keys  # by any of its URLs
    assert store.captures_from(URL, at(1), 10) == keys[1:]
    assert store.captures_from(URL, at(0), 2) == keys[:2]
    assert store.captures_from(URL, at(11), 10) == []
    assert store.captures_from(OTHER, at(0), 10) == []


def test_an_opener_opens_the_same_store_again(store: Store) -> None:
    store.save([record(A, 0)])
    opener = store.opener()
    if store.location == ":memory:":
        assert opener is None
        return
    assert opener is not None
    import pickle

    again = pickle.loads(pickle.dumps(opener))()  # as a worker process receives it
    try:
        assert again.latest_version(URL) == store.latest_version(URL)
    finally:
        again.close()


def test_a_keyframe_framed_ahead_with_the_stores_dictionary_reads_back(store: Store) -> None:
    assert store.keyframe_dictionary() is None
    stories = {f"{URL}/{n}": story(n) for n in range(3 * TRAIN_AFTER)}
    store.ingest(record(text, n, url=url) for n, (url, text) in enumerate(stories.items()))
    trained = store.keyframe_dictionary()
    assert trained is not None
    framer = TextFramer()
    before = prepare_record(f"{OTHER}/1", text=story(1001), captured_at=at(0), framer=framer)
    framer.use_dictionary(*trained)
    after = prepare_record(f"{OTHER}/2", text=story(1002), captured_at=at(0), framer=framer)
    assert (before.text_frame.dictionary, after.text_frame.dictionary) == (None, trained[0])
    store.save([before, after])
    assert store.latest_version(f"{OTHER}/1").text == story(1001)
    assert store.latest_version(f"{OTHER}/2").text == story(1002)
    assert store.keyframe_dictionary() == trained
