"""Templates are filled strictly: a missing value raises; every call site passes every value its template
needs (found by reading the code), so no `$name` can reach a user."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from assistant.errors import TemplateError
from assistant.offline.chain_rows import values
from assistant.offline.reply import Context
from assistant.prompts import Prompts
from assistant.understanding.dialogue import Dialogue

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = Prompts(ROOT / "prompts")
_KINDS = {"say": "answers"}  # ctx.say(name) → answers/{zh,en}/name


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f"doc_{facet}": every template with that prefix
        head = node.values[0]
        return (head.value + "*") if isinstance(head, ast.Constant) else None
    return None


def _call_sites() -> list[tuple[str, str, set[str], bool]]:
    """(file, template pattern, keyword names passed, whether a ** mapping is passed) of every call."""
    out = []
    for path in (ROOT / "assistant").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            attr, args = node.func.attr, node.args
            if attr == "say" and args:
                name = _literal(args[0])
                patterns = [f"answers/{lang}/{name}" for lang in ("zh", "en")] if name else []
            elif attr == "_t" and len(args) >= 3:
                kind, name = _literal(args[1]), _literal(args[2])
                patterns = [f"{kind}/{lang}/{name}" for lang in ("zh", "en")] if kind and name else []
            elif attr == "render" and args and _literal(args[0]) and "/" not in (_literal(args[0]) or "/"):
                patterns = [_literal(args[0])]
            else:
                continue
            keys = {k.arg for k in node.keywords if k.arg}
            unpacked = any(k.arg is None for k in node.keywords)
            out += [(path.name, p, keys, unpacked) for p in patterns]
    return out


def _templates(pattern: str) -> list[str]:
    if pattern.endswith("*"):
        return [n for n in PROMPTS.names() if n.startswith(pattern[:-1])]
    return [pattern]


@pytest.fixture(scope="module")
def chain_values(service):
    ctx = Context(service.deps, service.prompts, service.index.search, "zh-Hans", Dialogue())
    from assistant.tools import list_chains

    return set(values(ctx, list_chains(service.deps, "湖北")[0]))


def test_every_call_site_fills_its_template(chain_values):
    sites = _call_sites()
    assert len(sites) > 60
    for file, pattern, keys, unpacked in sites:
        for name in _templates(pattern):
            given = keys | (chain_values if unpacked else set())
            missing = PROMPTS.placeholders(name) - given
            assert not missing, f"{file}: template {name} needs {sorted(missing)}"


def test_every_answer_template_exists_in_both_languages():
    names = set(PROMPTS.names())
    for name in names:
        for kind in ("answers", "refusals", "declines", "notes"):
            for a, b in (("zh", "en"), ("en", "zh")):
                if name.startswith(f"{kind}/{a}/") and name != "answers/zh/starters":
                    assert name.replace(f"/{a}/", f"/{b}/", 1) in names, name


def test_a_missing_value_raises():
    with pytest.raises(TemplateError, match=r"\$chain"):
        PROMPTS.render("answers/zh/chain_leader", province="湖北")
    with pytest.raises(TemplateError, match="no template"):
        PROMPTS.render("answers/zh/nope")


def _names(path: Path) -> set[str]:
    import re
    return set(re.findall(r"\$\{?([a-z_]+)", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("zh", sorted((ROOT / "prompts" / "answers" / "zh").rglob("*.md")), ids=lambda p: p.stem)
def test_an_english_answer_template_says_what_its_chinese_one_says(zh):
    """The English template uses no value its Chinese one lacks, and keeps the values that carry the fact
    (an English chain_column once had lost every value: "For 's , : ****.")."""
    en = ROOT / "prompts" / "answers" / "en" / zh.relative_to(ROOT / "prompts" / "answers" / "zh")
    if not en.exists():
        pytest.skip("no English template")
    zh_names, en_names = _names(zh), _names(en)
    assert en_names <= zh_names
    assert not zh_names or en_names, f"{en.name} has none of {sorted(zh_names)}"
    factual = zh_names - {n for n in zh_names if n.endswith(("_label", "_word")) or n in {"title", "chain_word"}}
    assert len(en_names & factual) >= len(factual) - 1, f"{en.name} lacks {sorted(factual - en_names)}"
