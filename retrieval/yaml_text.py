"""YAML of knowledge/, parsed by libyaml when PyYAML has it: the same safe loader's values, about ten
times faster (the manifest and provinces of a large corpus were a third of adding one document). A file
that is only block lists under top-level keys is split into its items (`block_items`), each parsed on its
own, so that the items a build parsed before are taken as they were (`YamlItems`)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPECIAL = re.compile(r"(?:^|[\s\[{,:-])[&*!][^\s]", re.MULTILINE)  # anchors, aliases, tags
_KEY = re.compile(r"([A-Za-z_][\w-]*):\s*(?:#.*)?")


def load(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (C or Python)


def block_items(text: str) -> dict[str, list[str]] | None:
    """The items of each top-level key's block list, each as a YAML text of its own (dedented), when the
    file is only such keys (comments aside) and holds no anchor, alias or tag: parsing each item on its
    own then gives what parsing the whole gives. None otherwise (the whole file is parsed)."""
    if any(c in text for c in "&*!") and _SPECIAL.search(text):  # the scan is slow; most files have none
        return None
    out: dict[str, list[list[str]]] = {}
    items: list[list[str]] | None = None
    indent, deeper = 0, ""  # the items' indent, and the start of a line inside an item
    for line in text.splitlines():
        if items and (line.startswith(deeper) or not line.lstrip(" ")):
            items[-1].append(line[indent:])  # inside an item (a blank or '#' line of a block scalar too)
            continue
        stripped = line.lstrip(" ")
        depth = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if depth == 0 and (key := _KEY.fullmatch(line)) and key.group(1) not in out:
            items = out.setdefault(key.group(1), [])
        elif items is not None and stripped.startswith("- ") and (not items or depth == indent):
            indent, deeper = depth, " " * (depth + 1)
            items.append([line[depth:]])
        else:
            return None  # a key with a value, a flow list, another shape
    return {k: ["\n".join(lines) + "\n" for lines in v] for k, v in out.items()} or None


def _json_safe(value: Any) -> bool:
    try:
        return json.loads(json.dumps(value, ensure_ascii=False)) == value
    except (TypeError, ValueError):  # a date, a set: not kept
        return False


class YamlItems:
    """Parsed items of block-list YAML files by the hash of their text: those a snapshot kept (`FILE`),
    and those parsed since (`parsed` counts them). Values are shared: not to be changed."""

    FILE = "yaml_items.json"

    def __init__(self, known: dict[str, Any] | None = None) -> None:
        self.known = dict(known or {})
        self.parsed = 0
        self._used: set[str] = set()

    def load(self, text: str) -> Any:
        """What `load(text)` gives, from the items known where the file splits into items."""
        items = block_items(text)
        try:
            if items is not None:
                return {key: [self._item(t) for t in texts] or None for key, texts in items.items()}
        except yaml.YAMLError:  # an item that is no YAML on its own: the whole file says what is wrong
            pass
        return load(text)

    def _item(self, text: str) -> Any:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        if key not in self.known:
            parsed = load(text)
            if not isinstance(parsed, list) or len(parsed) != 1:
                raise yaml.YAMLError("a list item is not one item on its own")
            self.parsed += 1
            if not _json_safe(parsed[0]):
                return parsed[0]
            self.known[key] = parsed[0]
        self._used.add(key)
        return self.known[key]

    def save(self, directory: Path) -> None:
        """Keep the items asked for (those of items gone are dropped)."""
        kept = {k: v for k, v in self.known.items() if k in self._used}
        (directory / self.FILE).write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, directory: Path | None) -> YamlItems:
        try:
            data = json.loads((directory / cls.FILE).read_text(encoding="utf-8")) if directory is not None else {}
        except (OSError, ValueError):
            return cls()
        return cls(data) if isinstance(data, dict) else cls()
