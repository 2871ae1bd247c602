"""The `chainqa` command line (CONTRACT.md). Commands are a registry: the assistant's own (ask, tool, ingest,
serve, report, overlay, document) and those other installed packages contribute through the
`chainqa.commands` entry point (eval/commands.py adds eval, bench, loadtest, tune) — so the assistant never
imports the eval package."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from pydantic import ValidationError

from assistant import cli_document
from assistant.answer import Turn
from assistant.config import Settings
from assistant.errors import ChainQAError
from retrieval.errors import KnowledgeFileError


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, list[str], Settings], int]
    passthrough: bool = False  # unknown flags go to the command (a tool's arguments, loadtest's own parser)
    help_flag: bool = True  # -h/--help is ours (False: the command's own parser answers it)


def service(settings: Settings):
    from assistant.service import Service

    return Service.build(settings)


def one_shot(settings: Settings):
    """The service of a one-shot command (ask, tool): its process ends after one answer, so the cyclic
    collector, which would walk every object start-up makes (~0.1 s of it), stays off."""
    gc.disable()
    return service(settings)


def emit(obj, as_json: bool) -> None:
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump(mode="json")
    elif isinstance(obj, list):
        obj = [o.model_dump(mode="json") if hasattr(o, "model_dump") else o for o in obj]
    print(json.dumps(obj, ensure_ascii=False, indent=1 if as_json else 2))


def _ask_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("question")
    p.add_argument("--history", help="a JSON file with a list of {role, content} turns")
    p.add_argument("--json", action="store_true")


def _ask(args, extra, settings: Settings) -> int:
    history = []
    if args.history:
        history = [Turn.model_validate(t) for t in json.loads(Path(args.history).read_text(encoding="utf-8"))]
    answer = one_shot(settings).ask(args.question, history)
    if args.json:
        emit(answer, True)
    else:
        print(answer.answer)
        for c in answer.citations:
            print(f"  [{c.doc_title} {c.section}] {c.quote[:80]}")
    return 0


def _tool_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name")
    p.add_argument("--json", action="store_true")


def _flags(extra: list[str]) -> dict[str, str]:
    kwargs, it = {}, iter(extra)
    for flag in it:
        if not flag.startswith("--"):
            raise ValueError(f"unexpected argument {flag!r}")
        kwargs[flag[2:].replace("-", "_")] = next(it, "")
    return kwargs


def _tool(args, extra, settings: Settings) -> int:
    from assistant.tools.schema import tool_specs, unknown_province

    specs = tool_specs()
    if args.name not in specs:
        print(f"unknown tool {args.name!r}; tools: {', '.join(specs)}", file=sys.stderr)
        return 2
    spec = specs[args.name]
    try:
        values = spec.args.model_validate(_flags(extra)).model_dump()
    except (ValueError, ValidationError) as exc:
        print(f"bad arguments for {args.name}: {exc}", file=sys.stderr)
        return 2
    deps = one_shot(settings).deps
    problem = unknown_province(values, deps.tables.province_names)
    if problem:
        print(f"bad arguments for {args.name}: {problem}", file=sys.stderr)
        return 2
    emit(spec.fn(deps, **values), args.json)
    return 0


def _ingest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rebuild", action="store_true")


def _index(settings: Settings, rebuild: bool = False) -> dict:
    """Build the index from knowledge/ if it is missing or stale (always with `rebuild`), then switch to it."""
    from retrieval.index import KnowledgeIndex

    return KnowledgeIndex.ingest(settings.knowledge_dir, settings.data_dir, chroma_url=settings.chroma_url,
                                 embedding=settings.embedding, rebuild=rebuild,
                                 embedding_options=settings.embedding_options)


def _held_for_review(settings: Settings) -> list[str]:
    """The documents of knowledge/ with a lexicon hit not approved (the lexicon in force), their hits audited."""
    from assistant.content_policy import ContentPolicy
    from assistant.lexicon import served
    from assistant.store import SqlStore
    from retrieval.documents import load_documents
    from retrieval.overlay import Overlay

    store = SqlStore(settings.resolved_store_url)
    try:
        overlay = Overlay.model_validate(store.overlay()[1])
        policy = ContentPolicy(served(overlay.lexicon, settings.resolved_lexicon_file), "", store.record_hits,
                               enabled=settings.lexicon_enabled)
        texts = {k: d.text for k, d in load_documents(settings.knowledge_dir).items()}
        held = policy.held(texts, overlay.approved)
        for doc_id, found in held.items():
            policy.document_hits(doc_id, texts[doc_id], found)
        return sorted(held)
    finally:
        store.close()


def _ingest(args, extra, settings: Settings) -> int:
    started = time.perf_counter()
    stats = dict(_index(settings, args.rebuild))
    stats.setdefault("seconds", round(time.perf_counter() - started, 3))
    stats["held_for_review"] = _held_for_review(settings)  # content safety: out of search until approved
    print(json.dumps(stats, ensure_ascii=False, default=str))
    return 0


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="processes on one port (share limits via CHAINQA_REDIS_URL)")


def _serve(args, extra, settings: Settings) -> int:
    gc.disable()  # start-up (imports, the index, Gradio): enabled again once warm (assistant/api/app.py `_warm`)
    from assistant.api.server import run

    run(settings, args.host, args.port, workers=args.workers)
    return 0


def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["unanswered"])
    p.add_argument("--limit", type=int, default=100)


def _report(args, extra, settings: Settings) -> int:
    from assistant.store import SqlStore

    store = SqlStore(settings.resolved_store_url)
    for row in store.unanswered(limit=args.limit):
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


def _overlay_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["show", "versions"])
    p.add_argument("--limit", type=int, default=20)


def _overlay(args, extra, settings: Settings) -> int:
    """The operators' overlay in the store: the newest version (show), or its history (versions)."""
    from assistant.store import SqlStore

    store = SqlStore(settings.resolved_store_url)
    try:
        if args.what == "show":
            version, overlay = store.overlay()
            emit({"version": version, "overlay": overlay}, True)
        else:
            for row in store.overlay_versions(limit=args.limit):
                print(json.dumps(row, ensure_ascii=False, default=str))
    finally:
        store.close()
    return 0


def _document(args, extra, settings: Settings) -> int:
    return cli_document.run(args, settings, reindex=lambda: _index(settings), emit=emit)


BUILTIN = [Command("ask", "answer one question", _ask_args, _ask),
           Command("tool", "run one structured tool: chainqa tool NAME --ARG VALUE … --json", _tool_args, _tool,
                   passthrough=True),
           Command("ingest", "(re)build the index from knowledge/", _ingest_args, _ingest),
           Command("serve", "the HTTP service", _serve_args, _serve),
           Command("report", "what the question log holds (unanswered questions)", _report_args, _report),
           Command("overlay", "the operators' overlay: show the newest version, or list the versions", _overlay_args,
                   _overlay),
           Command("document", "add a document to knowledge/ and reindex: chainqa document add FILE --meta META.yaml",
                   cli_document.arguments, _document)]


def commands() -> dict[str, Command]:
    """The built-in commands and those of installed plugins (entry point group `chainqa.commands`)."""
    found = {c.name: c for c in BUILTIN}
    for ep in entry_points(group="chainqa.commands"):
        for command in ep.load():
            found.setdefault(command.name, command)
    return found


def _parser(registry: dict[str, Command]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chainqa", description="Chain-leader policy assistant")
    sub = p.add_subparsers(dest="cmd", required=True)
    for c in registry.values():
        c.arguments(sub.add_parser(c.name, help=c.help, add_help=c.help_flag))
    return p


def main(argv: list[str] | None = None) -> int:
    registry = commands()
    parser = _parser(registry)
    args, extra = parser.parse_known_args(argv)
    command = registry[args.cmd]
    if extra and not command.passthrough:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return command.run(args, extra, Settings())
    except KnowledgeFileError as exc:
        print(f"knowledge error: {exc}", file=sys.stderr)
        return 1
    except ChainQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
