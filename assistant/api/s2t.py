"""The simplified → traditional table the widget converts its displayed copy with: OpenCC's own data
(the dictionaries of the installed opencc-python-reimplemented package, configuration `s2tw`: phrases,
then characters, then Taiwan-standard variants), complete, served once as compact JSON:

- `chars`: one string of (simplified, traditional) code-point pairs, the variants already applied;
- `phrases`: space-separated entries, `key=value`, or `key` alone where the value is the key converted
  character by character (four phrases in five: they are still needed, since a phrase that converts
  like its characters still claims them from an overlapping phrase that would not);
- `longest`: the longest phrase in UTF-16 code units, the widget's search bound.

The widget applies them as the package does (widget/text.js): in each run between separators, the
longest phrase found anywhere (the leftmost of equal ones) is converted first, then the text to its left
and right the same way; what no phrase covers goes character by character."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import opencc

DICTIONARIES = Path(opencc.__file__).resolve().parent / "dictionary"


def _load(name: str) -> dict[str, str]:
    """One OpenCC dictionary file: `key<TAB>value [alternatives]`; OpenCC takes the first value."""
    out = {}
    for line in (DICTIONARIES / name).read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            out[key] = values.split(" ")[0]
    return out


@lru_cache(maxsize=1)
def table() -> dict:
    variants = _load("TWVariants.txt")

    def tw(text: str) -> str:
        return "".join(variants.get(ch, ch) for ch in text)

    chars = {k: tw(v) for k, v in _load("STCharacters.txt").items()}
    chars.update({k: v for k, v in variants.items() if k not in chars})
    chars = {k: v for k, v in chars.items() if k != v}
    entries, longest = [], 0
    for key, value in _load("STPhrases.txt").items():
        value = tw(value)
        plain = value == "".join(chars.get(ch, ch) for ch in key)
        entries.append(key if plain else f"{key}={value}")
        longest = max(longest, len(key.encode("utf-16-le")) // 2)
    return {"chars": "".join(k + v for k, v in chars.items()), "phrases": " ".join(entries), "longest": longest}


@lru_cache(maxsize=1)
def payload() -> tuple[bytes, bytes]:
    """The table as JSON, plain and gzip-compressed (≈620 kB → ≈270 kB; fetched once, when 繁體 is chosen)."""
    body = json.dumps(table(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, gzip.compress(body, compresslevel=9, mtime=0)
