"""Where a provider may be fetched from: an origin (scheme, host, port), read with the standard
library so that the settings and the provider declarations load without the HTTP client.

The client (`adapters.sources.http`) checks each URL it is about to fetch, redirects included,
in the text httpx gives it, against these origins.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from attrs import frozen

DEFAULT_PORTS = {"https": 443, "http": 80}

UrlCheck = Callable[[str], bool]
"""Whether a client may fetch an absolute URL (the URL as httpx writes it)."""


def _ascii(host: str) -> str:
    # httpx writes a host in its ASCII (IDNA) form: compare in that form.
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("not a host name") from None


@frozen
class Origin:
    """Scheme, host and port: what two URLs must share to be the same site."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        """The origin of an absolute URL; ValueError when its port or host cannot be read."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
        return cls(scheme, _ascii(parts.hostname or ""), port)

    def __contains__(self, url: str) -> bool:
        try:
            return Origin.of(url) == self
        except ValueError:
            return False

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        port = "" if self.port == DEFAULT_PORTS.get(self.scheme) else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


# Without the value: an entry may be a URL carrying a password by mistake.
_NOT_AN_ORIGIN = (
    "not a host or an origin (such as raw.githubusercontent.com, http://mirror.lan:8080)"
)


def parse_origin(text: str) -> Origin:
    """`raw.githubusercontent.com` (https) or a whole origin, `http://mirror.lan:8080`: an
    entry of a setting that lists hosts (BESTSHOT_OPENFOOTBALL_HOSTS)."""
    text = text.strip()
    url = text if "://" in text else f"https://{text}"
    try:
        parts, origin = urlsplit(url), Origin.of(url)
    except ValueError:
        raise ValueError(_NOT_AN_ORIGIN) from None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or "@" in parts.netloc  # a user name or password
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(_NOT_AN_ORIGIN)
    return origin
