"""Importing Gradio without its stub writer. On every import Gradio re-derives the `.pyi` type stub of
each component class it defines (reads its own source, parses it with `ast`, rewrites the file in
site-packages when it differs): about 1 s of the 2 s its import takes here, for files only a type
checker reads and that ship with the package. `import_gradio` imports it with that step skipped."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

STUB_MODULE = "gradio.component_meta"


def skip_stub(*_args, **_kwargs) -> None:
    """What `gradio.component_meta.create_or_modify_pyi` is replaced by: nothing to write."""


class _SkipStubLoader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        module.create_or_modify_pyi = skip_stub  # type: ignore[attr-defined]  # before any component is defined


class _SkipStubFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None):
        if name != STUB_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _SkipStubLoader(spec.loader)
        return spec


def import_gradio() -> ModuleType:
    """`import gradio`, its component stubs not rewritten (when this is the process's first import of it)."""
    if "gradio" in sys.modules:
        return sys.modules["gradio"]
    finder = _SkipStubFinder()
    sys.meta_path.insert(0, finder)
    try:
        import gradio
    finally:
        sys.meta_path.remove(finder)
    return gradio
