"""Where the articles of a scraped JSON file keep their fields, and reading them out.

A git-scraped feed is a JSON document holding a list (or an object keyed by id) of
entries. :class:`ItemPointers` says, with JSON pointers (RFC 6901), where the entries are
and where each keeps its id, URL, title, text, dates and anything else worth keeping;
:func:`entry_fields` turns one entry into the arguments of ``Archive.save``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import attrs

from ..errors import InputError
from ..times import parse_time

__all__ = ["ItemPointers", "RelativeURLError", "entries_of", "entry_fields", "resolve_pointer"]

# Where articles in JSON usually keep their fields, tried in order when no pointer is given.
_TEXT_KEYS = ("text", "body", "content", "article_text", "articleBody")
_HTML_KEYS = ("html", "body_html", "content_html")
_TITLE_KEYS = ("title", "headline")
_BYLINE_KEYS = ("byline", "author", "authors")
_PUBLISHED_KEYS = ("published_at", "published", "datePublished", "date")
_MODIFIED_KEYS = ("modified_at", "updated_at", "updated", "dateModified")
#: The metadata key an import keeps its own record under; no ``meta`` name may take it.
RESERVED_META = "git"


class RelativeURLError(InputError):
    """An entry's URL is relative and no base URL was given to resolve it."""


def _pointer_tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _sorted_dict(value: Mapping[str, str]) -> dict[str, str]:
    return dict(sorted(dict(value).items()))


def _check_pointer(instance: Any, attribute: Any, value: Any) -> None:
    for pointer in _pointer_tuple(value) if value is not None else ():
        if pointer and not pointer.startswith("/"):
            raise InputError(
                f"bad JSON pointer {pointer!r} for {attribute.name}: "
                "it must be empty or start with /"
            )


def _check_meta(instance: Any, attribute: Any, value: Mapping[str, str]) -> None:
    for name, pointer in value.items():
        if not name or name == RESERVED_META:
            raise InputError(f"metadata name {name!r} is empty or reserved")
        _check_pointer(instance, attribute, pointer)


@attrs.frozen(kw_only=True)
class ItemPointers:
    """Where a JSON document keeps its articles, and where each keeps its fields.

    Every value is a JSON pointer (RFC 6901) into the document (``items``) or into one
    entry (the rest). ``url`` is required. When none of the content fields (``titles``,
    ``texts``, ``html``, ``byline``, ``published``, ``modified``) is given, the usual
    names are tried for each (``title``/``headline``, ``text``/``body``/``content``,
    ``published_at``, ``updated_at``...); given any, only those are read, so that a
    field left out (a churning ``updated_at``) makes no new versions.
    """

    url: str = attrs.field(validator=_check_pointer)
    #: Resolves relative URLs; without it a relative URL is an error.
    url_base: str | None = None
    #: The entry's stable id: one article per id, every URL it had kept as an alias.
    id: str | None = attrs.field(default=None, validator=_check_pointer)
    items: str = attrs.field(default="", validator=_check_pointer)
    #: Tried in order: the first that holds text is the title.
    titles: tuple[str, ...] = attrs.field(
        default=(), converter=_pointer_tuple, validator=_check_pointer
    )
    #: Every one that holds text, joined as paragraphs.
    texts: tuple[str, ...] = attrs.field(
        default=(), converter=_pointer_tuple, validator=_check_pointer
    )
    html: str | None = attrs.field(default=None, validator=_check_pointer)
    byline: str | None = attrs.field(default=None, validator=_check_pointer)
    published: str | None = attrs.field(default=None, validator=_check_pointer)
    modified: str | None = attrs.field(default=None, validator=_check_pointer)
    #: Metadata name -> pointer: values kept as they are in each capture's metadata.
    meta: Mapping[str, str] = attrs.field(
        factory=dict, converter=_sorted_dict, validator=_check_meta
    )

    @property
    def is_explicit(self) -> bool:
        """Whether the content fields are named, rather than found by their usual names."""
        return bool(
            self.titles
            or self.texts
            or self.html is not None
            or self.byline is not None
            or self.published is not None
            or self.modified is not None
        )

    def __attrs_post_init__(self) -> None:
        if self.url_base is not None:
            parts = urlsplit(self.url_base)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InputError(f"the base URL {self.url_base!r} is not an absolute http(s) URL")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """Return the value a JSON pointer (RFC 6901) names in ``document``.

    Args:
        document: parsed JSON.
        pointer: ``""`` for the whole document, else ``/``-separated tokens.

    Returns:
        The value named.

    Raises:
        KeyError: the pointer names nothing in the document.
        InputError: the pointer is not a JSON pointer.
    """
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise InputError(f"bad JSON pointer {pointer!r}: it must be empty or start with /")
    value = document
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise KeyError(pointer)
    return value


def entries_of(document: Any, pointers: ItemPointers) -> Iterator[tuple[str | None, Any]]:
    """The entries of a document, each with its key when they are an object's values.

    Raises:
        InputError: nothing at the ``items`` pointer, or neither an object nor an array.
    """
    try:
        entries = resolve_pointer(document, pointers.items)
    except KeyError:
        raise InputError(f"nothing at {pointers.items!r}") from None
    if isinstance(entries, dict):
        return iter(entries.items())
    if isinstance(entries, list):
        return ((None, entry) for entry in entries)
    raise InputError("the entries are neither an object nor an array")


def entry_url(entry: Any, pointers: ItemPointers) -> str:
    """The entry's absolute URL.

    Raises:
        InputError: no URL, not a string, or relative with no base URL.
    """
    try:
        url = resolve_pointer(entry, pointers.url)
    except (KeyError, TypeError):
        raise InputError(f"no URL at {pointers.url!r}") from None
    if not isinstance(url, str) or not url.strip():
        raise InputError(f"the URL at {pointers.url!r} is not a string")
    url = url.strip()
    if urlsplit(url).scheme:
        return url
    if pointers.url_base is None:
        raise RelativeURLError(
            f"the URL {url!r} is relative: give a base URL to resolve it (--url-base)"
        )
    return urljoin(pointers.url_base, url)


def entry_id(entry: Any, pointers: ItemPointers, key: str | None, url: str) -> str:
    """What identifies the entry's article across commits: its id, key or URL.

    Raises:
        InputError: an id pointer that names nothing usable in the entry.
    """
    if pointers.id is None:
        return key if key is not None else url
    try:
        value = resolve_pointer(entry, pointers.id)
    except (KeyError, TypeError):
        raise InputError(f"no id at {pointers.id!r}") from None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise InputError(f"the id at {pointers.id!r} is not a string or a number")
    return str(value)


def entry_fields(entry: Any, pointers: ItemPointers) -> dict[str, Any]:
    """The fields of ``Archive.save`` that one entry holds (all but URL and metadata).

    Args:
        entry: one entry of the document.
        pointers: where it keeps its fields.

    Returns:
        ``text`` or ``html``, and whichever of ``title``, ``byline``, ``published_at``,
        ``modified_at`` it holds. An unreadable date is left out rather than losing the
        entry.

    Raises:
        InputError: the entry has no text or HTML.
    """
    guess = not pointers.is_explicit
    fields: dict[str, Any] = {}
    html = _pick(entry, pointers.html, _HTML_KEYS if guess else ())
    if html is not None:
        fields["html"] = html
    if pointers.texts:
        parts = [_pick(entry, p, ()) for p in pointers.texts]
        text = "\n\n".join(p.strip() for p in parts if p is not None) or None
    else:
        text = _pick(entry, None, _TEXT_KEYS if guess else ())
    if text is not None:
        fields["text"] = text
    if not fields:
        raise InputError("the entry has no text or HTML")
    titles = [_pick(entry, p, ()) for p in pointers.titles]
    title = next((t for t in titles if t is not None), None)
    if guess:
        title = _pick(entry, None, _TITLE_KEYS)
    if title is not None:
        fields["title"] = title.strip()
    byline = _pick(entry, pointers.byline, _BYLINE_KEYS if guess else ())
    if byline is not None:
        fields["byline"] = byline
    for name, pointer, keys in (
        ("published_at", pointers.published, _PUBLISHED_KEYS),
        ("modified_at", pointers.modified, _MODIFIED_KEYS),
    ):
        value = _pick(entry, pointer, keys if guess else ())
        if value is not None:
            with contextlib.suppress(InputError):
                fields[name] = _time(value, name)
    return fields


def entry_meta(entry: Any, pointers: ItemPointers) -> dict[str, Any]:
    """The values the ``meta`` pointers name in the entry (those it holds)."""
    found: dict[str, Any] = {}
    for name, pointer in pointers.meta.items():
        with contextlib.suppress(KeyError, TypeError):
            found[name] = resolve_pointer(entry, pointer)
    return found


def _time(value: str, what: str) -> datetime:
    return parse_time(value, what=what)


def _pick(entry: Any, pointer: str | None, keys: tuple[str, ...]) -> str | None:
    if pointer is not None:
        try:
            value = resolve_pointer(entry, pointer)
        except (KeyError, TypeError):
            return None
        return _as_text(value)
    if not isinstance(entry, dict):
        return None
    for key in keys:
        value = _as_text(entry.get(key))
        if value is not None:
            return value
    return None


def _as_text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None
