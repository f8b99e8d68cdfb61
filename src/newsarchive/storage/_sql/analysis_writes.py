"""Storing the change analyses of the versions a save wrote, in its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...times import from_micros
from .. import OnSaved, _analysis, analysed_from
from .links import ArticleLinks
from .read import SQLReader
from .rows import _LEVELS
from .statements import SET_ANALYSIS, analysis_reads


class AnalysisWrites(SQLReader):
    """Handing a save's articles to ``on_saved``, and storing what it computes."""

    def _notify(self, on_saved: OnSaved, urls: Iterable[str]) -> None:
        """Call ``on_saved`` with those of these articles whose versions the transaction
        wrote, each with which (sorted by URL), if there are any; what it reads of them
        (their analyses, as it mostly stores them, from the version before the first) is
        asked for all of them at once."""
        from ..records import WrittenVersions

        rows, written = self._article_rows, self._versions_written
        changed: dict[str, WrittenVersions] = {}
        for url in sorted(set(urls)):
            found = rows.get(url)
            if found is None:
                changed[url] = WrittenVersions(1, None)  # not known here: every one may be
            elif found[0] in written:
                first, until = written[found[0]]
                changed[url] = WrittenVersions(first, None if until < 0 else from_micros(until))
        if changed:
            reads = {rows[u][0]: analysed_from(w.first) for u, w in changed.items() if u in rows}
            with self._sending_ahead(analysis_reads(reads)):
                on_saved(changed)

    def set_analyses(
        self, url: str, items: Sequence[tuple[str, Mapping[str, Any] | None]], *, since: int = 1
    ) -> None:
        """Store analysis summaries of one article's versions (by id) in one transaction."""
        if not items:
            return
        with self._write([url]):
            article_id, canonical = self._require_article(url)
            links = ArticleLinks(self, canonical, article_id, since)
            for version_id, summary in items:
                number = links.number_of(version_id)
                if number is None:
                    continue  # no such version: nothing to store it with
                level = None if not summary else _LEVELS.get(str(summary.get("level")))
                stealth = None if not summary else int(bool(summary.get("stealth")))
                self._execute(
                    SET_ANALYSIS,
                    (
                        _analysis.encode(summary, links, links.capture_of(version_id))
                        if summary
                        else None,
                        level,
                        stealth,
                        article_id,
                        number,
                    ),
                )
