"""Two page designs per site, modelled on how news sites mark up an article.

Each function takes an article (see ``articles.py``) and returns the page. The
``a`` and ``b`` designs of a site print the same story the way the site did before
and after a redesign: other containers and class names, furniture moved in or out
of the body, the summary inside or outside it, JSON-LD present or not.
"""

from __future__ import annotations

import html as _html
import json
from collections.abc import Callable
from typing import Any

Article = dict[str, Any]
Template = Callable[[Article], str]

# Furniture shared by several sites.
COOKIE_WALL = (
    '<div id="consent-overlay" class="cookie-wall" role="dialog"><p>We use cookies to give you '
    "the best experience. By continuing you agree to our use of cookies.</p>"
    "<button>Accept all</button><button>Manage settings</button></div>"
)
LIVE_BANNER = (
    '<div class="live-banner"><span>LIVE</span> <a href="/live/markets">Follow our live '
    "coverage of today's markets and the latest political news</a></div>"
)


def esc(text: str) -> str:
    return _html.escape(text, quote=True)


def paragraphs(a: Article, open_tag: str = "<p>", close_tag: str = "</p>") -> list[str]:
    """The story's paragraphs as HTML, its links set in the text."""
    out = []
    links = list(a["links"])
    for text in a["paragraphs"]:
        body = esc(text)
        for href, anchor in list(links):
            if esc(anchor) in body:
                body = body.replace(esc(anchor), f'<a href="{href}">{esc(anchor)}</a>', 1)
                links.remove((href, anchor))
        out.append(f"{open_tag}{body}{close_tag}")
    return out


def head(a: Article, site: str, *, json_ld: dict[str, Any] | None = None, extra: str = "") -> str:
    parts = [
        '<meta charset="utf-8">',
        f"<title>{esc(a['headline'])} - {esc(site)}</title>",
        f'<meta property="og:title" content="{esc(a["headline"])}">',
        f'<meta property="og:site_name" content="{esc(site)}">',
        f'<meta property="og:description" content="{esc(a["summary"])}">',
        f'<meta property="og:image" content="{a["image"]}?w=1200&amp;q=80">',
        f'<meta property="article:published_time" content="{a["published"]}">',
    ]
    if json_ld is not None:
        parts.append(f'<script type="application/ld+json">{json.dumps(json_ld)}</script>')
    parts.append(extra)
    return "".join(parts)


def news_article(a: Article, site: str, *, body: bool = False, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["headline"],
        "datePublished": a["published"],
        "author": [{"@type": "Person", "name": a["author"]}],
        "publisher": {"@type": "Organization", "name": site},
        "image": [a["image"] + "?width=1600"],
    }
    if body:
        data["articleBody"] = "\n".join(a["paragraphs"])
    data.update(more)
    return data


def page(lang: str, head_html: str, body_html: str, css: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{head_html}'
        f'<link rel="stylesheet" href="{css}"></head><body>{body_html}</body></html>'
    )


def figure(a: Article, *, size: str, cls: str = "", caption_cls: str = "") -> str:
    src = a["image"].replace(".jpg", f"-{size}.jpg")
    return (
        f'<figure class="{cls}"><img src="{src}" alt="{esc(a["image_alt"])}">'
        f'<figcaption class="{caption_cls}">{esc(a["caption"])} '
        '<span class="credit">Photo: Staff</span></figcaption></figure>'
    )


# -- New York Times-style --------------------------------------------------------------


def nyt_a(a: Article) -> str:
    site = "The Daily Ledger"
    body = "".join(
        f'<div class="css-53u6y8 StoryBodyCompanionColumn"><div class="css-1fanzo5">{p}</div>'
        + ('<div class="ad mid1-wrapper"><p>Advertisement</p></div>' if i == 2 else "")
        + "</div>"
        for i, p in enumerate(paragraphs(a, '<p class="css-at9mc1 evys1bk0">'))
    )
    html = (
        '<div id="top-wrapper"><div class="ad top-slug"><p>Advertisement</p></div></div>'
        '<header class="css-ahe4g0"><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        "</header>"
        '<main id="site-content"><article id="story"><header class="css-1vkm6nb">'
        f'<h1 itemprop="headline">{esc(a["headline"])}</h1>'
        f'<p id="article-summary" class="css-w6ymp8">{esc(a["summary"])}</p>'
        f'<p class="css-aknsld e1jsehar1" itemprop="author">By <span itemprop="name">'
        f"{esc(a['author'])}</span></p></header>"
        + figure(a, size="articleLarge", cls="css-1xdhyk6")
        + f'<section name="articleBody" itemprop="articleBody">{body}</section>'
        '<div class="bottom-of-article"><h2>Read 312 Comments</h2></div>'
        "</article></main>"
    )
    return page("en", head(a, site, json_ld=news_article(a, site)), html, "/vi-assets/a.css")


def nyt_b(a: Article) -> str:
    site = "The Daily Ledger"
    paras = paragraphs(a, '<p class="css-at9mc1 evys1bk0">')
    cols = "".join(
        f'<div class="css-s99gbd StoryBodyCompanionColumn" data-testid="companionColumn-{i}">'
        f'<div class="css-53u6y8">{p}</div></div>'
        + ('<div class="css-1xzcza9"><div>Skip advertisement</div></div>' if i == 3 else "")
        for i, p in enumerate(paras)
    )
    html = (
        '<div class="css-1sy8kpn"><div class="css-l9onyx"><p>Advertisement</p></div></div>'
        '<main id="site-content"><div><article id="story" class="css-1vxca1d">'
        '<div class="css-1qiat4j"><p class="css-1x0jvzl">Supported by</p></div>'
        '<div class="css-1vxca1d"><p class="css-1iz5acw">SKIP ADVERTISEMENT</p></div>'
        f'<header><h1 data-testid="headline">{esc(a["headline"])}</h1>'
        f'<p id="article-summary">{esc(a["summary"])}</p>'
        '<div class="css-1emmmgf"><button>Share full article</button></div>'
        + figure(a, size="superJumbo", cls="css-ohcvle")
        + f'<div class="css-233int"><span>By <a href="/by/x">{esc(a["author"])}</a></span>'
        "<time>Published March 5, 2024</time></div></header>"
        f'<section name="articleBody">{cols}</section>'
        '<div class="css-1kfyzgb"><h2>Related Content</h2><ul>'
        '<li><a href="/2024/01/02/other.html">Other story from the archive</a></li></ul></div>'
        "</article></div></main>"
    )
    return page("en", head(a, site, json_ld=news_article(a, site)), html, "/vi-assets/b.css")


# -- Washington Post-style -------------------------------------------------------------


def wapo_a(a: Article) -> str:
    site = "The Capital Post"
    paras = paragraphs(a, '<p data-el="text" class="font--body font-copy">')
    paras.insert(
        3,
        '<div class="ad-container"><p>Story continues below advertisement</p></div>'
        '<div data-qa="newsletter-signup" class="newsletter-inline"><p>Sign up for our '
        "morning newsletter to get the day's top stories in your inbox.</p></div>",
    )
    html = (
        '<header class="site-header"><div class="Page-login-label">'
        '<a href="/login">Username</a></div></header>'
        f'<main><div class="article-header"><h1 data-qa="headline">{esc(a["headline"])}</h1>'
        f'<div data-qa="author-byline" class="author-names"><a rel="author" href="/people/x">'
        f"{esc(a['author'])}</a></div></div>"
        + figure(a, size="1484x989", cls="lead-art")
        + f'<div class="article-body" data-qa="article-body">{"".join(paras)}</div>'
        "</main>"
    )
    return page("en", head(a, site), html, "/pb/resources/dist/css/main.css")


def wapo_b(a: Article) -> str:
    site = "The Capital Post"
    paras = paragraphs(a, '<div class="wpds-c-PJLV"><p class="wpds-c-cYdRxM" data-el="text">')
    paras = [p + "</div>" for p in paras]
    paras.insert(
        2,
        '<div class="hide-for-print" data-qa="article-body-ad"><div>Advertisement</div></div>',
    )
    html = (
        '<nav class="sc-nav"><a href="/">Capital Post</a></nav>'
        f'<main><article class="grid-layout"><h1 class="headline">{esc(a["headline"])}</h1>'
        '<div class="wpds-c-gteQDb">By <span class="byline-name">'
        f"{esc(a['author'])}</span> <span>Updated June 10, 2024 at 6:15 a.m. EDT</span></div>"
        + figure(a, size="960x640", cls="wpds-figure")
        + f'<div class="grid-body teaser-content">{"".join(paras)}</div>'
        '<aside class="most-read"><h2>Most Read</h2><ol><li><a href="/x">A popular story</a>'
        '</li><li><a href="/y">Another popular story</a></li></ol></aside>'
        "</article></main>"
    )
    json_ld = news_article(a, site, body=True)
    return page("en", head(a, site, json_ld=json_ld), html, "/zeus/main.css")


# -- BBC-style ---------------------------------------------------------------------------


def bbc_a(a: Article) -> str:
    site = "Broadcast News"
    paras = paragraphs(a)
    paras[0] = paras[0].replace("<p>", '<p class="story-body__introduction">', 1)
    html = (
        '<div id="orb-banner" role="banner"><a href="/">Home</a> <a href="/news">News</a></div>'
        '<div class="story-body"><h1 class="story-body__h1">'
        f"{esc(a['headline'])}</h1>"
        '<div class="byline"><span class="byline__name">By '
        f"{esc(a['author'])}</span></div>"
        '<div class="story-body__inner" property="articleBody">'
        + figure(a, size="976", cls="media-landscape", caption_cls="media-caption")
        + "".join(paras)
        + "</div></div>"
        '<div class="share-tools-footer"><a href="/share">Share this story</a></div>'
    )
    return page("en", head(a, site), html, "/news/1.2.3/style/core.css")


def bbc_b(a: Article) -> str:
    site = "Broadcast News"
    blocks = "".join(
        f'<div data-component="text-block" class="ssrcss-11r1m41-RichTextComponentWrapper">{p}'
        "</div>"
        for p in paragraphs(a, '<p class="ssrcss-1q0x1qg-Paragraph">')
    )
    html = (
        '<header role="banner"><nav><a href="/">Home</a><a href="/news">News</a></nav></header>'
        f'<main id="main-content"><article><header><h1 id="main-heading">{esc(a["headline"])}'
        "</h1></header>"
        '<div data-component="byline-block"><div>By '
        f"{esc(a['author'])}</div><div>News reporter</div></div>"
        '<div data-component="image-block">'
        + figure(a, size="800", cls="ssrcss-figure")
        + "</div>"
        + blocks
        + '<div data-component="links-block"><h2>Related Topics</h2><ul>'
        '<li><a href="/news/topics/transport">Transport</a></li></ul></div>'
        '<div data-component="tag-list"><a href="/news/topics/x">Infrastructure</a></div>'
        "</article>"
        '<section data-component="carousel"><h2>More on this story</h2><ul>'
        '<li><a href="/news/a1">Earlier report on the same subject</a></li></ul></section>'
        "</main>"
    )
    return page("en", head(a, site, json_ld=news_article(a, site)), html, "/bbcx/news.css")


# -- Guardian-style ---------------------------------------------------------------------


def guardian_a(a: Article) -> str:
    site = "The Observer Daily"
    html = (
        '<div class="site-message js-site-message">This article is more than 2 years old</div>'
        '<article id="article" class="content content--article" role="main">'
        '<header class="content__head">'
        f'<h1 class="content__headline" itemprop="headline">{esc(a["headline"])}</h1>'
        f'<div class="content__standfirst" itemprop="description"><p>{esc(a["summary"])}</p>'
        "</div></header>"
        + figure(a, size="1000", cls="media-primary", caption_cls="caption caption--main")
        + '<p class="byline" data-component="meta-byline"><a rel="author" href="/profile/x">'
        f"{esc(a['author'])}</a></p>"
        '<div class="content__article-body from-content-api js-article__body" '
        f'itemprop="articleBody">{"".join(paragraphs(a))}</div>'
        '<div class="submeta"><a href="/topics/x">Topics</a></div></article>'
    )
    return page("en", head(a, site), html, "/assets/stylesheets/garnett.css")


def guardian_b(a: Article) -> str:
    site = "The Observer Daily"
    paras = paragraphs(a, '<p class="dcr-4cudl2">')
    paras.insert(
        4,
        '<figure data-spacefinder-role="inline"><a href="/newsletters/first-edition">'
        "Sign up to First Edition, our free daily newsletter</a></figure>",
    )
    html = (
        '<div data-gu-name="top-bar"><a href="/">Home</a></div>'
        '<main data-layout="StandardLayout"><article class="dcr-1j0snpe">'
        f'<div data-gu-name="headline"><h1>{esc(a["headline"])}</h1></div>'
        f'<div data-gu-name="standfirst"><div class="dcr-1yi1cnj"><p>{esc(a["summary"])}</p>'
        "</div></div>"
        '<div data-gu-name="media">' + figure(a, size="620", cls="dcr-1g5o3j6") + "</div>"
        '<div data-gu-name="meta"><a rel="author" href="/profile/x">'
        f"{esc(a['author'])}</a></div>"
        '<div data-gu-name="body"><div id="maincontent">'
        '<div class="article-body-commercial-selector article-body-viewer-selector dcr-fp1ya">'
        f"{''.join(paras)}</div></div></div></article>"
        '<aside data-gu-name="right-column"><h2>Most viewed</h2></aside></main>'
    )
    return page("en", head(a, site, json_ld=news_article(a, site)), html, "/assets/dcr.css")


# -- AP-style ---------------------------------------------------------------------------


def ap_a(a: Article) -> str:
    site = "Associated Wire"
    paras = paragraphs(a)
    paras.insert(2, '<div class="Advertisement"><p>ADVERTISEMENT</p></div>')
    html = (
        '<div class="Page-header"><div class="Page-header-login"><span class="Account-label">'
        'Username</span><a href="/login">Log in</a></div></div>'
        '<div class="Article" data-key="article">'
        f'<div class="CardHeadline"><h1 class="Component-heading">{esc(a["headline"])}</h1>'
        f'<div class="Component-bylines"><span>By {esc(a["author"]).upper()}</span></div>'
        '<span class="Timestamp">March 5, 2024 GMT</span></div>'
        + figure(a, size="600", cls="LeadFeature")
        + f'<div class="RichTextStoryBody RichTextBody">{"".join(paras)}</div>'
        '<div class="Component-recirc"><h2>Top Stories</h2><a href="/a">Something else</a></div>'
        "</div>"
    )
    return page("en", head(a, site), html, "/ap/css/main.css")


def ap_b(a: Article) -> str:
    site = "Associated Wire"
    paras = paragraphs(a)
    html = (
        '<header class="Page-header"><div class="Page-header-login">'
        '<span class="Account-label">Username</span></div></header>'
        '<main class="Page-main"><div class="Page-content"><bsp-story-page>'
        f'<div class="Page-lead"><h1 class="Page-headline">{esc(a["headline"])}</h1></div>'
        '<div class="Page-authors"><span class="Link">By '
        f"{esc(a['author'])}</span></div>"
        + figure(a, size="1440", cls="Figure")
        + '<div class="RichTextStoryBody RichTextBody">'
        + "".join(paras)
        + '<div class="Carousel"><h2>Related Stories</h2><ul>'
        '<li><a href="/r1">A related story about something else</a></li>'
        '<li><a href="/r2">Another related story on a different subject</a></li></ul></div>'
        "</div>"
        '<div class="Page-below"><div class="ConnatixPlayer">Video</div></div>'
        "</bsp-story-page></div></main>"
    )
    return page("en", head(a, site, json_ld=news_article(a, site)), html, "/ap/css/v2.css")


# -- Reuters-style ---------------------------------------------------------------------


def reuters_a(a: Article) -> str:
    site = "Wire Reports"
    paras = [
        p.replace("<p>", f'<p data-testid="paragraph-{i}" class="text__text__1FZLe">', 1)
        for i, p in enumerate(paragraphs(a))
    ]
    html = (
        '<header class="site-header__header__1BHGi"><a href="/">Wire Reports</a></header>'
        '<main><article class="article__container__2pE2e">'
        f'<h1 data-testid="Heading" class="text__heading_2__1K_hh">{esc(a["headline"])}</h1>'
        f'<div class="article-header__byline__1Y8ft"><a rel="author">{esc(a["author"])}</a>'
        '</div><time class="article-header__dateline__4jE04">March 5, 2024 8:30 AM UTC'
        "</time>"
        + figure(a, size="1200x800", cls="primary-image__image__1ZWXp")
        + f'<div class="article-body__content__17Yit">{"".join(paras)}'
        '<p class="text__text__1FZLe sign-off">Reporting by staff; Editing by desk</p></div>'
        '<div class="trust-badge"><a href="/trust-principles">Our Standards: The Trust '
        "Principles.</a></div></article></main>"
    )
    return page("en", head(a, site, json_ld=news_article(a, site, body=True)), html, "/r.css")


def reuters_b(a: Article) -> str:
    site = "Wire Reports"
    paras = paragraphs(a, '<p class="Paragraph-paragraph-2Bgue ArticleBody-para-TD_9x">')
    html = (
        '<div class="MediaQuery-mobile"><a href="/">Wire Reports</a></div>'
        '<div class="StandardArticle-container"><div class="ArticleHeader-container">'
        f'<h1 class="Headline-headline-2FXIq">{esc(a["headline"])}</h1>'
        '<div class="ArticleHeader-date-line">March 5, 2024 / 8:30 AM / Updated 2 hours ago'
        "</div></div>"
        + figure(a, size="1800x1200", cls="Image-container")
        + '<div class="StandardArticleBody_body"><div class="ArticleBodyWrapper">'
        + "".join(paras)
        + '<p class="Paragraph-paragraph-2Bgue">Reporting by staff; Editing by desk</p>'
        "</div></div>"
        '<div class="Attribution-attribution-Y5JpY">'
        f'<p class="Byline-byline-1sVmo">By <a rel="author">{esc(a["author"])}</a></p></div>'
        '<div class="RelatedCoverage-container"><h3>Related Coverage</h3>'
        '<a href="/x">See more stories</a></div></div>'
    )
    return page("en", head(a, site), html, "/pf/resources/main.css")


# -- Dutch regional-style ----------------------------------------------------------------


def nl_a(a: Article) -> str:
    site = "Dagblad van het Noorden"
    paras = paragraphs(a, '<p class="article__paragraph">')
    paras.insert(
        2,
        '<aside class="article__related"><h3>Lees ook</h3><ul><li><a href="/x">'
        "Ander nieuws uit de regio</a></li></ul></aside>",
    )
    html = (
        COOKIE_WALL.replace("cookies", "cookies")
        + '<header class="header"><a href="/">Voorpagina</a> <a href="/regio">Regio</a></header>'
        '<article class="article"><header class="article__header">'
        f'<h1 class="article__title">{esc(a["headline"])}</h1>'
        f'<span class="article__author">{esc(a["author"])}</span>'
        '<time class="article__date">12-04-24, 07:45</time></header>'
        + figure(a, size="1280x720", cls="article__figure")
        + f'<p class="article__intro">{esc(a["summary"])}</p>'
        f'<div class="article__body">{"".join(paras)}</div>'
        '<div class="article__share"><a href="/share">Deel dit artikel</a></div></article>'
    )
    return page("nl", head(a, site), html, "/static/css/article.css")


def nl_b(a: Article) -> str:
    site = "Dagblad van het Noorden"
    paras = paragraphs(a, '<div class="paragraph"><p>', "</p></div>")
    paras.insert(3, '<div class="advertentie"><span>Advertentie</span></div>')
    body = "".join(paras)
    json_ld = news_article(a, site, description=a["summary"])
    html = (
        '<div class="cookie-consent" aria-hidden="true"><p>Deze website gebruikt cookies '
        "voor statistieken en advertenties.</p></div>"
        '<nav class="main-nav"><a href="/">Home</a></nav>'
        f'<main><div class="story"><h1 class="story__headline">{esc(a["headline"])}</h1>'
        f'<div class="story__meta">Door {esc(a["author"])} · 12 apr. 2024</div>'
        + figure(a, size="w1024", cls="story__image")
        + '<div class="story__body">'
        f'<div class="story__lead"><p>{esc(a["summary"])}</p></div>'
        + body
        + '<div class="lees-ook"><h3>Lees ook:</h3><a href="/y">Meer nieuws</a></div>'
        "</div></div></main>"
    )
    return page("nl", head(a, site, json_ld=json_ld), html, "/assets/v2/site.css")


# -- German regional-style --------------------------------------------------------------


def de_a(a: Article) -> str:
    site = "Hessische Rundschau Online"
    paras = paragraphs(a)
    paras.insert(2, '<div class="anzeige"><span>Anzeige</span></div>')
    html = (
        '<div id="header"><a href="/">Startseite</a> <a href="/lokales">Lokales</a></div>'
        '<div class="article" itemscope itemtype="https://schema.org/NewsArticle">'
        f'<h1 itemprop="headline">{esc(a["headline"])}</h1>'
        f'<p class="article-teaser"><strong>{esc(a["summary"])}</strong></p>'
        f'<div class="author">Von {esc(a["author"])}</div>'
        + figure(a, size="620x349", cls="article-image")
        + f'<div class="article-text" itemprop="articleBody">{"".join(paras)}</div>'
        '<div class="teaser-list"><h3>Lesen Sie auch:</h3><ul><li><a href="/z">'
        "Weitere Nachrichten aus der Region</a></li></ul></div></div>"
    )
    return page("de", head(a, site), html, "/css/main.css")


def de_b(a: Article) -> str:
    site = "Hessische Rundschau Online"
    paras = paragraphs(a, '<div class="Textblock"><p>', "</p></div>")
    html = (
        LIVE_BANNER + '<header class="Header"><a href="/">HR Online</a></header>'
        '<main><article class="Article">'
        f'<h1 class="Article__headline">{esc(a["headline"])}</h1>'
        f'<div class="Article__lead"><p>{esc(a["summary"])}</p></div>'
        + figure(a, size="1200x675", cls="Article__image")
        + '<div class="Article__body">'
        + "".join(paras)
        + '<div class="Article__author">Von '
        f"{esc(a['author'])}</div></div>"
        '<div class="Newsletter-box"><p>Jetzt den Newsletter abonnieren und nichts mehr '
        "verpassen!</p></div></article></main>"
    )
    return page("de", head(a, site, json_ld=news_article(a, site)), html, "/build/app.css")


# -- WordPress local news ----------------------------------------------------------------


def wp_a(a: Article) -> str:
    site = "Valley Courier"
    html = (
        '<header id="masthead" class="site-header"><p class="site-title">Valley Courier</p>'
        "</header>"
        '<div id="primary" class="content-area"><main id="main" class="site-main">'
        '<article class="post type-post status-publish">'
        f'<header class="entry-header"><h1 class="entry-title">{esc(a["headline"])}</h1>'
        f'<span class="byline"><span class="author vcard">{esc(a["author"])}</span></span>'
        "</header>"
        + figure(a, size="1024x683", cls="wp-block-image")
        + '<div class="entry-content">'
        + "".join(paragraphs(a))
        + '<div class="sharedaddy sd-sharing-enabled"><h3>Share this:</h3>'
        '<a href="?share=twitter">Twitter</a></div>'
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3></div>'
        "</div></article></main></div>"
    )
    return page("en", head(a, site), html, "/wp-content/themes/twentyseventeen/style.css")


def wp_b(a: Article) -> str:
    site = "Valley Courier"
    html = (
        '<header class="wp-block-template-part"><p class="wp-block-site-title">'
        '<a href="/">Valley Courier</a></p></header>'
        '<main class="wp-block-group"><div class="entry-content wp-block-post-content">'
        f'<p class="has-small-font-size">{esc(a["headline"])}</p>'
        + "".join(paragraphs(a))
        + '<div class="wp-block-buttons"><a class="wp-block-button__link" href="/donate">'
        "Support local news</a></div>"
        "</div>"
        f'<div class="wp-block-post-author">{esc(a["author"])}</div></main>'
    )
    json_ld = news_article(a, site, body=True)
    return page("en", head(a, site, json_ld=json_ld), html, "/wp-includes/blocks.css")


# -- Metro daily with a live-updates banner and a carousel -------------------------------


def metro_a(a: Article) -> str:
    site = "Metro Daily"
    html = (
        LIVE_BANNER
        + COOKIE_WALL
        + '<div class="carousel top-stories"><article class="card"><h3>Top story one</h3>'
        "<p>A short teaser for another story on the front page of the site.</p></article>"
        '<article class="card"><h3>Top story two</h3><p>Another teaser for yet another story '
        "on the front page.</p></article></div>"
        f'<article class="story"><h1>{esc(a["headline"])}</h1>'
        f'<div class="byline">By {esc(a["author"])}</div>'
        + figure(a, size="large", cls="lead")
        + "".join(paragraphs(a))
        + "</article>"
    )
    return page("en", head(a, site), html, "/css/metro.css")


def metro_b(a: Article) -> str:
    site = "Metro Daily"
    related = "".join(
        f'<li><a href="/r{i}">Related headline number {i} about a different topic</a></li>'
        for i in range(1, 6)
    )
    html = (
        '<div class="breaking-news-banner">Breaking: <a href="/live">Live updates</a></div>'
        f'<main><div class="article-page"><h1 class="title">{esc(a["headline"])}</h1>'
        f'<p class="article-summary">{esc(a["summary"])}</p>'
        '<div class="article-byline">By <span>'
        f"{esc(a['author'])}</span></div>"
        + figure(a, size="640x360", cls="hero")
        + '<div class="story-text">'
        + "".join(paragraphs(a))
        + "</div>"
        f'<div class="related-list"><h2>You may also like</h2><ul>{related}</ul></div>'
        "</div></main>"
    )
    json_ld = news_article(a, site)
    return page("en", head(a, site, json_ld=json_ld), html, "/css/metro-2024.css")


SITES: dict[str, tuple[Template, Template, tuple[str, str]]] = {
    "nyt": (nyt_a, nyt_b, ("bridge", "vaccine")),
    "wapo": (wapo_a, wapo_b, ("election", "drought")),
    "bbc": (bbc_a, bbc_b, ("bridge", "election")),
    "guardian": (guardian_a, guardian_b, ("vaccine", "drought")),
    "ap": (ap_a, ap_b, ("election", "bridge")),
    "reuters": (reuters_a, reuters_b, ("vaccine", "drought")),
    "nl-regional": (nl_a, nl_b, ("sluis", "markt")),
    "de-regional": (de_a, de_b, ("bahn", "schwimmbad")),
    "wordpress": (wp_a, wp_b, ("drought", "bridge")),
    "metro": (metro_a, metro_b, ("vaccine", "election")),
}
