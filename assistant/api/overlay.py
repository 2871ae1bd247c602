"""The operators' overlay (retrieval/overlay.py) in the running service. The shared store holds its versions;
each replica serves a Service built over its index with the newest one, rebuilt off the request thread and
swapped in one assignment (as a reindex does), so a request keeps the service it started with.

A replica learns of a change made elsewhere by polling the newest version number every `overlay_poll_s`
seconds (one indexed query); the replica that made the change rebuilds at once. Rebuilding reuses the
index: only the tables, the gazetteer and the intent ranker are made again (a fraction of a second)."""

from __future__ import annotations

import asyncio
import logging

from starlette.concurrency import run_in_threadpool

from assistant.api.state import AppState
from assistant.config import Settings
from assistant.service import SearchIndex, Service
from assistant.store import Store
from retrieval.overlay import Overlay, problems
from retrieval.registry import Tables

log = logging.getLogger("chainqa.api")


def texts(index: SearchIndex) -> dict[str, str]:
    return {k: d.text for k, d in index.documents.items()}


def usable(tables: Tables, overlay: Overlay, texts: dict[str, str]) -> tuple[Overlay, list[str]]:
    """The items that fit this knowledge base, and what is wrong with the others. An item checked when it
    was saved may stop fitting after a reindex (a document or chain removed): it is skipped, not fatal."""
    wrong: list[str] = []

    def fits(**one) -> bool:
        found = problems(tables, Overlay(**one), texts)
        wrong.extend(found)
        return not found

    kept = Overlay(aliases=[a for a in overlay.aliases if fits(aliases=[a])],
                   examples=[e for e in overlay.examples if fits(examples=[e])],
                   curated=[c for c in overlay.curated if fits(curated=[c])],
                   lexicon=overlay.lexicon, approved=dict(overlay.approved))
    return kept, wrong


def build(settings: Settings, index: SearchIndex, store: Store | None, overlay: Overlay | None) -> Service:
    """A Service over `index` with what of `overlay` still fits it."""
    if overlay is not None:
        overlay, wrong = usable(index.tables, overlay, texts(index))
        for reason in wrong:
            log.warning("overlay item skipped, it no longer fits the knowledge base: %s", reason)
    return Service.build(settings, index=index, store=store, overlay=overlay)


def stored(store: Store) -> tuple[int, Overlay]:
    version, data = store.overlay()
    return version, Overlay.model_validate(data)


def stored_or_none(store: Store | None) -> tuple[int, Overlay | None]:
    """The newest stored overlay; (-1, None) when the store cannot say (the poll tries again later)."""
    if store is None:
        return -1, None
    try:
        return stored(store)
    except Exception as exc:  # the store is down: serve without the overlay rather than not at all
        log.warning("the overlay could not be read (%s); serving without it for now", type(exc).__name__)
        return -1, None


def start(settings: Settings, store: Store | None) -> tuple[Service, int]:
    """The service at start-up, with the stored overlay, and the overlay version it serves."""
    service = Service.build(settings, store=store)
    version, overlay = stored_or_none(store)
    if overlay is not None and not overlay.empty:
        service = build(settings, service.index, store, overlay)
    return service, version


async def refresh(state: AppState) -> bool:
    """Serve the newest stored overlay if this replica does not yet; True when it swapped a new service in."""
    async with state.overlay_lock:  # one rebuild at a time: the poll and an admin change may coincide
        if state.store is None:
            return False
        version, overlay = await run_in_threadpool(stored, state.store)
        base = state.service
        if base is None or version == state.overlay_version:
            return False
        service = await run_in_threadpool(build, state.settings, base.index, state.store, overlay)
        if state.service is not base:  # a reindex swapped meanwhile (it serves version -1): the next poll looks
            return False
        state.serve(service, overlay_version=version, reindexed=False)
    log.info("overlay version %d is serving", version)
    return True


async def poll(state: AppState) -> None:
    """Lifespan task: every `overlay_poll_s` seconds, rebuild when the store's newest version is not the one
    this replica serves (a change made on another replica, or a reindex that reset it)."""
    while True:
        await asyncio.sleep(state.settings.overlay_poll_s)
        if state.service is None or state.store is None:
            continue
        try:
            if await run_in_threadpool(state.store.overlay_version) != state.overlay_version:
                await refresh(state)
        except Exception as exc:  # a store hiccup or a failed rebuild must not end the loop
            log.warning("overlay refresh failed: %s: %s", type(exc).__name__, exc)
