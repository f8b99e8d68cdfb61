"""What an article's history report shows: its versions, the diffs chosen, their analysis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ..analysis.significance import analyse
from ..archive import Archive
from ..models import Version, VersionDiff
from ..render.html import ChangeSummary


@attrs.frozen(kw_only=True)
class Report:
    """An article's report: every version, the diffs to show, and the analysis by number."""

    versions: tuple[Version, ...] = attrs.field(repr=False)
    diffs: tuple[VersionDiff, ...] = attrs.field(repr=False)
    analysis: Mapping[int, ChangeSummary] = attrs.field(factory=dict, repr=False)


def change_summaries(versions: Sequence[Version]) -> dict[int, ChangeSummary]:
    """Change analysis per version number, computed where none is stored with the version.

    Args:
        versions: consecutive versions of one article, oldest first.

    Returns:
        For each version after the first that has no stored analysis, its summary.
    """
    summaries: dict[int, ChangeSummary] = {}
    for index in range(1, len(versions)):
        version = versions[index]
        if not version.analysis:
            found = analyse(versions[index - 1], version, history=list(versions[:index]))
            summaries[version.number] = {
                "level": found.level,
                "reasons": [
                    {"code": r.code, "count": r.count, "detail": r.detail} for r in found.reasons
                ],
                "stealth": found.stealth,
            }
    return summaries


def build_report(
    archive: Archive, url: str, *, from_ref: str | None = None, to_ref: str | None = None
) -> Report:
    """Gather an article's report: every consecutive diff, or the one pair asked for.

    Args:
        archive: the archive.
        url: the article.
        from_ref: show only the diff from this version (default: the one before ``to_ref``).
        to_ref: show only the diff to this version (default: the latest).

    Returns:
        The versions, diffs and analysis :func:`newsarchive.render.html.render_report` takes.

    Raises:
        NotFoundError: no such article or version.
        InputError: a bad version reference.
    """
    versions = archive.history(url)
    if from_ref is None and to_ref is None:
        diffs = [
            archive.diff(url, old, new) for old, new in zip(versions, versions[1:], strict=False)
        ]
    else:
        new = archive.get(url, to_ref) if to_ref is not None else versions[-1]
        if from_ref is not None:
            old = archive.get(url, from_ref)
        else:
            old = versions[new.number - 2] if new.number > 1 else new
        diffs = [archive.diff(url, old, new)]
    return Report(versions=tuple(versions), diffs=tuple(diffs), analysis=change_summaries(versions))
