"""Shared fixtures: the real knowledge base, loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="session", autouse=True)
def cheap_embedding():
    """The suite runs on LSA, which builds in about a second; the tests of e5 ask for it by name. Settings,
    and every server or CLI subprocess, read CHAINQA_EMBEDDING; a value set outside (e.g. =e5) wins."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHAINQA_EMBEDDING", os.environ.get("CHAINQA_EMBEDDING", "lsa"))
        yield


@pytest.fixture(scope="session")
def tables():
    from retrieval.registry import load_tables

    return load_tables(KNOWLEDGE)


@pytest.fixture(scope="session")
def documents():
    from retrieval.documents import load_documents

    return load_documents(KNOWLEDGE)


@pytest.fixture(scope="session")
def gazetteer(tables, documents):
    from retrieval.gazetteer import Gazetteer

    return Gazetteer(tables, {k: d.text for k, d in documents.items()})


@pytest.fixture(scope="session")
def deps(tables, gazetteer, documents):
    from assistant.tools import ToolDeps
    from retrieval.chunking import section_at

    return ToolDeps(tables=tables, gazetteer=gazetteer, documents=documents,
                    section_at=lambda doc_id, offset: section_at(documents[doc_id], offset))


@pytest.fixture(scope="session")
def knowledge_index(tmp_path_factory):
    """The real index (Chroma embedded + BM25), built once per session under a temp data dir."""
    from retrieval.index import KnowledgeIndex

    return KnowledgeIndex.open(KNOWLEDGE, tmp_path_factory.mktemp("index-data"))


AS_OF = "2026-12-01"  # tests pin "today" for validity notes


@pytest.fixture(scope="session")
def service(tmp_path_factory, knowledge_index):
    """The real service (offline engine) over the session's index."""
    from assistant.config import Settings
    from assistant.service import Service

    return Service.build(Settings(data_dir=tmp_path_factory.mktemp("data"), as_of=AS_OF), index=knowledge_index)


@pytest.fixture(scope="session")
def understanding(service):
    return service.understanding
