"""A news archive of many articles for the site benchmark, as JSON Lines to import.

python benchmarks/site_corpus.py --articles 10000 > corpus.jsonl

Each article has one to four versions (most stories are edited a little, a few a lot),
made by the newsroom edits of ``corpus.py``. Seeded, so every run builds the same archive.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import WORDS, _article, _revise, render  # noqa: E402

SITES = ("news.example.com", "www.dailyledger.com", "herald.example.org", "example.net")


def captures(articles: int, *, seed: int = 2024) -> Iterator[dict[str, str]]:
    """Captures of ``articles`` generated stories, one per version, story after story."""
    rng = random.Random(seed)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(articles):
        paragraphs = _article(rng)
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        start = t0 + timedelta(minutes=n * 3)
        url = f"https://{SITES[n % len(SITES)]}/2024/story-{n}"
        for k in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
            if k:
                paragraphs, headline = _revise(rng, paragraphs)
                if headline:
                    title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            yield {
                "url": url,
                "captured_at": (start + timedelta(minutes=40 * k)).isoformat(),
                "title": title,
                "text": render(paragraphs),
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    for capture in captures(args.articles):
        sys.stdout.write(json.dumps(capture) + "\n")


if __name__ == "__main__":
    main()
