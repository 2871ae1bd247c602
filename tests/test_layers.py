"""The layers import one way: retrieval → nothing of ours above it; assistant → retrieval; eval → both.
Imports inside functions count too (a local import would only hide a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"retrieval": {"retrieval"}, "assistant": {"assistant", "retrieval"},
           "eval": {"eval", "assistant", "retrieval"}}


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            found |= {(str(path.relative_to(ROOT)), n.split(".")[0]) for n in names}
    return found


def test_no_package_imports_a_layer_above_it():
    wrong = [(file, top) for package, allowed in ALLOWED.items() for file, top in _imports(package)
             if top in ALLOWED and top not in allowed]
    assert wrong == []
