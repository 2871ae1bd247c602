"""The one place that reads the environment: every setting of ChainQA."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.embedding_cache import DEFAULT_CACHE_DIR

_ROOT = Path(__file__).resolve().parent.parent
_KEY_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


class Settings(BaseSettings):
    """Settings come from `CHAINQA_*` environment variables (and the OpenAI ones below)."""

    model_config = SettingsConfigDict(env_prefix="CHAINQA_", env_file=".env", extra="ignore")

    knowledge_dir: Path = _ROOT / "knowledge"
    prompts_dir: Path = _ROOT / "prompts"
    data_dir: Path = _ROOT / "data"

    # retrieval
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8001 → HttpClient; unset → embedded PersistentClient
    chroma_fallback_embedded: bool = False  # when the server is unreachable, serve from the embedded store
    embedding: Literal["hashing", "lsa", "e5", "openai"] = "e5"  # measured best: docs/RETRIEVAL.md
    embedding_model: str = "text-embedding-3-small"
    retrieval_mode: Literal["hybrid", "lexical", "vector"] = "hybrid"

    # sentence-embedding model (embedding="e5"): chunk vectors are cached by content in one directory
    # shared by every data_dir of the machine, so an unchanged chunk is never embedded twice
    embedding_cache_dir: Path = DEFAULT_CACHE_DIR

    # answers
    as_of: dt.date = Field(default_factory=dt.date.today)  # "today" for validity notes (tests pin it)
    curated_answers: bool = True  # serve operators' curated answers (the eval switches them off)
    # offline answers to questions without history, per process; a reindex or an overlay change empties
    # it (a new Service). 0 turns it off (the bench measures answering, not the cache)
    answer_cache_size: int = Field(default=4096, ge=0)

    # content safety (issue 18): the deployment's lexicon file in the import format (README); unset →
    # knowledge_dir/lexicon.csv when there is one. Once operators edit it, the stored version is served.
    lexicon_file: Path | None = None
    lexicon_enabled: bool = True
    lexicon_hold_documents: bool = True  # a document with a hit stays out of search until approved
    content_refusal_template: str = "refusals/zh/content_policy"  # the refusal of a blocked question/answer
    generated_label_template: str = "ui/zh/generated_label"  # the AI label on every answer in /ui and the widget

    # engines
    engine: Literal["offline", "llm"] = "offline"
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 20.0
    llm_max_retries: int = 1
    llm_max_tool_rounds: int = 4

    # serving
    store_url: str | None = None  # SQLAlchemy URL; unset → sqlite file under data_dir
    cors_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]
    widget_api_base: str | None = None  # the API base widget.js talks to; unset → same origin
    frame_ancestors: str = "'self'"  # CSP frame-ancestors for /ui (portals that iframe it add themselves)
    admin_api_key: str | None = None  # the key named "admin"; with admin_keys unset too → admin routes disabled
    # named admin keys, name → key (CHAINQA_ADMIN_KEYS='{"alice": "…"}'): the name is recorded with every
    # overlay change, so "who changed it" is known without accounts
    admin_keys: dict[str, str] = {}
    admin_session_hours: float = Field(default=8.0, gt=0)  # the admin page's sign-in cookie lasts this long
    overlay_poll_s: float = Field(default=3.0, gt=0)  # how often each replica looks for a new overlay version

    # limits
    max_question_chars: int = 500
    max_history_turns: int = 20
    max_history_chars: int = 8000
    max_body_bytes: int = 65536
    rate_per_minute: float = 600.0
    rate_burst: int = 60

    # ---- reliability and scale-out (issue 15; owned by the serving layer) --------------------------
    # clients: the TCP peer, or the X-Forwarded-For address when the peer is one of these (IPs or CIDRs)
    trusted_proxies: list[str] = []
    redis_url: str | None = None  # shared rate limits for several workers/replicas; unset → per process
    admin_rate_per_minute: float = 30.0  # per client, every admin request (throttles admin-key guessing)
    admin_rate_burst: int = 10
    ui_max_body_bytes: int = 524288  # Gradio posts the whole conversation back with every message
    max_header_bytes: int = 16384  # request line + headers; larger → 431 before the app sees it
    header_read_timeout_s: float = 10.0  # a client must send its headers within this (slowloris)
    body_read_timeout_s: float = 15.0  # … and its body within this once the headers are in
    keep_alive_timeout_s: float = 5.0  # an idle keep-alive connection is closed after this
    llm_deadline_s: float = 30.0  # one LLM answer in total: connect, every read and every tool round
    ask_workers: int = Field(default=2, ge=1)  # asks that need a query embedding run on these threads
    llm_pool_size: int = 8  # LLM answers at once per process; beyond it the offline engine answers
    question_log_retention_days: float | None = 90.0  # older question-log rows are deleted; None keeps all

    @field_validator("admin_keys")
    @classmethod
    def _named_keys(cls, keys: dict[str, str]) -> dict[str, str]:
        for name, key in keys.items():
            if not _KEY_NAME.fullmatch(name):
                raise ValueError(f"admin key name {name!r}: letters, digits, '_' and '-' only, at most 40")
            if not key.strip():
                raise ValueError(f"admin key {name!r} is empty")  # an empty key would let anyone in
        return keys

    @model_validator(mode="after")
    def _one_admin(self) -> Settings:
        if self.admin_api_key and "admin" in self.admin_keys and self.admin_keys["admin"] != self.admin_api_key:
            raise ValueError('admin_keys["admin"] and admin_api_key differ: the key named "admin" is admin_api_key')
        return self

    @property
    def named_admin_keys(self) -> dict[str, str]:
        """Every admin key by name; `admin_api_key` is the one named "admin"."""
        keys = dict(self.admin_keys)
        if self.admin_api_key:
            keys["admin"] = self.admin_api_key
        return keys

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key)

    @property
    def resolved_lexicon_file(self) -> Path:
        return self.lexicon_file or self.knowledge_dir / "lexicon.csv"

    @property
    def resolved_store_url(self) -> str:
        return self.store_url or f"sqlite:///{self.data_dir / 'chainqa.sqlite3'}"

    @property
    def embedding_options(self) -> dict:
        """What KnowledgeIndex.open passes to the embedding factory."""
        return {"cache_dir": self.embedding_cache_dir} if self.embedding == "e5" else {}
