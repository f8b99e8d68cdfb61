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


# -- a second corpus that reads like news ----------------------------------------------

_PEOPLE = [
    ("Maria Whitfield", "the city's mayor"),
    ("James Okafor", "a spokesman for the Justice Department"),
    ("Elena Moreno", "the state's attorney general"),
    ("Karl Lindqvist", "the European Union's trade commissioner"),
    ("Priya Raman", "a senior economist at the central bank"),
    ("Tom Brennan", "the police chief"),
    ("Aisha Bello", "a professor of public policy at the university"),
    ("David Cho", "the chairman of the Senate Intelligence Committee"),
]
_SUBJECTS = [
    "the budget",
    "the investigation",
    "the new tariffs",
    "the storm's damage",
    "the proposed merger",
    "the hospital's emergency wing",
    "the election results",
    "the rail strike",
    "the water contamination",
    "the housing plan",
]
_VERBS = [
    "would not comment on",
    "defended",
    "criticised",
    "called for an inquiry into",
    "promised to review",
    "warned of delays in",
    "welcomed",
    "questioned the cost of",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_CLAUSES = [
    "officials said the figures were preliminary",
    "the decision is expected to be challenged in court",
    "residents in several neighbourhoods were told to stay indoors",
    "the vote was postponed until next week",
    "talks are expected to resume after the holiday",
    "it was not clear how many people were affected",
    "the agency said it had received more than {n} complaints",
    "the plan would cost about ${n} million over five years",
    "at least {n} people were taken to hospital",
    "shares fell {n} percent in early trading",
]


def _news_sentence(rng: random.Random) -> str:
    name, role = rng.choice(_PEOPLE)
    subject, verb = rng.choice(_SUBJECTS), rng.choice(_VERBS)
    clause = rng.choice(_CLAUSES).format(n=rng.randint(2, 900))
    day = rng.choice(_DAYS)
    form = rng.randrange(5)
    if form == 0:
        return f"{name}, {role}, {verb} {subject} on {day}, and {clause}."
    if form == 1:
        return f"“We {verb.split()[0]} {subject} because {clause},” {name.split()[1]} said."
    if form == 2:
        return f"On {day}, {clause}, according to {role}."
    if form == 3:
        return f"{clause[0].upper()}{clause[1:]}, {name.split()[1]} said in a statement."
    return f"In an interview, {name} said {subject} {rng.choice(['was', 'remained'])} a concern."


def _news_article(rng: random.Random) -> list[list[str]]:
    target = rng.randint(5_000, 15_000)
    paragraphs: list[list[str]] = []
    size = 0
    while size < target:
        paragraph = [_news_sentence(rng) for _ in range(rng.randint(1, 3))]
        size += sum(len(s) + 1 for s in paragraph) + 2
        paragraphs.append(paragraph)
    return paragraphs


def _edit_sentence(rng: random.Random, sentence: str) -> str:
    """A newsroom edit inside a sentence: a figure updated, a word changed, a clause added."""
    words = sentence.split(" ")
    numbers = [k for k, w in enumerate(words) if any(c.isdigit() for c in w)]
    if numbers and rng.random() < 0.5:
        k = rng.choice(numbers)
        words[k] = "".join(str(rng.randint(1, 9)) if c.isdigit() else c for c in words[k])
    elif rng.random() < 0.5:
        k = rng.randrange(len(words))
        words[k] = rng.choice(["reportedly", "formally", "again", "quietly", "sharply"])
    else:
        return sentence.rstrip(".") + f", {rng.choice(_CLAUSES).format(n=rng.randint(2, 90))}."
    return " ".join(words)


def _news_revise(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
    """One update as NewsEdits records them: sentences added, deleted, edited and moved."""
    if rng.random() < 0.03:
        return _news_article(rng)
    p = [list(x) for x in paragraphs]
    for _ in range(rng.randint(1, 4)):
        kind = rng.choices(["add", "delete", "edit", "move"], weights=[40, 20, 30, 10])[0]
        i = rng.randrange(len(p))
        if kind == "add":
            if rng.random() < 0.5:
                p.insert(min(i + 1, len(p)), [_news_sentence(rng)])
            else:
                p[i].insert(rng.randint(0, len(p[i])), _news_sentence(rng))
        elif kind == "delete" and sum(len(x) for x in p) > 4:
            p[i].pop(rng.randrange(len(p[i])))
            p = [x for x in p if x]
        elif kind == "edit":
            j = rng.randrange(len(p[i]))
            p[i][j] = _edit_sentence(rng, p[i][j])
        elif kind == "move" and len(p) > 2:
            p.insert(rng.randrange(len(p)), p.pop(i))
    return p


def news_histories(n_versions: int, seed: int = 2018) -> list[dict[str, str]]:
    """Captures of news-like articles, interleaved in time as a scraper produces them.

    Articles of 5–15 KB written as news sentences (quotes, attributions, figures), each
    with 2–20 versions; each update adds, deletes, edits and moves a few sentences, and a
    few rewrite the article. Articles start every few minutes and are re-captured at
    growing intervals, so one article's captures are spread among many others'.
    """
    rng = random.Random(seed)
    t0 = datetime(2018, 3, 1, tzinfo=UTC)
    rows: list[dict[str, str]] = []
    article = 0
    start = t0
    while len(rows) < n_versions:
        paragraphs = _news_article(rng)
        title = f"{rng.choice(_PEOPLE)[0]} {rng.choice(_VERBS)} {rng.choice(_SUBJECTS)}"
        start += timedelta(minutes=rng.randint(1, 12))
        at = start
        for k in range(min(rng.randint(2, 20), n_versions - len(rows))):
            if k:
                paragraphs = _news_revise(rng, paragraphs)
                at += timedelta(minutes=rng.randint(5, 60) * k)
                if rng.random() < 0.1:
                    title = f"{title.split(' ', 2)[0]} {rng.choice(_VERBS)} {rng.choice(_SUBJECTS)}"
            rows.append(
                {
                    "url": f"https://news.example.org/{start:%Y/%m/%d}/story-{article}",
                    "captured_at": at.isoformat(),
                    "title": title.capitalize(),
                    "text": render(paragraphs),
                }
            )
        article += 1
    rows.sort(key=lambda r: r["captured_at"])
    return rows
