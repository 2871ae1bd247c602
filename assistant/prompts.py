"""The one loader of prompt and answer templates (files under prompts/)."""

from __future__ import annotations

from pathlib import Path
from string import Template


class Prompts:
    """Reads templates once and fills `$placeholders`; a missing template is a programming error."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._cache: dict[str, Template] = {}

    def text(self, name: str) -> str:
        return self._template(name).template

    def render(self, name: str, **values: object) -> str:
        return self._template(name).safe_substitute({k: "" if v is None else v for k, v in values.items()})

    def _template(self, name: str) -> Template:
        if name not in self._cache:
            self._cache[name] = Template((self._dir / f"{name}.md").read_text(encoding="utf-8"))
        return self._cache[name]
