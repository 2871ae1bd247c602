"""Who is an admin. The named admin keys (the `admin_keys` setting; `admin_api_key` is the one named "admin")
are compared in constant time; the name of the key that matched is what overlay versions record.

Two ways in: the admin JSON API takes the key in `X-API-Key`; the admin page (a browser cannot add that
header to a navigation) signs in once with the key and gets a cookie `name.expires.signature`, the signature
an HMAC made with that key. No session is stored anywhere, so the cookie works on every replica, and
rotating a key ends its sessions. Every form the page posts carries a CSRF token derived from the cookie."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated

from fastapi import Depends
from fastapi.security import APIKeyHeader

from assistant.api.routes_common import SettingsDep
from assistant.config import Settings
from assistant.errors import NotFound, Unauthorized

COOKIE = "chainqa_admin"
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                           description="one of the admin keys (admin_api_key or admin_keys)")


def _digest(value: str) -> bytes:
    # equal-length digests: compare_digest then takes the same time whatever the given key's length
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def key_name(settings: Settings, given: str | None) -> str | None:
    """The name of the admin key equal to `given`, or None. Every key is compared, matched or not."""
    probe, found = _digest(given or ""), None
    for name, key in settings.named_admin_keys.items():
        if hmac.compare_digest(probe, _digest(key)) and found is None:
            found = name
    return found


def enabled(settings: Settings) -> None:
    if not settings.named_admin_keys:
        raise NotFound("admin routes are disabled (no admin API key is configured)")


def require_admin(settings: SettingsDep, key: Annotated[str | None, Depends(_key_header)] = None) -> str:
    """FastAPI dependency of the admin API: the name of the key in X-API-Key (401 when none matches)."""
    enabled(settings)
    name = key_name(settings, key)
    if name is None:
        raise Unauthorized("a valid X-API-Key header is required")
    return name


AdminDep = Annotated[str, Depends(require_admin)]


def _sign(key: str, *parts: str) -> str:
    return hmac.new(key.encode("utf-8"), "|".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def session_token(settings: Settings, name: str, now: float | None = None) -> str:
    expires = int((now or time.time()) + settings.admin_session_hours * 3600)
    return f"{name}.{expires}.{_sign(settings.named_admin_keys[name], 'session', name, str(expires))}"


def session_name(settings: Settings, token: str | None, now: float | None = None) -> str | None:
    """The key name a sign-in cookie was made for, if it is genuine, unexpired and its key still exists."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    name, expires, signature = parts
    key = settings.named_admin_keys.get(name)
    if key is None or int(expires) < (now or time.time()):
        return None
    return name if hmac.compare_digest(signature, _sign(key, "session", name, expires)) else None


def csrf_token(settings: Settings, token: str) -> str:
    """The token every admin-page form carries: a cross-site page cannot read the cookie, so cannot make it."""
    name = token.split(".", 1)[0]
    return _sign(settings.named_admin_keys[name], "csrf", token)


def csrf_ok(settings: Settings, token: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(settings, token), given or "")
