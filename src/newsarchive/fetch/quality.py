"""The quality gate: may this capture become a version?

A pure function of what was fetched and extracted (and the previous version's
text). A page that is an error, a soft 404, a bot challenge, a paywall stub
or a truncated extraction is still recorded as a capture, flagged, so the
history shows what the site served, but it never becomes a version.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import attrs

# Quality flags. "gone" is an answer about the article (404/410), not a failure.
HTTP_ERROR = "http-error"
GONE = "gone"
SOFT_404 = "soft-404"
BOT_CHALLENGE = "bot-challenge"
PAYWALL = "paywall"
EMPTY_EXTRACTION = "empty-extraction"
TRUNCATED_EXTRACTION = "truncated-extraction"

# Flags that mean we failed to observe the article (the run reports a failure).
FAILURE_FLAGS = frozenset({HTTP_ERROR, BOT_CHALLENGE})

_NOT_FOUND_TITLE = re.compile(
    r"\b(404|page not found|not found|page (does not|doesn't) exist|no longer available|"
    r"seite nicht gefunden|page introuvable|p[aá]gina no encontrada|pagina non trovata)\b",
    re.IGNORECASE,
)

_NOT_FOUND_TEXT = re.compile(
    r"(page|article|story) you (were|are) looking for|couldn'?t find (that|the|this) page|"
    r"(page|article) (cannot|could not|can'?t) be found|(page|article) (has been|was) removed",
    re.IGNORECASE,
)

# (name, where, pattern): where is "body" or a lower-case header name.
_CHALLENGE_SIGNATURES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("Cloudflare challenge", "cf-mitigated", re.compile(r"challenge", re.I)),
    (
        "Cloudflare challenge",
        "body",
        re.compile(
            r"<title>\s*(just a moment\.\.\.|attention required! \| cloudflare)|"
            r"cdn-cgi/challenge-platform|cf-browser-verification|cf_chl_opt|"
            r"challenges\.cloudflare\.com",
            re.I,
        ),
    ),
    (
        "Akamai access denied",
        "body",
        re.compile(
            r"<title>\s*access denied\s*</title>.*?you don't have permission to access|"
            r"errors\.edgesuite\.net|reference\s*#\d+\.[0-9a-f]+\.\d+",
            re.I | re.S,
        ),
    ),
    ("AWS WAF challenge", "x-amzn-waf-action", re.compile(r".+")),
    (
        "AWS WAF challenge",
        "body",
        re.compile(r"awswaf|aws-waf-token|token\.awswaf\.com|gokuprops", re.I),
    ),
    ("DataDome captcha", "body", re.compile(r"captcha-delivery\.com|geo\.captcha-delivery", re.I)),
    ("PerimeterX captcha", "body", re.compile(r"px-captcha|_pxCaptcha|perimeterx", re.I)),
    ("Imperva challenge", "body", re.compile(r"_Incapsula_Resource|incapsula incident id", re.I)),
    (
        "Access denied page",
        "title",
        re.compile(
            r"^\s*(access denied|403 forbidden|forbidden|are you a robot\??|"
            r"verify you are human|bot verification|please verify you are a human)\s*$",
            re.I,
        ),
    ),
)

_PAYWALL = re.compile(
    r"subscribe (now )?to (continue|keep) reading|to continue reading,? (please )?"
    r"(subscribe|log ?in|sign ?in)|this (article|content|story) is (only )?(available )?"
    r"(exclusively )?(for|to) (subscribers|members)|already a subscriber\?|"
    r"subscribers only|become a (subscriber|member) to read|"
    r"you have reached your (free )?(article )?limit",
    re.IGNORECASE,
)
# A paywall notice inside a long text is a footer, not a stub.
_PAYWALL_MAX_WORDS = 150

_MIN_WORDS = 20


@attrs.frozen(kw_only=True)
class QualityOptions:
    """Thresholds of the gate.

    ``min_fraction``: a new text shorter than this fraction of the previous
    version's text is taken as a broken extraction. ``min_words``: fewer words
    than this and there is no article.
    """

    min_fraction: float = 0.4
    min_words: int = _MIN_WORDS


@attrs.frozen
class Verdict:
    """``flag`` is None for a good capture; ``reason`` says why it was flagged."""

    flag: str | None = None
    reason: str | None = None

    @property
    def is_good(self) -> bool:
        return self.flag is None

    @property
    def is_failure(self) -> bool:
        return self.flag in FAILURE_FLAGS


GOOD = Verdict()


def assess(
    *,
    status: int,
    headers: tuple[tuple[str, str], ...] = (),
    html: str = "",
    requested_url: str,
    final_url: str,
    title: str | None = None,
    text: str = "",
    previous_text: str | None = None,
    options: QualityOptions | None = None,
) -> Verdict:
    """Judge one fetched and extracted page.

    Args:
        status: the final HTTP status.
        headers: the final response headers.
        html: the decoded page.
        requested_url: the URL asked for (before redirects).
        final_url: the URL that answered (after redirects).
        title: the extracted title (or None).
        text: the extracted article text.
        previous_text: the text of the article's current version, if any.
        options: thresholds.

    Returns:
        ``GOOD`` or a :class:`Verdict` with a flag and a reason.
    """
    options = options or QualityOptions()
    challenge = detect_challenge(headers=headers, html=html, title=title)
    if challenge:
        return Verdict(BOT_CHALLENGE, f"{challenge} (HTTP {status})")
    if status in (404, 410):
        return Verdict(GONE, f"HTTP {status}")
    if status >= 400 or status < 200:
        return Verdict(HTTP_ERROR, f"HTTP {status}")
    if _is_home_redirect(requested_url, final_url):
        return Verdict(SOFT_404, f"redirected to the home page {final_url}")
    short = _word_count(text) < 4 * options.min_words
    for candidate in (title, _html_title(html[:65536])):
        if candidate and short and _NOT_FOUND_TITLE.search(candidate):
            return Verdict(SOFT_404, f"page title says not found: {candidate!r}")
    if short and _NOT_FOUND_TEXT.search(text):
        return Verdict(SOFT_404, "page text says not found")
    words = _word_count(text)
    if words <= _PAYWALL_MAX_WORDS and _PAYWALL.search(text):
        return Verdict(PAYWALL, f"paywall notice with only {words} words of text")
    if words < options.min_words:
        return Verdict(EMPTY_EXTRACTION, f"only {words} words extracted")
    if previous_text:
        before = len(previous_text)
        if before and len(text) < options.min_fraction * before:
            return Verdict(
                TRUNCATED_EXTRACTION,
                f"text shrank to {len(text)} characters from {before} "
                f"(below {options.min_fraction:.0%})",
            )
    return GOOD


def detect_challenge(
    *, headers: tuple[tuple[str, str], ...] = (), html: str = "", title: str | None = None
) -> str | None:
    """Name the bot-protection or access-denied page this is, if any.

    Args:
        headers: the response headers.
        html: the decoded page (only its first 64 kB is searched).
        title: the page title.

    Returns:
        A short description such as ``"Cloudflare challenge"``, or None.
    """
    lowered = {k.lower(): v for k, v in headers}
    head = html[:65536]
    for name, where, pattern in _CHALLENGE_SIGNATURES:
        if where == "body":
            subject: str | None = head
        elif where == "title":
            subject = title or _html_title(head)
        else:
            subject = lowered.get(where)
        if subject and pattern.search(subject):
            return name
    return None


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _html_title(html: str) -> str | None:
    match = _TITLE.search(html)
    return " ".join(match.group(1).split()) if match else None


def _is_home_redirect(requested_url: str, final_url: str) -> bool:
    if requested_url == final_url:
        return False
    requested, final = urlsplit(requested_url), urlsplit(final_url)
    requested_is_home = requested.path in ("", "/") and not requested.query
    final_is_home = final.path in ("", "/", "/index.html", "/index.php") and not final.query
    return final_is_home and not requested_is_home


def _word_count(text: str) -> int:
    return len(text.split())
