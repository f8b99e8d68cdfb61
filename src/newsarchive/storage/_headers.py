"""Compact storage of a capture's HTTP response headers.

A scheduled job records the response headers of every fetch, and a news site's come to a
kilobyte or more, mostly the same names and policies on every page: stored as JSON they
would outweigh the text of an article checked every few minutes. So each capture's
headers are one zstd frame, compressed against a fixed raw-content dictionary of common
header lines. Frames stand alone (no chain to decode), and a leading format byte names
the dictionary, which therefore must never change: a new one gets a new format byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import zstandard

Headers = tuple[tuple[str, str], ...]

_FORMAT_V1 = b"\x01"
_LEVEL = 9


def serialise(headers: Sequence[Sequence[str]]) -> bytes:
    """Headers as the JSON list of ``[name, value]`` pairs that is compressed."""
    return json.dumps([list(pair) for pair in headers], ensure_ascii=False).encode()


def parse(data: bytes | str) -> Headers:
    return tuple((str(name), str(value)) for name, value in json.loads(data))


# Frozen: frames written with format 1 decode only against these exact bytes. Lines that
# vary per response (dates, ids, cookies) are here for their shape; the most common come
# last, where zstd reaches them with the shortest offsets.
_V1_LINES: Headers = (
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate"),
    ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),
    ("Last-Modified", "Tue, 02 Jan 2024 12:30:45 GMT"),
    ("Server", "Apache"),
    ("Connection", "keep-alive"),
    ("Transfer-Encoding", "chunked"),
    (
        "link",
        '<https://www.example.com/>; rel="canonical",'
        " <https://fonts.gstatic.com>; rel=preconnect; crossorigin",
    ),
    ("access-control-allow-origin", "*"),
    ("timing-allow-origin", "*"),
    ("x-xss-protection", "1; mode=block"),
    ("expires", "Thu, 01 Jan 1970 00:00:00 GMT"),
    ("pragma", "no-cache"),
    ("x-powered-by", "Next.js"),
    ("x-amz-cf-pop", "IAD89-C1"),
    ("x-amz-cf-id", ""),
    ("x-amz-server-side-encryption", "AES256"),
    ("x-akamai-transformed", "9 - 0 pmb=mRUM,1"),
    ("akamai-grn", "0.00000000.0000000000.00000000"),
    ("server-timing", "cdn-cache; desc=HIT, edge; dur=1, origin; dur=0"),
    ("nel", '{"success_fraction":0.01,"report_to":"cf-nel","max_age":604800}'),
    (
        "report-to",
        '{"endpoints":[{"url":"https:\\/\\/a.nel.cloudflare.com\\/report\\/v4?s="}],'
        '"group":"cf-nel","max_age":604800}',
    ),
    ("cf-cache-status", "DYNAMIC"),
    ("cf-ray", "8a1b2c3d4e5f6a7b-IAD"),
    ("alt-svc", 'h3=":443"; ma=86400'),
    ("permissions-policy", "interest-cohort=(), browsing-topics=()"),
    ("cross-origin-opener-policy", "same-origin-allow-popups"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("referrer-policy", "no-referrer-when-downgrade"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    (
        "content-security-policy",
        "default-src 'self' https: data: blob: 'unsafe-inline' 'unsafe-eval';"
        " script-src 'self' 'unsafe-inline' 'unsafe-eval' https: blob:;"
        " style-src 'self' 'unsafe-inline' https:; img-src * data: blob:;"
        " connect-src 'self' https: wss:; frame-src https:; frame-ancestors 'self';"
        " object-src 'none'; upgrade-insecure-requests; block-all-mixed-content;"
        " report-uri https://",
    ),
    ("strict-transport-security", "max-age=31536000; includeSubDomains; preload"),
    (
        "set-cookie",
        "session=; Path=/; Domain=.example.com; Expires=Wed, 01 Jan 2025 00:00:00 GMT;"
        " Max-Age=31536000; Secure; HttpOnly; SameSite=Lax",
    ),
    ("set-cookie", "id=; path=/; domain=.example.com; secure; SameSite=None"),
    ("x-request-id", "0123456789abcdef0123456789abcdef"),
    ("x-served-by", "cache-iad-kiad7000000-IAD, cache-lhr-egll1980000-LHR"),
    ("x-cache", "HIT, MISS"),
    ("x-cache-hits", "1, 0"),
    ("x-timer", "S1700000000.000000,VS0,VE1"),
    ("via", "1.1 varnish, 1.1 google"),
    ("age", "0"),
    ("etag", 'W/"0123456789abcdef"'),
    ("last-modified", "Tue, 02 Jan 2024 12:30:45 GMT"),
    ("expires", "Mon, 01 Jan 2024 00:01:00 GMT"),
    (
        "cache-control",
        "public, max-age=60, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400",
    ),
    ("cache-control", "private, max-age=0, must-revalidate"),
    ("vary", "Accept-Encoding, Cookie, User-Agent"),
    ("vary", "Accept-Encoding"),
    ("accept-ranges", "bytes"),
    ("content-encoding", "gzip"),
    ("content-encoding", "br"),
    ("content-length", "0"),
    ("server", "nginx"),
    ("server", "cloudflare"),
    ("date", "Mon, 01 Jan 2024 00:00:00 GMT"),
    ("content-type", "text/html; charset=UTF-8"),
    ("content-type", "text/html; charset=utf-8"),
)
_V1 = zstandard.ZstdCompressionDict(serialise(_V1_LINES), dict_type=zstandard.DICT_TYPE_RAWCONTENT)
_V1.precompute_compress(level=_LEVEL)
_compressor = zstandard.ZstdCompressor(level=_LEVEL, dict_data=_V1, write_checksum=False)
_decompressor = zstandard.ZstdDecompressor(dict_data=_V1)


def dictionary_v1() -> bytes:
    """The bytes format 1 frames are compressed against."""
    return _V1.as_bytes()


def compress(headers: Sequence[Sequence[str]]) -> bytes | None:
    """A capture's headers as stored; None when there are none."""
    return _FORMAT_V1 + _compressor.compress(serialise(headers)) if headers else None


def decompress(stored: bytes) -> Headers:
    """Headers as :func:`compress` stored them; ValueError if they are damaged."""
    if stored[:1] != _FORMAT_V1:
        raise ValueError(f"unknown headers format {stored[:1].hex()}")
    try:
        return parse(_decompressor.decompress(stored[1:]))
    except zstandard.ZstdError as error:
        raise ValueError(f"damaged headers frame ({error})") from error
