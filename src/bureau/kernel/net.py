"""The client's address behind trusted reverse proxies.

`REMOTE_ADDR` is the proxy's address when the platform runs behind nginx: keyed on it, one person would block every
citizen. X-Forwarded-For is believed only as far as it was written by proxies listed in `TRUSTED_PROXIES` (CIDRs):
the list is read from the right, skipping trusted hops, and the first untrusted address is the client. A client
cannot forge its address by sending its own X-Forwarded-For, because the trusted proxy appends the real peer.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _clean(address: str) -> str:
    """An address as written in a header: strip spaces, the IPv6 brackets and a port."""
    address = address.strip()
    if address.startswith("["):
        return address[1:].split("]", 1)[0]
    if address.count(":") == 1:  # IPv4 with a port
        return address.split(":", 1)[0]
    return address


def client_ip(request: HttpRequest) -> str:
    """The address of the client that made this request (cached on the request)."""
    cached = getattr(request, "_bureau_client_ip", None)
    if cached is not None:
        return cached
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    address = remote
    if networks and _trusted(remote, networks):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [_clean(h) for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            address = hop
            if not _trusted(hop, networks):
                break
    try:
        address = str(ipaddress.ip_address(address))
    except ValueError:
        address = "unknown"
    request._bureau_client_ip = address  # type: ignore[attr-defined]
    return address


def is_local(request: HttpRequest) -> bool:
    """The request came from this machine and not through a proxy (for operator endpoints such as /metrics)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        return ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False
