"""The static site: what it holds, feeds real readers accept, rebuilding only what changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
from click.testing import CliRunner
from sitedata import HOSTILE_URL, STORY, build_archive, save
from sitedata import build_site as build_with_cli

from newsarchive import Archive
from newsarchive.cli import cli
from newsarchive.website import MANIFEST, article_feed, article_page, build_site


def test_site_holds_index_changes_articles_and_feeds(tmp_path: Path) -> None:
    archive = build_archive(tmp_path)
    out = tmp_path / "public"
    report = build_with_cli(archive, out)
    assert report == {
        "directory": str(out), "articles": 4, "changes": 8, "articles_written": 4,
        "articles_removed": 0, "full": True,
    }  # fmt: skip
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr data-q=") == 4
    assert f'href="{article_page(STORY)}"' in index
    assert "3 stealth edits" in index  # the headline switched back is a test, not stealth
    changes = (out / "changes.html").read_text(encoding="utf-8")
    assert changes.count("<li class=") == 8
    assert f'{article_page(STORY)}#diff-6-7"' in changes
    # The two date codes in the words the report uses, which tell them apart.
    assert "date in the text changed, correction note, declared dates changed" in changes
    page = (out / article_page(STORY)).read_text(encoding="utf-8")
    assert '<a href="../index.html">All articles</a>' in page
    assert 'id="diff-3-4"' in page and "Paragraph map" in page


def test_feeds_parse_in_feedparser(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_with_cli(build_archive(tmp_path), out)
    archive_feed = feedparser.parse((out / "changes.atom").read_bytes())
    assert not archive_feed.bozo and len(archive_feed.entries) == 8
    article = feedparser.parse((out / article_feed(STORY)).read_bytes())
    assert not article.bozo and len(article.entries) == 7
    assert article.feed.title.startswith("Changes: Sessions Offered to Resign")


def test_rebuild_rewrites_only_the_article_that_changed(tmp_path: Path) -> None:
    archive = build_archive(tmp_path, hostile=False)
    out = tmp_path / "public"
    build_with_cli(archive, out)
    untouched = out / article_page(STORY)
    untouched.write_text("left as it was", encoding="utf-8")  # a rewrite would show
    again = build_with_cli(archive, out)
    assert (again["articles_written"], again["full"]) == (0, False)
    url = "https://herald.example.org/sport/final"
    save(CliRunner(), archive, url, "2024-03-05T09:00:00Z", "Rovers win", "Rovers won 3-1.")
    third = build_with_cli(archive, out)
    assert (third["articles_written"], third["changes"]) == (1, 8)
    assert untouched.read_text(encoding="utf-8") == "left as it was"
    assert 'id="diff-1-2"' in (out / article_page(url)).read_text(encoding="utf-8")
    assert "Rovers win<" in (out / "index.html").read_text(encoding="utf-8")
    full = build_with_cli(archive, out, "--full")
    assert (full["articles_written"], full["full"]) == (3, True)
    assert untouched.read_text(encoding="utf-8") != "left as it was"


def test_pages_of_articles_gone_are_removed_and_other_files_kept(tmp_path: Path) -> None:
    out = tmp_path / "public"
    with Archive.open(tmp_path / "a") as archive:
        archive.save("https://a.example/one", text="One.")
        archive.save("https://a.example/two", text="Two.")
        build_site(archive, out)
    (out / "CNAME").write_text("news.example.org\n")
    manifest = json.loads((out / MANIFEST).read_text())
    # An article the last build published that this archive does not hold.
    manifest["articles"]["https://a.example/gone"] = "0" * 32
    (out / article_page("https://a.example/gone")).write_text("old page")
    (out / MANIFEST).write_text(json.dumps(manifest))
    with Archive.open(tmp_path / "a") as archive:
        report = build_site(archive, out)
    assert report.articles_removed == 1
    assert not (out / article_page("https://a.example/gone")).exists()
    assert (out / "CNAME").read_text() == "news.example.org\n"


def test_hostile_content_is_escaped_everywhere(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_with_cli(build_archive(tmp_path), out)
    for path in [out / "index.html", out / "changes.html", out / article_page(HOSTILE_URL)]:
        html = path.read_text(encoding="utf-8")
        assert "<img" not in html and "<iframe" not in html, path
        scripts = re.findall(r"<script", html)
        assert len(scripts) == (1 if path.name == "index.html" else 0), path
        assert "onerror=" not in html.replace("onerror=&quot;", ""), path


def test_empty_archive_and_bad_output_are_handled(tmp_path: Path) -> None:
    runner = CliRunner()
    archive = str(tmp_path / "a")
    Archive.open(archive).close()
    empty = build_with_cli(archive, tmp_path / "public")
    assert empty["articles"] == 0
    assert "No changes yet." in (tmp_path / "public" / "changes.html").read_text()
    (tmp_path / "file").write_text("x")
    bad = runner.invoke(cli, ["--archive", archive, "site", "-o", str(tmp_path / "file")])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == f"Error: {tmp_path / 'file'} exists and is not a directory"
    missing = runner.invoke(cli, ["--archive", str(tmp_path / "nope"), "site", "-o", "x"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
