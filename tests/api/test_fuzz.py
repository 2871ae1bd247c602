"""Schemathesis over /openapi.json against a real server: positive and negative cases, a bounded number
per route. No request may produce a 5xx, and every 4xx/5xx of an API route has the JSON error shape
without a traceback or a server path. Admin routes are fuzzed with the key, on a private copy of
knowledge/ (uploads write there) and a private data dir. Counts go to test-artifacts/fuzz-summary.json."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from tests.api.live import ADMIN_KEY, ROOT, LiveServer, make_settings
from tests.api.test_bad_input import LEAKS

pytestmark = pytest.mark.slow
EXAMPLES = 25  # per route and mode
REBUILDING = re.compile(r"^/api/admin/(reindex|documents)$")  # each example may rebuild the index
REBUILDING_EXAMPLES = 4
COMMON = settings(deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
TALLY: Counter = Counter({"5xx": 0})


@pytest.fixture(scope="module")
def fuzz_url(tmp_path_factory):
    from assistant.api.app import create_app

    tmp = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(ROOT / "knowledge", tmp / "knowledge")
    app = create_app(make_settings(tmp / "data", knowledge_dir=tmp / "knowledge",
                                   store_url=f"sqlite:///{tmp / 'store.sqlite3'}"))
    with LiveServer(app) as url:
        yield url
    summary = ROOT / "test-artifacts" / "fuzz-summary.json"
    summary.parent.mkdir(exist_ok=True)
    summary.write_text(json.dumps(dict(sorted(TALLY.items())), ensure_ascii=False, indent=1), encoding="utf-8")


def check(case, url: str) -> None:
    response = case.call(base_url=url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    status = response.status_code
    TALLY["requests"] += 1
    TALLY[f"{status // 100}xx"] += 1
    TALLY[f"{case.operation.label} {status}"] += 1
    assert status < 500, f"{status}: {response.text[:300]}\n{case.as_curl_command()}"
    assert not any(leak in response.text for leak in LEAKS), response.text[:300]
    if status >= 400 and case.path.startswith(("/api/", "/v1/")):
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body


def fuzz(operation, mode: GenerationMode, url: str, examples: int) -> str | None:
    """Run one operation's cases; the first failure (unshrunk, to stay bounded) as text, else None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(COMMON, max_examples=examples)
    def run(case) -> None:
        check(case, url)

    try:
        run()
    except Unsatisfiable:  # a route without parameters or body has no invalid form
        assert mode is GenerationMode.NEGATIVE, operation.label
        TALLY[f"operations {mode} without invalid inputs"] += 1
    except AssertionError as exc:
        return f"{operation.label} [{mode}]: {exc}"
    return None


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_no_route_fails_with_a_5xx(fuzz_url, mode):
    schema = schemathesis.openapi.from_url(f"{fuzz_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12  # every route of the API is in the document
    failures = []  # the work is bounded by the example counts; how long it takes is not asserted
    for operation in operations:
        examples = REBUILDING_EXAMPLES if REBUILDING.match(operation.path) else EXAMPLES
        failure = fuzz(operation, mode, fuzz_url, examples)
        if failure:
            failures.append(failure)
        TALLY[f"operations {mode}"] += 1
    assert not failures, "\n\n".join(failures)


WORDS = ("湖北", "湖南", "芯片", "汽车", "工程机械", "五图作业", "融资", "曹广晶", "", " ", "<script>", "%00", "广东")


def fuzz_tool(client, name: str, queries) -> None:
    @given(query=queries)
    @settings(COMMON, max_examples=EXAMPLES)
    def run(query) -> None:
        r = client.get(f"/api/tools/{name}", params=query)
        TALLY["requests"] += 1
        TALLY[f"{r.status_code // 100}xx"] += 1
        TALLY[f"GET /api/tools/{name} {r.status_code}"] += 1
        assert r.status_code < 500, (name, query, r.text[:300])
        assert not any(leak in r.text for leak in LEAKS)
        if r.status_code >= 400:
            assert set(r.json()) == {"error"}

    run()


@pytest.mark.parametrize("mode", ["known words", "any text"])
def test_tool_arguments(fuzz_url, mode):
    """The tools' query parameters are not in the OpenAPI document (each tool has its own, listed by
    /api/tools): fuzz them from that list, with real names and with arbitrary text."""
    import httpx
    from hypothesis import strategies as st

    values = st.sampled_from(WORDS) if mode == "known words" else st.text(max_size=40) | st.integers()
    with httpx.Client(base_url=fuzz_url, timeout=30) as client:
        tools = client.get("/api/tools").json()
        assert len(tools) >= 5
        for tool in tools:
            names = [*tool["parameters"].get("properties", {}), "unknown_arg"]
            fuzz_tool(client, tool["name"], st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
