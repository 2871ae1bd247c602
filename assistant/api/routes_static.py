"""The portal widget (`/widget.js`, its 简→繁 table `/widget/s2t.json`), the demo portal page
(`/demo/portal.html`), the viewer's and the UI's own assets (`/assets/...`), the chains table as CSV,
and `/` → `/ui`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from assistant.api import s2t
from assistant.api.routes_common import get_service
from assistant.api.state import app_state
from assistant.config import Settings
from assistant.errors import NotFound, UnknownProvince
from assistant.prompts import Prompts
from retrieval.registry import configured_provinces

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET_PARTS = ("boot.js", "text.js", "render.js", "panel.js")  # in this order, see widget/boot.js
ASSETS = {"viewer.css": "text/css", "viewer.js": "text/javascript", "ui.js": "text/javascript",
          "admin.css": "text/css", "admin.js": "text/javascript"}
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
    settings = app_state(request.app).settings
    return Response(widget_script(settings.widget_api_base or "", settings.max_question_chars, widget_text(settings)),
                    media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "public, max-age=300"})


def widget_text(settings: Settings) -> dict[str, object]:
    """The widget's texts that depend on the knowledge base (its provinces, its starter questions) and the
    deployment's wording of the AI label."""
    prompts = Prompts(settings.prompts_dir)
    names = "、".join(configured_provinces(settings.knowledge_dir))
    starters = [q for q in prompts.text("ui/zh/widget_starters").splitlines() if q.strip()]  # a short panel: three
    return {"STARTERS": starters, "GREETING": prompts.render("ui/zh/greeting", provinces=names),
            "NOTE": prompts.render("ui/zh/note", provinces=names),
            "GENERATED": prompts.text(settings.generated_label_template)}  # the AI label on every answer


def widget_script(api_base: str, max_chars: int, text: dict[str, object]) -> str:
    """The parts of static/widget/ in one function scope, after the settings and texts they read."""
    folder = STATIC / "widget"
    parts = "\n".join((folder / name).read_text(encoding="utf-8") for name in WIDGET_PARTS)
    css = (folder / "widget.css").read_text(encoding="utf-8")
    texts = "".join(f"var {name} = {json.dumps(value, ensure_ascii=False)};\n" for name, value in text.items())
    return (f"(function () {{\n\"use strict\";\nvar CSS = {json.dumps(css)};\n"
            f"var DEFAULT_API = {json.dumps(api_base)}; // the widget_api_base setting; empty: this origin\n"
            f"var MAX_CHARS = {int(max_chars)}; // the max_question_chars setting\n{texts}{parts}\n}})();\n")


@router.get("/widget/s2t.json", tags=["widget"], response_class=Response,
            responses={200: {"content": {"application/json": {}}}})
def traditional_table(request: Request) -> Response:
    """OpenCC's simplified → traditional data (s2tw) in the compact form widget.js reads (assistant/api/s2t.py)."""
    plain, packed = s2t.payload()
    headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="application/json", headers=headers)
    return Response(plain, media_type="application/json", headers=headers)


@router.api_route("/assets/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def asset(name: str) -> FileResponse:
    """The document viewer's, the chat UI's and the admin page's own style sheets and scripts (served from this origin:
    the pages' Content-Security-Policy allows scripts from 'self' only)."""
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
def chains_table(province: str | None = None, service=Depends(get_service)) -> Response:
    """Every configured province's chain division-of-labour table (or one), as CSV; ※ marks inferred cells."""
    if province is not None and province not in service.deps.tables.province_names:
        raise UnknownProvince(f"province must be one of {'、'.join(service.deps.tables.province_names)}")
    name = f"chains-{province or 'all'}.csv"
    return Response(chains_csv(service.deps.tables.chains, province), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
