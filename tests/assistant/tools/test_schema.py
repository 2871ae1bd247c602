"""One schema per tool, read from its signature and docstring."""

from __future__ import annotations

from assistant import tools as T
from assistant.tools.schema import tool_specs


def test_one_schema_per_tool_from_its_signature():
    specs = tool_specs()
    assert set(specs) == set(T.TOOLS)
    schema = specs["chain_leader"].args.model_json_schema()
    assert schema["required"] == ["chain"] and "province" in schema["properties"]
    assert specs["chain_leader"].description.startswith("Who heads a chain")
