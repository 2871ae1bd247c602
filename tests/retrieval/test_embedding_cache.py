"""The on-disk embedding cache: keys, corrupt entries, an unwritable directory, concurrent writers; the LRU."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedding_cache import EmbeddingCache, LruCache

DIM = 8


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def test_round_trip_and_keys(tmp_path):
    cache = EmbeddingCache(tmp_path, "model-a", DIM)
    assert cache.get("汽车产业链") is None
    cache.put("汽车产业链", _unit(1))
    assert np.array_equal(cache.get("汽车产业链"), _unit(1))
    assert cache.get("汽车产业链 ") is None  # the exact text is the key
    assert EmbeddingCache(tmp_path, "model-b", DIM).get("汽车产业链") is None  # and the model identity
    assert EmbeddingCache(tmp_path, "model-a", DIM).get("汽车产业链") is not None  # shared between instances
    hit = cache.get("汽车产业链")
    with pytest.raises(ValueError):
        hit[0] = 0.0  # served read-only: a caller cannot change what the next one gets
    assert (cache.hits, cache.misses) == (2, 2)


def _damage(path: Path, kind: str) -> None:
    good = path.read_bytes()
    bad = {"garbage": b"not a vector at all", "truncated": good[: len(good) - 7], "empty": b""}
    if kind in bad:
        path.write_bytes(bad[kind])
        return
    vectors = {"shape": np.ones(DIM + 1, np.float32) / np.sqrt(DIM + 1), "dtype": _unit(1).astype(np.float64),
               "nan": np.full(DIM, np.nan, np.float32), "not_unit": np.ones(DIM, np.float32)}
    with path.open("wb") as fh:
        np.save(fh, vectors[kind])


@pytest.mark.parametrize("kind", ["garbage", "truncated", "empty", "shape", "dtype", "nan", "not_unit"])
def test_a_corrupt_entry_is_a_miss_and_is_replaced(tmp_path, kind):
    cache = EmbeddingCache(tmp_path, "model", DIM)
    cache.put("text", _unit(3))
    _damage(cache.path("text"), kind)
    assert cache.get("text") is None
    cache.put("text", _unit(3))  # what the caller does on a miss: recompute and store
    assert np.array_equal(cache.get("text"), _unit(3))


def test_an_unwritable_cache_only_costs_speed(tmp_path, caplog):
    (tmp_path / "file").write_text("a file where the cache directory should be")
    cache = EmbeddingCache(tmp_path / "file", "model", DIM)
    cache.put("a", _unit(1))
    cache.put("b", _unit(2))
    assert cache.get("a") is None and cache.write_errors == 2
    assert caplog.text.count("not writable") == 1


def test_put_refuses_what_it_could_not_serve(tmp_path):
    cache = EmbeddingCache(tmp_path, "model", DIM)
    with pytest.raises(ValueError):
        cache.put("x", np.ones(DIM + 1, np.float32))
    with pytest.raises(ValueError):
        cache.put("x", np.full(DIM, np.inf, np.float32))


def _writer(root: str, rounds: int) -> int:
    cache = EmbeddingCache(root, "model", DIM)
    for _ in range(rounds):
        for i in range(20):
            cache.put(f"chunk {i}", _unit(i))
    return cache.write_errors


def test_concurrent_writers_and_readers(tmp_path):
    """Four processes write the same 20 keys over and over while this one reads: every read is a miss
    or the right vector, never a partial file, and no temporary file is left behind."""
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pending = pool.starmap_async(_writer, [(str(tmp_path), 100)] * 4)
        reader = EmbeddingCache(tmp_path, "model", DIM)
        while not pending.ready():
            for i in range(20):
                got = reader.get(f"chunk {i}")
                assert got is None or np.array_equal(got, _unit(i))
        assert pending.get(timeout=120) == [0, 0, 0, 0]
    assert all(np.array_equal(reader.get(f"chunk {i}"), _unit(i)) for i in range(20))
    assert not list(tmp_path.rglob("*.tmp"))


def test_lru_is_bounded_and_forgets_the_least_recent():
    lru = LruCache(maxsize=2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # a is now the most recent
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c"), len(lru)) == (1, None, 3, 2)
    off = LruCache(maxsize=0)
    off.put("a", 1)
    assert off.get("a") is None
