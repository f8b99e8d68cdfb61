"""Configurable rules for judging how much a change matters.

``Rules`` is a frozen value: thresholds, pattern lists and the level each reason
code maps to. It can be built in Python, from a mapping, or from a TOML file::

    name = "newsroom"
    rewrite_threshold = 0.6
    extra_boilerplate = ["^Watch live:"]

    [levels]
    byline-changed = "substantive"

Every analysis records ``Rules.rules_id``, which changes whenever the rules or
the analysis code change, so stored analyses can be recomputed when stale.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import attrs

from ..errors import InputError

__all__ = [
    "ANALYSIS_VERSION",
    "DEFAULT_BOILERPLATE",
    "DEFAULT_CORRECTION_PATTERNS",
    "DEFAULT_LEVELS",
    "DEFAULT_RULES",
    "DEFAULT_SPEECH_VERBS",
    "DEFAULT_UPDATE_PATTERNS",
    "LEVELS",
    "Level",
    "Patterns",
    "Rules",
]

Level = Literal["none", "cosmetic", "minor", "substantive"]
LEVELS: tuple[Level, ...] = ("none", "cosmetic", "minor", "substantive")

# Bump when a change to the analysis code can change results for the same rules.
ANALYSIS_VERSION = 1

DEFAULT_LEVELS: Mapping[str, Level] = {
    "whitespace": "cosmetic",
    "punctuation": "cosmetic",
    "capitalisation": "cosmetic",
    "boilerplate": "cosmetic",
    "dates-changed": "cosmetic",
    "headline-restyled": "cosmetic",
    "typo": "minor",
    "wording-changed": "minor",
    "sentence-moved": "minor",
    "byline-changed": "minor",
    "update-note": "minor",
    "number-changed": "substantive",
    "date-changed": "substantive",
    "name-changed": "substantive",
    "quote-changed": "substantive",
    "attribution-changed": "substantive",
    "sentence-rewritten": "substantive",
    "sentence-added": "substantive",
    "sentence-deleted": "substantive",
    "paragraph-added": "substantive",
    "paragraph-deleted": "substantive",
    "rewrite": "substantive",
    "headline-changed": "substantive",
    "correction-note": "substantive",
    "reverted": "none",
    "extraction-changed": "cosmetic",
    "image-changed": "minor",
    "caption-changed": "minor",
    "link-added": "minor",
    "link-removed": "minor",
    "live-update": "minor",
    "headline-test": "minor",
}

# Matched case-insensitively with re.search against one sentence (no surrounding space).
DEFAULT_BOILERPLATE: tuple[str, ...] = (
    r"^read more\b",
    r"^(skip )?advertisement\b",
    r"^(share|tweet|email|print) (this|on)\b",
    r"^(share|save) (this )?(story|article)\b",
    r"\bsign up for (our|the)\b.*\bnewsletter",
    r"^subscribe\b",
    r"^follow us on\b",
    r"^click here\b",
    r"^related( coverage| stories| articles| content)?\s*:",
    r"^story continues (below|after)",
    r"^(continue|keep) reading\b",
    r"^(copyright|©)\s",
    r"^all rights reserved\b",
    r"^this material may not be published, broadcast, rewritten,? or redistributed",
)
DEFAULT_CORRECTION_PATTERNS: tuple[str, ...] = (
    r"^(correction|corrections|clarification|editor['’]s note)s?\s*[:.(—–-]",
    r"\ban earlier version of this (story|article|report|post)\b",
    r"\bthis (story|article|report|post) (has been|was) (corrected|amended)\b",
    r"\b(updated|amended) to (correct|clarify|fix)\b",
    r"\bwe regret the error\b",
)
DEFAULT_UPDATE_PATTERNS: tuple[str, ...] = (
    r"^(update|updated)\s*[:(—–-]",
    r"^(update|updated) (at|on)\b",
    r"^last updated\b",
    r"\bthis (story|article|report|post) (has been|was|will be) updated\b",
    r"\bthis is a developing (story|news story)\b",
    r"\bcheck back (later )?for updates\b",
)
DEFAULT_SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "told", "tells", "according", "added", "adds", "asked", "stated",
    "wrote", "writes", "tweeted", "posted", "claimed", "claims", "explained", "announced",
    "confirmed", "denied", "insisted", "argued", "noted", "testified", "warned", "acknowledged",
    "admitted", "alleged", "replied", "responded", "spokesman", "spokeswoman", "spokesperson",
)  # fmt: skip


def _unit_interval(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{attribute.name} must be between 0 and 1, not {value}")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{attribute.name} must be a whole number of at least 1, not {value!r}")


def _patterns(instance: object, attribute: attrs.Attribute[tuple[str, ...]], value: Any) -> None:
    for pattern in value:
        if not isinstance(pattern, str):
            raise InputError(f"{attribute.name} must be a list of strings, not {pattern!r}")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"{attribute.name}: bad pattern {pattern!r}: {exc}") from None


def _levels(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    for code, level in value:
        if code not in DEFAULT_LEVELS:
            raise InputError(f"levels: unknown reason code {code!r}")
        if level not in LEVELS:
            raise InputError(f"levels: {code} must be one of {', '.join(LEVELS)}, not {level!r}")


def _level_items(value: Mapping[str, str] | Any) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), v) for k, v in items))


def _str_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InputError(f"expected a list of strings, not the string {value!r}")
    return tuple(value)


@attrs.frozen(kw_only=True)
class Rules:
    """Thresholds, patterns and levels used by :func:`newsarchive.analysis.analyse`.

    Attributes:
        name: A label recorded in ``rules_id``.
        rewrite_threshold: Share of the old words removed *and* of the new words
            added from which the whole change is a ``rewrite``.
        pair_threshold: Share of common words from which a deleted and an added
            sentence are one edited sentence.
        typo_max_edits: Most letter edits (insert, delete, substitute, swap) for a
            changed word to count as a ``typo``.
        rewritten_sentence_words: Changed words in one sentence from which an
            edit is ``sentence-rewritten`` rather than ``wording-changed``.
        boilerplate_patterns: Sentences matching any of these are boilerplate.
        correction_patterns / update_patterns: Sentences announcing a correction
            or an update.
        speech_verbs: Words that mark an attribution ("said", "according").
        levels: Overrides of ``DEFAULT_LEVELS``, as (code, level) pairs or a mapping.
    """

    name: str = "default"
    rewrite_threshold: float = attrs.field(default=0.5, validator=_unit_interval)
    pair_threshold: float = attrs.field(default=0.6, validator=_unit_interval)
    typo_max_edits: int = attrs.field(default=2, validator=_positive)
    rewritten_sentence_words: int = attrs.field(default=4, validator=_positive)
    boilerplate_patterns: tuple[str, ...] = attrs.field(
        default=DEFAULT_BOILERPLATE, converter=_str_tuple, validator=_patterns
    )
    correction_patterns: tuple[str, ...] = attrs.field(
        default=DEFAULT_CORRECTION_PATTERNS, converter=_str_tuple, validator=_patterns
    )
    update_patterns: tuple[str, ...] = attrs.field(
        default=DEFAULT_UPDATE_PATTERNS, converter=_str_tuple, validator=_patterns
    )
    speech_verbs: tuple[str, ...] = attrs.field(default=DEFAULT_SPEECH_VERBS, converter=_str_tuple)
    levels: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=_level_items, validator=_levels
    )

    def level_of(self, code: str) -> Level:
        """The level a reason code contributes under these rules.

        Args:
            code: A reason code from ``DEFAULT_LEVELS``.

        Returns:
            The configured level, or the default one.

        Raises:
            InputError: ``code`` is not a known reason code.
        """
        for override, level in self.levels:
            if override == code:
                return cast(Level, level)
        try:
            return DEFAULT_LEVELS[code]
        except KeyError:
            raise InputError(f"unknown reason code {code!r}") from None

    @property
    def rules_id(self) -> str:
        """``a<ANALYSIS_VERSION>-<name>-<hash of the rules>``, e.g. ``a1-default-3f2a9c01``."""
        return _rules_id(self)

    def to_mapping(self) -> dict[str, Any]:
        """The rules as TOML-ready data (``from_mapping`` reads it back).

        Returns:
            A dict with every setting; ``levels`` is a table of overrides.
        """
        data = attrs.asdict(self, recurse=False)
        for key in ("boilerplate_patterns", "correction_patterns", "update_patterns"):
            data[key] = list(data[key])
        data["speech_verbs"] = list(self.speech_verbs)
        data["levels"] = dict(self.levels)
        return data

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, base: Rules | None = None) -> Rules:
        """Build rules from a mapping such as a parsed TOML document.

        Keys are the attribute names, plus ``extra_boilerplate``,
        ``extra_correction_patterns``, ``extra_update_patterns`` and
        ``extra_speech_verbs``, which add to the defaults instead of replacing
        them. A top-level ``analysis`` table is used if present, so the settings
        can share a file with others.

        Args:
            data: The settings.
            base: Rules to start from (``DEFAULT_RULES`` if omitted).

        Returns:
            The rules.

        Raises:
            InputError: An unknown key, or a value of the wrong type or range.
        """
        if "analysis" in data and isinstance(data["analysis"], Mapping):
            data = data["analysis"]
        start = base if base is not None else DEFAULT_RULES
        fields = {f.name for f in attrs.fields(cls)}
        extras = {
            "extra_boilerplate": "boilerplate_patterns",
            "extra_correction_patterns": "correction_patterns",
            "extra_update_patterns": "update_patterns",
            "extra_speech_verbs": "speech_verbs",
        }
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key in fields:
                changes[key] = value
            elif key not in extras:
                raise InputError(f"unknown analysis setting {key!r}")
        for key, target in extras.items():
            if key in data:
                current = changes.get(target, getattr(start, target))
                changes[target] = tuple(current) + _str_tuple(data[key])
        if "levels" in changes:
            if not isinstance(changes["levels"], Mapping):
                raise InputError("levels must be a table of reason code = level")
            changes["levels"] = {**dict(start.levels), **changes["levels"]}
        for key in ("rewrite_threshold", "pair_threshold"):
            if key in changes:
                value = changes[key]
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise InputError(f"{key} must be a number, not {value!r}")
                changes[key] = float(value)
        if "name" in changes and not isinstance(changes["name"], str):
            raise InputError(f"name must be a string, not {changes['name']!r}")
        try:
            return attrs.evolve(start, **changes)
        except TypeError as exc:
            raise InputError(f"invalid analysis settings: {exc}") from None

    @classmethod
    def from_toml(cls, path: str | Path) -> Rules:
        """Read rules from a TOML file (see the module docstring for the format).

        Args:
            path: The file.

        Returns:
            The rules.

        Raises:
            InputError: The file cannot be read or parsed, or holds bad settings.
        """
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except OSError as exc:
            raise InputError(f"cannot read analysis rules from {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path} is not valid TOML: {exc}") from None
        try:
            return cls.from_mapping(data)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None


DEFAULT_RULES = Rules()


@attrs.frozen
class Patterns:
    """Rule patterns compiled for matching: those that can only match at a text's start
    are tried there once, the others searched for.

    One alternation of every pattern would be tried at each position of the text, the
    anchored ones too, which made checking a sentence several times slower.
    """

    at_start: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None

    def search(self, text: str) -> bool:
        """Whether any of the patterns matches somewhere in ``text`` (as ``re.search``)."""
        if self.at_start is not None and self.at_start.match(text):
            return True
        return self.anywhere is not None and self.anywhere.search(text) is not None


@lru_cache(maxsize=32)
def _rules_id(rules: Rules) -> str:
    # Every analysis records it: hashed once per set of rules, not once per version.
    digest = hashlib.sha256(json.dumps(rules.to_mapping(), sort_keys=True).encode("utf-8"))
    return f"a{ANALYSIS_VERSION}-{rules.name}-{digest.hexdigest()[:8]}"


@lru_cache(maxsize=32)
def compile_patterns(patterns: tuple[str, ...]) -> Patterns | None:
    """``patterns`` compiled case-insensitively for matching (None if there are none)."""
    if not patterns:
        return None
    at_start = [p for p in patterns if _anchored(p)]
    anywhere = [p for p in patterns if not _anchored(p)]
    return Patterns(at_start=_union(at_start), anywhere=_union(anywhere))


def _union(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


def _anchored(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts at the text's start: it opens with ``^``
    and has no ``|`` outside brackets and groups (``^a|b`` matches ``b`` anywhere)."""
    if not pattern.startswith("^"):
        return False
    depth = 0
    k = 1
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 1
        elif ch == "[":
            k += 2 if pattern[k + 1 : k + 2] == "^" else 1
            k += 1 if pattern[k : k + 1] == "]" else 0  # a leading "]" is a literal
            while k < len(pattern) and pattern[k] != "]":
                k += 2 if pattern[k] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
        k += 1
    return True
