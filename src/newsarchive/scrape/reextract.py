"""Re-run the current extractor over stored raw HTML, so a new extractor is never an edit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..archive import Archive
from ..errors import ExtractionError, NotFoundError
from ..fetch.extract import ExtractedArticle, extract_article
from ..fetch.quality import QualityOptions, assess
from ..models import Capture, SaveResult, Version
from ..normalize import content_hash
from .results import EXTRACTOR_CHANGED, SOURCE_REEXTRACT, ItemResult, ProgressCallback


def _hash(extracted: ExtractedArticle) -> str:
    return content_hash(
        text=extracted.text,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        page=extracted.page,
    )


def reextract_article(
    archive: Archive, url: str, *, quality: QualityOptions | None = None
) -> ItemResult:
    """Re-run the current extractor over the raw HTML behind an article's current version.

    A different result is saved as a capture with source ``reextract`` and
    ``metadata["reason"] = "extractor-changed"``; an equal one saves nothing.

    Args:
        archive: the archive.
        url: the article (any of its URLs).
        quality: thresholds; a re-extraction that fails the gate is not saved.

    Returns:
        ``changed``, ``unchanged``, ``flagged``, ``skipped`` (no stored HTML)
        or ``failed``.
    """
    try:
        current = archive.get(url)
        captures = archive.captures(url)
    except NotFoundError as exc:
        return ItemResult(url=url, outcome="failed", message=str(exc))
    basis = _basis_capture(captures, current)
    if basis is None:
        return ItemResult(
            url=url,
            outcome="skipped",
            article_url=current.url,
            version=current.number,
            message="no stored HTML for this version",
        )
    html = archive.raw_html(basis) or ""
    boilerplate = tuple(basis.metadata.get("boilerplate", ()))
    try:
        extracted = extract_article(html, basis.fetched_url or current.url, boilerplate=boilerplate)
    except ExtractionError as exc:
        return ItemResult(url=url, outcome="failed", article_url=current.url, message=str(exc))
    if _hash(extracted) == current.content_hash:
        return ItemResult(
            url=url,
            outcome="unchanged",
            article_url=current.url,
            version=current.number,
            title=current.title,
        )
    verdict = assess(
        status=200,
        html=html,
        requested_url=current.url,
        final_url=current.url,
        title=extracted.title,
        text=extracted.text,
        previous_text=current.text,
        options=quality,
    )
    if not verdict.is_good:
        return ItemResult(
            url=url,
            outcome="flagged",
            article_url=current.url,
            version=current.number,
            quality=verdict.flag,
            message=verdict.reason,
        )
    result = _save_reextraction(archive, current, basis, html, extracted)
    return ItemResult(
        url=url,
        outcome="changed" if result.is_new_version else "unchanged",
        article_url=result.capture.url,
        version=result.version.number if result.version else None,
        title=extracted.title,
    )


def _basis_capture(captures: Sequence[Capture], current: Version) -> Capture | None:
    """The latest good capture of the current version that kept its raw HTML."""
    return next(
        (
            c
            for c in reversed(captures)
            if c.version_id == current.id and c.quality is None and c.html_hash is not None
        ),
        None,
    )


def _save_reextraction(
    archive: Archive, current: Version, basis: Capture, html: str, extracted: ExtractedArticle
) -> SaveResult:
    """Save the new reading as a ``reextract`` capture that names the one it re-read."""
    metadata = {
        k: v
        for k, v in basis.metadata.items()
        if k not in ("extractor", "quality_reason", "not_modified")
    }
    metadata.update(
        {
            "reason": EXTRACTOR_CHANGED,
            "extractor": dict(extracted.extractor),
            "previous_extractor": dict(current.metadata.get("extractor", {})),
            "reextracted_capture": basis.id,
            "page": dict(extracted.page),
        }
    )
    # The page stays the bytes it was served as, when it was kept so.
    served = archive.served_html(basis)
    page: str | bytes = html
    charset = None
    if served is not None and served[1] is not None:
        page, charset = served
    return archive.save(
        current.url,
        text=extracted.text,
        html=page,
        html_charset=charset,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        metadata=metadata,
        source=SOURCE_REEXTRACT,
        fetched_url=basis.fetched_url,
        http_status=basis.http_status,
        http_headers=basis.http_headers,
    )


def reextract(
    archive: Archive,
    urls: Iterable[str] | None = None,
    *,
    quality: QualityOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[ItemResult]:
    """Re-extract the current version of the given articles (default: all).

    Args:
        archive: the archive.
        urls: articles to redo; None for every article with a version.
        quality: thresholds for the quality gate.
        on_progress: called as ``(done, total)``.

    Returns:
        One result per article.
    """
    targets = (
        list(urls) if urls is not None else [a.url for a in archive.articles() if a.version_count]
    )
    results = []
    for done, url in enumerate(targets, 1):
        results.append(reextract_article(archive, url, quality=quality))
        if on_progress:
            on_progress(done, len(targets))
    return results
