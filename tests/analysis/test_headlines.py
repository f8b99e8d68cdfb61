"""Headline tests are named only when headlines alternate within hours."""

from __future__ import annotations

from datetime import timedelta

import attrs
from test_significance import DATA, load_history

from newsarchive.analysis import analyse
from newsarchive.analysis.headlines import headline_variants


def test_alternating_headlines_list_the_variants() -> None:
    versions, _ = load_history(DATA / "headline_test.toml")
    result = analyse(versions[2], versions[3], history=versions[:3])
    [test] = [r for r in result.reasons if r.code == "headline-test"]
    assert test.detail == (
        "“Council approves budget after all-night debate” | "
        "“Budget passes as residents pack city hall”"
    )


def test_a_headline_back_after_days_is_a_headline_change() -> None:
    versions, _ = load_history(DATA / "headline_test.toml")
    later = [
        attrs.evolve(
            v,
            first_captured_at=v.first_captured_at + timedelta(days=n),
            last_captured_at=v.last_captured_at + timedelta(days=n),
        )
        for n, v in enumerate(versions)
    ]
    assert headline_variants(later[1], later[2], later[:2]) == []
    result = analyse(later[1], later[2], history=later[:2])
    assert "headline-changed" in result.codes and "headline-test" not in result.codes
