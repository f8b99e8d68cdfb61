"""Turn the bytes of a page into text, the way browsers pick an encoding.

The order follows the HTML standard's sniffing: a byte order mark, then the
charset of the HTTP ``Content-Type`` header, then a ``<meta>`` declaration in
the first bytes of the document, and only then detection: UTF-8 if the bytes
are valid UTF-8, the legacy encoding of the document's ``lang``, windows-1252
for text that reads as Western, and charset-normalizer for the rest.
A declaration is trusted only if the body decodes under it; a UTF-8 page with
a handful of broken bytes keeps UTF-8 with replacement characters rather than
being misread as a legacy encoding.
"""

from __future__ import annotations

import codecs
import re

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that the HTML standard maps to windows-1252, which is a superset.
_WINDOWS_1252_ALIASES = frozenset(
    {
        "iso-8859-1",
        "iso8859-1",
        "latin-1",
        "latin1",
        "ascii",
        "us-ascii",
        "l1",
        "cp819",
        "iso_8859-1",
    }
)

_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)

# How many broken sequences a page declared as UTF-8 may have before we stop believing it.
_MAX_BROKEN_UTF8_RATIO = 0.001


def charset_from_content_type(content_type: str | None) -> str | None:
    """Return the charset parameter of a Content-Type header value.

    Args:
        content_type: the header value, e.g. ``text/html; charset=UTF-8``.

    Returns:
        The charset label as written, or None if absent.
    """
    if not content_type:
        return None
    match = _CONTENT_TYPE_CHARSET.search(content_type)
    return match.group(1) if match else None


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try_decode(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            return None
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if broken <= max(3, int(len(text) * _MAX_BROKEN_UTF8_RATIO)):
        return text
    return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML (or XML) body to text.

    Args:
        body: the raw bytes as received.
        content_type: the HTTP ``Content-Type`` header, if any.

    Returns:
        ``(text, encoding)`` where ``encoding`` is the Python codec name used.
        Never fails: as a last resort the body is read as UTF-8 with replacement.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding

    candidates = [
        _normalise(charset_from_content_type(content_type)),
        _normalise(_meta_charset(body)),
    ]
    for candidate in candidates:
        if candidate is None:
            continue
        encoding = candidate
        # A meta tag claiming UTF-16 in an ASCII-readable document is always wrong.
        if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
            encoding = "utf-8"
        text = _try_decode(body, encoding)
        if text is not None:
            return text, encoding

    detected = _detect(body)
    if detected is not None:
        return detected
    return body.decode("utf-8", errors="replace"), "utf-8"


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", errors="ignore") if match else None


# Legacy encoding by document language, as browsers default by locale.
_LANGUAGE_ENCODINGS = {
    **dict.fromkeys(("pl", "cs", "sk", "hu", "hr", "sl", "ro", "bs"), "cp1250"),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "be", "mk"), "cp1251"),
    "el": "cp1253",
    "tr": "cp1254",
    "he": "cp1255",
    "ar": "cp1256",
    "fa": "cp1256",
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
    "vi": "cp1258",
    "th": "cp874",
    "ja": "shift_jis",
    "ko": "euc_kr",
    "zh-cn": "gb18030",
    "zh-tw": "big5",
    "zh-hk": "big5",
    "zh": "gb18030",
}
_HTML_LANG = re.compile(rb"""<html[^>]*\slang\s*=\s*["']?([a-zA-Z-]+)""", re.IGNORECASE)
# Western text has a few accented letters among many plain ones; other scripts
# read as windows-1252 turn nearly every letter into one.
_MAX_ACCENTED_SHARE = 0.3


def _language_encoding(body: bytes) -> str | None:
    match = _HTML_LANG.search(body[:4096])
    if not match:
        return None
    lang = match.group(1).decode("ascii").lower()
    return _LANGUAGE_ENCODINGS.get(lang) or _LANGUAGE_ENCODINGS.get(lang.split("-")[0], "cp1252")


def _looks_western(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 127)
    return bool(letters) and accented / len(letters) <= _MAX_ACCENTED_SHARE


def _detect(body: bytes) -> tuple[str, str] | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, "utf-8"
    by_language = _language_encoding(body)
    if by_language is not None:
        decoded = _try_decode(body, by_language)
        if decoded is not None and (by_language != "cp1252" or _looks_western(decoded)):
            return decoded, by_language
    decoded = _try_decode(body, "cp1252")
    if decoded is not None and _looks_western(decoded):
        return decoded, "cp1252"
    try:
        # The scrape extra's dependency, loaded on first use.
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - the scrape extra pulls it in
        return None
    matches = from_bytes(body)
    best = matches.best()
    if best is None:
        return None
    encoding = _normalise(best.encoding) or best.encoding
    return str(best), encoding
