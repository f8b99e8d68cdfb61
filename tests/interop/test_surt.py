from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.interop.surt import canonicalize, surt

# Keys as the Wayback Machine and pywb write them for these URLs.
KNOWN_KEYS = [
    ("http://www.archive.org/", "org,archive)/"),
    ("http://archive.org/", "org,archive)/"),
    ("http://archive.org", "org,archive)/"),
    ("http://ARCHIVE.ORG/", "org,archive)/"),
    ("http://archive.org/goo/", "org,archive)/goo"),
    ("http://archive.org/goo/?", "org,archive)/goo"),
    ("http://archive.org/goo/?b&a", "org,archive)/goo?a&b"),
    ("http://archive.org/goo/?a=2&b&a=1", "org,archive)/goo?a=1&a=2&b"),
    ("http://www.archive.org:80/", "org,archive)/"),
    ("https://www.archive.org:443/", "org,archive)/"),
    ("https://www.archive.org:80/", "org,archive:80)/"),
    ("http://www.archive.org:443/", "org,archive:443)/"),
    ("http://www.gotaport.com:1234/", "com,gotaport:1234)/"),
    ("http://www12.archive.org/index.html?b=b&a=a", "org,archive)/index.html?a=a&b=b"),
    ("http://www2foo.com/", "com,www2foo)/"),
    ("http://www2.www2foo.com/", "com,www2foo)/"),
    ("http://example.com/foo?X=Y", "com,example)/foo?x=y"),
    ("http://example.com/A/B.html", "com,example)/a/b.html"),
    ("http://www.evil.com/blah#frag", "com,evil)/blah"),
    ("http://evil.com/foo#bar#baz", "com,evil)/foo"),
    ("http://www.google.com/blah/..", "com,google)/"),
    ("http://host.com//twoslashes?more//slashes", "com,host)/twoslashes?more//slashes"),
    ("http://www.google.com/foo\tbar\rbaz\n2", "com,google)/foobarbaz2"),
    ("  http://www.google.com/  ", "com,google)/"),
    ("www.google.com", "com,google)/"),
    ("http://www.google.com.../", "com,google)/"),
    ("http:////////////////www.vikings.com", "com,vikings)/"),
    ("http://https://order.1and1.com", "com,1and1,order)/"),
    ("http://mineral.galleries.com:/minerals/x.htm", "com,galleries,mineral)/minerals/x.htm"),
    ("http://user:pass@example.com/", "com,example)/"),
    ("http://host/%25%32%35", "host)/%25"),
    ("http://host/%2525252525252525", "host)/%25"),
    ("http://host/asdf%25%32%35asd", "host)/asdf%25asd"),
    ("http://host.com/ab%23cd", "com,host)/ab%23cd"),
    ("http://bücher.ch:8080/", "ch,xn--bcher-kva:8080)/"),
    ("http://☃.com/", "com,xn--n3h)/"),
    ("http://example.com/caf%C3%A9", "com,example)/caf%c3%a9"),
    ("http://example.com/café", "com,example)/caf%c3%a9"),
    ("http://3279880203/blah", "11,0,127,195)/blah"),
    ("http://017.0.0.1/", "1,0,0,15)/"),
    ("http://10.0.258/", "2,1,0,10)/"),
    ("http://39024579298/", "226,210,11,22)/"),
    ("http://168.188.99.26/", "26,99,188,168)/"),
    (
        "http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/",
        "26,99,188,168)/.secure",
    ),
    ("whois://whois.isoc.org.il/shaveh.co.il", "il,org,isoc,whois)/shaveh.co.il"),
    ("ftp://www.example.com/", "com,example)/"),
    (
        "http://archive.org/index.php?PHPSESSID=0123456789abcdefghijklemopqrstuv"
        "&action=profile;u=4221",
        "org,archive)/index.php?action=profile;u=4221",
    ),
    (
        "http://example.com/?CFID=1169580&CFTOKEN=48630702&dtstamp=22%2F08%2F2006",
        "com,example)/?dtstamp=22/08/2006",
    ),
    (
        "http://example.com/x;jsessionid=0123456789abcdefghijklemopqrstuv",
        "com,example)/x",
    ),
    ("http://example.com/(S(4hqa0555fwsecu455xqckv45))/mileg.aspx", "com,example)/mileg.aspx"),
    ("http://example.com/photos/36050182@N05/", "com,example)/photos/36050182@n05"),
    (
        "http://visit.webhosting.yahoo.com/visit.gif?&r=http%3A//web.archive.org/web/"
        "20090517140029/http%3A//anthonystewarthead.electric-chi.com/&b=Netscape%205.0%20"
        "%28Windows%3B%20en-US%29&s=1366x768&o=Win32&c=24&j=true&v=1.2",
        "com,yahoo,webhosting,visit)/visit.gif?&b=netscape%205.0%20(windows;%20en-us)&c=24"
        "&j=true&o=win32&r=http://web.archive.org/web/20090517140029/"
        "http://anthonystewarthead.electric-chi.com/&s=1366x768&v=1.2",
    ),
]


@pytest.mark.parametrize(("url", "key"), KNOWN_KEYS)
def test_known_surt_forms(url: str, key: str) -> None:
    assert surt(url) == key


@pytest.mark.parametrize(
    "url",
    [
        "dns:archive.org",
        "filedesc:foo.arc.gz",
        "filedesc:/foo.arc.gz",
        "filedesc://foo.arc.gz",
        "warcinfo:foo.warc.gz",
        "mailto:foo@example.com",
        "urn:uuid:1234",
    ],
)
def test_urls_without_host_are_their_own_key(url: str) -> None:
    assert surt(url) == url


def test_empty_url_has_dash_key() -> None:
    assert surt("") == "-"
    assert surt(None) == "-"


def test_canonicalize_keeps_forward_form() -> None:
    assert (
        canonicalize("HTTP://www.Archive.org:80/goo/?b=1&a=2#x") == "http://archive.org/goo?a=2&b=1"
    )


def test_variants_of_one_article_share_a_key() -> None:
    variants = [
        "https://www.example.com/news/story-1",
        "https://example.com/news/story-1/",
        "https://EXAMPLE.com:443/news/./story-1#comments",
        "https://example.com/news/x/../story-1",
    ]
    assert {surt(v) for v in variants} == {"com,example)/news/story-1"}


_url_chars = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@given(host=st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8}){0,3}", fullmatch=True), path=_url_chars)
def test_surt_is_idempotent_on_canonical_urls(host: str, path: str) -> None:
    """Canonicalising a canonical URL changes nothing, so keys are stable."""
    url = canonicalize(f"http://{host}/{path}")
    assert canonicalize(url) == url
    assert surt(url) == surt(f"http://{host}/{path}")
