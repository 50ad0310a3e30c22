"""Our apps import downward only (docs/architecture.md, "Layers").

The graph is read from the sources with ast, so an import inside a function counts as much
as one at the top of a module: both are a dependency.
"""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# Lower numbers are lower layers. An app may import its own modules and those of apps in a
# lower layer; apps in the same layer do not import each other.
LAYERS = {
    "core": 0,
    "directory": 1,
    "pages": 2,
    "enquiries": 2,
    "portal": 3,
}


def modules_of(app):
    for path in sorted((BASE_DIR / app).rglob("*.py")):
        yield path, ast.parse(path.read_text(), filename=str(path))


def imported_apps(tree):
    """(app, line) for every import of one of our apps in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.partition(".")[0]
            if top in LAYERS:
                yield top, node.lineno


def is_migration(path):
    return "migrations" in path.parts


def import_graph():
    """{app: {imported app: [where, …]}} over every module of our apps but migrations."""
    graph = {app: {} for app in LAYERS}
    for app in LAYERS:
        for path, tree in modules_of(app):
            if is_migration(path):
                continue
            for imported, line in imported_apps(tree):
                if imported != app:
                    where = f"{path.relative_to(BASE_DIR)}:{line}"
                    graph[app].setdefault(imported, []).append(where)
    return graph


def test_every_app_of_ours_has_a_layer():
    apps = {path.parent.name for path in BASE_DIR.glob("*/apps.py")}
    assert apps == set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_lower_layers(app):
    upward = {
        imported: places
        for imported, places in import_graph()[app].items()
        if LAYERS[imported] >= LAYERS[app]
    }
    assert upward == {}


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    visiting, done = [], set()

    def visit(app):
        if app in visiting:
            pytest.fail("import cycle: " + " → ".join([*visiting[visiting.index(app) :], app]))
        if app in done:
            return
        visiting.append(app)
        for imported in graph[app]:
            visit(imported)
        visiting.pop()
        done.add(app)

    for app in graph:
        visit(app)


def test_the_checks_see_real_imports():
    # Guards the guard: the graph must contain the dependencies the code is known to have.
    graph = import_graph()
    assert "core" in graph["directory"]
    assert "directory" in graph["enquiries"]
    assert {"core", "directory", "pages"} <= set(graph["portal"])


@pytest.mark.parametrize("app", LAYERS)
def test_migrations_import_no_live_code(app):
    # A migration runs against the models as they were when it was written; code imported
    # from the app runs as it is today. Field defaults are the exception Django makes: the
    # migration autodetector writes a reference to the default function, at module level.
    offending = []
    for path, tree in modules_of(app):
        if not is_migration(path):
            continue
        functions = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for function in functions:
            for imported, line in imported_apps(function):
                offending.append(f"{path.relative_to(BASE_DIR)}:{line} imports {imported}")
        for imported, line in imported_apps(tree):
            if imported != app:
                offending.append(f"{path.relative_to(BASE_DIR)}:{line} imports {imported}")
    assert offending == []
