"""The libyaml loader reads every YAML file of knowledge/ exactly as yaml.safe_load does."""

from __future__ import annotations

import yaml

from retrieval import yaml_text
from tests.conftest import KNOWLEDGE


def test_the_same_values_as_safe_load():
    files = sorted(KNOWLEDGE.rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml_text.load(text) == yaml.safe_load(text), path.name
