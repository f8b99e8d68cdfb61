"""Write the page pairs: ``python tests/data/pages/pairs/make_pairs.py``.

Each pair is a folder with ``before.html``, ``after.html`` and ``pair.json``:
``kind`` is ``template`` (the same article under the site's two designs: no
substantive change may be seen) or ``edit`` (one design, one real edit;
``reasons`` lists the reason codes the change must give).
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from articles import ARTICLES  # noqa: E402
from templates import SITES, Article  # noqa: E402

Edit = Callable[[Article], None]


def _set_paragraph(index: int, old: str, new: str) -> Edit:
    def apply(a: Article) -> None:
        a["paragraphs"][index] = a["paragraphs"][index].replace(old, new)

    return apply


def _insert_paragraph(index: int, text: str) -> Edit:
    return lambda a: a["paragraphs"].insert(index, text)


def _delete_paragraph(index: int) -> Edit:
    return lambda a: a["paragraphs"].pop(index)


def _set(key: str, value: Any) -> Edit:
    return lambda a: a.__setitem__(key, value)


def _drop_links(a: Article) -> None:
    a["links"] = []


def _add_link(href: str, anchor: str) -> Edit:
    return lambda a: a["links"].append((href, anchor))


# (name, site, design, article, edit, reasons the change must give)
EDITS: list[tuple[str, str, int, str, Edit, list[str]]] = [
    ("nyt-number", "nyt", 0, "bridge", _set_paragraph(1, "14 inches", "30 inches"),
     ["number-changed"]),
    ("wapo-paragraph-added", "wapo", 0, "election", _insert_paragraph(
        3, "Turnout was highest among voters aged 18 to 24, according to an exit poll "
        "conducted for three national broadcasters."), ["paragraph-added"]),
    ("bbc-sentence-deleted", "bbc", 0, "bridge", _delete_paragraph(4), ["paragraph-deleted"]),
    ("guardian-quote", "guardian", 0, "vaccine", _set_paragraph(
        3, "a milestone that pediatricians have been waiting on for decades",
        "an important step, but not the end of the story"), ["quote-changed"]),
    ("ap-lead-image", "ap", 0, "election", _set(
        "image", "https://static.example-news.com/images/2024/06/10/count-hall.jpg"),
     ["image-changed"]),
    ("bbc-caption", "bbc", 1, "election", _set(
        "caption", "Officials counted ballots through the night in the regional capital."),
     ["caption-changed"]),
    ("reuters-link-removed", "reuters", 1, "drought", _drop_links, ["link-removed"]),
    ("guardian-link-added", "guardian", 1, "drought", _add_link(
        "https://www.example-farm-bureau.org/survey-2024", "state farm bureau"),
     ["link-added"]),
    ("nl-headline", "nl-regional", 0, "markt", _set(
        "headline", "Assen verhuist weekmarkt naar het Koopmansplein"), ["headline-changed"]),
    ("de-correction", "de-regional", 1, "schwimmbad", _insert_paragraph(
        5, "Correction: In an earlier version of this article the vote was given as 23 to "
        "12."), ["correction-note"]),
    ("wordpress-name", "wordpress", 0, "drought", _set_paragraph(
        3, "Carl Jensen", "Karl Jansen"), ["name-changed"]),
    ("metro-sentence-added", "metro", 0, "vaccine", _set_paragraph(
        5, "as a condition of the approval.",
        "as a condition of the approval. The first doses are expected to ship in the autumn."),
     ["sentence-added"]),
]  # fmt: skip


def main() -> None:
    """Write every pair under this folder."""
    for site, (design_a, design_b, stories) in SITES.items():
        for story in stories:
            article = ARTICLES[story]
            _write(
                f"template-{site}-{story}",
                design_a(article),
                design_b(article),
                {"kind": "template", "site": site, "article": story, "reasons": []},
            )
    for name, site, design, story, edit, reasons in EDITS:
        render = SITES[site][design]
        before = ARTICLES[story]
        after = copy.deepcopy(before)
        edit(after)
        _write(
            f"edit-{name}",
            render(before),
            render(after),
            {"kind": "edit", "site": site, "article": story, "reasons": reasons},
        )


def _write(name: str, before: str, after: str, info: dict[str, Any]) -> None:
    folder = HERE / name
    folder.mkdir(exist_ok=True)
    (folder / "before.html").write_text(before, encoding="utf-8")
    (folder / "after.html").write_text(after, encoding="utf-8")
    (folder / "pair.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
