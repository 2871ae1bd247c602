"""The portal widget (`/widget.js`), the demo portal page (`/demo/portal.html`), the document viewer's
assets (`/assets/...`), the chains table as CSV, and `/` → `/ui`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from assistant.api.routes_common import get_service, get_settings
from assistant.errors import NotFound

STATIC = Path(__file__).resolve().parent.parent / "static"
API_PLACEHOLDER = '"__CHAINQA_API_BASE__"'
ASSETS = {"viewer.css": "text/css", "viewer.js": "text/javascript"}
CSV_COLUMNS = ("province", "chain", "leader", "leader_post", "lead_department", "liaison", "division",
               "industry", "cluster_type", "source")
router = APIRouter()


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/ui/")


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)


@router.head("/widget.js", include_in_schema=False)
@router.get("/widget.js", tags=["widget"], response_class=Response,
            responses={200: {"content": {"text/javascript": {}}}})
def widget(request: Request) -> Response:
    """The embeddable widget: `<script src=".../widget.js" data-api="..." data-title="..."></script>`."""
    base = get_settings(request).widget_api_base or ""
    script = (STATIC / "widget.js").read_text(encoding="utf-8").replace(API_PLACEHOLDER, json.dumps(base))
    return Response(script, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300"})


@router.api_route("/assets/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def asset(name: str) -> FileResponse:
    """The document viewer's style sheet and script (served from this origin: the page's
    Content-Security-Policy allows scripts from 'self' only)."""
    if name not in ASSETS:
        raise NotFound(f"no asset '{name}'")
    return FileResponse(STATIC / name, media_type=f"{ASSETS[name]}; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})


@router.api_route("/demo/portal.html", methods=["GET", "HEAD"], include_in_schema=False)
def portal() -> FileResponse:
    return FileResponse(STATIC / "portal.html", media_type="text/html; charset=utf-8")


def chains_csv(rows, province: str | None) -> str:
    """The division-of-labour table; a cell inferred from a merged cell of the source table is marked ※."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        if province and row.province != province:
            continue
        cells = []
        for col in CSV_COLUMNS:
            value = getattr(row, col) or ""
            cells.append(f"{value}※" if value and row.inferred(col) else value)
        writer.writerow(cells)
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the Chinese text as UTF-8


@router.get("/api/tables/chains.csv", tags=["tables"], response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def chains_table(province: Literal["湖北", "湖南"] | None = None, service=Depends(get_service)) -> Response:
    """Both provinces' chain division-of-labour tables (or one), as CSV; ※ marks inferred cells."""
    name = f"chains-{province or 'all'}.csv"
    return Response(chains_csv(service.deps.tables.chains, province), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
