"""Compact storage of a capture's HTTP response headers.

A scheduled job records the response headers of every fetch, and a news site's come to a
kilobyte or more, mostly the same names and policies on every page: stored as JSON they
would outweigh the text of an article checked every few minutes. So each capture's
headers are one zstd frame, compressed against a fixed raw-content dictionary of common
header lines, and a leading format byte names the dictionary, which therefore must never
change: a new one gets a new format byte.

A page checked every few minutes answers with the same headers but for dates, ages and
request ids, so most captures store theirs as a delta (format 2): a frame compressed
against that dictionary followed by the headers of an earlier capture of the article,
which the frame names by row id. That base is always a standalone (format 1) frame, so
reading any capture's headers decodes at most two frames. Format byte 4 is taken: a row
that keeps its page (see ``_pages``) stores it after its headers frame behind that byte.
A delta whose headers split
into the same tokens as its base's (the same headers, new ids and times) is stored as a
token delta instead when that is smaller (format 3, see ``_tokendelta``): about 90 bytes
where zstd takes 150, as it stores a 40-digit hex id in 20 bytes and a date that moved
with the others in none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import zstandard

from . import _varint

Headers = tuple[tuple[str, str], ...]

FORMAT_V1 = b"\x01"
_FORMAT_DELTA = b"\x02"
_FORMAT_TOKENS = b"\x03"
_DELTAS = (_FORMAT_DELTA, _FORMAT_TOKENS)
_LEVEL = 9
# A delta larger than this share of its base's frame is stored standalone instead, and
# becomes the base of the captures after it.
DELTA_MAX_RATIO = 0.5


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
    """A capture's headers as stored standalone; None when there are none."""
    return FORMAT_V1 + _compressor.compress(serialise(headers)) if headers else None


# Deltas are small and many: no magic number, checksum or size in them (the size is
# bounded by the base's, which the reader knows).
_DELTA_PARAMS = zstandard.ZstdCompressionParameters.from_level(
    _LEVEL,
    format=zstandard.FORMAT_ZSTD1_MAGICLESS,
    write_checksum=0,
    write_content_size=0,
    write_dict_id=0,
)
# A delta frame's headers are at most this many times as long as its base's.
_MAX_GROWTH = 4


def _delta_dictionary(base: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(
        _V1.as_bytes() + base, dict_type=zstandard.DICT_TYPE_RAWCONTENT
    )


def compress_delta(
    headers: Sequence[Sequence[str]],
    base_id: int,
    base: bytes,
    base_size: int,
    at: int | None = None,
) -> bytes | None:
    """These headers as a delta against capture ``base_id``'s, or None if that does not pay.

    ``base`` is what :func:`raw` gives for that capture's frame, ``base_size`` the
    frame's length, ``at`` the capture's time in microseconds (which its dates are
    stored against: reading the delta needs the same).
    """
    data = serialise(headers)
    if len(data) > _MAX_GROWTH * len(base):
        return None
    compressor = zstandard.ZstdCompressor(
        compression_params=_DELTA_PARAMS, dict_data=_delta_dictionary(base)
    )
    packed = compressor.compress(data)
    from . import _tokendelta  # here: compiling its patterns is most of a read's start

    tokens = _tokendelta.encode(data, base, _seconds(at))
    if tokens is not None and len(tokens) < len(packed):
        frame = _FORMAT_TOKENS + _varint.encode(base_id) + tokens
    else:
        frame = _FORMAT_DELTA + _varint.encode(base_id) + packed
    return frame if len(frame) <= DELTA_MAX_RATIO * base_size else None


def base_of(stored: bytes) -> int | None:
    """The capture a delta frame's headers are stored against; None for a standalone one."""
    if stored[:1] not in _DELTAS:
        return None
    return _varint.decode(stored, 1, "headers frame")[0]


def raw(stored: bytes) -> bytes:
    """The serialised headers of a standalone frame, as deltas against it are made."""
    if stored[:1] != FORMAT_V1:
        raise ValueError(f"unknown headers format {stored[:1].hex()}")
    try:
        return _decompressor.decompress(stored[1:])
    except zstandard.ZstdError as error:
        raise ValueError(f"damaged headers frame ({error})") from error


def decompress(stored: bytes, base: bytes | None = None, at: int | None = None) -> Headers:
    """Headers as stored; ``base`` is :func:`raw` of the base frame a delta names, ``at``
    the capture's time as given to :func:`compress_delta`.

    ValueError if they are damaged.
    """
    if stored[:1] not in _DELTAS:
        return parse(raw(stored))
    if base is None:
        raise ValueError("a headers delta read without its base")
    _, start = _varint.decode(stored, 1, "headers frame")
    if stored[:1] == _FORMAT_TOKENS:
        from . import _tokendelta

        return parse(_tokendelta.decode(stored[start:], base, _seconds(at)))
    try:
        decompressor = zstandard.ZstdDecompressor(
            dict_data=_delta_dictionary(base), format=zstandard.FORMAT_ZSTD1_MAGICLESS
        )
        limit = _MAX_GROWTH * len(base)
        data = decompressor.decompressobj().decompress(stored[start:])
        if len(data) > limit:
            raise ValueError("damaged headers frame (too long)")
        return parse(data)
    except zstandard.ZstdError as error:
        raise ValueError(f"damaged headers frame ({error})") from error


def _seconds(at: int | None) -> int | None:
    return None if at is None else at // 1_000_000
