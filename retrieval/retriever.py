"""The index as a LangChain retriever (the LLM engine's search tool). Its own module: LangChain costs a
third of a second to import, and answering offline never needs it."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from retrieval.search import Hit, Mode


def to_langchain(hit: Hit) -> LCDocument:
    c = hit.chunk
    return LCDocument(page_content=c.text, id=c.id, metadata={
        "doc_id": c.doc_id, "doc_title": c.doc_title, "section": c.section, "start": c.start, "end": c.end,
        "province": c.province, "kind": c.kind, "chunk_id": c.id, "score": hit.score})


class ChainQARetriever(BaseRetriever):
    """LangChain retriever over a KnowledgeIndex (anything with a matching `search`)."""

    index: Any
    k: int = 5
    province: str | None = None
    doc_id: str | None = None
    mode: Mode = "hybrid"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        hits = self.index.search(query, k=self.k, province=self.province, doc_id=self.doc_id, mode=self.mode)
        return [to_langchain(h) for h in hits]
