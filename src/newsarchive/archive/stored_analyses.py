"""Each version's stored change analysis, kept up to date as versions are saved.

A save calls :meth:`StoredAnalyses.analyse_stale` inside its transaction, so no version is
ever stored without its analysis; only analyses that are missing, or out of date because
a version's neighbours or revert mark changed, are computed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..models import Version
from ..storage import Store

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from ..analysis import Rules
    from ..ingest.bulk import ImportAnalysis


@attrs.frozen
class StoredAnalyses:
    """The analyses a store holds, computed with ``rules``."""

    store: Store
    rules: Rules

    def analyse_stale(self, urls: Sequence[str], pool: Executor | None = None) -> None:
        """Store the analyses these articles lack; a save runs it inside its transaction.

        With ``pool``, the analyses are computed in its worker processes (see
        :func:`_start_analysis_worker`).
        """
        jobs = [(url, *job) for url in urls for job in self._jobs(url)]
        pairs = [_Pair(previous, version, earlier) for _, version, previous, _, earlier in jobs]
        if pool is not None and len(jobs) > 1:
            summaries = list(pool.map(_analyse_pair, pairs, chunksize=max(1, len(pairs) // 8)))
        else:
            summaries = [_summary(pair, self.rules) for pair in pairs]
        by_url: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for (url, version, _, basis, _), summary in zip(jobs, summaries, strict=True):
            by_url.setdefault(url, []).append((version.id, {**summary, **basis}))
        for url, items in by_url.items():
            self.store.set_analyses(url, items)

    def stale(self, url: str) -> list[tuple[str, dict[str, Any]]]:
        rules = self.rules
        return [
            (version.id, {**_summary(_Pair(previous, version, earlier), rules), **basis})
            for version, previous, basis, earlier in self._jobs(url)
        ]

    def _jobs(
        self, url: str
    ) -> list[tuple[Version, Version | None, dict[str, Any], list[Version]]]:
        """The versions whose stored analysis is missing or out of date, each with its
        predecessor, what its analysis depends on beyond the two texts, and the earlier
        versions a headline test looks back on (see :meth:`_headline_history`).

        Only those versions and their predecessors are read: a new version at the end of
        the timeline costs one analysis against the version before, however long the
        article's history, and a backfill costs the versions whose neighbours changed.
        """
        rules_id = self.rules.rules_id
        states = self.store.analysis_states(url)
        jobs = []
        for index, state in enumerate(states):
            basis = {
                "against": states[index - 1].id if index else None,
                "reverted_to": state.reverted_to,
            }
            current = state.analysis or {}
            if current.get("rules_id") == rules_id and all(
                current.get(k, "") == v for k, v in basis.items()
            ):
                continue
            version = self.store.version(url, state.number)
            previous = self.store.version(url, state.number - 1) if index else None
            assert version is not None
            jobs.append((version, previous, basis, self._headline_history(version, previous)))
        return jobs

    def _headline_history(self, version: Version, previous: Version | None) -> list[Version]:
        """The versions before ``previous`` whose headlines a new headline may return to
        (a headline test, see :mod:`newsarchive.analysis.headlines`), oldest first.

        Read only when the headline changed, and only back to the test's window.
        """
        if previous is None or not version.title or version.title == previous.title:
            return []
        from ..analysis.headlines import HEADLINE_TEST_WINDOW

        since = version.first_captured_at - HEADLINE_TEST_WINDOW
        earlier: list[Version] = []
        for number in range(previous.number - 1, 0, -1):
            found = self.store.version(version.url, number)
            if found is None or found.last_captured_at < since:
                break
            earlier.append(found)
        return earlier[::-1]

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
        """How an import analyses new versions: inside each batch's transaction, in the
        import's worker processes when it has them."""
        from ..ingest.bulk import ImportAnalysis  # importing only: reading never loads it

        return ImportAnalysis(
            on_saved=self.analyse_stale,
            start_worker=functools.partial(_start_analysis_worker, self.rules),
        )


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


def _analyse_pair(pair: _Pair) -> dict[str, Any]:
    assert _worker_rules is not None
    return _summary(pair, _worker_rules)
