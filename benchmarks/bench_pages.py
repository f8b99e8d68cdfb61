"""Reading real news page designs: newsarchive's fetch beside plain trafilatura.

python benchmarks/bench_pages.py [--runs 3]

Serves the page pairs of ``tests/data/pages/pairs`` (20 redesigns of one article
and 12 real edits, modelled on news sites' markup) from 127.0.0.1 and runs what a
user runs, the whole ``newsarchive fetch`` process, once on the pages before and
once after. Prints, for newsarchive and for plain trafilatura (default settings, then
favor_precision and favor_recall; its text compared by the same analysis): redesigns
that gave a version, those judged substantive, and real edits found. Then times both
whole processes side by side (``newsarchive fetch`` of the 64 pages against
``trafilatura --input-dir`` over the same files), alternating, and prints medians and
the ratio of each pair of runs.
"""

from __future__ import annotations

import argparse
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsarchive import Archive  # noqa: E402
from newsarchive.analysis import analyse_texts  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "pages" / "pairs"


def load_pairs() -> list[tuple[str, dict[str, Any]]]:
    return [
        (d.name, json.loads((d / "pair.json").read_text("utf-8")))
        for d in sorted(PAIRS.iterdir())
        if (d / "pair.json").is_file()
    ]


class Pages:
    """Serves ``/news/<pair>``: the page before or after, by ``phase``."""

    def __init__(self) -> None:
        self.phase = "before"
        pages = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                name = self.path.rsplit("/", 1)[-1]
                path = PAIRS / name / f"{pages.phase}.html"
                if not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def fetch_command(archive: Path, urls: list[str]) -> list[str]:
    return [
        str(Path(sys.executable).with_name("newsarchive")), "--archive", str(archive), "fetch",
        "--min-interval", "0", "--ignore-robots", "--quiet", *urls,
    ]  # fmt: skip


def run_newsarchive(pages: Pages, names: list[str], folder: Path) -> float:
    """Fetch every page before, then after; return the wall seconds of both processes."""
    archive = folder / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    urls = [f"{pages.base}/news/{n}" for n in names]
    took = 0.0
    for phase in ("before", "after"):
        pages.phase = phase
        start = time.perf_counter()
        subprocess.run(fetch_command(archive, urls), check=True, capture_output=True)
        took += time.perf_counter() - start
    return took


def run_trafilatura(folder: Path) -> float:
    """Plain trafilatura over the same 64 files, whole process."""
    out = folder / "trafilatura-out"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    command = ["trafilatura", "--input-dir", str(folder / "flat"), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def newsarchive_figures(pages: Pages, names: list[str], folder: Path) -> dict[str, Any]:
    run_newsarchive(pages, names, folder)
    rows = {}
    with Archive.open(folder / "archive") as archive:
        for name in names:
            url = f"{pages.base}/news/{name}"
            history = archive.history(url)
            last = history[-1]
            analysis = last.analysis if len(history) > 1 else None
            rows[name] = {
                "version": len(history) > 1,
                "level": analysis["level"] if analysis else None,
                "codes": [r["code"] for r in analysis["reasons"]] if analysis else [],
            }
    return rows


def trafilatura_figures(names: list[str], **options: bool) -> dict[str, Any]:
    import trafilatura

    rows = {}
    for name in names:
        texts = [
            trafilatura.extract((PAIRS / name / f"{side}.html").read_text("utf-8"), **options) or ""
            for side in ("before", "after")
        ]
        changed = texts[0] != texts[1]
        analysis = analyse_texts(*texts) if changed else None
        rows[name] = {
            "version": changed,
            "level": analysis.level if analysis else None,
            "codes": list(analysis.codes) if analysis else [],
        }
    return rows


def summarise(label: str, rows: dict[str, Any], pairs: list[tuple[str, dict[str, Any]]]) -> None:
    templates = [n for n, info in pairs if info["kind"] == "template"]
    edits = [(n, info) for n, info in pairs if info["kind"] == "edit"]
    versions = sum(rows[n]["version"] for n in templates)
    substantive = sum(rows[n]["level"] == "substantive" for n in templates)
    found = sum(rows[n]["version"] for n, _ in edits)
    named = sum(rows[n]["version"] and set(i["reasons"]) <= set(rows[n]["codes"]) for n, i in edits)
    print(
        f"{label:22} {versions:>4}/{len(templates)} {substantive:>4}/{len(templates)}"
        f" {found:>6}/{len(edits)} {named:>6}/{len(edits)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    args = parser.parse_args()
    pairs = load_pairs()
    names = [n for n, _ in pairs]
    pages = Pages()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            flat = folder / "flat"
            flat.mkdir()
            for name in names:
                for side in ("before", "after"):
                    shutil.copy(PAIRS / name / f"{side}.html", flat / f"{name}-{side}.html")
            ours = newsarchive_figures(pages, names, folder)
            theirs = trafilatura_figures(names)
            precise = trafilatura_figures(names, favor_precision=True)
            recall = trafilatura_figures(names, favor_recall=True)
            print(f"{len(pairs)} pairs: redesigns giving a version, redesigns judged substantive,")
            print("real edits giving a version, real edits with their expected reasons")
            print(f"{'':22} {'versions':>9} {'substantive':>9} {'edits':>9} {'reasons':>9}")
            summarise("newsarchive fetch", ours, pairs)
            summarise("plain trafilatura", theirs, pairs)
            summarise("  favor_precision", precise, pairs)
            summarise("  favor_recall", recall, pairs)
            for name, info in pairs:
                if info["kind"] == "template" and ours[name]["version"]:
                    print(f"  {name}: {ours[name]['level']} {', '.join(ours[name]['codes'])}")
            ratios, mine, anchor = [], [], []
            for _ in range(args.runs):
                a = run_newsarchive(pages, names, folder)
                b = run_trafilatura(folder)
                mine.append(a)
                anchor.append(b)
                ratios.append(a / b)
            print(
                f"whole process, {args.runs} runs alternating (median [min-max] seconds): "
                f"newsarchive fetch of {2 * len(names)} pages {statistics.median(mine):.2f} "
                f"[{min(mine):.2f}-{max(mine):.2f}], trafilatura --input-dir "
                f"{statistics.median(anchor):.2f} [{min(anchor):.2f}-{max(anchor):.2f}], "
                f"ratio median {statistics.median(ratios):.2f}"
            )
    finally:
        pages.close()


if __name__ == "__main__":
    main()
