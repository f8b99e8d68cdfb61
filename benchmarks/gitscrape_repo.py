"""A generated git-scraping repository of a news site's "latest articles" JSON.

python benchmarks/gitscrape_repo.py DIR [--commits 5000] [--seed 1]

Looks like the real thing: a scheduled job commits ``latest.json`` whenever it changes,
every 20–60 minutes. The file is a list of the 20 newest articles, each with a numeric
``id``, a ``slug`` and a relative ``url`` that follow the headline, a ``title``, a
``subtitle``, ``published_at`` and ``updated_at``. Between commits new articles push the
oldest out, headlines and subtitles are edited (a headline edit changes the slug and so
the URL), ``updated_at`` churns with no visible change, and now and then the scraper
commits an empty file (a failed fetch) that the next commit repairs.

Written with ``git fast-import``, so ten thousand commits take seconds. Seeded: the same
arguments give the same repository, commit ids included.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import NAMES, WORDS  # noqa: E402

FILE = "latest.json"
SECTIONS = ("binnenland", "buitenland", "economie", "politiek", "sport", "cultuur")
START = datetime(2023, 1, 2, 6, 0, tzinfo=UTC)
ITEMS = 20
FIRST_ID = 6_222_000


def _phrase(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    return " ".join(words)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _headline(rng: random.Random) -> str:
    return _capitalised(_phrase(rng, 6, 11))


def _subtitle(rng: random.Random) -> str:
    return _capitalised(_phrase(rng, 18, 34) + ".")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Feed:
    """The site's list of newest articles, changed as a newsroom changes it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_id = FIRST_ID
        self.items: list[dict[str, object]] = []
        for _ in range(ITEMS):
            self.publish(START - timedelta(minutes=rng.randint(30, 600)))

    def publish(self, at: datetime) -> None:
        title = _headline(self.rng)
        item: dict[str, object] = {
            "id": self.next_id,
            "section": self.rng.choice(SECTIONS),
            "title": title,
            "subtitle": _subtitle(self.rng),
            "published_at": _stamp(at),
            "updated_at": _stamp(at),
        }
        self._retitle(item, title)
        self.next_id += 1
        self.items.insert(0, item)
        del self.items[ITEMS:]

    def _retitle(self, item: dict[str, object], title: str) -> None:
        item["title"] = title
        item["slug"] = _slug(title)
        item["url"] = f"/{item['section']}/{item['id']}/{item['slug']}.html"

    def step(self, at: datetime) -> None:
        """What happens between two commits: always at least one change."""
        rng = self.rng
        if rng.random() < 0.22:
            self.publish(at)
        if rng.random() < 0.18:
            item = rng.choice(self.items[:8])  # fresh stories get rewritten most
            words = str(item["title"]).split()
            words[rng.randrange(len(words))] = rng.choice(WORDS + NAMES)
            if rng.random() < 0.3:
                words.append(rng.choice(WORDS))
            self._retitle(item, _capitalised(" ".join(words)))
            item["updated_at"] = _stamp(at)
        if rng.random() < 0.15:
            item = rng.choice(self.items[:10])
            sentence = str(item["subtitle"]).rstrip(".").split()
            sentence[rng.randrange(len(sentence))] = rng.choice(WORDS)
            item["subtitle"] = " ".join(sentence) + "."
            item["updated_at"] = _stamp(at)
        # The CMS touches articles without changing what readers see.
        for item in rng.sample(self.items, rng.randint(1, 3)):
            item["updated_at"] = _stamp(at)

    def render(self) -> str:
        return json.dumps(self.items, indent=2, ensure_ascii=False) + "\n"


def versions(commits: int, seed: int) -> Iterator[tuple[datetime, str]]:
    """The file at each commit, with the commit's time."""
    rng = random.Random(seed)
    feed = Feed(rng)
    at = START
    broken = False
    for _ in range(commits):
        at += timedelta(minutes=rng.randint(20, 60))
        if not broken and rng.random() < 0.002:
            broken = True
            yield at, ""  # a failed fetch, committed as an empty file
            continue
        broken = False
        feed.step(at)
        yield at, feed.render()


def fast_import_stream(commits: int, seed: int, *, start: int = 0) -> Iterator[bytes]:
    """A ``git fast-import`` stream of the repository's commits from ``start`` on."""
    for number, (at, content) in enumerate(versions(commits, seed)):
        if number < start:
            continue
        data = content.encode()
        message = f"Latest data: {at:%Y-%m-%d %H:%M}".encode()
        stamp = int(at.timestamp())
        yield b"commit refs/heads/main\n"
        yield b"committer Scraper <scraper@example.com> %d +0000\n" % stamp
        yield b"data %d\n%s\n" % (len(message), message)
        if number == start and start:
            yield b"from refs/heads/main^0\n"
        yield b"M 100644 inline %s\ndata %d\n%s\n" % (FILE.encode(), len(data), data)


def write_repo(path: Path, commits: int, *, seed: int = 1, start: int = 0) -> None:
    """Create (or, from ``start``, extend) the repository at ``path``.

    Args:
        path: a new directory, or one this function wrote ``start`` commits into.
        commits: how many commits the repository has when done.
        seed: the same seed gives the same history.
        start: the commits already there (with the same seed), to add the rest.
    """
    if not start:
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    process = subprocess.Popen(
        ["git", "-C", str(path), "fast-import", "--quiet"], stdin=subprocess.PIPE
    )
    assert process.stdin is not None
    for chunk in fast_import_stream(commits, seed, start=start):
        process.stdin.write(chunk)
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard", "main"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_repo(args.path, args.commits, seed=args.seed)
    print(f"wrote {args.commits} commits of {FILE} to {args.path}")


if __name__ == "__main__":
    main()
