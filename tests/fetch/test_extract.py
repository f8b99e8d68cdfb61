"""Extraction and decoding: pure functions of bytes, HTML and URL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsarchive.errors import ExtractionError
from newsarchive.fetch.decode import decode_html
from newsarchive.fetch.extract import extract_article, extractor_info, parse_datetime
from scrape_server import STORY, article_html, page

URL = "http://example.test/news/budget"


def test_extracts_text_title_byline_site_and_language() -> None:
    """The headline repeated above the body is not part of the text."""
    article = extract_article(article_html("Council approves budget", STORY), URL)

    assert article.title == "Council approves budget"
    assert article.byline == "Ada Reporter"
    assert article.site_name == "Example Gazette"
    assert article.language == "en"
    assert article.text.split("\n\n") == STORY
    assert article.extractor["name"] == "trafilatura"


def test_redesigned_markup_gives_the_same_text() -> None:
    classic = extract_article(article_html("Council approves budget", STORY), URL)
    redesign = extract_article(article_html("Council approves budget", STORY, layout="modern"), URL)

    assert (redesign.text, redesign.title, redesign.byline) == (
        classic.text,
        classic.title,
        classic.byline,
    )


def test_canonical_link_is_resolved_against_the_page_url() -> None:
    html = article_html("T", STORY, canonical="/news/budget")
    assert extract_article(html, URL + "?utm_source=x").canonical_url == URL


def test_og_url_is_the_fallback_canonical() -> None:
    html = article_html("T", STORY, extra_head='<meta property="og:url" content="/news/og">')
    assert extract_article(html, URL).canonical_url == "http://example.test/news/og"


def test_canonical_link_wins_over_og_url() -> None:
    html = article_html(
        "T", STORY, canonical="/a", extra_head='<meta property="og:url" content="/b">'
    )
    assert extract_article(html, URL).canonical_url == "http://example.test/a"


def test_json_ld_dates_are_read_precisely() -> None:
    article = extract_article(page("dates_jsonld.html").decode(), URL)

    assert article.published_at == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert article.modified_at == datetime(2024, 3, 5, 17, 45, tzinfo=UTC)


def test_article_meta_dates_are_read() -> None:
    article = extract_article(page("dates_meta.html").decode(), URL)

    assert article.published_at == datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
    assert article.modified_at == datetime(2024, 4, 2, 8, 15, tzinfo=UTC)


def test_htmldate_finds_a_publication_date_in_the_url() -> None:
    html = article_html("T", STORY)
    article = extract_article(html, "http://example.test/2023/07/14/story")
    assert article.published_at == datetime(2023, 7, 14, tzinfo=UTC)
    assert article.modified_at is None


def test_extra_boilerplate_lines_are_dropped() -> None:
    paragraphs = [*STORY, "Sign up for our newsletter to get the news first."]
    html = article_html("T", paragraphs)
    plain = extract_article(html, URL)
    cleaned = extract_article(html, URL, boilerplate=[r"^sign up for our newsletter"])

    assert "newsletter" in plain.text
    assert "newsletter" not in cleaned.text
    assert cleaned.extractor["boilerplate"][-1] == r"^sign up for our newsletter"


def test_bad_boilerplate_pattern_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="Bad boilerplate pattern"):
        extract_article(article_html("T", STORY), URL, boilerplate=["(unclosed"])


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<body><nav>Home</nav></body>"])
def test_pages_without_an_article_give_empty_text(html: str) -> None:
    assert extract_article(html, URL).text == ""


@pytest.mark.parametrize(
    "html",
    [
        "plain words \x00 and a NUL",
        "<?xml version='1.0'?><p>x</p>",
        "<p>\ud800 lone surrogate</p>",
        "<" * 1000,
    ],
)
def test_odd_input_does_not_crash(html: str) -> None:
    assert isinstance(extract_article(html, URL).text, str)


def test_extractor_info_is_stable() -> None:
    assert extractor_info() == extractor_info()
    assert extractor_info(["x"]) != extractor_info()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, tzinfo=UTC)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
        (20240501, None),
    ],
)
def test_parse_datetime(value: object, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


# -- decoding ------------------------------------------------------------------------------

TEXT = "Zürich: Bürgermeisterin lehnt Gebühr ab — «Nein» sagt sie. Ça coûte €5."


def test_bom_wins_over_everything() -> None:
    body = b"\xef\xbb\xbf" + f'<meta charset="iso-8859-1"><p>{TEXT}</p>'.encode()
    text, encoding = decode_html(body, "text/html; charset=windows-1251")
    assert TEXT in text and encoding == "utf-8"


def test_utf16_bom() -> None:
    body = "\ufeff<p>".encode("utf-16-le") + f"{TEXT}</p>".encode("utf-16-le")
    assert TEXT in decode_html(body)[0]


def test_http_charset_wins_over_meta() -> None:
    body = f'<meta charset="utf-8"><p>{TEXT}</p>'.encode("cp1252")
    text, encoding = decode_html(body, "text/html; charset=ISO-8859-1")
    assert TEXT in text and encoding == "cp1252"


def test_meta_charset_when_http_is_silent() -> None:
    body = f'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>{TEXT}'
    text, encoding = decode_html(body.encode("cp1252"), "text/html")
    assert TEXT in text and encoding == "cp1252"


def test_wrong_utf8_declaration_falls_back_to_detection() -> None:
    body = ("<html><body>" + f"<p>{TEXT}</p>" * 20 + "</body></html>").encode("cp1252")
    text, _ = decode_html(body, "text/html; charset=utf-8")
    assert TEXT in text


def test_undeclared_legacy_encoding_is_detected() -> None:
    russian = "Городской совет утвердил новый бюджет после долгих обсуждений."
    body = ("<html><body>" + f"<p>{russian}</p>" * 10 + "</body></html>").encode("cp1251")
    assert russian in decode_html(body)[0]


def test_a_few_broken_bytes_keep_utf8() -> None:
    body = ("<p>" + TEXT * 30 + "</p>").encode() + b"\xff\xfe broken" + TEXT.encode()
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "utf-8"
    assert text.count("\ufffd") == 2
    assert TEXT in text


def test_unknown_charset_label_is_ignored() -> None:
    text, encoding = decode_html(TEXT.encode(), "text/html; charset=x-no-such-thing")
    assert (text, encoding) == (TEXT, "utf-8")
