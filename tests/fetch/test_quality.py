"""The quality gate: which captures may become versions."""

from __future__ import annotations

import pytest

from newsarchive.fetch.quality import QualityOptions, assess, detect_challenge
from scrape_server import STORY, page

URL = "http://example.test/news/budget"
TEXT = "\n\n".join(STORY)


def judge(**kwargs: object) -> tuple[str | None, str | None]:
    args: dict[str, object] = {
        "status": 200,
        "requested_url": URL,
        "final_url": URL,
        "title": "Council approves budget",
        "text": TEXT,
    }
    args.update(kwargs)
    verdict = assess(**args)  # type: ignore[arg-type]
    return verdict.flag, verdict.reason


def test_a_good_article_passes() -> None:
    assert judge() == (None, None)
    assert judge(previous_text=TEXT[:-50]) == (None, None)


@pytest.mark.parametrize("status", [500, 503, 403, 401, 451])
def test_http_errors_are_flagged(status: int) -> None:
    assert judge(status=status) == ("http-error", f"HTTP {status}")


@pytest.mark.parametrize("status", [404, 410])
def test_missing_pages_are_gone(status: int) -> None:
    assert judge(status=status)[0] == "gone"


def test_redirect_to_the_home_page_is_a_soft_404() -> None:
    flag, reason = judge(final_url="http://example.test/")
    assert flag == "soft-404" and "home page" in (reason or "")


def test_home_page_itself_is_not_a_soft_404() -> None:
    assert judge(requested_url="http://example.test", final_url="http://example.test/")[0] is None


def test_not_found_title_is_a_soft_404() -> None:
    assert judge(title="Page not found | Example Gazette", text="Sorry. " * 10)[0] == "soft-404"


def test_long_article_about_a_404_error_is_fine() -> None:
    assert judge(title="Why the 404 page is a dying art", text=TEXT * 3)[0] is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cloudflare_challenge.html", "Cloudflare challenge"),
        ("akamai_denied.html", "Akamai access denied"),
        ("aws_waf.html", "AWS WAF challenge"),
    ],
)
def test_bot_challenge_pages_are_recognised(name: str, expected: str) -> None:
    html = page(name).decode()
    assert detect_challenge(html=html) == expected
    assert judge(status=403, html=html, text="")[0] == "bot-challenge"
    assert judge(status=200, html=html, text="")[0] == "bot-challenge"


def test_challenge_headers_are_recognised() -> None:
    assert detect_challenge(headers=(("cf-mitigated", "challenge"),)) == "Cloudflare challenge"
    assert detect_challenge(headers=(("x-amzn-waf-action", "captcha"),)) == "AWS WAF challenge"
    assert detect_challenge(headers=(("server", "cloudflare"),)) is None


def test_ordinary_article_is_not_a_challenge() -> None:
    from scrape_server import article_html

    assert detect_challenge(html=article_html("Access to justice", STORY), title="Access") is None


def test_paywall_stub_is_flagged() -> None:
    text = (
        "Council approves budget\n\nThe city council voted on Tuesday night.\n\n"
        "Subscribe to continue reading. Already a subscriber? Log in."
    )
    assert judge(text=text)[0] == "paywall"


def test_paywall_footer_under_a_full_article_is_fine() -> None:
    assert judge(text=TEXT * 3 + "\n\nSubscribers only: get the newsletter.")[0] is None


def test_empty_extraction_is_flagged() -> None:
    assert judge(text="Just a headline")[0] == "empty-extraction"


def test_text_shrinking_to_a_fraction_is_truncated() -> None:
    flag, reason = judge(text=TEXT, previous_text=TEXT * 4)
    assert flag == "truncated-extraction" and "below 40%" in (reason or "")
    assert (
        judge(text=TEXT, previous_text=TEXT * 4, options=QualityOptions(min_fraction=0.2))[0]
        is None
    )


def test_not_found_text_in_a_short_page_is_a_soft_404() -> None:
    text = "Oops\n\nSorry, the page you were looking for may have been moved or deleted."
    assert judge(title="Oops", text=text)[0] == "soft-404"


def test_html_title_is_checked_when_the_extracted_title_is_a_heading() -> None:
    html = page("soft404.html").decode()
    assert judge(title="Sorry", html=html, text="Sorry. " * 10)[0] == "soft-404"
