"""`/admin`: the operators' page. Sign in with an admin key (a signed cookie, assistant/api/admin_auth.py),
see the unanswered and 👎 questions, open one, and fix it with a plain HTML form: the same validated changes
as the admin API (assistant/api/overlay_edits.py), each stored as a version and serving before the page
comes back (post → redirect → get, so a reload does not post again). Every request spends from the admin
rate limit first, as the admin API's do; every form carries the CSRF token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from assistant import audit
from assistant.api import admin_auth as auth
from assistant.api import admin_page as html
from assistant.api import lexicon_edits as lex
from assistant.api import overlay_edits as edits
from assistant.api.admin_safety_page import SafetyData
from assistant.api.errors import describe_validation
from assistant.api.limits import admin_rate_limit
from assistant.api.routes_lexicon import csv_response
from assistant.api.routes_overlay import targets
from assistant.api.state import AppState, app_state
from assistant.errors import ChainQAError, NotFound, UserInputError
from assistant.store import Change

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(admin_rate_limit)])
_NO_STORE = {"Cache-Control": "no-store"}


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_NO_STORE)


def _back(question: str | None = None, done: int | None = None) -> RedirectResponse:
    query = {k: v for k, v in (("q", question), ("done", done)) if v}
    url = "/admin" + (f"?{urlencode(query)}" if query else "") + ("#fix" if question else "")
    return RedirectResponse(url, status_code=303, headers=_NO_STORE)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form (what the page's forms post), one value per field."""
    try:
        fields = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise UserInputError("the form could not be read") from None
    # a textarea posts its line ends as CRLF; the documents (and so a verbatim quote) use LF
    return {k: v[0].replace("\r\n", "\n") for k, v in fields.items()}


def _signed_in(request: Request) -> tuple[AppState, str | None]:
    state = app_state(request.app)
    try:
        auth.enabled(state.settings)
    except NotFound:
        raise NotFound("the admin page is disabled (no admin key is configured)") from None
    return state, auth.session_name(state.settings, request.cookies.get(auth.COOKIE))


def _try_answer(state: AppState, question: str):
    """The engine's answer now (offline, curated answers first as served), without a question-log row."""
    service = edits.serving(state)
    service.validate(question, [])
    return (service.curated.answer(question) if service.curated else None) or service.offline.answer(question, [])


def _data(state: AppState, request: Request, name: str, question: str | None) -> html.PageData:
    store, service = edits.store_of(state), edits.serving(state)
    stored, _ = store.overlay()
    csrf = auth.csrf_token(state.settings, request.cookies[auth.COOKIE])
    view = lex.lexicon_view(service)
    safety = SafetyData(csrf=csrf, enabled=view["enabled"], terms=view["terms"], allow=view["allow"],
                        review=view["review"], hits=store.hits(50))
    return html.PageData(
        key_name=name, csrf=csrf, rows=store.unanswered(300), targets=targets(service),
        versions=store.overlay_versions(50), stored_version=stored, serving_version=state.overlay_version,
        poll_s=state.settings.overlay_poll_s, question=question or None, safety=safety)


def _render(state: AppState, request: Request, name: str, question: str | None, done: str | None = None,
            errors: list[str] | None = None, values: dict[str, str] | None = None) -> html.PageData:
    data = _data(state, request, name, question)
    data.errors, data.values = list(errors or []), dict(values or {})
    if done and done.isdigit():
        data.done = next((v for v in data.versions if v["version"] == int(done)), None)
    if question:
        try:
            data.answer = _try_answer(state, question)
        except UserInputError as exc:
            data.errors.append(str(exc))
    return data


@router.get("", response_class=HTMLResponse)
async def admin_page(request: Request, q: str | None = None, done: str | None = None) -> Response:
    state, name = _signed_in(request)
    if name is None:
        return _html(html.login())
    data = await run_in_threadpool(_render, state, request, name, (q or "").strip()[:500], done)
    return _html(html.page(data))


@router.post("/login")
async def sign_in(request: Request) -> Response:
    state, _ = _signed_in(request)
    name = auth.key_name(state.settings, (await _form(request)).get("key"))
    if name is None:
        return _html(html.login("密钥不正确。"), 401)
    response = _back()
    response.set_cookie(auth.COOKIE, auth.session_token(state.settings, name), path="/admin", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https",
                        max_age=int(state.settings.admin_session_hours * 3600))
    return response


@router.post("/logout")
async def sign_out(request: Request) -> Response:
    await _checked(request)
    response = _back()
    response.delete_cookie(auth.COOKIE, path="/admin")
    return response


async def _checked(request: Request) -> tuple[AppState, str, dict[str, str]]:
    """The signed-in key name and the posted form, its CSRF token checked."""
    state, name = _signed_in(request)
    form = await _form(request)
    if name is None:
        raise _SignIn()
    if not auth.csrf_ok(state.settings, request.cookies.get(auth.COOKIE, ""), form.get("csrf")):
        raise _Expired()
    return state, name, form


class _SignIn(Exception):
    """Not signed in (the cookie expired): back to the sign-in form."""


class _Expired(Exception):
    """The form's CSRF token does not match this session."""


async def _posted(request: Request, act: Callable[[AppState, str, dict[str, str]], Awaitable[dict]]) -> Response:
    """Run a form's change for the signed-in key; back to the question on success, the page with the
    reasons (422) when the change is refused."""
    try:
        state, name, form = await _checked(request)
    except _SignIn:
        return _back()
    except _Expired:
        return _html(html.login("页面已过期，请重新登录后再试。"), 403)
    question = form.get("q", "").strip() or None
    try:
        row = await act(state, name, form)
    except ValidationError as exc:
        errors = [describe_validation(exc.errors())]
    except ChainQAError as exc:
        if not exc.public:
            raise
        errors = [str(exc)]
    else:
        return _back(question, row["version"])
    values = {**form, **({"question_c": form["question"]} if "question" in form else {})}
    data = await run_in_threadpool(_render, state, request, name, question, None, errors, values)
    return _html(html.page(data), 422)


def _change(model: type[BaseModel], build, fields: tuple[str, ...]):
    """A form's fields → the admin API's body model → the validated change, stored and served."""
    async def act(state: AppState, name: str, form: dict[str, str]) -> dict:
        body = model.model_validate({k: form.get(k, "") for k in fields} | _extra(model, form))
        return await edits.commit(state, name, build(edits.serving(state), body))

    return act


def _extra(model: type[BaseModel], form: dict[str, str]) -> dict[str, Any]:
    """The alias form's one select says kind, province and target at once: `kind|province|target`; the
    enable/disable button posts `enabled` as text."""
    if model is lex.ToggleIn:
        return {"enabled": form.get("enabled") == "true"}
    if model is not edits.AliasIn:
        return {}
    kind, province, target = (form.get("target", "").split("|", 2) + ["", "", ""])[:3]
    return {"kind": kind, "province": province or None, "target": target}


@router.post("/fix/alias")
async def fix_alias(request: Request) -> Response:
    return await _posted(request, _change(edits.AliasIn, edits.alias_change, ("alias",)))


@router.post("/fix/example")
async def fix_example(request: Request) -> Response:
    return await _posted(request, _change(edits.ExampleIn, edits.example_change, ("intent", "question")))


@router.post("/fix/curated")
async def fix_curated(request: Request) -> Response:
    return await _posted(request, _change(edits.CuratedIn, edits.curated_change,
                                          ("question", "answer", "doc_id", "quote")))


@router.post("/rollback")
async def undo(request: Request) -> Response:
    return await _posted(request, lambda state, name, _form: edits.rollback(state, name))


_LEXICON_FORMS: dict[str, tuple[type[BaseModel], Callable[..., Change], tuple[str, ...]]] = {
    "add": (lex.TermIn, lex.add_change, ("term", "category", "action")),
    "import": (lex.ImportIn, lex.import_change, ("text",)),
    "remove": (lex.TermRef, lex.remove_change, ("term",)),
    "toggle": (lex.ToggleIn, lex.toggle_change, ("term",)),
    "approve": (lex.ApproveIn, lex.approve_change, ("doc_id",))}


@router.post("/lexicon/{form}")
async def lexicon_form(request: Request, form: str) -> Response:
    """The content-safety section's forms: the same checked changes as the admin API (routes_lexicon.py)."""
    if form not in _LEXICON_FORMS:
        raise NotFound(f"no form '{form}'")
    return await _posted(request, _change(*_LEXICON_FORMS[form]))


@router.get("/audit.csv")
async def audit_csv(request: Request) -> Response:
    """The audit trail as CSV, for the signed-in operator (the cookie, not the API key)."""
    state, name = _signed_in(request)
    if name is None:
        return _back()
    rows = await run_in_threadpool(edits.store_of(state).hits, 100000)
    return csv_response(audit.as_csv(rows))
