"""The audit trail's CSV: a header, every row, a BOM for spreadsheet programs, and no cell run as a formula."""

from __future__ import annotations

import csv
import io

from assistant.audit import COLUMNS, as_csv


def test_the_csv_has_every_column_and_no_formula_cells():
    row = {"id": 1, "created_at": "2026-12-01T10:00:00+00:00", "where": "question", "category": "违法",
           "term": "=HYPERLINK(\"x\")", "action": "block", "request_id": "r1", "subject": "", "excerpt": "+买**"}
    text = as_csv([row])
    assert text.startswith("\ufeff")
    header, line = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(header) == COLUMNS
    assert line[COLUMNS.index("term")].startswith("'=") and line[COLUMNS.index("excerpt")] == "'+买**"
