"""What a scheduled job's captures cost on disk: one article fetched every 15 minutes.

python benchmarks/bench_scheduled.py [--fetches 2000]

Each fetch saves what a fetch job saves: the extracted text (edited now and then), the raw
HTML (whose page furniture changes on every fetch: a timestamp, a nonce, ad slots), a news
site's response headers (new date, age, request id and cookie each time) and the
extraction metadata. Prints bytes per capture, by table, for the whole archive and for
the second half of the fetches (what one more re-check costs), and the headers' share.
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
from newsarchive.storage import _headers, _pages  # noqa: E402

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


def table_bytes(location: Path) -> dict[str, int]:
    """Bytes of the pages each table and index takes, as ``dbstat`` sees them now."""
    with sqlite3.connect(location / "newsarchive.db") as conn:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    return {str(name): int(size) for name, size in rows}


def slope(points: list[tuple[int, int]]) -> float:
    """The least-squares slope of sizes over fetch numbers."""
    xs, ys = [float(x) for x, _ in points], [float(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


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
        tables_halfway: dict[str, int] = {}
        # The database's size every few fetches of the second half, for the slope.
        sizes: list[tuple[int, int]] = []
        step = max(1, (args.fetches - args.fetches // 2) // 50)
        with Archive.open(location) as archive:
            for i in range(args.fetches):
                if i == args.fetches // 2:
                    halfway = database_bytes(location)
                    tables_halfway = table_bytes(location)
                if i >= args.fetches // 2 and (i - args.fetches // 2) % step == 0:
                    sizes.append((i, database_bytes(location)))
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
            sizes.append((args.fetches, database_bytes(location)))
            grown = sizes[-1][1] - halfway
            tables_grown = {
                name: size - tables_halfway.get(name, 0)
                for name, size in table_bytes(location).items()
            }
        db = location / "newsarchive.db"
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            tables = conn.execute(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 4"
            ).fetchall()
            # Headers frames, and the pages rows keep after them (see storage/_pages.py).
            parts = [
                _pages.detach(bytes(frame))
                for (frame,) in conn.execute("SELECT http_headers_zstd FROM captures")
                if frame is not None
            ]
            stored = sum(len(headers or b"") for headers, _ in parts)
            kept = [page for _, page in parts if page is not None]
        n = args.fetches
        print(f"{n:,} fetches of one article, {versions} versions")
        print(f"  archive: {db.stat().st_size / n:,.0f} bytes a capture")
        print("    by table: " + ", ".join(f"{name} {size / n:,.0f}" for name, size in tables))
        # The first half pays for every table's first pages; the second shows what one
        # more re-check costs (target: at most 200 bytes). The file grows by whole 8 KB
        # pages, so its growth between two fetches is off by up to a page (16 bytes a
        # capture over 500 fetches): the slope of its size over the second half is not.
        later = n - n // 2
        print(
            f"  the second half of the fetches: {slope(sizes):,.0f} bytes a capture"
            f" (its growth from first to last, in whole pages: {grown / later:,.0f})"
        )
        # Whole pages, so each table's figure is within a page (8 KB / ``later``) of
        # what its rows take.
        print(
            "    by table: "
            + ", ".join(
                f"{name} {size / later:,.0f}"
                for name, size in sorted(tables_grown.items(), key=lambda t: -t[1])
                if size
            )
        )
        print(
            f"  response headers: {header_json / n:,.0f} bytes as JSON,"
            f" {stored / n:,.0f} as stored ({header_json / stored:.1f}× smaller)"
        )
        print(
            f"  pages kept in their captures' rows: {len(kept):,},"
            f" {sum(map(len, kept)) / max(len(kept), 1):,.0f} bytes each"
        )


if __name__ == "__main__":
    main()
