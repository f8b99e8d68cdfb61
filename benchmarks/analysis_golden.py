"""Fingerprint the change analysis of every version pair of both corpora, and time it.

Run: PYTHONPATH=src python benchmarks/analysis_golden.py [--out FILE] [--alignment]
Target: mean at most 0.25 ms CPU per pair of the news corpus, in history order.

Every consecutive pair of ``news_histories(10000)`` and ``histories(5000)`` is analysed
in history order (an article's pairs one after another, as an import does) and the
summaries are written, one JSON line per pair, to ``--out``; the sha256 printed beside
them changes whenever any summary does, so two versions of the code can be compared.
With ``--alignment`` every change of the sentence alignment is fingerprinted too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsarchive.analysis import analyse
from newsarchive.models import Version
from newsarchive.times import parse_time

sys.path.insert(0, str(Path(__file__).parent))
from corpus import histories, news_histories  # noqa: E402


def version_pairs(rows: Iterable[dict[str, str]]) -> list[tuple[Version, Version]]:
    """Consecutive versions of each article, article after article."""
    by_url: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_url.setdefault(row["url"], []).append(row)
    pairs: list[tuple[Version, Version]] = []
    for url, captures in by_url.items():
        versions = []
        for n, row in enumerate(captures, start=1):
            t = parse_time(row["captured_at"])
            versions.append(
                Version(id=f"v{n}", url=url, number=n, text=row["text"], title=row["title"],
                        content_hash="h", text_hash="h", first_captured_at=t,
                        last_captured_at=t)
            )  # fmt: skip
        pairs += zip(versions, versions[1:], strict=False)
    return pairs


def alignment_rows(analysis: Any) -> list[Any]:
    alignment = analysis.alignment
    return [
        [c.kind, c.old, c.new, c.old_index, c.new_index, c.old_paragraph, c.new_paragraph]
        for c in alignment.changes
    ] + [list(alignment.added_paragraphs), list(alignment.deleted_paragraphs)]


def run(
    name: str, pairs: list[tuple[Version, Version]], out: Any, with_alignment: bool
) -> tuple[str, str, list[float]]:
    digest = hashlib.sha256()
    aligned = hashlib.sha256()
    times: list[float] = []
    for old, new in pairs:
        start = time.process_time()
        analysis = analyse(old, new)
        summary = analysis.to_summary()
        times.append((time.process_time() - start) * 1000)
        line = json.dumps(summary, sort_keys=True, ensure_ascii=False)
        digest.update(line.encode() + b"\n")
        if out is not None:
            out.write(f"{name}\t{new.url}\t{new.number}\t{line}\n")
        if with_alignment:
            aligned.update(json.dumps(alignment_rows(analysis), ensure_ascii=False).encode())
    return digest.hexdigest(), aligned.hexdigest() if with_alignment else "-", times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", help="write every summary here, one JSON line per pair")
    parser.add_argument("--alignment", action="store_true", help="fingerprint alignments too")
    parser.add_argument("--news-only", action="store_true", help="skip the generated corpus")
    args = parser.parse_args()
    out = open(args.out, "w", encoding="utf-8") if args.out else None  # noqa: SIM115
    corpora = [
        ("news", version_pairs(news_histories(10_000))),
        ("generated", [] if args.news_only else version_pairs(histories(5_000))),
    ]
    for name, pairs in corpora[:1] if args.news_only else corpora:
        summaries, alignments, times = run(name, pairs, out, args.alignment)
        times.sort()
        print(
            f"{name:<10} {len(pairs):5d} pairs   summaries sha256 {summaries}\n"
            f"{'':<10} alignments sha256 {alignments}\n"
            f"{'':<10} CPU per pair: mean {statistics.fmean(times):6.3f} ms   "
            f"median {statistics.median(times):6.3f} ms   p90 {times[int(len(times) * 0.9)]:6.3f}"
            f" ms   max {times[-1]:7.2f} ms   total {sum(times) / 1000:6.2f} s"
        )
    if out is not None:
        out.close()


if __name__ == "__main__":
    main()
