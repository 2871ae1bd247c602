"""Who the client is: the TCP peer, or the address a trusted reverse proxy puts in X-Forwarded-For.

The server runs with uvicorn's own proxy-header handling off (assistant/api/server.py), so the peer in
the ASGI scope is the real one; only a peer listed in `trusted_proxies` may name another client."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SCOPE_KEY = "chainqa.client"  # the resolved address, computed once per request by the Guard


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """The reverse proxies whose X-Forwarded-For is believed (none by default)."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.networks: list[Network] = [ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip()]

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in net for net in self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The right-most address of X-Forwarded-For that is not one of our proxies, when the peer is
        one; else the peer. A malformed entry stops the walk (it cannot be trusted)."""
        if not forwarded_for or not self.trusts(peer):
            return peer
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            if _address(hop) is None:
                return peer
            if not self.trusts(hop):
                return hop
        return peer


def peer_of(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def resolve(scope: Scope, trusted: TrustedProxies) -> str:
    """The client address of this request (cached in the scope)."""
    if SCOPE_KEY not in scope:
        forwarded = None
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for":  # several headers: joined in order, as proxies append
                text = value.decode("latin-1")
                forwarded = f"{forwarded}, {text}" if forwarded else text
        scope[SCOPE_KEY] = trusted.client(peer_of(scope), forwarded)
    return scope[SCOPE_KEY]
