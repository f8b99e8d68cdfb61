"""What every part of WARC support shares: record formats, digests, the warcio import."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ...errors import MissingDependencyError
from ...times import parse_time

ProgressCallback = Callable[[int, int], None]

# The JSON carried by our metadata records; bump the version on incompatible changes.
METADATA_FORMAT = "newsarchive-capture"
METADATA_FORMAT_VERSION = 1
METADATA_CONTENT_TYPE = "application/json"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# On a response whose page was decoded and re-encoded as UTF-8 when it was saved (captures
# saved before pages were kept as the bytes served); absent when the payload is as served.
REENCODED_HEADER = "WARC-X-Newsarchive-Reencoded"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_RECORD_ID_NAMESPACE = uuid.UUID("6b1d3b59-1f7e-4c47-9a59-9b5e3c3a7f21")
# Headers describing the bytes on the wire; the payload we write is decoded UTF-8.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_SCAN_CHUNK = 1 << 16


def _import_warcio() -> Any:
    try:
        import warcio  # type: ignore[import-untyped]
    except ImportError as exc:
        raise MissingDependencyError("WARC files", "warc") from exc
    return warcio


def _software() -> str:
    try:
        return f"newsarchive/{version('newsarchive')}"
    except PackageNotFoundError:
        return "newsarchive/dev"


def _sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _load_meta(payload: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(payload.decode("utf-8", "surrogatepass"))
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != METADATA_FORMAT:
        return None
    if data.get("format_version") != METADATA_FORMAT_VERSION:
        return None
    return data


def _time_or_none(value: object) -> datetime | None:
    return parse_time(str(value)) if value else None
