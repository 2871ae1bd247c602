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


def test_no_configured_province_is_named_in_code():
    """Provinces are data: code names none of them, in any spelling or escape (issue 13)."""
    import yaml

    provinces = yaml.safe_load((ROOT / "knowledge" / "provinces.yaml").read_text(encoding="utf-8"))["provinces"]
    words = {w for p in provinces for w in (p["name"], p["full_name"], p["english"], *p["aliases"]) if len(w) >= 2}
    words |= {w.lower() for w in words if w.isascii()}
    escaped = {"".join(f"\\u{ord(ch):04x}" for ch in w) for w in words if not w.isascii()}
    found = []
    for path in [*(ROOT / "assistant").rglob("*"), *(ROOT / "retrieval").rglob("*")]:
        if path.suffix not in (".py", ".js", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        found += [(str(path.relative_to(ROOT)), w) for w in (*words, *escaped) if w in text or w in text.lower()]
    assert found == []
