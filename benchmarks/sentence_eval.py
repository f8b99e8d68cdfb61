"""Score sentence splitters on news sentences in five languages (tests/data/sentences).

Each file holds one sentence per line; three lines in a row make a paragraph,
joined by one space. A splitter scores a sentence when it returns exactly that
sentence (surrounding whitespace aside). Speed is sentences per second over the
whole set, several passes, CPU time.

The other splitters are not dependencies of the archive; install them to compare:
``pip install pysbd syntok blingfire numpy`` (blingfire needs numpy).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "sentences"
LANGUAGES = ("en", "nl", "de", "fr", "es")

Splitter = Callable[[str, str], list[str]]


def load() -> dict[str, list[list[str]]]:
    """Paragraphs (lists of gold sentences) per language."""
    out: dict[str, list[list[str]]] = {}
    for lang in LANGUAGES:
        lines = [
            line.strip()
            for line in (DATA / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        out[lang] = [lines[k : k + 3] for k in range(0, len(lines), 3)]
    return out


def _ours(text: str, lang: str) -> list[str]:
    from newsarchive.diff import sentences

    # The splitter caches paragraphs it has seen; timing must not profit from that.
    sentences._segment_cached.cache_clear()
    sentences._sentence_spans.cache_clear()
    return [s.text for s in sentences.split_sentences(text)]


def _pysbd() -> Splitter | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenters = {lang: pysbd.Segmenter(language=lang, clean=False) for lang in LANGUAGES}
    return lambda text, lang: [str(s) for s in segmenters[lang].segment(text)]


def _syntok() -> Splitter | None:
    try:
        from syntok import segmenter
    except ImportError:
        return None

    def split(text: str, lang: str) -> list[str]:
        return [
            "".join(t.spacing + t.value for t in sentence)
            for paragraph in segmenter.analyze(text)
            for sentence in paragraph
        ]

    return split


def _blingfire() -> Splitter | None:
    try:
        import blingfire
    except ImportError:
        return None
    return lambda text, lang: blingfire.text_to_sentences(text).split("\n")


_OTHERS = (("pysbd", _pysbd), ("syntok", _syntok), ("blingfire", _blingfire))


def splitters() -> dict[str, Splitter]:
    """The splitters importable here, the archive's own first."""
    found: dict[str, Splitter] = {"newsarchive": _ours}
    for name, make in _OTHERS:
        splitter = make()
        if splitter is not None:
            found[name] = splitter
    return found


def score(split: Splitter, data: dict[str, list[list[str]]]) -> dict[str, tuple[int, int]]:
    """Per language: (gold sentences returned exactly, gold sentences)."""
    out = {}
    for lang, paragraphs in data.items():
        right = total = 0
        for gold in paragraphs:
            got = {s.strip() for s in split(" ".join(gold), lang)}
            right += sum(1 for s in gold if s in got)
            total += len(gold)
        out[lang] = (right, total)
    return out


def speed(split: Splitter, data: dict[str, list[list[str]]], passes: int = 5) -> float:
    """Sentences per CPU second."""
    count = 0
    start = time.process_time()
    for n in range(passes):
        for lang, paragraphs in data.items():
            for gold in paragraphs:
                # A different text each pass, so no splitter profits from a cache.
                split(" ".join(gold) + " " * n, lang)
                count += len(gold)
    return count / max(time.process_time() - start, 1e-9)


def report() -> list[str]:
    """One line per splitter: accuracy per language and overall, and speed."""
    data = load()
    lines = []
    for name, split in splitters().items():
        per = score(split, data)
        right = sum(r for r, _ in per.values())
        total = sum(t for _, t in per.values())
        langs = "  ".join(f"{lang} {r / t:.0%}" for lang, (r, t) in per.items())
        lines.append(
            f"  {name:<12} {right}/{total} = {right / total:.1%}  ({langs})  "
            f"{speed(split, data):,.0f} sentences/s"
        )
    missing = [name for name, _ in _OTHERS if name not in splitters()]
    if missing:
        lines.append(f"  not installed, so not compared: {', '.join(missing)}")
        lines.append("  (pip install pysbd syntok blingfire numpy)")
    return lines


if __name__ == "__main__":
    print("\n".join(report()))
