"""Each version's stored change analysis, kept up to date as versions are saved.

A save calls :meth:`StoredAnalyses.analyse_stale` inside its transaction, so no version is
ever stored without its analysis; only analyses that are missing, or out of date because
a version's neighbours or revert mark changed, are computed, and only the versions the
save wrote (and the one before each first) are read: a save's cost does not grow with
the article's history.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..models import Version
from ..storage import Store, WrittenVersions, analysed_from

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from ..analysis import Rules
    from ..ingest.bulk import ImportAnalysis
    from ..ingest.follower import AnalysedAhead
    from ..storage import AnalysisState


@attrs.frozen
class StoredAnalyses:
    """The analyses a store holds, computed with ``rules``."""

    store: Store
    rules: Rules

    def analyse_stale(
        self,
        changed: Mapping[str, WrittenVersions],
        pool: Executor | None = None,
        ahead: Mapping[str, AnalysedAhead] | None = None,
    ) -> None:
        """Store the analyses these articles lack; a save runs it inside its transaction
        (see ``OnSaved``), with which versions of each it wrote.

        ``ahead`` holds versions an import's workers analysed before the save, by id;
        each is taken when the store gave the version the number, predecessor and revert
        mark its worker took for granted, and computed here otherwise. With ``pool``, the
        analyses are computed in its worker processes (see :func:`_start_analysis_worker`)
        while this process reads the next articles' versions and stores the analyses
        already back.
        """
        if pool is None:
            for url, written in changed.items():
                items = self.stale(url, ahead or {}, written)
                self.store.set_analyses(url, items, since=analysed_from(written.first))
            return
        pending: deque[tuple[list[tuple[str, list[str], list[dict[str, Any]]]], Any]] = deque()
        chunk: list[tuple[str, list[str], list[dict[str, Any]]]] = []
        pairs: list[_Pair] = []
        weight = 0

        def store_done(block: bool) -> None:
            # In the order sent, so the same import always writes in the same order.
            while pending and (block or pending[0][1].done()):
                articles, future = pending.popleft()
                summaries = iter(future.result())
                for url, ids, bases in articles:
                    items = [(i, {**next(summaries), **b}) for i, b in zip(ids, bases, strict=True)]
                    self.store.set_analyses(url, items, since=analysed_from(changed[url].first))

        for url, written in changed.items():
            ready, jobs = self._jobs(url, ahead or {}, written)
            if ready:
                self.store.set_analyses(url, ready, since=analysed_from(written.first))
            if not jobs:
                continue
            chunk.append((url, [j[0].id for j in jobs], [j[2] for j in jobs]))
            for version, previous, _, earlier in jobs:
                pairs.append(_Pair(previous, version, earlier))
                weight += _weight(previous, version)
            if weight >= _CHUNK_WEIGHT:
                pending.append((chunk, pool.submit(_analyse_pairs, pairs)))
                chunk, pairs, weight = [], [], 0
                store_done(block=False)
        if pairs:
            pending.append((chunk, pool.submit(_analyse_pairs, pairs)))
        store_done(block=True)

    def stale(
        self,
        url: str,
        ahead: Mapping[str, AnalysedAhead] | None = None,
        written: WrittenVersions | None = None,
    ) -> list[tuple[str, dict[str, Any]]]:
        """The analyses of the article's versions whose stored one is missing or out of
        date: of all, or of those a save ``written`` (see :meth:`analyse_stale` for
        ``ahead``)."""
        ready, jobs = self._jobs(url, ahead or {}, written)
        rules = self.rules
        return ready + [
            (version.id, {**_summary(_Pair(previous, version, earlier), rules), **basis})
            for version, previous, basis, earlier in jobs
        ]

    def _jobs(
        self, url: str, ahead: Mapping[str, AnalysedAhead], written: WrittenVersions | None
    ) -> tuple[list[tuple[str, dict[str, Any]]], list[_Job]]:
        """The analyses of versions whose stored one is missing or out of date that were
        made ahead and hold; and the other such versions, each with its predecessor, what
        its analysis depends on beyond the two texts, and the earlier versions a headline
        test looks back on (see :func:`_headline_history`).

        Of the versions a save ``written`` (all, without it), only those and the one
        before are read: a new version at the end of the timeline costs one analysis
        against the version before, however long the article's history, and a backfill
        costs the versions whose neighbours changed, and those a headline test of which
        may now look back on another version.
        """
        rules_id = self.rules.rules_id
        first = 1 if written is None else written.first
        states = self.store.analysis_states(url, basis_only=True, since=analysed_from(first))
        looks_back = _looking_back(written)
        ready = []
        jobs = []
        read: dict[int, Version] = {}
        for index, state in enumerate(states):
            if state.number < first:
                continue  # the version before: read for its id
            basis = {
                "against": states[index - 1].id if index else None,
                "reverted_to": state.reverted_to,
            }
            current = state.analysis or {}
            if (
                current.get("rules_id") == rules_id
                and all(current.get(k, "") == v for k, v in basis.items())
                and not looks_back(state)
            ):
                continue
            made = ahead.get(state.id)
            if (
                made is not None
                and made.number == state.number
                and made.against == basis["against"]
                and made.reverted_to == state.reverted_to
            ):
                ready.append((state.id, {**made.summary, **basis}))
                continue
            # Consecutive new versions share one: read once, and sent to a worker once.
            version = read.get(state.number) or self.store.version(url, state.number)
            previous = None
            if index:
                previous = read.get(state.number - 1) or self.store.version(url, state.number - 1)
            assert version is not None
            read = {version.number: version}
            earlier = _headline_history(version, previous, _earlier_versions(self.store, url))
            jobs.append((version, previous, basis, earlier))
        return ready, jobs

    def recomputed(self, url: str) -> list[tuple[str, dict[str, Any]]]:
        # Loaded on first use: `log`, `list` and `show` need no analysis.
        from ..analysis import analyse

        rules = self.rules
        history = self.store.versions(url)
        items = []
        for index, version in enumerate(history):
            previous = history[index - 1] if index else None
            # What an analysis depends on beyond the two texts: a backfill can change
            # a version's predecessor, or what (and which number) it reverts to.
            basis = {
                "against": previous.id if previous else None,
                "reverted_to": version.reverted_to,
            }
            summary = analyse(previous, version, rules=rules, history=history[:index])
            items.append((version.id, {**summary.to_summary(), **basis}))
        return items

    def for_import(self) -> ImportAnalysis:
        """How an import analyses new versions: in its workers ahead of the save where
        they saw the article's timeline, else inside each batch's transaction, in the
        import's worker processes when it has them."""
        from ..ingest.bulk import ImportAnalysis  # importing only: reading never loads it

        return ImportAnalysis(
            on_saved=self.analyse_stale,
            start_worker=functools.partial(_start_analysis_worker, self.rules),
            summarise=functools.partial(summarise_next, self.rules),
        )


_Job = tuple[Version, Version | None, dict[str, Any], list[Version]]


def _looking_back(written: WrittenVersions | None) -> Callable[[AnalysisState], bool]:
    """Whether a version's headline test may look back on one whose captures the save
    changed: first captured within the test's window after the latest of those."""
    if written is None:
        return lambda state: False  # no save: the basis alone decides
    if written.until is None:
        return lambda state: True  # not known which it changed: any may
    from ..analysis.headlines import HEADLINE_TEST_WINDOW

    reach = written.until + HEADLINE_TEST_WINDOW
    return lambda state: state.first_captured_at is None or state.first_captured_at <= reach


def _earlier_versions(store: Store, url: str) -> Callable[[int], Version | None]:
    """How a headline test finds the earlier versions it looks back on: read from the
    store a stretch at a time, newest first, without their texts (a live blog captured
    every minute has 360 versions in the test's window)."""
    read: dict[int, Version] = {}

    def find(number: int) -> Version | None:
        if number not in read:
            first = max(1, number - _LOOK_BACK_STRETCH + 1)
            read.update((v.number, v) for v in store.versions_between(url, first, number))
        return read.get(number)

    return find


# Earlier versions a headline test reads at a time.
_LOOK_BACK_STRETCH = 64


def _headline_history(
    version: Version, previous: Version | None, find: Callable[[int], Version | None]
) -> list[Version]:
    """The versions before ``previous`` whose headlines a new headline may return to
    (a headline test, see :mod:`newsarchive.analysis.headlines`), oldest first.

    ``find(number)`` gives an earlier version. Read only when the headline changed, and
    only back to the test's window.
    """
    if previous is None or not version.title or version.title == previous.title:
        return []
    from ..analysis.headlines import HEADLINE_TEST_WINDOW

    since = version.first_captured_at - HEADLINE_TEST_WINDOW
    earlier: list[Version] = []
    for number in range(previous.number - 1, 0, -1):
        found = find(number)
        if found is None or found.last_captured_at < since:
            break
        earlier.append(found)
    return earlier[::-1]


def summarise_next(
    rules: Rules, kept: Sequence[Version], version: Version
) -> dict[str, Any] | None:
    """The stored summary of ``version`` against the last of ``kept``, the versions before
    it that an import's worker kept (see ``ArticleFollower``), as a save would store it;
    None when the headline test looks back further than ``kept`` goes."""
    previous = kept[-1] if kept else None
    by_number = {v.number: v for v in kept}
    oldest = kept[0].number if kept else 1

    def find(number: int) -> Version | None:
        if number < oldest:
            raise LookupError(number)  # not kept: the save's analysis reads it
        return by_number.get(number)

    try:
        earlier = _headline_history(version, previous, find)
    except LookupError:
        return None
    return _summary(_Pair(previous, version, earlier), rules)


@attrs.frozen
class _Pair:
    """A version to analyse, its predecessor, and the earlier versions a headline test
    looks back on (the store marks every return to an earlier text)."""

    previous: Version | None
    version: Version
    earlier: list[Version]


def _summary(pair: _Pair, rules: Rules) -> dict[str, Any]:
    """The stored summary of a version's analysis against its predecessor."""
    from ..analysis import analyse

    history = [*pair.earlier, pair.previous] if pair.previous is not None else []
    return analyse(pair.previous, pair.version, rules=rules, history=history).to_summary()


# The rules an analysis worker process applies, set once as it starts.
_worker_rules: Rules | None = None


def _start_analysis_worker(rules: Rules) -> None:
    global _worker_rules  # noqa: PLW0603 (one value per worker process, set as it starts)
    _worker_rules = rules


def _analyse_pairs(pairs: list[_Pair]) -> list[dict[str, Any]]:
    rules = _worker_rules
    assert rules is not None
    return [_summary(pair, rules) for pair in pairs]


# Work sent to a worker at once, in characters of text weighed as :func:`_weight` does:
# some ten typical pairs, so that sending costs little beside analysing, while the last
# piece of a batch keeps the other worker idle only briefly.
_CHUNK_WEIGHT = 200_000


def _weight(previous: Version | None, version: Version) -> int:
    """What analysing a pair is likely to cost, in characters of text.

    A rewrite (few paragraphs in common) pairs many unlike sentences and costs some ten
    times an edit of the same length.
    """
    if previous is None:
        return len(version.text)
    size = len(previous.text) + len(version.text)
    old = set(previous.text.splitlines())
    new = version.text.splitlines()
    shared = sum(line in old for line in new)
    return size if 2 * shared >= len(new) else 10 * size
