"""axe-core inside the browser tests: injected into the page under test (through the DevTools protocol,
so the page's Content-Security-Policy, which allows no inline script, stays as it is), run over the whole
document including the widget's open shadow root, with every rule on and nothing excluded.
A page state passes with 0 critical and 0 serious violations; each run's full result is kept as a test
artifact (axe-<state>.json)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.api.live import ROOT

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return { version: axe.version, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({ target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary })) })) };
}"""


def axe_source() -> str:
    """The axe-core script; installed by scripts/ensure_axe.sh (npm, pinned in package-lock.json)."""
    if not AXE.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure_axe.sh")], check=False)
    if not AXE.exists():
        reason = f"axe-core is not installed at {AXE} (run `make browser`)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def check(page, state: str, artifacts: Path, source: str) -> dict:
    """Runs axe on the page as it is now; fails on any critical or serious violation."""
    page.evaluate(source)  # evaluated by the DevTools protocol: not subject to the page's CSP
    result = page.evaluate(RUN)
    (artifacts / f"axe-{state}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    page.screenshot(path=str(artifacts / f"axe-{state}.png"))
    blocking = [f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
                for v in result["violations"] if v["impact"] in BLOCKING]
    assert result["version"].startswith("4."), result["version"]
    assert not blocking, f"axe-core {result['version']} on {state}:\n" + "\n".join(blocking)
    return result
