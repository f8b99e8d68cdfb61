"""A small fixed article history, built by hand, for the HTML and Atom renderer tests.

The diffs here come from :mod:`difflib` rather than ``newsarchive.diff``, so the golden files
change only when the renderers do, not when the differ's choices improve.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from datetime import UTC, datetime

from newsarchive.models import (
    DELETE,
    EQUAL,
    INSERT,
    DiffOp,
    DiffStats,
    FieldChange,
    TextDiff,
    Version,
    VersionDiff,
)
from newsarchive.render.html import ChangeSummary

URL = "https://news.example/2024/03/minister-contracts"

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> TextDiff:
    """Word-level diff of two texts, merged into runs."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    ops: list[DiffOp] = []

    def emit(op: int, text: str) -> None:
        if not text:
            return
        if ops and ops[-1].op == op:
            ops[-1] = DiffOp(op, ops[-1].text + text)
        else:
            ops.append(DiffOp(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            emit(EQUAL, "".join(a[i1:i2]))
        else:
            emit(DELETE, "".join(a[i1:i2]))
            emit(INSERT, "".join(b[j1:j2]))
    added = "".join(o.text for o in ops if o.op == INSERT)
    removed = "".join(o.text for o in ops if o.op == DELETE)
    stats = DiffStats(
        chars_added=len(added),
        chars_removed=len(removed),
        words_added=len(added.split()),
        words_removed=len(removed.split()),
        similarity=round(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 4),
    )
    return TextDiff(granularity="word", ops=ops, stats=stats)


def make_version(
    number: int,
    text: str,
    *,
    title: str | None,
    at: datetime,
    url: str = URL,
    reverted_to: int | None = None,
    captures: int = 1,
    byline: str | None = "Jane Doe",
) -> Version:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    key = f"{url}#{number}".encode("utf-8", "surrogatepass")
    return Version(
        id=f"ver-{hashlib.sha256(key).hexdigest()[:12]}",
        url=url,
        number=number,
        text=text,
        title=title,
        byline=byline,
        content_hash=digest,
        text_hash=digest,
        first_captured_at=at,
        last_captured_at=at.replace(minute=at.minute + captures - 1),
        capture_count=captures,
        reverted_to=reverted_to,
        metadata={"language": "en"},
    )


def make_diff(old: Version, new: Version) -> VersionDiff:
    fields = [
        FieldChange(field=name, old=getattr(old, name), new=getattr(new, name))
        for name in ("title", "byline")
        if getattr(old, name) != getattr(new, name)
    ]
    return VersionDiff(
        url=new.url, old=old, new=new, body=word_diff(old.text, new.text), fields=fields
    )


V1_TEXT = (
    "The minister is facing questions over contracts worth £3m awarded last year.\n\n"
    "Opposition MPs have called for an inquiry.\n\n"
    '"I have done nothing wrong," the minister said on Monday.'
)
V2_TEXT = (
    "The minister resigned on Tuesday after questions over contracts worth £4.5m awarded "
    "last year.\n\n"
    "Opposition MPs have called for an inquiry.\n\n"
    '"I have done nothing wrong," the minister said on Monday.\n\n'
    "A spokesperson for the prime minister thanked her for her service."
)
V3_TEXT = (
    "The minister resigned on Tuesday after questions over contracts worth £4.5m awarded "
    "last year.\n\n"
    "A spokesperson for the prime minister thanked her for her service.\n\n"
    "Opposition MPs have called for an inquiry."
)


def history() -> list[Version]:
    """Four versions: an update with a new headline, a quiet removal, then a revert."""
    day = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    return [
        make_version(1, V1_TEXT, title="Minister under pressure over contracts", at=day),
        make_version(
            2,
            V2_TEXT,
            title="Minister resigns over contracts",
            at=day.replace(day=5, hour=8, minute=30),
            captures=3,
        ),
        make_version(
            3, V3_TEXT, title="Minister resigns over contracts", at=day.replace(day=5, hour=14)
        ),
        make_version(
            4,
            V2_TEXT,
            title="Minister resigns over contracts",
            at=day.replace(day=6, hour=7, minute=15),
            reverted_to=2,
        ),
    ]


def consecutive_diffs(versions: list[Version]) -> list[VersionDiff]:
    return [make_diff(a, b) for a, b in zip(versions, versions[1:], strict=False)]


ANALYSIS: dict[int, ChangeSummary] = {
    2: {
        "level": "substantive",
        "reasons": ["headline_changed", "numbers_changed"],
        "stealth": False,
    },
    3: {"level": "substantive", "reasons": ["quote_removed"], "stealth": True},
    4: {"level": "substantive", "reasons": ["reverted"], "stealth": False},
}

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=alert(1)>',
    "</textarea></style></title><script>alert(1)</script>",
    '<a href="javascript:alert(1)">click</a>',
    "<!-- unclosed comment",
    "<![CDATA[ ]]> & &amp; &#x3c;script&#x3e;",
    "NUL\x00 and form feed\x0c and lone surrogate \ud800 end",
]
