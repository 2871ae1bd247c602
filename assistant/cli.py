"""The `chainqa` command line (see CONTRACT.md)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from assistant.answer import Turn
from assistant.config import Settings
from retrieval.errors import KnowledgeFileError


def _service(settings: Settings):
    from assistant.service import Service

    return Service.build(settings)


def _print(obj, as_json: bool) -> None:
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump(mode="json")
    elif isinstance(obj, list):
        obj = [o.model_dump(mode="json") if hasattr(o, "model_dump") else o for o in obj]
    print(json.dumps(obj, ensure_ascii=False, indent=1 if as_json else 2))


def cmd_ask(args, settings: Settings) -> int:
    history = []
    if args.history:
        history = [Turn.model_validate(t) for t in json.loads(Path(args.history).read_text(encoding="utf-8"))]
    answer = _service(settings).ask(args.question, history)
    if args.json:
        _print(answer, True)
    else:
        print(answer.answer)
        for c in answer.citations:
            print(f"  [{c.doc_title} {c.section}] {c.quote[:80]}")
    return 0


def cmd_tool(args, extra: list[str], settings: Settings) -> int:
    from assistant.tools import TOOLS

    if args.name not in TOOLS:
        print(f"unknown tool {args.name!r}; tools: {', '.join(TOOLS)}", file=sys.stderr)
        return 2
    kwargs = {}
    it = iter(extra)
    for flag in it:
        if not flag.startswith("--"):
            print(f"unexpected argument {flag!r}", file=sys.stderr)
            return 2
        kwargs[flag[2:].replace("-", "_")] = next(it, "")
    service = _service(settings)
    try:
        result = TOOLS[args.name](service.deps, **kwargs)
    except TypeError as exc:
        print(f"bad arguments for {args.name}: {exc}", file=sys.stderr)
        return 2
    _print(result, args.json)
    return 0


def cmd_ingest(args, settings: Settings) -> int:
    from retrieval.index import KnowledgeIndex

    started = time.perf_counter()
    stats = KnowledgeIndex.ingest(settings.knowledge_dir, settings.data_dir, chroma_url=settings.chroma_url,
                                  embedding=settings.embedding, rebuild=args.rebuild)
    stats = dict(stats) if not isinstance(stats, dict) else stats
    stats.setdefault("seconds", round(time.perf_counter() - started, 3))
    print(json.dumps(stats, ensure_ascii=False, default=str))
    return 0


def cmd_eval(args, settings: Settings) -> int:
    if args.retrieval:
        from eval.retrieval_eval import main as retrieval_main

        return retrieval_main(["--dataset", args.dataset, "--data-dir", str(settings.data_dir)])
    from eval import harness, report

    if args.output is None:
        print("--output is required", file=sys.stderr)
        return 2
    service = _service(settings)
    cases = harness.load_cases(Path(args.dataset))
    result = harness.run(service, cases, engine=args.engine, documents=service.deps.documents)
    harness.write_json(result, Path(args.output))
    if args.markdown:
        report.markdown(result, Path(args.markdown))
    s = result["summary"]
    print(f"accuracy {s['accuracy']:.4f} ({s['passed']}/{s['total']}), p50 {s['latency_ms']['p50']} ms")
    for cat, c in s["by_category"].items():
        print(f"  {cat:16s} {c['passed']:3d}/{c['total']:3d}")
    problems = report.gate(s, Path(args.gate), args.min_accuracy) if args.gate else []
    if s["accuracy"] < args.min_accuracy:
        problems.append(f"accuracy {s['accuracy']} < --min-accuracy {args.min_accuracy}")
    for p in dict.fromkeys(problems):
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


def cmd_serve(args, settings: Settings) -> int:
    from assistant.api.server import run

    run(settings, args.host, args.port, workers=args.workers)
    return 0


def cmd_bench(args, settings: Settings) -> int:
    from eval.bench import main as bench_main

    return bench_main(settings, as_json=args.json, quick=args.quick)


def cmd_report(args, settings: Settings) -> int:
    from assistant.store import SqlStore

    store = SqlStore(settings.resolved_store_url)
    for row in store.unanswered(limit=args.limit):
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chainqa", description="Chain-leader policy assistant")
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("ask")
    a.add_argument("question")
    a.add_argument("--history")
    a.add_argument("--json", action="store_true")
    t = sub.add_parser("tool")
    t.add_argument("name")
    t.add_argument("--json", action="store_true")
    i = sub.add_parser("ingest")
    i.add_argument("--rebuild", action="store_true")
    e = sub.add_parser("eval")
    e.add_argument("--dataset", default="eval/datasets/chainqa.jsonl")
    e.add_argument("--output")
    e.add_argument("--markdown")
    e.add_argument("--engine", choices=["offline", "llm"], default="offline")
    e.add_argument("--min-accuracy", type=float, default=0.0)
    e.add_argument("--gate", help="baseline summary JSON; fail when more than one case below it")
    e.add_argument("--retrieval", action="store_true", help="measure retrieval instead (recall@k, MRR)")
    s = sub.add_parser("serve")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1, help="processes on one port (share limits via CHAINQA_REDIS_URL)")
    b = sub.add_parser("bench")
    b.add_argument("--json", action="store_true")
    b.add_argument("--quick", action="store_true")
    sub.add_parser("loadtest", help="drive a loopback server with concurrent clients (see eval/loadtest.py)",
                   add_help=False)
    r = sub.add_parser("report")
    r.add_argument("what", choices=["unanswered"])
    r.add_argument("--limit", type=int, default=100)
    return p


def main(argv: list[str] | None = None) -> int:
    args, extra = _parser().parse_known_args(argv)
    if args.cmd == "loadtest":
        from eval.loadtest import main as loadtest_main

        return loadtest_main(extra)
    if extra and args.cmd != "tool":
        _parser().error(f"unrecognized arguments: {' '.join(extra)}")
    settings = Settings()
    handlers = {"ask": cmd_ask, "ingest": cmd_ingest, "eval": cmd_eval, "serve": cmd_serve,
                "bench": cmd_bench, "report": cmd_report}
    try:
        if args.cmd == "tool":
            return cmd_tool(args, extra, settings)
        return handlers[args.cmd](args, settings)
    except KnowledgeFileError as exc:
        print(f"knowledge error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
