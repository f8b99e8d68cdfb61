from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import InputError, canonical_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://News.Example.COM/a/b", "https://news.example.com/a/b"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?utm_source=tw&utm_medium=social", "https://example.com/a"),
        (
            "https://example.com/a?fbclid=x&id=7&gclid=y&mc_cid=z&ocid=w",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?tag=x&page=2&tag=y", "https://example.com/a?page=2&tag=x&tag=y"),
        ("https://example.com/%7Euser/story", "https://example.com/~user/story"),
        ("https://example.com./a", "https://example.com/a"),
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        ("https://Bücher.example/a", "https://xn--bcher-kva.example/a"),
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected
    assert canonical_url(expected) == expected


@pytest.mark.parametrize(
    "bad", ["", "example.com/a", "ftp://example.com/a", "https://", "http://[::1/a"]
)
def test_canonical_url_rejects_what_is_not_an_http_url(bad: str) -> None:
    with pytest.raises(InputError):
        canonical_url(bad)


_segment = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8
)


@settings(max_examples=200, deadline=None)
@given(
    host=st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}\.(com|org|CO\.uk)", fullmatch=True),
    path=st.lists(_segment, max_size=4),
    query=st.lists(
        st.tuples(st.sampled_from(["id", "utm_source", "page", "Q", "fbclid", "a b"]), _segment),
        max_size=4,
    ),
    fragment=_segment,
    port=st.sampled_from(["", ":443", ":8443"]),
)
def test_canonical_url_is_idempotent(
    host: str, path: list[str], query: list[tuple[str, str]], fragment: str, port: str
) -> None:
    from urllib.parse import quote, urlencode

    url = f"https://{host}{port}/" + "/".join(quote(p) for p in path)
    if query:
        url += "?" + urlencode(query)
    url += "#" + quote(fragment)
    once = canonical_url(url)
    assert canonical_url(once) == once
    query_part = once.partition("?")[2]
    assert "utm_source" not in query_part and "fbclid" not in query_part and "#" not in once
