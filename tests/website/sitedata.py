"""An archive to publish: the sample story, stories on two other sites, a hostile one."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from newsarchive.cli import cli

SAMPLE = Path(__file__).resolve().parents[2] / "archive" / "sample"
STORY = "https://news.example.com/2017/06/06/sessions-offered-to-resign"
HOSTILE_URL = "https://evil.example/story?q=%3Cscript%3E"
HOSTILE_TITLE = (
    "<img src=x onerror=\"window.__pwned='title'\">\"'><script>window.__pwned=1</script>"
)
HOSTILE_TEXT = (
    "Calm opening paragraph.\n\n"
    "<script>window.__pwned = 'script'</script>\n\n"
    '<img src="http://127.0.0.1:9/x.png" onerror="window.__pwned=\'img\'">\n\n'
    "<a href=\"javascript:window.__pwned='a'\">x</a>\n\n"
    '</td></tr></tbody></table><iframe src="http://127.0.0.1:9/"></iframe>'
)
OTHERS = [
    ("https://herald.example.org/city/budget", "City budget passes", [
        "The council approved the budget 7 to 2 on Tuesday.",
        "The council approved the budget 6 to 3 on Tuesday.",
    ]),
    ("https://herald.example.org/sport/final", "Rovers win the final", [
        "Rovers won the final 2-1 on Saturday.",
    ]),
]  # fmt: skip


def save(runner: CliRunner, archive: str, url: str, at: str, title: str, text: str) -> None:
    result = runner.invoke(
        cli, ["--archive", archive, "save", url, "--captured-at", at, "--title", title], input=text
    )
    assert result.exit_code == 0, result.output


def build_archive(base: Path, *, hostile: bool = True) -> str:
    """The sample story, two other stories, and (with ``hostile``) an attack."""
    runner = CliRunner()
    archive = str(base / "archive")
    result = runner.invoke(cli, ["--archive", archive, "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    for url, title, texts in OTHERS:
        for day, text in enumerate(texts, start=1):
            save(runner, archive, url, f"2024-03-0{day}T09:00:00Z", title, text)
    if hostile:
        save(
            runner, archive, HOSTILE_URL, "2024-01-01T00:00:00Z", "Calm", "Calm opening paragraph."
        )
        save(runner, archive, HOSTILE_URL, "2024-01-02T00:00:00Z", HOSTILE_TITLE, HOSTILE_TEXT)
    return archive


def build_site(archive: str, out: Path, *args: str) -> dict:
    import json

    result = CliRunner().invoke(
        cli, ["--archive", archive, "site", "-o", str(out), "--json", *args]
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))
