"""Capture one page: conditional fetch, extraction, the quality gate, one save."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs

from ..archive import Archive
from ..errors import (
    ExtractionError,
    FetchError,
    InputError,
    NotFoundError,
    StorageError,
    describe_failure,
)
from ..fetch.decode import decode_html
from ..fetch.extract import ExtractedArticle, extract_article
from ..fetch.http import Fetcher, FetchOptions, HttpFetcher, Response
from ..fetch.quality import QualityOptions, Verdict, assess
from ..identity import IdentityIndex
from ..models import Article, Capture, Version
from ..times import utc_now
from ..urls import canonical_url
from .config import Source
from .reextract import _hash, reextract_article
from .results import SOURCE_FETCH, ItemResult, Origin, Outcome, ProgressCallback

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # quiet unless the application sets up logging


@attrs.define
class Scraper:
    """Captures pages into an archive through a fetcher.

    Args:
        archive: where captures go.
        fetcher: how pages are fetched.
        quality: thresholds of the quality gate.
        source: the capture source recorded (``fetch`` or ``watch``).
    """

    archive: Archive
    fetcher: Fetcher
    quality: QualityOptions = attrs.field(factory=QualityOptions)
    source: str = SOURCE_FETCH
    # Recent articles a new URL may belong to, read once per run.
    _identity: IdentityIndex | None = attrs.field(default=None, init=False, repr=False)

    def capture(
        self,
        url: str,
        *,
        origin: Origin = "requested",
        source: Source | None = None,
    ) -> ItemResult:
        """Fetch one page and archive what it shows.

        Args:
            url: the page.
            origin: why it is fetched, reported back in the result.
            source: the configured feed or URL it belongs to (headers, boilerplate).

        Returns:
            The result; failures are results too, never exceptions.
        """
        try:
            return self._capture(url, origin=origin, source=source)
        except (FetchError, ExtractionError, InputError) as exc:
            status = exc.status if isinstance(exc, FetchError) else None
            return ItemResult(
                url=url, outcome="failed", origin=origin, http_status=status, message=str(exc)
            )
        except StorageError:
            raise  # the archive itself failed: the run cannot go on
        except Exception as exc:  # noqa: BLE001 - one page never ends a run
            log.exception("Unexpected failure archiving %s", url[:200])
            return ItemResult(
                url=url, outcome="failed", origin=origin, message=describe_failure(exc)
            )

    def _capture(self, url: str, *, origin: Origin, source: Source | None) -> ItemResult:
        known = _find_article(self.archive, url)
        current = _latest(self.archive, known.url) if known else None
        captures = self.archive.captures(known.url) if known else []
        boilerplate = tuple(source.boilerplate) if source else ()
        headers = dict(source.headers) if source else {}
        if current is not None:
            headers.update(_conditional_headers(captures, current))

        response = self.fetcher.fetch(url, headers=headers)
        base_metadata = _request_metadata(url, response, source, boilerplate)

        if response.is_not_modified:
            if current is None or known is None:
                raise FetchError(
                    f"{url} answered 304 to an unconditional request", url=url, status=304
                )
            return self._save_not_modified(url, known, current, response, base_metadata, origin)

        html, encoding = decode_html(response.body, response.header("content-type"))
        extracted = extract_article(html, response.final_url, boilerplate=boilerplate)
        target = _filing_url(url, response, extracted, known)
        if known is None and target != url:
            log.info("filing %s under its declared canonical URL %s", url, target)
        if current is None and target != url:
            current = _latest(self.archive, target)
        verdict = assess(
            status=response.status,
            headers=response.headers,
            html=html,
            requested_url=url,
            final_url=response.final_url,
            title=extracted.title,
            text=extracted.text,
            previous_text=current.text if current else None,
            options=self.quality,
        )
        if verdict.is_good and current is None:
            target, current = self._same_article(url, target, extracted, source, response)
        reextracted = False
        # Before calling a difference an edit, make sure it is not just a newer extractor.
        if verdict.is_good and current is not None and self._is_new_reading(current, extracted):
            reextracted = True
            current = _latest(self.archive, current.url)

        metadata = _page_metadata(base_metadata, extracted, encoding, verdict)
        result = self.archive.save(
            url,
            text=extracted.text,
            title=extracted.title,
            byline=extracted.byline,
            # After a re-extraction, this capture must come later in the timeline.
            captured_at=utc_now() if reextracted else response.fetched_at,
            published_at=extracted.published_at,
            modified_at=extracted.modified_at,
            metadata=metadata,
            canonical_url=target if verdict.is_good and target != url else None,
            source=self.source,
            fetched_url=response.final_url,
            http_status=response.status,
            http_headers=response.headers,
            quality=verdict.flag,
            # Kept as the bytes the server sent; the text above was read from them.
            html=response.body,
            html_charset=encoding,
        )
        if self._identity is not None and result.is_new_version and current is None:
            self._identity.add(result.capture.url)
        return _result(
            url,
            origin,
            result.capture,
            result.version,
            result.is_new_version,
            verdict,
            response.status,
            extracted.title,
            reextracted,
        )

    def _same_article(
        self,
        url: str,
        target: str,
        extracted: ExtractedArticle,
        source: Source | None,
        response: Response,
    ) -> tuple[str, Version | None]:
        """Where a page of no known article is filed: a known article it is the same as."""
        if _find_article(self.archive, target) is not None:
            return target, None
        if self._identity is None:
            self._identity = IdentityIndex(self.archive)
        same = self._identity.find(
            target,
            text=extracted.text,
            publisher_id=extracted.page.get("publisher_id"),
            feed=source.name if source is not None else None,
            now=response.fetched_at,
        )
        if same is None:
            return target, None
        log.info("filing %s as an alias of %s (same %s)", url, same.url, same.reason)
        return same.url, _latest(self.archive, same.url)

    def _is_new_reading(self, current: Version, extracted: ExtractedArticle) -> bool:
        """Whether the stored page, read by today's extractor, already differs (and was saved)."""
        if _hash(extracted) == current.content_hash:
            return False
        if _extractor_key(current.metadata) == _extractor_key(extracted.extractor):
            return False
        return reextract_article(self.archive, current.url).outcome == "changed"

    def _save_not_modified(
        self,
        url: str,
        known: Article,
        current: Version,
        response: Response,
        metadata: dict[str, Any],
        origin: Origin,
    ) -> ItemResult:
        metadata = {
            **metadata,
            "not_modified": True,
            "extractor": dict(current.metadata.get("extractor", {})),
        }
        result = self.archive.save(
            known.url,
            text=current.text,
            title=current.title,
            byline=current.byline,
            captured_at=response.fetched_at,
            published_at=current.published_at,
            modified_at=current.modified_at,
            metadata=metadata,
            source=self.source,
            fetched_url=response.final_url,
            http_status=304,
            http_headers=response.headers,
        )
        return ItemResult(
            url=url,
            outcome="not-modified",
            origin=origin,
            article_url=result.capture.url,
            version=result.version.number if result.version else None,
            http_status=304,
            title=current.title,
        )


def _request_metadata(
    url: str, response: Response, source: Source | None, boilerplate: tuple[str, ...]
) -> dict[str, Any]:
    """What every capture of this request records, whatever the page turns out to be."""
    metadata: dict[str, Any] = {
        "requested_url": url,
        "redirects": [attrs.asdict(r) for r in response.redirects],
    }
    if response.status_line:
        metadata["status_line"] = response.status_line
    if source is not None and source.name:
        metadata["watch_source"] = source.name
    if boilerplate:
        metadata["boilerplate"] = list(boilerplate)
    return metadata


def _page_metadata(
    base: dict[str, Any], extracted: ExtractedArticle, encoding: str | None, verdict: Verdict
) -> dict[str, Any]:
    metadata = {
        **base,
        "extractor": dict(extracted.extractor),
        "encoding": encoding,
        "site_name": extracted.site_name,
        "language": extracted.language,
        "description": extracted.description,
        "declared_canonical_url": extracted.canonical_url,
        "page": dict(extracted.page) or None,
    }
    if not verdict.is_good:
        metadata["quality_reason"] = verdict.reason
    return {k: v for k, v in metadata.items() if v is not None}


def _result(
    url: str,
    origin: Origin,
    capture: Capture,
    version: Version | None,
    is_new_version: bool,
    verdict: Verdict,
    status: int,
    title: str | None,
    reextracted: bool,
) -> ItemResult:
    outcome: Outcome
    if not verdict.is_good:
        outcome = "failed" if verdict.is_failure else "flagged"
    elif is_new_version:
        outcome = "new" if version is not None and version.number == 1 else "changed"
    else:
        outcome = "unchanged"
    return ItemResult(
        url=url,
        outcome=outcome,
        origin=origin,
        article_url=capture.url,
        version=version.number if version else None,
        http_status=status,
        quality=verdict.flag,
        message=verdict.reason,
        title=title,
        reextracted=reextracted,
    )


def _find_article(archive: Archive, url: str) -> Article | None:
    try:
        return archive.article(url)
    except NotFoundError:
        return None


def _latest(archive: Archive, url: str) -> Version | None:
    try:
        return archive.get(url)
    except NotFoundError:
        return None


def _extractor_key(info: Mapping[str, Any]) -> Any:
    extractor = info.get("extractor", info)
    if not isinstance(extractor, Mapping):
        return None
    return (
        extractor.get("name"),
        extractor.get("version"),
        repr(extractor.get("options")),
        repr(extractor.get("dates")),
        repr(extractor.get("boilerplate")),
        extractor.get("page_reader"),
    )


def _conditional_headers(captures: Sequence[Capture], current: Version) -> dict[str, str]:
    for capture in reversed(captures):
        if capture.version_id != current.id or capture.quality is not None:
            continue
        if capture.http_status not in (200, 304):
            continue
        found = {k.lower(): v for k, v in capture.http_headers}
        headers = {}
        if "etag" in found:
            headers["If-None-Match"] = found["etag"]
        if "last-modified" in found:
            headers["If-Modified-Since"] = found["last-modified"]
        if headers:
            return headers
    return {}


def _same_site(a: str, b: str) -> bool:
    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name.removeprefix("www.")

    return host(a) == host(b) and bool(host(a))


def _filing_url(
    url: str, response: Response, extracted: ExtractedArticle, known: Article | None
) -> str:
    """Where to file the page: the known article, else its canonical URL, else where it landed."""
    if known is not None:
        return known.url
    final = response.final_url
    declared = extracted.canonical_url
    if declared and _same_site(declared, final):
        declared_home = urlsplit(declared).path in ("", "/")
        if not declared_home or urlsplit(final).path in ("", "/"):
            return declared
    return final


def fetch_pages(
    archive: Archive,
    urls: Iterable[str],
    *,
    fetcher: Fetcher | None = None,
    options: FetchOptions | None = None,
    quality: QualityOptions | None = None,
    boilerplate: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[ItemResult]:
    """Fetch pages now and archive them, each URL once, in the order given.

    Args:
        archive: the archive.
        urls: the pages.
        fetcher: how to fetch (default: an :class:`HttpFetcher` with ``options``).
        options: politeness and limits for the default fetcher.
        quality: thresholds for the quality gate.
        boilerplate: extra patterns of lines to drop from the text.
        headers: extra request headers.
        on_progress: called as ``(done, total)``.

    Returns:
        One result per distinct URL; failures are results, not exceptions.

    Raises:
        MissingDependencyError: the ``scrape`` extra is not installed.
    """
    targets = _unique(urls)
    source = Source(
        url="", kind="url", name="", boilerplate=tuple(boilerplate), headers=dict(headers or {})
    )
    own = fetcher is None
    active = fetcher if fetcher is not None else HttpFetcher(options)
    scraper = Scraper(archive, active, quality or QualityOptions(), SOURCE_FETCH)
    try:
        results = []
        for done, url in enumerate(targets, 1):
            results.append(scraper.capture(url, source=source))
            if on_progress:
                on_progress(done, len(targets))
        return results
    finally:
        if own:
            active.close()


def _unique(urls: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for url in urls:
        key = _key(url)
        if key not in seen:
            seen.add(key)
            unique.append(url)
    return unique


def _key(url: str) -> str:
    try:
        return canonical_url(url)
    except InputError:
        return url
