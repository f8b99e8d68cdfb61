"""What a scheduled job's captures cost on disk: one article fetched every 15 minutes.

python benchmarks/bench_scheduled.py [--fetches 2000]

Each fetch saves what a fetch job saves: the extracted text (edited now and then), the raw
HTML (whose page furniture changes on every fetch: a timestamp, a nonce, ad slots), a news
site's response headers (new date, age, request id and cookie each time) and the
extraction metadata. Prints bytes per capture, by table, and the headers' share.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsarchive import Archive  # noqa: E402
from newsarchive.storage import _headers  # noqa: E402

URL = "https://www.dailyledger.com/politics/2017/06/06/sessions-offered-to-resign"
START = datetime(2017, 6, 6, 18, 0, tzinfo=UTC)


def response_headers(rng: random.Random, at: datetime) -> list[tuple[str, str]]:
    """A news site behind a CDN: the same policies every time, new ids and times."""
    stamp = at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return [
        ("server", "AmazonS3"),
        ("content-type", "text/html; charset=UTF-8"),
        ("date", stamp),
        ("last-modified", stamp),
        ("x-amz-version-id", f"{rng.getrandbits(160):x}"),
        ("cache-control", "public, max-age=45"),
        ("x-cache", rng.choice(["Hit from cloudfront", "RefreshHit from cloudfront"])),
        ("via", f"1.1 {rng.getrandbits(64):x}.cloudfront.net (CloudFront)"),
        ("x-amz-cf-pop", rng.choice(["IAD55-P4", "JFK52-P1", "EWR53-C2"])),
        ("x-amz-cf-id", f"{rng.getrandbits(256):x}"),
        ("age", str(rng.randint(0, 45))),
        (
            "content-security-policy",
            "upgrade-insecure-requests; default-src https: data: 'unsafe-inline'"
            " 'unsafe-eval' blob:; frame-ancestors https://*.dailyledger.com",
        ),
        ("permissions-policy", "geolocation=(), microphone=(), camera=()"),
        ("x-frame-options", "SAMEORIGIN"),
        ("x-xss-protection", "1; mode=block"),
        ("x-content-type-options", "nosniff"),
        ("strict-transport-security", "max-age=31536000"),
        (
            "set-cookie",
            f"dl_visitor={rng.getrandbits(64):x}; expires="
            f"{(at + timedelta(days=365)).strftime('%a, %d %b %Y %H:%M:%S GMT')};"
            " path=/; domain=dailyledger.com; secure",
        ),
        ("vary", "Accept-Encoding"),
        ("content-encoding", "gzip"),
    ]


def page(rng: random.Random, text: str, at: datetime) -> str:
    furniture = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(150))
    ads = "".join(
        f'<div class="ad" data-slot="{i}" data-creative="{rng.getrandbits(32):x}"></div>'
        for i in range(6)
    )
    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (
        f"<html><head><title>Sessions offered to resign</title>"
        f'<script nonce="{rng.getrandbits(64):x}">window.renderedAt="{at.isoformat()}";</script>'
        f"</head><body><nav><ul>{furniture}</ul></nav>{ads}<article>{body}</article>"
        f"<footer>Rendered {at.isoformat()}</footer></body></html>"
    )


def database_bytes(location: Path) -> int:
    """The database's size as its latest snapshot has it, write-ahead log included."""
    with sqlite3.connect(location / "newsarchive.db") as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        return int(pages) * int(conn.execute("PRAGMA page_size").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fetches", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(2017)
    words = ["the", "attorney", "general", "said", "offered", "to", "resign", "after", "trump"]
    paragraphs = [" ".join(rng.choice(words) for _ in range(60)) for _ in range(12)]
    with tempfile.TemporaryDirectory() as tmp:
        location = Path(tmp) / "archive"
        header_json = 0
        halfway = 0
        with Archive.open(location) as archive:
            for i in range(args.fetches):
                if i == args.fetches // 2:
                    halfway = database_bytes(location)
                at = START + timedelta(minutes=15 * i)
                if i and i % 200 == 0:  # an edit now and then
                    paragraphs.append(" ".join(rng.choice(words) for _ in range(40)))
                text = "\n\n".join(paragraphs)
                headers = response_headers(rng, at)
                header_json += len(_headers.serialise(headers))
                archive.save(
                    URL,
                    text=text,
                    html=page(rng, text, at),
                    title="Sessions offered to resign",
                    captured_at=at,
                    source="fetch",
                    fetched_url=URL,
                    http_status=200,
                    http_headers=headers,
                    metadata={
                        "extractor": {"name": "trafilatura", "version": "2.0.0"},
                        "encoding": "utf-8",
                        "site_name": "The Daily Ledger",
                        "language": "en",
                        "description": "The attorney general offered to resign, people said.",
                    },
                )
            versions = len(archive.history(URL))
            grown = database_bytes(location) - halfway
        db = location / "newsarchive.db"
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            tables = conn.execute(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 4"
            ).fetchall()
            (stored,) = conn.execute(
                "SELECT SUM(LENGTH(http_headers_zstd)) FROM captures"
            ).fetchone()
        n = args.fetches
        print(f"{n:,} fetches of one article, {versions} versions")
        print(f"  archive: {db.stat().st_size / n:,.0f} bytes a capture")
        # The first half pays for every table's first pages; the second shows what one
        # more re-check costs (target: at most 200 bytes).
        later = n - n // 2
        print(f"  the second half of the fetches: {grown / later:,.0f} bytes a capture")
        print("  by table: " + ", ".join(f"{name} {size / n:,.0f}" for name, size in tables))
        print(
            f"  response headers: {header_json / n:,.0f} bytes as JSON,"
            f" {stored / n:,.0f} as stored ({header_json / stored:.1f}× smaller)"
        )


if __name__ == "__main__":
    main()
