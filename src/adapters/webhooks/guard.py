"""Where a webhook may point: https only in production, and never at a private, loopback or
link-local address, judged on what the name resolves to (a public name may resolve to
127.0.0.1). In demo, loopback is allowed for a receiver on the same machine."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from attrs import frozen

from bestshot_domain.errors import InvalidInput


@frozen
class UrlPolicy:
    allow_loopback: bool = False  # demo: a receiver on this machine
    require_https: bool = True


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: UrlPolicy) -> bool:
    if address.is_loopback:
        return not policy.allow_loopback
    return (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


async def check_url(url: str, policy: UrlPolicy) -> None:
    """InvalidInput unless `url` may receive webhooks now (its name is resolved here)."""
    parts = urlsplit(url)
    allowed = ("https",) if policy.require_https else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname:
        raise InvalidInput(f"a webhook URL must be {' or '.join(allowed)} with a host")
    if parts.username or parts.password:
        raise InvalidInput("a webhook URL carries no credentials")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # not a number, or out of range
        raise InvalidInput("a webhook URL's port must be a number from 1 to 65535") from None
    host = parts.hostname if len(parts.hostname) <= 100 else parts.hostname[:100] + "..."
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):  # UnicodeError: a label the IDNA codec refuses (too long)
        raise InvalidInput(f"the webhook host {host!r} does not resolve") from None
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if _refused(address, policy):
            raise InvalidInput(f"the webhook host {host!r} resolves to a non-public address")
