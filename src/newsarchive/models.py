"""The values passed between layers: articles, captures, versions and diffs.

All are frozen attrs classes. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from .errors import InputError

_Reason = TypeVar("_Reason", bound="str | Mapping[str, Any]")

if TYPE_CHECKING:
    from .reports import Article as Article
    from .reports import Change as Change
    from .reports import ImportReport as ImportReport
    from .reports import Problem as Problem
    from .reports import SaveResult as SaveResult

Granularity = Literal["char", "word", "sentence", "paragraph"]
GRANULARITIES: tuple[Granularity, ...] = ("char", "word", "sentence", "paragraph")

DELETE, EQUAL, INSERT = -1, 0, 1


def timezone_aware(
    instance: object, attribute: attrs.Attribute[Any], value: datetime | None
) -> None:
    """An attrs validator: a time, when given, must say its timezone."""
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{attribute.name} must be a timezone-aware datetime")


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


def str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def header_tuple(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(text)) for name, text in value)


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of header ``name`` in ``(name, value)`` pairs, case-insensitively."""
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def _metadata_field() -> Any:
    return attrs.field(factory=dict, converter=_frozen_mapping, eq=True, hash=False, repr=False)


@attrs.frozen(kw_only=True)
class Capture:
    """One observation of an article at a moment, whether or not its content had changed.

    ``version`` is 0 and ``version_id`` empty for a capture flagged by ``quality`` (an error
    page, a bot challenge...), which never becomes part of a version.
    """

    id: int
    url: str
    captured_at: datetime = attrs.field(validator=timezone_aware)
    source: str
    version_id: str
    version: int
    content_hash: str
    text_hash: str
    html_hash: str | None = None
    title: str | None = None
    byline: str | None = None
    published_at: datetime | None = attrs.field(default=None, validator=timezone_aware)
    modified_at: datetime | None = attrs.field(default=None, validator=timezone_aware)
    fetched_url: str | None = None
    http_status: int | None = None
    http_headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=header_tuple)
    quality: str | None = None
    metadata: Mapping[str, Any] = _metadata_field()


@attrs.frozen(kw_only=True)
class Version:
    """A distinct state of an article's content, numbered from 1 in timeline order.

    ``id`` stays the same when a backfilled capture renumbers the timeline;
    ``number`` does not.
    """

    id: str
    url: str
    number: int = attrs.field(validator=attrs.validators.ge(1))
    text: str = attrs.field(repr=False)
    title: str | None = None
    byline: str | None = None
    published_at: datetime | None = attrs.field(default=None, validator=timezone_aware)
    modified_at: datetime | None = attrs.field(default=None, validator=timezone_aware)
    metadata: Mapping[str, Any] = _metadata_field()
    content_hash: str
    text_hash: str
    first_captured_at: datetime = attrs.field(validator=timezone_aware)
    last_captured_at: datetime = attrs.field(validator=timezone_aware)
    capture_count: int = 1
    reverted_to: int | None = None
    #: The stored change-analysis summary of this version against the previous one.
    analysis: Mapping[str, Any] | None = attrs.field(default=None, eq=False, hash=False, repr=False)


class BatchReport:
    """What every batch report has: the problems met, and whether there were none."""

    __slots__ = ()
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


SIGNIFICANCE_LEVELS = ("none", "cosmetic", "minor", "substantive")


def significance_rank(level: str | None) -> int:
    """The rank of a significance level in :data:`SIGNIFICANCE_LEVELS` (0 for None).

    Raises:
        InputError: an unknown level.
    """
    if level is None:
        return 0
    if level not in SIGNIFICANCE_LEVELS:
        raise InputError(f"unknown significance {level!r}: use " + ", ".join(SIGNIFICANCE_LEVELS))
    return SIGNIFICANCE_LEVELS.index(level)


@attrs.frozen(kw_only=True)
class LogEntry:
    """One line of an article's log: a version, what changed, and how much it matters."""

    version: Version
    #: e.g. ``title changed; +120/-8 chars, +21/-2 words``, or ``first version``.
    summary: str
    significance: str | None = None
    reasons: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    stealth: bool = False

    @classmethod
    def of(cls, version: Version, summary: str) -> LogEntry:
        """The entry of ``version`` with its stored analysis, and ``summary``."""
        analysis = version.analysis or {}
        return cls(
            version=version,
            summary=summary,
            significance=analysis.get("level"),
            reasons=tuple(r["code"] for r in analysis.get("reasons", ())),
            stealth=bool(analysis.get("stealth")),
        )


class SavedCaptures:
    """Counts over a batch report's ``captures``: values with ``is_new_capture`` and
    ``is_new_version``, one per capture the batch saved or found saved already."""

    __slots__ = ()
    captures: tuple[Any, ...]

    @property
    def captures_added(self) -> int:
        return sum(1 for c in self.captures if c.is_new_capture)

    @property
    def versions_added(self) -> int:
        return sum(1 for c in self.captures if c.is_new_version)

    @property
    def unchanged(self) -> int:
        """Captures the archive already held."""
        return sum(1 for c in self.captures if not c.is_new_capture)


@attrs.frozen
class DiffOp:
    """One run of a diff: ``op`` is -1 (deleted), 0 (equal) or 1 (inserted)."""

    op: int = attrs.field(validator=attrs.validators.in_((DELETE, EQUAL, INSERT)))
    text: str


@attrs.frozen(kw_only=True)
class DiffStats:
    chars_added: int
    chars_removed: int
    words_added: int
    words_removed: int
    similarity: float

    def counts(self) -> str:
        """The counts as every view shows them, e.g. ``+1,204/-8 chars, +197/-2 words``."""
        return (
            f"+{self.chars_added:,}/-{self.chars_removed:,} chars, "
            f"+{self.words_added:,}/-{self.words_removed:,} words"
        )


def plural(count: int, noun: str) -> str:
    """A count as a reader sees it, with an ``s`` unless it is one: ``1 word``,
    ``1,204 words``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _ops_tuple(value: Iterable[DiffOp]) -> tuple[DiffOp, ...]:
    # A typed converter: mypy cannot infer the element type of a bare ``tuple``.
    return tuple(value)


@attrs.frozen(kw_only=True)
class TextDiff:
    """The difference between two texts as a list of runs.

    Joining the texts of the ops other than deletions gives the new text exactly;
    joining those other than insertions gives the old text.
    """

    granularity: Granularity
    ops: tuple[DiffOp, ...] = attrs.field(converter=_ops_tuple, repr=False)
    stats: DiffStats

    @property
    def old_text(self) -> str:
        return "".join(o.text for o in self.ops if o.op != INSERT)

    @property
    def new_text(self) -> str:
        return "".join(o.text for o in self.ops if o.op != DELETE)

    @property
    def has_changes(self) -> bool:
        return any(o.op != EQUAL for o in self.ops)


#: The fields a version diff compares, as a reader names them, in the order they are shown.
FIELD_LABELS = {
    "title": "headline",
    "byline": "byline",
    "published_at": "published",
    "modified_at": "last modified",
}


def field_label(field: str) -> str:
    """A changed field's name as a reader says it: ``modified_at`` is "last modified"."""
    return FIELD_LABELS.get(field, field.replace("_", " "))


# Reasons that sum a version up: a reader takes them in before the changes they cover.
_SUMMING_UP = frozenset({"rewrite"})


def reading_order(reasons: Iterable[_Reason]) -> list[_Reason]:
    """Reasons (codes, or mappings with a ``code``) as a reader takes them in: one that
    sums the version up (``rewrite``) first, then the others in the order found.

    Analyses store reasons in the order found, and data exports keep it; views for a
    person show this order, so a rewrite is not the last of a dozen sentence changes.
    """

    def code(reason: _Reason) -> str:
        return reason if isinstance(reason, str) else str(reason.get("code", ""))

    return sorted(reasons, key=lambda reason: code(reason) not in _SUMMING_UP)


@attrs.frozen(kw_only=True)
class FieldChange:
    """A change of one field other than the body: title, byline or a declared date."""

    field: str
    old: str | None
    new: str | None


def _field_changes_tuple(value: Iterable[FieldChange]) -> tuple[FieldChange, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class VersionDiff:
    """What changed between two versions of one article."""

    url: str
    old: Version
    new: Version
    body: TextDiff
    fields: tuple[FieldChange, ...] = attrs.field(converter=_field_changes_tuple)

    @property
    def has_changes(self) -> bool:
        return self.body.has_changes or bool(self.fields)


# What saves, batches and listings report is made on first use (see ``reports``): reading
# an article never needs it, and making attrs classes is a noticeable part of a start.
_REPORTS = frozenset({"Article", "Change", "ImportReport", "Problem", "SaveResult"})


def __getattr__(name: str) -> Any:
    if name not in _REPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import reports

    value = getattr(reports, name)
    globals()[name] = value
    return value
