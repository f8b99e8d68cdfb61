"""SURT keys: the sort-friendly URL form web archives index captures by.

``http://www.Example.com/a/?b=2&a=1`` becomes ``com,example)/a?a=1&b=2``: the host is
reversed so that a domain's URLs sort together, and the URL is canonicalised the way
the Wayback Machine, pywb and OutbackCDX do it, so our CDXJ lines line up with theirs.

The steps, in order:

1. parse leniently (a missing scheme means ``http``, stray slashes after it are ignored);
2. drop tabs and newlines and the fragment; unescape ``%XX`` repeatedly, then escape
   only control bytes, spaces, non-ASCII bytes, ``#`` and ``%``;
3. normalise the host: IDNA, lower case, no stray dots, numeric IPv4 forms as dotted quads;
   resolve ``.`` and ``..`` path segments and collapse repeated slashes;
4. lower-case everything, drop ``www``/``www2``... prefixes, user info, default ports,
   session ids, a trailing slash and an empty query, and sort the query arguments;
5. write the host labels in reverse, joined by commas (an IPv4 address too; an IPv6 one
   as it is, without brackets), then ``)`` and the path.

Non-hierarchical URLs (``dns:``, ``mailto:``, ``warcinfo:``, ``filedesc:``) are returned as
they are.
"""

from __future__ import annotations

import contextlib
import re

__all__ = ["surt", "canonicalize"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_PERCENT = re.compile(rb"%([0-9a-fA-F]{2})")
_WWW = re.compile(r"^www\d*\.")
# Schemes whose URLs name no host: their key is the URL itself.
_OPAQUE_SCHEMES = frozenset({"dns", "filedesc", "warcinfo", "mailto", "urn", "data", "about"})

# Session ids that servers put in URLs; two captures differing only in them are one page.
_QUERY_SESSION_IDS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(.*)(?:jsessionid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"^(.*)(?:phpsessid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"^(.*)(?:sid=[0-9a-zA-Z]{32})(?:&(.*))?$",
        r"^(.*)(?:aspsessionid[a-zA-Z]{8}=[a-zA-Z]{24})(?:&(.*))?$",
        r"^(.*)(?:cfid=[^&]+&cftoken=[^&]+)(?:&(.*))?$",
    )
)
_PATH_SESSION_IDS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(.*/)(\((?:[a-z]\([0-9a-z]{24}\))+\)/)([^\?]+\.aspx.*)$",
        r"^(.*/)(\([0-9a-z]{24}\)/)([^\?]+\.aspx.*)$",
        r"^(.*)(;jsessionid=[0-9a-z]{32})(.*)$",
    )
)


def surt(url: str | None) -> str:
    """Return the SURT key of a URL, as pywb and the Wayback Machine index it.

    Args:
        url: any URL; a missing scheme is taken as ``http``.

    Returns:
        The key, e.g. ``org,archive)/goo?a=1&a=2&b``; ``-`` for an empty URL;
        the URL itself when it has no host part (``dns:``, ``mailto:``...).
    """
    if not url:
        return "-"
    parts = _parse(url)
    if parts is None:
        return url
    scheme, userinfo, host, port, path, query = parts
    host, port, path, query = _canonical_parts(scheme, userinfo, host, port, path, query)
    # IPv4 addresses are reversed like names, IPv6 ones written without brackets, as
    # pywb and cdxj-indexer key them.
    labels = host[1:-1] if host.startswith("[") else ",".join(reversed(host.split(".")))
    key = labels + (f":{port}" if port else "") + ")" + path
    if query is not None:
        key += "?" + query
    return key


def canonicalize(url: str) -> str:
    """Return the canonical URL behind a SURT key, still in forward form.

    Args:
        url: any URL; a missing scheme is taken as ``http``.

    Returns:
        e.g. ``http://archive.org/goo?a=1`` for ``HTTP://www.Archive.org/goo/?a=1``;
        the URL itself when it has no host part.
    """
    parts = _parse(url)
    if parts is None:
        return url
    scheme, userinfo, host, port, path, query = parts
    host, port, path, query = _canonical_parts(scheme, userinfo, host, port, path, query)
    netloc = host + (f":{port}" if port else "")
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query is not None else "")


_Parts = tuple[str, str, str, str, str, "str | None"]


def _parse(url: str) -> _Parts | None:
    text = re.sub(r"[\t\r\n]", "", url.strip())
    match = _SCHEME.match(text)
    if match and match.group(1).lower() in _OPAQUE_SCHEMES:
        return None
    if match and not text[match.end() :].startswith("/"):
        # "dns:host", "mailto:x" and "host:8080/path" all look alike; only a
        # digit after the colon means a port on a scheme-less URL.
        rest = text[match.end() :]
        if not re.match(r"\d", rest):
            return None
        match = None
    scheme = "http"
    if match:
        scheme = match.group(1).lower()
        text = text[match.end() :]
    text = text.lstrip("/")
    # "http://https://host" is a doubled scheme seen in the wild: keep the inner one.
    inner = re.match(r"^(https?):/+", text, re.IGNORECASE)
    if inner:
        scheme = inner.group(1).lower()
        text = text[inner.end() :]
    text = text.split("#", 1)[0]
    authority_end = len(text)
    for sep in "/?":
        pos = text.find(sep)
        if pos != -1:
            authority_end = min(authority_end, pos)
    authority, rest = text[:authority_end], text[authority_end:]
    userinfo = ""
    if "@" in authority:
        userinfo, authority = authority.rsplit("@", 1)
    host, port = authority, ""
    port_match = re.match(r"^(.*):(\d*)$", authority)
    ipv6_match = re.match(r"^(\[[^\]]*\])(?::(\d*))?$", authority)
    if ipv6_match:
        host, port = ipv6_match.group(1), ipv6_match.group(2) or ""
    elif port_match and not authority.startswith("["):
        host, port = port_match.group(1), port_match.group(2)
    path, query = rest, None
    if "?" in rest:
        path, query = rest.split("?", 1)
    return scheme, userinfo, host, port, path, query


def _canonical_parts(
    scheme: str, userinfo: str, host: str, port: str, path: str, query: str | None
) -> tuple[str, str, str, str | None]:
    del userinfo  # never part of the key
    host = _canonical_host(host)
    if port and int(port) == _DEFAULT_PORTS.get(scheme, -1):
        port = ""
    elif port:
        port = str(int(port))
    path = _escape(_unescape(path.encode("utf-8")))
    path = _resolve_dots(path).lower()
    for pattern in _PATH_SESSION_IDS:
        match = pattern.match(path)
        if match:
            path = match.group(1) + match.group(3)
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if query is not None:
        query = _escape(_unescape(query.encode("utf-8"))).lower()
        for pattern in _QUERY_SESSION_IDS:
            match = pattern.match(query)
            while match:
                query = match.group(1) + (match.group(2) or "")
                match = pattern.match(query)
        query = _sort_query(query) if query else None
    return host, port, path, query


def _canonical_host(host: str) -> str:
    if host.startswith("[") and host.endswith("]"):
        return host.lower()  # an IPv6 literal: no IDNA, no www
    raw = _unescape(host.encode("utf-8"))
    text = raw.decode("utf-8", "surrogateescape")
    text = re.sub(r"\.{2,}", ".", text).strip(".").lower()
    # Hosts the idna codec rejects stay as given, escaped below.
    with contextlib.suppress(UnicodeError):
        text = text.encode("idna").decode("ascii")
    ipv4 = _ipv4(text)
    if ipv4 is not None:
        return ipv4
    text = _escape(text.encode("utf-8", "surrogateescape"))
    return _WWW.sub("", text)


def _ipv4(host: str) -> str | None:
    """Read the numeric host forms ``inet_aton`` accepts (octal, hex, fewer than 4 parts)."""
    if not host or not re.fullmatch(r"[0-9a-fx.]+", host):
        return None
    pieces = host.split(".")
    if len(pieces) > 4:
        return None
    numbers = []
    for piece in pieces:
        try:
            if piece.startswith(("0x", "0X")):
                numbers.append(int(piece[2:], 16))
            elif len(piece) > 1 and piece.startswith("0"):
                numbers.append(int(piece, 8))
            else:
                numbers.append(int(piece, 10))
        except ValueError:
            return None
    if len(numbers) == 1:
        # Numeric hosts beyond 2**32 occur in old crawls; keep their low 32 bits as
        # the Wayback tools do.
        value = numbers[0] % 2**32
    else:
        *leading, last = numbers
        if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
            return None
        value = 0
        for n in leading:
            value = value * 256 + n
        value = value * 256 ** (5 - len(numbers)) + last
    return ".".join(str((value >> shift) & 255) for shift in (24, 16, 8, 0))


def _unescape(data: bytes) -> bytes:
    while True:
        decoded = _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), data)
        if decoded == data:
            return data
        data = decoded


def _escape(data: bytes) -> str:
    out = []
    for byte in data:
        if byte <= 0x20 or byte >= 0x7F or byte in b"#%":
            out.append(f"%{byte:02X}")
        else:
            out.append(chr(byte))
    return "".join(out)


def _resolve_dots(path: str) -> str:
    if not path:
        return "/"
    segments: list[str] = []
    for segment in path.split("/")[1:] if path.startswith("/") else path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in (".", ""):
            segments.append(segment)
    trailing = path.endswith(("/", "/.", "/..")) and bool(segments)
    return "/" + "/".join(segments) + ("/" if trailing else "")


def _sort_query(query: str) -> str:
    args = [arg.split("=", 1) for arg in query.split("&")]
    args.sort()
    return "&".join("=".join(arg) for arg in args)
