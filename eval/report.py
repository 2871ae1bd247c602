"""The Markdown eval report with a per-category accuracy chart, and the baseline gate."""

from __future__ import annotations

import json
from pathlib import Path


def chart(summary: dict, png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display here
    import matplotlib.pyplot as plt

    cats = list(summary["by_category"])
    acc = [summary["by_category"][c]["passed"] / summary["by_category"][c]["total"] for c in cats]
    fig, ax = plt.subplots(figsize=(9, max(3, 0.3 * len(cats))))
    ax.barh(cats, acc, color=["#2e7d32" if a >= 0.95 else "#c62828" for a in acc])
    ax.set_xlim(0, 1)
    ax.set_xlabel("accuracy")
    ax.set_title(f"ChainQA eval — {summary['engine']} engine, overall {summary['accuracy']:.3f}")
    ax.invert_yaxis()
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)


def markdown(report: dict, path: Path) -> None:
    s = report["summary"]
    png = path.with_suffix(".png")
    chart(s, png)
    lines = [f"# ChainQA eval ({s['engine']} engine)", "",
             f"Accuracy **{s['accuracy']:.3f}** ({s['passed']}/{s['total']}); refusal precision "
             f"{s['refusal']['precision']}, recall {s['refusal']['recall']}; citation accuracy "
             f"{s['citation_accuracy']}; latency p50 {s['latency_ms']['p50']} ms, p95 {s['latency_ms']['p95']} ms.",
             "", "Answer shape (each should be 0): " + ", ".join(f"{k} {v}" for k, v in s.get("shape", {}).items()),
             "", f"![accuracy per category]({png.name})", "", "| category | passed | total | accuracy |",
             "| --- | --- | --- | --- |"]
    for cat, c in s["by_category"].items():
        lines.append(f"| {cat} | {c['passed']} | {c['total']} | {c['passed'] / c['total']:.3f} |")
    failing = [c for c in report["cases"] if not c["passed"]]
    lines += ["", f"## Failing cases ({len(failing)})", ""]
    for c in failing:
        lines += [f"### {c['id']} ({c['category']})", f"Q: {c['question']}", "",
                  f"Failures: {'; '.join(c['failures'])}", "", "```", c["answer"][:600], "```", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def gate(summary: dict, baseline_path: Path, floor: float = 0.95) -> list[str]:
    """Fails when accuracy is under the floor or more than one case below the committed baseline."""
    problems = []
    if summary["accuracy"] < floor:
        problems.append(f"accuracy {summary['accuracy']} is below {floor}")
    problems += [f"{n} answers with {kind.replace('_', ' ')}" for kind, n in summary.get("shape", {}).items() if n]
    if baseline_path.exists():
        base = json.loads(baseline_path.read_text(encoding="utf-8"))
        if summary["passed"] < base["passed"] - 1 and summary["total"] == base["total"]:
            problems.append(f"{summary['passed']} passed, baseline {base['passed']} (more than one case lost)")
    return problems
