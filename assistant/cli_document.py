"""`chainqa document add FILE --meta META.yaml`: add a document (UTF-8 Markdown or plain text) with its
manifest fields to knowledge/ and reindex, through the checks, the write and the undo the admin API's
upload uses (assistant/document_intake.py). Exit 0 stored and indexed; 2 the document or its fields are
wrong; 1 knowledge/ was broken before or the reindex failed. On any failure knowledge/ is as it was."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.config import Settings
from assistant.document_intake import DocumentFields, DocumentIn, add_and_reindex, file_of
from assistant.errors import InvalidDocument, KnowledgeBroken, KnowledgeError, UserInputError
from retrieval.registry import load_tables


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["add"])
    p.add_argument("file", help="the document: UTF-8 Markdown (or plain text)")
    p.add_argument("--meta", required=True,
                   help="a YAML or JSON file with its manifest fields (those of POST /api/admin/documents except text)")


def run(args: argparse.Namespace, settings: Settings, reindex: Callable[[], dict],
        emit: Callable[[Any, bool], None]) -> int:
    """`reindex` builds the index from settings.knowledge_dir and returns its stats (`chainqa ingest`'s)."""
    started = time.perf_counter()
    try:
        doc = read_document(Path(args.file), Path(args.meta))
        stats = _add(settings.knowledge_dir, doc, reindex)
    except KnowledgeBroken as exc:
        print(f"knowledge error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, UserInputError) as exc:
        print(f"invalid document: {_invalid(exc) if isinstance(exc, ValueError) else exc}", file=sys.stderr)
        return 2
    emit({"status": "stored", "id": doc.id, "file": file_of(doc.id), "documents": stats["documents"],
          "seconds": round(time.perf_counter() - started, 2)}, True)
    return 0


def read_document(file: Path, meta_file: Path) -> DocumentIn:
    """The text of `file` with the fields of `meta_file`; ValueError (ValidationError too) says what is wrong."""
    try:
        text = file.read_bytes().decode("utf-8-sig")
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {exc.filename}: {exc.strerror}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{file if isinstance(exc, UnicodeDecodeError) else meta_file}: not UTF-8 text or "
                         f"not YAML/JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_file}: expected a mapping of manifest fields")
    unknown = sorted(set(map(str, meta)) - set(DocumentFields.model_fields))
    if unknown:
        raise ValueError(f"{meta_file}: unknown fields {', '.join(unknown)} (the text is FILE's, not a field)")
    return DocumentIn.model_validate({**meta, "text": text})


def _invalid(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'meta'}: {e['msg']}" for e in exc.errors())
    return str(exc)


def _add(knowledge: Path, doc: DocumentIn, reindex: Callable[[], dict]) -> dict:
    """The document added and indexed. When knowledge/ did not load before, a document that does not fit is
    knowledge/'s problem (KnowledgeBroken), not the document's; one that makes it load (the scheme of a
    province provinces.yaml configures already) is added."""
    try:
        load_tables(knowledge)
        broken = None
    except KnowledgeError as exc:
        broken = str(exc)
    try:
        return add_and_reindex(knowledge, doc, reindex)
    except InvalidDocument:
        if broken is None:
            raise
        raise KnowledgeBroken(f"knowledge/ does not load, fix it before adding a document: {broken}") from None
