"""One alert: what changed in one new version, as a JSON body and as a short text.

The changed sentences come from the change analysis's sentence alignment; each is
shown with a few words of context, deletions as ``[-…-]`` and insertions as
``{+…+}`` (the markers of ``git diff --word-diff``), so the text reads the same in
mail, chat and a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import attrs

from ..analysis import Analysis, SentenceChange
from ..models import DELETE, EQUAL, INSERT, DiffOp, Version
from ..times import format_time

FORMAT_VERSION = 1
#: Words of unchanged text kept on each side of a change in an excerpt.
CONTEXT_WORDS = 6
_TOKEN = re.compile(r"\S+\s*|\s+")
_SENTENCE_LIMIT = 240
_TEXT_BULLETS = 3


@attrs.frozen(kw_only=True)
class ChangedSentence:
    """One sentence that was edited, added or deleted, with an excerpt of the change."""

    kind: str
    old: str | None
    new: str | None
    excerpt: str
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Alert:
    """Everything an alert says about one new version of an article."""

    url: str
    title: str | None
    old: Version
    new: Version
    level: str
    stealth: bool
    reasons: tuple[Mapping[str, Any], ...]
    words_added: int
    words_removed: int
    changes: tuple[ChangedSentence, ...]
    #: Where to read more: ``article`` always, ``report`` when the site's URL is known.
    links: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def version_id(self) -> str:
        return self.new.id

    @property
    def site(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def headline(self) -> tuple[str | None, str | None] | None:
        """The old and new headline, when the headline changed."""
        if self.old.title == self.new.title:
            return None
        return (self.old.title, self.new.title)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body posted to webhooks and piped to commands (see docs/alerts.md)."""
        headline = self.headline
        return {
            "format_version": FORMAT_VERSION,
            "url": self.url,
            "title": self.title,
            "site": self.site,
            "old": _version_dict(self.old),
            "new": _version_dict(self.new),
            "significance": self.level,
            "stealth": self.stealth,
            "reasons": [dict(r) for r in self.reasons],
            "headline": None if headline is None else {"old": headline[0], "new": headline[1]},
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "changes": [attrs.asdict(c) | {"removed": list(c.removed), "added": list(c.added)}
                        for c in self.changes],
            "links": dict(self.links),
            "text": self.to_text(),
        }  # fmt: skip

    def to_text(self) -> str:
        """A few lines for chat or mail: the article, the level, and what changed."""
        marks = [self.level]
        if self.stealth:
            marks.append("stealth edit")
        lines = [
            f"{self.title or self.url} ({self.site})",
            f"Version {self.old.number} → {self.new.number}, {', '.join(marks)}, "
            f"{_when(self.new.first_captured_at)}",
        ]
        headline = self.headline
        if headline is not None:
            lines.append("Headline: " + _excerpt_texts(headline[0] or "", headline[1] or ""))
        for change in self.changes[:_TEXT_BULLETS]:
            lines.append(f"• {change.excerpt}")
        more = len(self.changes) - _TEXT_BULLETS
        if more > 0:
            lines.append(f"(and {more} more changed sentence{'s' if more > 1 else ''})")
        if not self.changes and headline is None:
            lines.append("(only whitespace, punctuation or fields other than the text changed)")
        lines.append(self.links.get("report") or self.url)
        return "\n".join(lines)


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _version_dict(v: Version) -> dict[str, Any]:
    return {"version": v.number, "id": v.id, "captured_at": format_time(v.first_captured_at)}


def build_alert(
    old: Version,
    new: Version,
    analysis: Analysis,
    *,
    links: Mapping[str, str] | None = None,
) -> Alert:
    """Describe the change from ``old`` to ``new`` for an alert.

    Args:
        old: the version before.
        new: the new version.
        analysis: the change analysis of ``new`` against ``old``, with its alignment.
        links: where to read more (``report``...); ``article`` is always the URL.

    Returns:
        The alert.
    """
    alignment = analysis.alignment
    changes = tuple(
        _changed_sentence(c)
        for c in (alignment.changes if alignment is not None else ())
        if c.kind in ("edited", "added", "deleted")
    )
    return Alert(
        url=new.url,
        title=new.title or old.title,
        old=old,
        new=new,
        level=analysis.level,
        stealth=analysis.stealth,
        reasons=tuple(
            {"code": r.code, "level": r.level, "count": r.count, "detail": r.detail}
            for r in analysis.reasons
        ),
        words_added=analysis.words_added,
        words_removed=analysis.words_removed,
        changes=changes,
        links={"article": new.url, **(links or {})},
    )


def _changed_sentence(change: SentenceChange) -> ChangedSentence:
    if change.kind == "added":
        text = change.new or ""
        return ChangedSentence(
            kind="added", old=None, new=text, excerpt=f"{{+{_clip(text)}+}}", added=(text,)
        )
    if change.kind == "deleted":
        text = change.old or ""
        return ChangedSentence(
            kind="deleted", old=text, new=None, excerpt=f"[-{_clip(text)}-]", removed=(text,)
        )
    ops = change.diff.ops if change.diff is not None else ()
    return ChangedSentence(
        kind="edited",
        old=change.old,
        new=change.new,
        excerpt=excerpt(ops),
        removed=tuple(o.text.strip() for o in ops if o.op == DELETE and o.text.strip()),
        added=tuple(o.text.strip() for o in ops if o.op == INSERT and o.text.strip()),
    )


def _clip(text: str, limit: int = _SENTENCE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _excerpt_texts(old: str, new: str) -> str:
    from ..diff import diff_texts

    return excerpt(diff_texts(old, new, granularity="word").ops)


def excerpt(ops: Sequence[DiffOp], *, context_words: int = CONTEXT_WORDS) -> str:
    """A word diff as one line: changes marked, unchanged runs cut to a few words.

    Args:
        ops: the runs of a word diff.
        context_words: unchanged words kept on each side of a change.

    Returns:
        Text with ``[-deleted-]`` and ``{+inserted+}`` runs and ``…`` where it was cut.
    """
    parts: list[str] = []
    last = len(ops) - 1
    for index, op in enumerate(ops):
        if op.op == EQUAL:
            parts.append(_context(op.text, index == 0, index == last, context_words))
            continue
        core = " ".join(op.text.split())
        if not core:
            parts.append(" " if op.text else "")
            continue
        lead = " " if op.text[:1].isspace() else ""
        tail = " " if op.text[-1:].isspace() else ""
        mark = f"[-{core}-]" if op.op == DELETE else f"{{+{core}+}}"
        parts.append(f"{lead}{mark}{tail}")
    return " ".join("".join(parts).split())


def _context(text: str, first: bool, last: bool, keep: int) -> str:
    tokens = _TOKEN.findall(text)
    words = [t for t in tokens if t.strip()]
    if first and last:
        return text
    if first:
        return text if len(words) <= keep else "… " + "".join(tokens[-keep:]).lstrip()
    if last:
        return text if len(words) <= keep else "".join(tokens[:keep]).rstrip() + " …"
    if len(words) <= 2 * keep:
        return text
    return "".join(tokens[:keep]).rstrip() + " … " + "".join(tokens[-keep:]).lstrip()
