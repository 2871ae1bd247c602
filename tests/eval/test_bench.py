"""The benchmark's synthetic corpora and the shape of `chainqa bench --json` (a tiny run)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from eval import bench
from eval.stats import p50_p95, percentile
from eval.synthetic import LABEL, MARKER, generate
from retrieval.chunking import chunk_documents
from retrieval.documents import load_documents

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_mtime_ns}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_synthetic_corpus_scales_is_labelled_and_leaves_knowledge_alone(tmp_path):
    before = _tree_digest(KNOWLEDGE)
    real = load_documents(KNOWLEDGE)
    stats = generate(KNOWLEDGE, tmp_path / "k3", 3)
    docs = load_documents(tmp_path / "k3")
    assert _tree_digest(KNOWLEDGE) == before
    assert stats["docs"] == len(docs) == 3 * len(real) and stats["synthetic_docs"] == 2 * len(real)
    assert len(chunk_documents(docs)) == 3 * len(chunk_documents(real))
    manifest = yaml.safe_load((tmp_path / "k3" / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    synthetic = [e for e in manifest if e.get("synthetic")]
    assert len(synthetic) == 2 * len(real) and {e["id"] for e in manifest} == set(docs)
    for entry in synthetic:
        doc = docs[entry["id"]]
        assert entry["id"].startswith("syn") and doc.title.startswith(LABEL)
        assert doc.text.startswith(f"# {LABEL}") and doc.meta.province not in ("湖北", "湖南")
        assert "湖北" not in doc.text and "湖南" not in doc.text and "李乐成" not in doc.text
    for doc_id, doc in real.items():
        assert docs[doc_id].text == doc.text  # the real documents are copied unchanged
    assert "Synthetic" in (tmp_path / "k3" / MARKER).read_text(encoding="utf-8")


def test_generator_refuses_to_write_into_knowledge():
    with pytest.raises(ValueError):
        generate(KNOWLEDGE, KNOWLEDGE / "synthetic", 2)
    with pytest.raises(ValueError):
        generate(KNOWLEDGE, KNOWLEDGE, 2)


def test_percentiles_and_question_sampling():
    assert p50_p95([]) == {"p50": 0.0, "p95": 0.0}
    values = [float(i) for i in range(1, 101)]
    assert p50_p95(values) == {"p50": 50.0, "p95": 95.0}  # nearest rank, as everywhere in eval/
    assert [percentile(values, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert percentile([], 50) is None and percentile([7.0], 95) == 7.0
    every = bench.load_questions()
    some = bench.load_questions(10)
    assert len(some) == 10 and some[0] == every[0] and some[-1] != every[9]  # spread, not the first ten


@pytest.mark.slow
def test_tiny_run_reports_every_figure_of_the_issue(capsys):
    from assistant.config import Settings

    plan = bench.Plan(factors=(1, 2), add_at=(1, 2), questions=8, api_seconds=1.0, clients=4)
    assert bench.main(Settings(), as_json=True, plan=plan) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"api", "embeddings_per_s", "answer_latency_ms", "retrieval_latency_ms", "service_build_s", "ready_s",
            "ask_wall_s", "tool_wall_s", "index_s", "add_document_s", "scale", "server_peak_rss_mb"} <= set(report)
    assert set(report["api"]) == {"floor", "chat_table", "chat_free_text", "tools"}
    for name, figures in report["api"].items():
        assert figures["errors"] == 0 and figures["rps"] > 0, name
    assert report["api"]["chat_free_text"]["healthz_during"]["errors"] == 0
    assert set(report["answer_latency_ms"]) == {"table", "free_text"}
    assert set(report["add_document_s"]) == {"1x_hashing", "2x_hashing"}
    one, two = (s for s in report["scale"] if s["embedding"] == "hashing")
    assert two["docs"] == 2 * one["docs"] and two["chunks"] == 2 * one["chunks"]  # how fast: not asserted
    assert report["embeddings_per_s"] > 0 and report["server_peak_rss_mb"] > 50
