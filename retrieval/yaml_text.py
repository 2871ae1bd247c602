"""YAML of knowledge/, parsed by libyaml when PyYAML has it: the same safe loader's values, about ten
times faster (the manifest and provinces of a large corpus were a third of adding one document)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (C or Python)
