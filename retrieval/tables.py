"""Division-of-labour tables read from the documents themselves, as the manifest declares them.

A manifest entry may declare `tables:`: which Markdown table of the document (the first one after a
heading), which column means which field, and the merged-cell rule (a blank cell continues the row
above, per column). Each row becomes a dict of field values with a `cell_status` per field
(stated / inferred_merged_cell) and the verbatim `quote` of the rows it rests on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, Field

from retrieval.errors import KnowledgeFileError

FIELDS = ("chain", "leader", "leader_post", "lead_department", "liaison", "division", "cluster_type",
          "industry")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


class TableSpec(BaseModel):
    """How to read one table of a document (manifest `tables:` entry)."""

    id: str
    kind: str = "chains"  # what the rows are: chains of the province's chain-leader system
    name: str  # the table's own title, as printed
    after_heading: str  # the table is the first one after the heading containing this text
    columns: dict[str, str]  # printed column header (whitespace-insensitive prefix) → field
    merged: list[str] = Field(default_factory=list)  # fields whose blank cell continues the row above
    cite_source_rows_for: list[str] = Field(default_factory=list)  # an inferred cell here cites its source row


@dataclass(frozen=True)
class _Row:
    line: int  # 1-based line number in the document
    raw: str  # the verbatim line
    cells: list[str]


def clean_cell(text: str) -> str:
    """Stray spaces of the flattened table go (郭 涛 → 郭涛, 省委常委、 常务副省长); ASCII words keep theirs."""
    return _CJK_GAP.sub("", text.strip())


def _split(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _locate(text: str, spec: TableSpec, where: str) -> tuple[list[str], list[_Row]]:
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("#") and spec.after_heading in ln),
                 None)
    if start is None:
        raise KnowledgeFileError(f"{where}: table '{spec.id}': no heading containing '{spec.after_heading}'")
    block: list[tuple[int, str]] = []
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("|"):
            block.append((i + 1, lines[i]))
        elif block:
            break
    if len(block) < 3:
        raise KnowledgeFileError(f"{where}: table '{spec.id}': no Markdown table after '{spec.after_heading}'")
    header = [clean_cell(c) for c in _split(block[0][1])]
    rows = [_Row(n, raw, _split(raw)) for n, raw in block[2:]]  # block[1] is the --- separator
    return header, rows


def _column_fields(header: list[str], spec: TableSpec, where: str) -> list[str | None]:
    """The field of each printed column (None: a column the spec does not use)."""
    out: list[str | None] = []
    wanted = {clean_cell(k): v for k, v in spec.columns.items()}
    for name in header:
        out.append(next((f for k, f in wanted.items() if name.startswith(k)), None))
    for key, field in wanted.items():
        if field not in FIELDS:
            raise KnowledgeFileError(f"{where}: table '{spec.id}': column '{key}' maps to unknown field '{field}'")
        if field not in out:
            raise KnowledgeFileError(f"{where}: table '{spec.id}': no column '{key}' in header {header}")
    return out


def read_table(text: str, spec: TableSpec, where: str) -> list[dict]:
    """The rows of one declared table, merged cells filled from the row above and marked inferred."""
    header, rows = _locate(text, spec, where)
    fields = _column_fields(header, spec, where)
    out: list[dict] = []
    last: dict[str, tuple[str, _Row]] = {}  # field → (value, the row that states it)
    for row in rows:
        if len(row.cells) != len(header):
            raise KnowledgeFileError(f"{where}:{row.line}: table '{spec.id}' row has {len(row.cells)} cells, "
                                     f"header has {len(header)}")
        values, status, sources = {}, {}, [row]
        for field, cell in zip(fields, row.cells, strict=True):
            if field is None:
                continue
            value = clean_cell(cell)
            if value:
                values[field] = value
                if field != "chain":  # the key column is always stated
                    status[field] = "stated"
                last[field] = (value, row)
            elif field in spec.merged and field in last:
                values[field], status[field] = last[field][0], "inferred_merged_cell"
                if field in spec.cite_source_rows_for:
                    sources.insert(0, last[field][1])
            elif field in spec.merged:
                raise KnowledgeFileError(f"{where}:{row.line}: table '{spec.id}', column '{field}': "
                                         "a merged cell with no row above")
        if not values.get("chain"):
            raise KnowledgeFileError(f"{where}:{row.line}: table '{spec.id}', column 'chain': empty")
        first = min(r.line for r in sources)
        quote = "\n".join(r.raw for r in rows if first <= r.line <= row.line)
        out.append({**values, "table_name": values["chain"], "cell_status": status, "quote": quote,
                    "line": row.line})
    return out


class ListSpec(BaseModel):
    """A list of `unit: duty` lines under a heading (a division of responsibilities written as a list)."""

    id: str
    kind: str = "unit_duties"
    after_heading: str
    separators: list[str] = Field(default_factory=lambda: [":", "："])


def read_list(text: str, spec: ListSpec, where: str) -> list[dict]:
    """Each non-empty line from the heading to the next heading, split at its first separator."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("#") and spec.after_heading in ln),
                 None)
    if start is None:
        raise KnowledgeFileError(f"{where}: list '{spec.id}': no heading containing '{spec.after_heading}'")
    out = []
    for i in range(start + 1, len(lines)):
        line = lines[i].strip()
        if line.startswith("#"):
            break
        if not line:
            continue
        cut = min((line.find(s) for s in spec.separators if s in line), default=-1)
        if cut <= 0:
            raise KnowledgeFileError(f"{where}:{i + 1}: list '{spec.id}': no '{spec.separators[0]}' in {line[:30]!r}")
        out.append({"unit": line[:cut].strip(), "duty": line[cut + 1 :].strip(), "quote": line, "line": i + 1})
    if not out:
        raise KnowledgeFileError(f"{where}: list '{spec.id}': no lines under '{spec.after_heading}'")
    return out


def readable_rows(text: str, start: int, quote: str) -> str | None:
    """A quoted table row (or rows) as a reader sees it: each cell with its printed column name
    ("链长姓名：曹广晶｜职务：副省长…"). None when the quote is not rows of a Markdown table in `text`."""
    if not quote.lstrip().startswith("|") or start < 0:
        return None
    lines = text[:start].splitlines()
    header_at = next((i for i in range(len(lines) - 1, 0, -1)
                      if lines[i].lstrip().startswith("| ---") and lines[i - 1].lstrip().startswith("|")), None)
    if header_at is None:
        return None
    header = [clean_cell(c) for c in _split(lines[header_at - 1])]
    shown = []
    for row in quote.splitlines():
        cells = [clean_cell(c) for c in _split(row)]
        if len(cells) == len(header):
            shown.append("｜".join(f"{h}：{c}" for h, c in zip(header, cells, strict=True) if c))
    return "\n".join(shown) or None
