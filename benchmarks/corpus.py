"""A generated corpus of realistic article histories for the benchmarks.

Articles of 5–15 KB, each with a chain of 2–20 revisions of the kinds newsrooms make:
typo fixes, inserted, deleted and rewritten sentences, appended paragraphs, headline
changes and occasional rewrites. Seeded, so every run measures the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

WORDS = (  # noqa: SIM905 (a word list reads better as prose)
    "the of and to in a is that for on said was with he it as at by from his an have has "
    "are were but not they be this which one after who had their been would its officials "
    "president department government election campaign investigation report statement "
    "committee senator ambassador week monday tuesday wednesday thursday friday police city "
    "state federal court judge law vote voters percent million billion market company shares "
    "minister foreign security meeting talks agreement according people familiar matter "
    "spokesman spokeswoman confirmed declined comment interview evidence witnesses prosecutors "
    "lawyers house senate white justice russian american european national public private "
    "emergency hospital patients doctors school students teachers budget tax plan policy "
    "council mayor residents officers fire storm flood weather season team coach players game"
).split()
NAMES = [
    "Sessions",
    "Kislyak",
    "Trump",
    "Comey",
    "Rosenstein",
    "Mueller",
    "Whitfield",
    "Moreno",
    "Okafor",
    "Lindqvist",
    "Washington",
    "Cleveland",
    "Moscow",
    "Brussels",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 30))]
    for _ in range(rng.randint(0, 2)):
        words[rng.randrange(len(words))] = rng.choice(NAMES)
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randint(2, 2000)))
    text = " ".join(words)
    if rng.random() < 0.15:
        text = f"“{text.capitalize()},” {rng.choice(NAMES)} said"
    return text[0].upper() + text[1:] + "."


def _article(rng: random.Random) -> list[list[str]]:
    target = rng.randint(5_000, 15_000)
    paragraphs: list[list[str]] = []
    size = 0
    while size < target:
        paragraph = [_sentence(rng) for _ in range(rng.randint(1, 4))]
        size += sum(len(s) + 1 for s in paragraph) + 2
        paragraphs.append(paragraph)
    return paragraphs


def _typo(rng: random.Random, sentence: str) -> str:
    words = sentence.split(" ")
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 3:
        j = rng.randrange(len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def _revise(rng: random.Random, paragraphs: list[list[str]]) -> tuple[list[list[str]], bool]:
    """One newsroom edit; returns the new paragraphs and whether the headline changes."""
    p = [list(x) for x in paragraphs]
    kind = rng.choices(
        ["typo", "insert", "delete", "rewrite", "append", "headline", "rewrite-all"],
        weights=[20, 25, 12, 20, 15, 6, 2],
    )[0]
    i = rng.randrange(len(p))
    if kind == "typo":
        j = rng.randrange(len(p[i]))
        p[i][j] = _typo(rng, p[i][j])
    elif kind == "insert":
        p[i].insert(rng.randint(0, len(p[i])), _sentence(rng))
    elif kind == "delete" and sum(len(x) for x in p) > 3:
        p[i].pop(rng.randrange(len(p[i])))
        p = [x for x in p if x]
    elif kind == "rewrite":
        p[i][rng.randrange(len(p[i]))] = _sentence(rng)
    elif kind == "append":
        p.append([_sentence(rng) for _ in range(rng.randint(1, 3))])
    elif kind == "rewrite-all":
        p = _article(rng)
    return p, kind == "headline"


def render(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(s for s in para) for para in paragraphs)


def histories(n_versions: int, seed: int = 2017) -> Iterator[dict[str, str]]:
    """Captures (one per version) of generated articles, article after article.

    Streams: memory stays constant however many versions are asked for.
    """
    rng = random.Random(seed)
    t0 = datetime(2017, 6, 6, tzinfo=UTC)
    article = 0
    produced = 0
    while produced < n_versions:
        paragraphs = _article(rng)
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        start = t0 + timedelta(minutes=article * 7)
        for k in range(min(rng.randint(2, 20), n_versions - produced)):
            if k:
                paragraphs, headline = _revise(rng, paragraphs)
                if headline:
                    title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            yield {
                "url": f"https://news.example.com/story/{article}",
                "captured_at": (start + timedelta(minutes=15 * k * (k + 1))).isoformat(),
                "title": title,
                "text": render(paragraphs),
            }
            produced += 1
        article += 1
