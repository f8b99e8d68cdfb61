"""The project's shape: layering between modules, the public API, documented commands."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import click
import pytest

import newsarchive
from newsarchive.cli import cli

SRC = Path(newsarchive.__file__).resolve().parent
DOCS = Path(__file__).resolve().parent.parent / "docs"

# Third-party modules that only some packages may import, and which ones.
CONFINED = {
    "click": ("cli",),
    "sqlite3": ("storage",),
    "psycopg": ("storage",),
    "httpx": ("fetch",),
    "trafilatura": ("fetch",),
    "htmldate": ("fetch",),
    "feedparser": ("fetch",),
    "warcio": ("interop",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _relative_imports(path: Path) -> set[str]:
    """Top-level newsarchive modules this file imports (relative or absolute)."""
    package = path.relative_to(SRC).parts
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level])
                parts = base + (node.module.split(".") if node.module else [])
                if not parts:
                    found.update(alias.name for alias in node.names)
                else:
                    found.add(parts[0])
            elif node.module and node.module.startswith("newsarchive."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("newsarchive."):
                    found.add(alias.name.split(".")[1])
    return {name.removesuffix(".py") for name in found}


SOURCES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_heavy_dependencies_stay_in_their_layer(path: Path) -> None:
    top = path.relative_to(SRC).parts[0].removesuffix(".py")
    for module in _imports(path) & CONFINED.keys():
        assert top in CONFINED[module], f"{path.name} imports {module}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_nothing_outside_the_cli_imports_the_cli(path: Path) -> None:
    if path.relative_to(SRC).parts[0] != "cli":
        assert "cli" not in _relative_imports(path), f"{path} imports the CLI"


@pytest.mark.parametrize(
    "pure", ["diff", "analysis", "render", "normalize.py", "urls.py", "models.py"]
)
def test_pure_modules_do_no_storage_or_network(pure: str) -> None:
    paths = [SRC / pure] if pure.endswith(".py") else sorted((SRC / pure).rglob("*.py"))
    for path in paths:
        upward = {"storage", "archive", "fetch", "scrape", "interop", "cli"}
        assert not (_relative_imports(path) & upward), path


def test_public_api_is_importable() -> None:
    for name in newsarchive.__all__:
        assert getattr(newsarchive, name) is not None, name
    assert not [n for n in newsarchive.__all__ if n.startswith("_") and n != "__version__"]


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    import subprocess
    import sys

    code = (
        "import sys, newsarchive.cli; "
        "print(sorted(m for m in ('diff_match_patch', 'zstandard', 'sqlite3', 'httpx', "
        "'trafilatura', 'psycopg', 'warcio') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC.parent)},
    )
    assert out.stdout.strip() == "[]"


def _commands() -> list[str]:
    return cli.list_commands(click.Context(cli))


@pytest.mark.parametrize("name", _commands())
def test_every_command_is_documented(name: str) -> None:
    assert f"newsarchive {name}" in (DOCS / "cli.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help
    assert "Example" in command.help, f"{name} --help has no example"


@pytest.mark.parametrize(
    "doc",
    [
        "cli.md",
        "python-api.md",
        "storage.md",
        "diff-format.md",
        "analysis.md",
        "scraping.md",
        "report.md",
        "warc.md",
    ],
)
def test_readme_links_resolve(doc: str) -> None:
    assert (DOCS / doc).is_file()
    assert f"docs/{doc}" in (DOCS.parent / "README.md").read_text(encoding="utf-8")


def test_modules_import_cleanly() -> None:
    for path in SOURCES:
        relative = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        if name.endswith("__main__"):
            continue
        importlib.import_module(name)
