"""A schedule's target (the round and standings URLs it calls) and the one check of it.

Whoever can write a schedule (an EventBridge group, a row of the local table, a Lambda event)
must not be able to send the internal token anywhere but the API's own two data-provider routes
of one tournament: `check_target` is the rule, for every caller of those routes.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from bestshot_routes.paths import (
    parse_round_path,
    parse_standings_path,
    round_path,
    standings_path,
)
from bestshot_routes.redaction import redact_url

MAX_URL = 2048
SCHEMES = {"http": 80, "https": 443}
_UNSAFE = re.compile(r"[\s\\\x00-\x1f\x7f]")  # whitespace, backslashes, control characters


class RefusedTarget(ValueError):
    """A target that is not exactly the round and standings routes of one tournament on the
    expected API: the token is not sent."""


# Named tuples, immutable like frozen dataclasses: the Lambda imports this module, and
# `dataclasses` (with `inspect`) would be a good part of its cold import.


class Origin(NamedTuple):
    """Where an API lives: scheme, host, port and the path it is mounted under ("" usually)."""

    scheme: str
    host: str
    port: int
    prefix: str = ""

    @classmethod
    def parse(cls, base_url: str) -> Origin:
        """`http(s)://host[:port][/prefix]` as an Origin; ValueError naming what is wrong."""
        if len(base_url) > MAX_URL or _UNSAFE.search(base_url) or "?" in base_url:
            raise ValueError(f"an API base URL is a plain http(s) URL, got {base_url!r}")
        if "#" in base_url:
            raise ValueError(f"an API base URL has no fragment, got {base_url!r}")
        try:
            parts = urlsplit(base_url)
            port = parts.port
        except ValueError as error:
            raise ValueError(f"not an API base URL ({error}): {base_url!r}") from None
        if parts.scheme not in SCHEMES or not parts.hostname or "@" in parts.netloc:
            raise ValueError(f"an API base URL is http(s)://host[:port][/path], got {base_url!r}")
        prefix = parts.path.rstrip("/")
        if any(segment in {".", ".."} for segment in prefix.split("/")):
            raise ValueError(f"an API base URL's path has no . or .. segment: {base_url!r}")
        return cls(parts.scheme, parts.hostname.lower(), port or SCHEMES[parts.scheme], prefix)

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.prefix}"

    def target(self, tournament_id: str, round_slug: str, target_env: str) -> Target:
        """The target that updates `round_slug` of `tournament_id` on this API."""
        return Target(
            round_url=self.base_url + round_path(tournament_id, round_slug),
            standings_url=self.base_url + standings_path(tournament_id),
            target_env=target_env,
        )


class Target(NamedTuple):
    """What a schedule asks the caller to do when it fires."""

    round_url: str
    standings_url: str
    target_env: str  # "demo" or "production"

    def to_json(self) -> dict[str, str]:
        """The target input, with the key names the Lambda and the original system use."""
        return {
            "roundUrl": self.round_url,
            "standingsUrl": self.standings_url,
            "targetEnv": self.target_env,
        }


class Aimed(NamedTuple):
    """A target that passed `check_target`: what it names, and the URLs to call, rebuilt from
    the origin and the parsed route (what is sent is exactly what was checked)."""

    tournament_id: str
    round_slug: str
    round_url: str
    standings_url: str


def check_target(target: Target, origin: Origin) -> Aimed:
    """`target` aimed at `origin`, or RefusedTarget saying why.

    Both URLs: plain http(s), no user-info, query or fragment, no unsafe character, at most
    MAX_URL long, on the origin's scheme, host, port and path prefix; exactly the round route and
    the standings route; naming the same tournament.
    """
    round_ = parse_round_path(_path(target.round_url, "roundUrl", origin))
    if round_ is None:
        raise RefusedTarget("roundUrl is not a data-provider round URL")
    tournament = parse_standings_path(_path(target.standings_url, "standingsUrl", origin))
    if tournament is None:
        raise RefusedTarget("standingsUrl is not a data-provider standings URL")
    if tournament != round_[0]:
        raise RefusedTarget(
            f"roundUrl and standingsUrl name different tournaments: "
            f"{round_[0]!r} and {tournament!r}"
        )
    checked = origin.target(*round_, target.target_env)
    return Aimed(round_[0], round_[1], checked.round_url, checked.standings_url)


def _path(url: object, name: str, origin: Origin) -> str:
    """The path of `url` below the origin's prefix, or RefusedTarget."""
    if not isinstance(url, str) or not url:
        raise RefusedTarget(f"{name} must be a non-empty string")
    if len(url) > MAX_URL or _UNSAFE.search(url):
        raise RefusedTarget(f"{name} is not a plain URL")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # e.g. an unbalanced IPv6 bracket, a port out of range
        raise RefusedTarget(f"{name} is not a URL: {error}") from None
    if "@" in parts.netloc:
        # `https://api.example.com@evil.com/` has the host evil.com; and nothing of ours ever
        # needs a user name or password in a URL.
        raise RefusedTarget(f"{name} must carry no user-info (user@host): {redact_url(url)}")
    if "?" in url or "#" in url:
        raise RefusedTarget(f"{name} must have no query or fragment")
    scheme, host = parts.scheme, (parts.hostname or "").lower()
    if scheme not in SCHEMES or (scheme, host, port or SCHEMES[scheme]) != (
        origin.scheme,
        origin.host,
        origin.port,
    ):
        raise RefusedTarget(f"{name} is not on the API at {origin.base_url}: {redact_url(url)}")
    path = parts.path
    if origin.prefix:
        if not path.startswith(f"{origin.prefix}/"):
            raise RefusedTarget(f"{name} is not under {origin.prefix}/")
        path = path[len(origin.prefix) :]
    return path
