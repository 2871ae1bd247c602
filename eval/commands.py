"""The eval package's commands for `chainqa` (registered through the `chainqa.commands` entry point):
eval, bench, loadtest, tune."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.cli import Command, service
from assistant.config import Settings


def _eval_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", default="eval/datasets/chainqa.jsonl")
    p.add_argument("--output")
    p.add_argument("--markdown")
    p.add_argument("--engine", choices=["offline", "llm"], default="offline")
    p.add_argument("--min-accuracy", type=float, default=0.0)
    p.add_argument("--gate", help="baseline summary JSON; fail when more than one case below it")
    p.add_argument("--retrieval", action="store_true", help="measure retrieval instead (recall@k, MRR)")


def _eval(args, extra, settings: Settings) -> int:
    if args.retrieval:
        from eval.retrieval_eval import main as retrieval_main

        return retrieval_main(["--dataset", args.dataset, "--data-dir", str(settings.data_dir)])
    from eval import harness, report

    if args.output is None:
        print("--output is required", file=sys.stderr)
        return 2
    settings = settings.model_copy(update={"curated_answers": False})  # the eval measures the engine
    svc = service(settings)
    cases = harness.load_cases(Path(args.dataset))
    result = harness.run(svc, cases, engine=args.engine, documents=svc.deps.documents)
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


def _bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true")


def _bench(args, extra, settings: Settings) -> int:
    from eval.bench import main as bench_main

    return bench_main(settings, as_json=args.json, quick=args.quick)


def _loadtest(args, extra, settings: Settings) -> int:
    from eval.loadtest import main as loadtest_main

    return loadtest_main(extra)


def _tune_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", action="append", default=[], help="a dev split (repeatable; never a test split)")


def _tune(args, extra, settings: Settings) -> int:
    from eval.tuning import main as tune_main

    datasets = [Path(d) for d in args.dataset] or [Path("eval/datasets/chainqa.jsonl"), Path("eval/datasets/dev2.jsonl")]
    return tune_main(service(settings.model_copy(update={"curated_answers": False})), datasets)


def _similarity_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--end-to-end", action="store_true", help="blend e5 into the ranker and answer the dev splits")


def _similarity(args, extra, settings: Settings) -> int:
    from eval.intent_similarity import main as similarity_main

    return similarity_main(service(settings.model_copy(update={"curated_answers": False})), args.end_to_end)


COMMANDS = [Command("eval", "run an eval dataset and write the report", _eval_args, _eval),
            Command("bench", "the performance figures", _bench_args, _bench),
            Command("loadtest", "drive a loopback server with concurrent clients (eval/loadtest.py)",
                    lambda p: None, _loadtest, passthrough=True, help_flag=False),
            Command("tune", "choose the intent ranker's weights on the dev splits", _tune_args, _tune),
            Command("similarity", "leave-one-out intent labelling by TF-IDF, e5 and a blend (dev data)",
                    _similarity_args, _similarity)]
