"""One description of every tool's arguments, from its signature: the LLM binds it, HTTP validates query
parameters with it, the CLI parses flags with it."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from assistant.tools import TOOLS


@dataclass(frozen=True)
class ToolSpec:
    name: str
    fn: Callable[..., Any]
    args: type[BaseModel]

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.fn.__doc__ or "")


def args_model(name: str, fn: Callable[..., Any]) -> type[BaseModel]:
    """A pydantic model of a tool's arguments (all but the first, `deps`); unknown arguments are errors."""
    hints = typing.get_type_hints(fn)
    fields: dict[str, Any] = {}
    for param in list(inspect.signature(fn).parameters.values())[1:]:
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints.get(param.name, str), default)
    return create_model(f"{name}_args", __config__=ConfigDict(extra="forbid"), **fields)


def unknown_province(values: dict[str, Any], provinces: list[str]) -> str | None:
    """Why a `province` argument is not acceptable (the configured provinces are data), or None."""
    province = values.get("province")
    if province is None or province in provinces:
        return None
    return f"province must be one of {'、'.join(provinces)}, not {province!r}"


def tool_specs() -> dict[str, ToolSpec]:
    """Each tool with the model of its arguments (built once per app or engine)."""
    return {name: ToolSpec(name, fn, args_model(name, fn)) for name, fn in TOOLS.items()}
