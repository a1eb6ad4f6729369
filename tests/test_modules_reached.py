"""Every module of kgbp/ is reached by a test.

A module is reached when a test imports it, runs it (`python -m`), or imports a module that
imports it. The entry points (`cli/`, `web/`) import nearly everything, so a capability or
base module reached only through them does not count: a test must reach it without going
through the command line or the web app (the entry points themselves may be reached through
each other: `create_app` mounts every router). The import graph is grimp's, the one
import-linter checks the layers on, so imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

TESTS = Path(__file__).resolve().parent
ENTRY_POINTS = ("kgbp.cli", "kgbp.web")


def _entry(module: str) -> bool:
    return any(module == e or module.startswith(f"{e}.") for e in ENTRY_POINTS)


def _named_by_tests(modules: set[str]) -> set[str]:
    """Modules a test file imports, or runs with `-m` (a string naming a package runs its __main__)."""
    named: set[str] = set()
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("kgbp."):
                names = [node.value, f"{node.value}.__main__"]
            else:
                continue
            named |= {n for n in names if n in modules}
    return named


def unreached() -> list[str]:
    graph = grimp.build_graph("kgbp", cache_dir=None)
    modules = set(graph.modules)
    reached = _named_by_tests(modules)
    todo = list(reached)
    while todo:
        module = todo.pop()
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in reached and (_entry(imported) or not _entry(module)):
                reached.add(imported)
                todo.append(imported)
    for module in list(reached):  # importing a.b.c runs a and a.b first
        parts = module.split(".")
        reached |= {".".join(parts[:i]) for i in range(1, len(parts))}
    return sorted(modules - reached)


def test_every_module_is_reached_by_a_test() -> None:
    missing = unreached()
    assert not missing, ("no test reaches these modules (import one in tests/<folder>/test_<module>.py, "
                         "not only through the CLI or the web app):\n  " + "\n  ".join(missing))
