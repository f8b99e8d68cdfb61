"""URL identity: one canonical form per article URL."""

from __future__ import annotations

import contextlib
import functools
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .errors import InputError

# Query parameters that identify a campaign or a click, never the article.
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ocid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "ref_url",
        "smid",
        "smtyp",
        "cmpid",
        "cmp",
        "spm",
        "soc_src",
        "soc_trk",
        "at_medium",
        "at_campaign",
        "wt.mc_id",
        "s_cid",
        "ito",
        "share",
        "xtor",
    }
)
_TRACKING_PREFIXES = ("utm_", "ns_", "pk_", "mtm_", "hmb_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left unescaped in paths, so that %7E and ~ are one URL.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


# Cached: a scraping job or an import sees the same few URLs again and again.
@functools.lru_cache(maxsize=4096)
def canonical_url(url: str) -> str:
    """Return the canonical form of an article URL.

    Lowercases the scheme and host, drops default ports, fragments and tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``, ...) and sorts the remaining query
    parameters by name, keeping the order of repeated names. Idempotent.

    Args:
        url: an absolute http or https URL.

    Returns:
        The canonical URL.

    Raises:
        InputError: the URL is not an absolute http(s) URL.
    """
    text = url.strip()
    try:
        text.encode("utf-8")
        parts = urlsplit(text)
        port = parts.port
    except UnicodeEncodeError:
        raise InputError(f"not a valid URL: {url!r} (a lone surrogate)") from None
    except ValueError as exc:
        raise InputError(f"not a valid URL: {url!r} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InputError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets, or its port is ambiguous
    elif not host.isascii():
        # Hosts the idna codec rejects are kept as given, lowercased. An ASCII host is
        # left as it is either way (the codec only checks its label lengths), so it is
        # not handed to the codec, whose loading costs each command a millisecond.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    netloc = host
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{host}"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    path = quote(unquote(parts.path), safe=_PATH_SAFE) if parts.path else "/"
    path = re.sub(r"/{2,}", "/", path)
    query_pairs = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    query_pairs.sort(key=lambda pair: pair[0])
    return urlunsplit((scheme, netloc, path, urlencode(query_pairs), ""))
