"""Embedding functions: the Chroma protocol, determinism, persistence, and an OpenAI-compatible server."""

from __future__ import annotations

import json
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import chromadb
import numpy as np
import pytest
from chromadb.api.types import EmbeddingFunction

from retrieval.chroma_function import chroma_function
from retrieval.embeddings import HashingEmbedding, LsaEmbedding, OpenAIEmbedding, make_embedding

CORPUS = ["湖北省制造业产业链链长制实施方案", "汽车产业链链长李乐成", "集成电路产业链由省经信厅牵头",
          "湖南省工业和信息化厅负责日常工作", "土地、资金、能源、人力资源等要素保障", "光通信产业链链主企业"]


def _cos(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_hashing_is_unit_length_deterministic_and_folds_text():
    a, b = HashingEmbedding(dim=512), HashingEmbedding(dim=512)
    va = np.array(a(CORPUS))
    assert va.shape == (len(CORPUS), 512)
    assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(va, np.array(b(CORPUS)))  # no per-process hash salt
    same = np.array(a(["湖北汽車產業鏈的鏈長", "湖北汽车产业链的链长"]))
    assert np.allclose(same[0], same[1])  # 繁→简 folded before hashing
    q = a(["汽车产业链的链长是谁"])[0]
    assert _cos(q, va[1]) > max(_cos(q, va[3]), _cos(q, va[4]))


@pytest.mark.parametrize("ef", [HashingEmbedding(dim=256), LsaEmbedding(dim=4).fit(CORPUS)])
def test_chroma_protocol_round_trip(ef):
    chroma = chroma_function(ef)
    assert isinstance(chroma, EmbeddingFunction) and not chroma.is_legacy()
    assert chroma.name() == ef.name() and chroma.get_config() == ef.get_config()
    rebuilt = type(ef).build_from_config(ef.get_config())
    assert rebuilt.name() == ef.name() and rebuilt.get_config() == ef.get_config()
    assert ef.default_space() == chroma.default_space() == "cosine"
    assert np.array_equal(np.array(chroma(CORPUS[:2])), np.array(ef(CORPUS[:2])))


def test_chroma_uses_our_function_without_warnings(tmp_path):
    client = chromadb.PersistentClient(path=str(tmp_path), settings=chromadb.config.Settings(anonymized_telemetry=False))
    ef = chroma_function(HashingEmbedding(dim=256))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a legacy/deprecated embedding function would warn
        col = client.create_collection("chainqa-test", embedding_function=ef, configuration={"hnsw": {"space": "cosine"}})
        col.add(ids=[str(i) for i in range(len(CORPUS))], documents=CORPUS)
        res = col.query(query_texts=["汽车产业链的链长"], n_results=1)
    assert res["ids"][0] == ["1"]
    assert col.configuration_json["embedding_function"]["name"] == "chainqa-hashing"
    again = client.get_collection("chainqa-test", embedding_function=ef)
    assert np.allclose(again.get(ids=["1"], include=["embeddings"])["embeddings"][0], ef([CORPUS[1]])[0])


def test_lsa_is_deterministic_and_persists(tmp_path):
    one, two = LsaEmbedding(dim=4).fit(CORPUS), LsaEmbedding(dim=4).fit(CORPUS)
    assert np.allclose(np.array(one(CORPUS)), np.array(two(CORPUS)))
    one.save(tmp_path / "lsa.npz")
    loaded = LsaEmbedding(path=tmp_path / "lsa.npz", dim=4)
    assert loaded.fitted and np.allclose(np.array(loaded(CORPUS)), np.array(one(CORPUS)))
    assert np.allclose(np.linalg.norm(np.array(loaded(CORPUS)), axis=1), 1.0, atol=1e-5)
    assert "path" not in one.identity()  # where the model lives is not what it is


def test_lsa_caps_rank_and_refuses_unfitted_use():
    small = LsaEmbedding(dim=256).fit(CORPUS)
    assert np.array(small(CORPUS)).shape == (len(CORPUS), len(CORPUS) - 1)
    with pytest.raises(ValueError, match="not fitted"):
        LsaEmbedding()(["x"])
    with pytest.raises(ValueError, match="not fitted"):
        LsaEmbedding().save("/nonexistent/lsa.npz")


class _FakeEmbeddings(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, float(i)]}
                for i, t in enumerate(body["input"])]
        payload = json.dumps({"object": "list", "data": data[::-1], "model": body["model"],
                              "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    _FakeEmbeddings.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeEmbeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_compatible_endpoint(fake_server):
    ef = OpenAIEmbedding(model="bge-m3", base_url=fake_server, api_key="sk-test", batch_size=2)
    vectors = ef(["一", "二二", "三三三", "四四四四", "五"])
    assert [v[0] for v in vectors] == [1.0, 2.0, 3.0, 4.0, 1.0]  # reordered by `index`, batches joined
    assert len(_FakeEmbeddings.requests) == 3
    first = _FakeEmbeddings.requests[0]
    assert (first["path"], first["model"], first["auth"]) == ("/v1/embeddings", "bge-m3", "Bearer sk-test")
    assert first["encoding_format"] == "float"
    assert "sk-test" not in json.dumps(ef.get_config())
    assert OpenAIEmbedding.build_from_config(ef.get_config()).get_config() == ef.get_config()


def test_factory(tmp_path):
    assert isinstance(make_embedding("hashing"), HashingEmbedding)
    lsa = make_embedding("lsa", data_dir=tmp_path, dim=8)
    assert isinstance(lsa, LsaEmbedding) and lsa.path == tmp_path / "lsa.npz" and lsa.dim == 8
    oa = make_embedding("openai", model="text-embedding-3-small", base_url="http://127.0.0.1:9/v1")
    assert isinstance(oa, OpenAIEmbedding) and oa.model == "text-embedding-3-small"
    with pytest.raises(ValueError, match="unknown embedding 'word2vec'"):
        make_embedding("word2vec")
