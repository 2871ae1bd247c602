"""Gradio imported without its stub writer: in a fresh interpreter (the process's first import of it)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from assistant.api.gradio_import import import_gradio, skip_stub, _SkipStubFinder
gr = import_gradio()
meta = sys.modules["gradio.component_meta"]
assert meta.create_or_modify_pyi is skip_stub, meta.create_or_modify_pyi
assert not any(isinstance(f, _SkipStubFinder) for f in sys.meta_path)
assert import_gradio() is gr
with gr.Blocks() as demo:
    box = gr.Textbox(label="q")
print(type(box).__name__, box.label, box in demo.blocks.values())
"""


def test_gradio_imports_without_rewriting_its_stubs_and_still_builds_components():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["Textbox", "q", "True"]
