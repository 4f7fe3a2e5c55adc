"""The layout ARCHITECTURE.md promises, checked: which app may import which, no import hidden
in a function, every route in urls.py and no module past its size without a stated reason."""

import ast
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each app and the first-party apps it may import: dependencies point one way (see
# ARCHITECTURE.md). imroc_site wires everything, so it may import them all.
MAY_IMPORT = {
    "freshness": set(),
    "documents": set(),
    "news": {"documents", "freshness"},
    "comments": {"news", "documents", "freshness"},
    "imroc_site": {"news", "documents", "comments", "freshness"},
    # Moving in from WordPress (issue 13): on top, writing through the others' services.
    "wordpress": {"news", "documents", "comments", "freshness"},
}
APPS = sorted(MAY_IMPORT)
MAX_LINES = 250


def _modules(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _imported_apps(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(MAY_IMPORT)


@pytest.mark.parametrize("app", APPS)
def test_each_app_imports_only_the_apps_below_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(found - MAY_IMPORT[app] - {app})
        for path in _modules(app)
        if (found := _imported_apps(ast.parse(path.read_text())) - MAY_IMPORT[app] - {app})
    }
    assert wrong == {}


@pytest.mark.parametrize("app", APPS)
def test_no_module_imports_inside_a_function(app):
    """Imports at the top only, so no cycle can hide in a function; AppConfig.ready() is the
    one place Django asks for a late import (models and signals load after the registry)."""
    hidden = []
    for path in _modules(app):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name != "ready":
                hidden += [
                    f"{path.relative_to(ROOT)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                ]
    assert hidden == []


@pytest.mark.parametrize("app", APPS)
def test_routes_are_all_in_urls_py(app):
    """No module but urls.py declares urlpatterns (admin get_urls() are the admin's own)."""
    elsewhere = [
        str(path.relative_to(ROOT))
        for path in _modules(app)
        if path.name != "urls.py" and "urlpatterns" in path.read_text()
    ]
    assert elsewhere == []


@pytest.mark.parametrize("app", APPS)
def test_long_modules_say_why_in_their_docstring(app):
    """Past ~250 lines a module states the reason it is not split, in its docstring."""
    unexplained = []
    for path in _modules(app):
        source = path.read_text()
        if source.count("\n") > MAX_LINES:
            docstring = ast.get_docstring(ast.parse(source)) or ""
            if not re.search(r"\blines\b|\blong", docstring, re.IGNORECASE):
                unexplained.append(str(path.relative_to(ROOT)))
    assert unexplained == []


def test_every_app_is_packaged_by_pip_install():
    """A plain `pip install .` (the README's production install) ships every app of ours; the
    tests, run from the checkout, would not notice one left out."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    ours = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert ours == set(MAY_IMPORT)
    assert all(any(fnmatch(app, pattern) for pattern in patterns) for app in ours)
    assert set(config["tool"]["ruff"]["lint"]["isort"]["known-first-party"]) == ours
