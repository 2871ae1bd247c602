"""The one loader of prompt and answer templates (files under prompts/). Templates use `$name`
placeholders and are filled strictly: a missing value raises instead of reaching a user as `$name`."""

from __future__ import annotations

from pathlib import Path
from string import Template

from assistant.errors import TemplateError


class Prompts:
    """Reads each template once; a missing template or value is a programming error (TemplateError)."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._cache: dict[str, Template] = {}

    def text(self, name: str) -> str:
        return self._template(name).template.strip("\n")

    def render(self, template: str, **values: object) -> str:
        try:
            filled = self._template(template).substitute({k: "" if v is None else v for k, v in values.items()})
        except KeyError as exc:
            raise TemplateError(f"template {template!r} needs a value for ${exc.args[0]}") from exc
        except ValueError as exc:
            raise TemplateError(f"template {template!r} is malformed: {exc}") from exc
        return filled.strip("\n")

    def names(self) -> list[str]:
        """Every template name (for the test that renders them all)."""
        return sorted(p.relative_to(self._dir).with_suffix("").as_posix() for p in self._dir.rglob("*.md"))

    def placeholders(self, name: str) -> set[str]:
        return {m.group("named") or m.group("braced") for m in Template.pattern.finditer(self._template(name).template)
                if m.group("named") or m.group("braced")}

    def _template(self, name: str) -> Template:
        if name not in self._cache:
            path = self._dir / f"{name}.md"
            try:
                self._cache[name] = Template(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise TemplateError(f"no template {name!r} ({path})") from exc
        return self._cache[name]
