"""WACZ: the WARC export, its CDXJ index and a page list in one zip that replay tools open.

The layout is WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/), as ReplayWeb.page
and ``wacz validate`` read it::

    archive/data.warc.gz         the WARC of export_warc
    indexes/index.cdxj           its CDXJ index (newsarchive.interop.cdxj)
    pages/pages.jsonl            one page per article: its URL and latest capture
    pages/extraPages.jsonl       every earlier capture of each article, as a page too
    datapackage.json             every file above with its size and sha256
    datapackage-digest.json      the sha256 of datapackage.json

Entries are stored uncompressed, as the format asks, so a reader can seek into the WARC.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from ..models import Capture
from ..times import format_time, utc_now
from .cdxj import write_cdxj
from .warc import export_warc

if TYPE_CHECKING:
    from ..archive import Archive

__all__ = ["WaczReport", "export_wacz"]

WACZ_VERSION = "1.1.1"
_WARC_NAME = "data.warc.gz"
_PAGES_NAMESPACE = uuid.UUID("0b8c8f6e-7a52-4d5e-9a0e-3f1f5f2f6c11")
ProgressCallback = Callable[[int, int], None]


def _software() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"newsarchive/{version('newsarchive')}"
    except PackageNotFoundError:
        return "newsarchive/dev"


@attrs.frozen(kw_only=True)
class WaczReport:
    """What :func:`export_wacz` wrote."""

    articles: int
    captures: int
    pages: int
    extra_pages: int
    records: int


def export_wacz(
    archive: Archive,
    stream: BinaryIO,
    urls: Sequence[str] | None = None,
    *,
    title: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> WaczReport:
    """Write captures to ``stream`` as a WACZ file.

    Args:
        archive: the archive to read.
        stream: a binary stream open for writing; it is not closed.
        urls: the articles to export (any URL form the archive resolves); all when None.
        title: the collection's title in ``datapackage.json``.
        on_progress: called as ``on_progress(captures_done, captures_total)``.

    Returns:
        Counts of what was written.

    Raises:
        MissingDependencyError: warcio is not installed.
        NotFoundError: one of ``urls`` is not in the archive.
    """
    with tempfile.TemporaryDirectory(prefix="newsarchive-wacz-") as scratch:
        warc = Path(scratch) / _WARC_NAME
        with warc.open("wb") as out:
            exported = export_warc(archive, out, urls, on_progress=on_progress, filename=_WARC_NAME)
        index = io.StringIO()
        write_cdxj([warc], index)
        pages, extra = _page_lists(archive, urls)
        files: list[tuple[str, Path | bytes]] = [
            (f"archive/{_WARC_NAME}", warc),
            ("indexes/index.cdxj", index.getvalue().encode("utf-8")),
            ("pages/pages.jsonl", _jsonl("pages", "All Pages", pages)),
            ("pages/extraPages.jsonl", _jsonl("extra-pages", "Earlier captures", extra)),
        ]
        _write_zip(stream, files, title=title, main=pages[0] if pages else None)
    return WaczReport(
        articles=exported.articles,
        captures=exported.captures,
        pages=len(pages),
        extra_pages=len(extra),
        records=exported.records,
    )


def _page_lists(
    archive: Archive, urls: Sequence[str] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per article, its latest capture as a page, and its earlier captures as extra pages."""
    if urls is None:
        targets = [a.url for a in archive.articles()]
    else:
        targets = list(dict.fromkeys(archive.article(u).url for u in urls))
    pages: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    for url in targets:
        titles = {v.id: v.title for v in archive.history(url)}
        captures = sorted(archive.captures(url), key=lambda c: (c.captured_at, c.id))
        if not captures:
            continue
        *earlier, latest = captures
        pages.append(_page(latest, titles))
        extra.extend(_page(c, titles) for c in earlier)
    return pages, extra


def _page(capture: Capture, titles: dict[str, str | None]) -> dict[str, Any]:
    # The URL the WARC records it at, so that replay finds the capture.
    target = capture.fetched_url or capture.url
    stamp = format_time(capture.captured_at)
    page = {
        "id": str(uuid.uuid5(_PAGES_NAMESPACE, f"{target}\n{stamp}")),
        "url": target,
        "ts": stamp,
    }
    title = titles.get(capture.version_id)
    if title:
        page["title"] = title
    return page


def _jsonl(list_id: str, title: str, pages: list[dict[str, Any]]) -> bytes:
    header = {"format": "json-pages-1.0", "id": list_id, "title": title}
    lines = [json.dumps(header)] + [json.dumps(p, ensure_ascii=False) for p in pages]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write_zip(
    stream: BinaryIO,
    files: list[tuple[str, Path | bytes]],
    *,
    title: str | None,
    main: dict[str, Any] | None,
) -> None:
    resources = []
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as wacz:
        for name, content in files:
            digest = hashlib.sha256()
            if isinstance(content, Path):
                size = os.path.getsize(content)
                # Zip64 fields only where the size needs them: ReplayWeb.page misplaces
                # an entry whose local header carries them, and finds none of its records.
                large = size >= zipfile.ZIP64_LIMIT
                with content.open("rb") as source, wacz.open(name, "w", force_zip64=large) as sink:
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        sink.write(chunk)
            else:
                wacz.writestr(name, content)
                digest.update(content)
                size = len(content)
            resources.append(
                {
                    "name": os.path.basename(name).lower(),
                    "path": name,
                    "hash": "sha256:" + digest.hexdigest(),
                    "bytes": size,
                }
            )
        package: dict[str, Any] = {
            "profile": "data-package",
            "resources": resources,
            "wacz_version": WACZ_VERSION,
            "software": _software(),
            "created": format_time(utc_now()),
            "title": title or "newsarchive export",
        }
        if main is not None:
            package["mainPageUrl"] = main["url"]
            package["mainPageDate"] = main["ts"]
        data = json.dumps(package, indent=2).encode("utf-8")
        wacz.writestr("datapackage.json", data)
        digest_doc = {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        }
        wacz.writestr("datapackage-digest.json", json.dumps(digest_doc, indent=2).encode("utf-8"))
