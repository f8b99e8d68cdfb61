"""JSON Lines export and import keep a page's bytes as served, whatever their charset."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import Archive
from newsarchive.errors import InputError
from newsarchive.ingest.jsonl import parse_line

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
URL = "https://news.example.com/story"


def _page(title: str, charset: str) -> bytes:
    return f'<html><head><meta charset="{charset}"><title>{title}</title></head></html>'.encode(
        charset
    )


PAGES = {
    "utf8": (_page("Café council", "utf-8"), "utf-8"),
    "latin": (_page("Zoë's café reopens", "iso-8859-1"), "iso-8859-1"),
    # 0x81 is no character in windows-1252, and 0xff alone is no UTF-8: text cannot hold these.
    "cp1252": (_page("Price: 5 €", "cp1252") + b"\x81", "cp1252"),
    "broken": (_page("Broken", "utf-8") + b"\xff tail", "utf-8"),
    "bom": (b"\xef\xbb\xbf" + _page("With a byte order mark", "utf-8"), "utf-8"),
}


def _export(archive: Archive) -> list[dict[str, object]]:
    out = io.StringIO()
    archive.export_jsonl(out)
    # Lines end at "\n" alone: a page's text may hold U+0085 or U+2028 as they are.
    return [json.loads(line) for line in out.getvalue().split("\n")[:-1]]


def _import(archive: Archive, lines: list[dict[str, object]]) -> None:
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    report = archive.import_jsonl(io.BytesIO(data.encode("utf-8")))
    assert report.problems == ()


def test_pages_come_back_as_the_bytes_served(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        for name, (body, charset) in PAGES.items():
            archive.save(f"{URL}/{name}", html=body, html_charset=charset, captured_at=T0)
        archive.save(f"{URL}/old", html="<p>Saved from text.</p>", captured_at=T0)
        lines = {str(line["url"]).rsplit("/", 1)[1]: line for line in _export(archive)}
        expected = {url: archive.served_html(archive.captures(url)[0]) for url in _urls()}

    # Readable where the text gives the bytes back; base 64 where it cannot.
    assert lines["utf8"]["html"] == PAGES["utf8"][0].decode("utf-8")
    assert lines["utf8"]["html_charset"] == "utf-8"
    assert lines["latin"]["html"] == PAGES["latin"][0].decode("latin-1")
    assert lines["latin"]["html_charset"] == "iso8859-1"
    assert lines["bom"]["html"].startswith("\ufeff<html>")  # type: ignore[union-attr]
    for name in ("cp1252", "broken"):
        assert "html" not in lines[name]
        assert base64.b64decode(str(lines[name]["html_base64"])) == PAGES[name][0]
    # A page kept re-encoded writes the line it always did.
    assert lines["old"]["html"] == "<p>Saved from text.</p>"
    assert "html_charset" not in lines["old"] and "html_base64" not in lines["old"]

    with Archive.open(tmp_path / "b") as copy:
        _import(copy, list(lines.values()))
        for url, served in expected.items():
            assert copy.served_html(copy.captures(url)[0]) == served, url
        assert _export(copy) == list(lines.values())


def _urls() -> list[str]:
    return [f"{URL}/{name}" for name in [*PAGES, "old"]]


@settings(max_examples=60, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=80).map(lambda t: f"<p>{t}</p>".encode("utf-8", "surrogatepass")),
    ),
    charset=st.sampled_from(["utf-8", "iso-8859-1", "cp1252", "shift_jis", "utf-16"]),
)
def test_any_bytes_in_any_charset_round_trip(body: bytes, charset: str) -> None:
    with Archive.open(":memory:") as archive, Archive.open(":memory:") as copy:
        archive.save(URL, html=body, html_charset=charset, captured_at=T0, allow_empty=True)
        [line] = _export(archive)
        _import(copy, [line])
        assert copy.served_html(copy.captures(URL)[0]) == archive.served_html(
            archive.captures(URL)[0]
        )


def test_a_line_without_a_charset_reads_as_it_always_did(tmp_path: Path) -> None:
    line = {"url": URL, "captured_at": "2024-05-01T08:00:00Z", "html": "<p>Café</p>"}
    with Archive.open(tmp_path / "a") as archive:
        _import(archive, [line])
        assert archive.served_html(archive.captures(URL)[0]) == ("<p>Café</p>".encode(), None)
        # Bytes in base 64 without a charset are UTF-8.
        encoded = base64.b64encode("<p>Thé</p>".encode()).decode()
        _import(archive, [{"url": URL, "captured_at": "2024-05-02", "html_base64": encoded}])
        kept = archive.served_html(archive.captures(URL)[1])
        assert kept == ("<p>Thé</p>".encode(), "utf-8")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"html": "<p>x</p>", "html_base64": "PHA+"}, "give 'html' or 'html_base64', not both"),
        ({"html_charset": "utf-8"}, "'html_charset' without 'html' or 'html_base64'"),
        ({"html_base64": "not base 64!"}, "'html_base64' is not valid base 64"),
        ({"html": "<p>x</p>", "html_charset": "klingon"}, "unknown charset 'klingon'"),
        ({"html": "<p>€</p>", "html_charset": "latin-1"}, "'html' does not fit its charset"),
        ({"html_base64": 12}, "'html_base64' must be a string"),
        ({"html": "<p>x</p>", "html_charset": ["utf-8"]}, "'html_charset' must be a string"),
    ],
)
def test_bad_served_fields_are_refused_with_a_reason(
    fields: dict[str, object], message: str
) -> None:
    line = {"url": URL, "captured_at": "2024-05-01T08:00:00Z", "text": "Story.", **fields}
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        parse_line(json.dumps(line).encode(), default_source="test")


def test_one_bad_line_does_not_stop_the_import(tmp_path: Path) -> None:
    good = {"url": URL, "captured_at": "2024-05-01T08:00:00Z", "text": "Story."}
    bad = {**good, "captured_at": "2024-05-01T09:00:00Z", "html_base64": "%%%"}
    later = {**good, "captured_at": (T0 + timedelta(hours=2)).isoformat(), "text": "Story, on."}
    data = "".join(json.dumps(x) + "\n" for x in (good, bad, later)).encode()
    with Archive.open(tmp_path / "a") as archive:
        report = archive.import_jsonl(io.BytesIO(data))
        assert report.captures_added == 2
        assert [(p.line, p.message) for p in report.problems] == [
            (2, "'html_base64' is not valid base 64")
        ]
