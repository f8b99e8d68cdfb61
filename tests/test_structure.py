"""The project's shape: layering between modules, the public API, documented commands."""

from __future__ import annotations

import ast
import importlib
import sys
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
    # A delivery service's client, sending alerts: see notify/channels.py.
    "apprise": ("notify",),
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


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:``: type-only imports load nothing."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return [node for node in ast.walk(tree) if id(node) not in skipped]


def _relative_imports(path: Path) -> set[str]:
    """Top-level newsarchive modules this file imports at run time (relative or absolute)."""
    package = path.relative_to(SRC).parts
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _runtime_nodes(tree):
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
        "architecture.md",
        "alerts.md",
        "git-scraping.md",
        "exports.md",
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


# -- the layout: sizes, privacy, the direction imports flow --------------------------------

# No file is exempt from the size rules; an entry here needs a reason beside it.
OVERSIZE_ALLOWED: set[str] = set()
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
MAX_TOP_LEVEL_MODULES = 10

# The layers beneath everything: plain values, errors, and helpers of one concern each.
BASE = {"models", "errors", "times", "urls", "normalize"}
# What each top-level package or module may import at run time (besides itself).
MAY_IMPORT = {
    "__init__": {"archive", "diff", *BASE},  # the public API, loaded on first use
    "cli": {
        "archive",
        "scrape",
        "interop",
        "publish",
        "identity",
        "notify",
        "website",
        "card",
        "render",
        "analysis",
        *BASE,
    },  # fmt: skip
    "identity": {"archive", "ingest", *BASE},  # one article under several URLs
    "publish": {"archive", "render", "analysis", *BASE},
    "website": {"archive", "render", "analysis", *BASE},  # the static site of the archive
    "card": {"archive", "render", "diff", *BASE},  # an image of one change
    # alerts: a change's words (diff), links to the site, the webhook through fetch/
    "notify": {"archive", "analysis", "diff", "fetch", "website", *BASE},
    "scrape": {"archive", "fetch", "identity", *BASE},
    # research exports label sentence edits (analysis) and write a plain database through
    # storage.plaindb, so that sqlite3 stays in storage/
    "interop": {"archive", "fetch", "analysis", "storage", *BASE},
    "archive": {"ingest", "storage", "diff", "analysis", *BASE},
    "ingest": {"storage", *BASE},  # prepares the records a store saves
    "storage": BASE,
    "diff": BASE,
    "analysis": {"diff", *BASE},  # the analysis reads diffs
    "render": {"analysis", *BASE},  # a renderer may show analysis values
    "fetch": BASE,
    "models": {"errors", "reports"},  # its save and batch reports, made on first use
    "reports": {"models"},
    "errors": set(),
    "times": {"errors"},
    "urls": {"errors"},
    "normalize": {"errors", "times"},
}


def _part_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _is_allowed_to_be_long(path: Path) -> bool:
    relative = path.relative_to(SRC).as_posix()
    return any(
        relative == f or (f.endswith("/") and relative.startswith(f)) for f in OVERSIZE_ALLOWED
    )


def test_few_modules_sit_loose_at_the_top() -> None:
    loose = sorted(p.name for p in SRC.glob("*.py"))
    assert len(loose) <= MAX_TOP_LEVEL_MODULES, loose


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_modules_stay_small(path: Path) -> None:
    if _is_allowed_to_be_long(path):
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(SRC)} has {lines} lines: split it"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_functions_stay_short(path: Path) -> None:
    if _is_allowed_to_be_long(path):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.relative_to(SRC)}: {', '.join(long)}"


def _imported_targets(path: Path) -> list[tuple[list[str], list[str]]]:
    """Each import from newsarchive as (module path parts, names), at run time or not."""
    parts = path.relative_to(SRC).with_suffix("").parts
    package = parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - (node.level - 1)])
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "newsarchive":
                target = node.module.split(".")[1:]
            else:
                continue
            found.append((target, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "newsarchive":
                    found.append((alias.name.split(".")[1:], []))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_name_crosses_a_package(path: Path) -> None:
    mine = _part_of(path)
    for target, names in _imported_targets(path):
        if not target:  # from the package root: its public names
            target = [name for name in names if not name.startswith("__")][:1]
            names = []
        if not target or target[0] == mine:
            continue
        private = [p for p in target if p.startswith("_")] + [
            n for n in names if n.startswith("_") and not n.startswith("__")
        ]
        assert not private, f"{path.relative_to(SRC)} imports {'.'.join(target)}: {private}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_flow_down_the_layers(path: Path) -> None:
    mine = _part_of(path)
    assert mine in MAY_IMPORT, (
        f"{mine} is a new layer: add it to MAY_IMPORT and docs/architecture.md"
    )
    upward = _relative_imports(path) - MAY_IMPORT[mine] - {mine, "__version__"}
    assert not upward, (
        f"{path.relative_to(SRC)} imports {sorted(upward)} (see docs/architecture.md)"
    )


# Named for the format or protocol they speak, and only ever imported relatively.
STDLIB_NAMES_ALLOWED = {"fetch/http.py", "render/html.py", "render/json.py"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_named_like_a_standard_library_module(path: Path) -> None:
    name = path.parent.name if path.name == "__init__.py" else path.stem
    if path.relative_to(SRC).as_posix() in STDLIB_NAMES_ALLOWED or path == SRC / "__init__.py":
        return
    assert name not in sys.stdlib_module_names, f"{path.relative_to(SRC)} shadows {name}"
