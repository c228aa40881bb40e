"""The result providers' settings, read from the environment (only entrypoints read it).

| variable                            | default                                   |
|-------------------------------------|-------------------------------------------|
| FOOTBALL_DATA_TOKEN                 | none (football-data.org then answers 403) |
| BESTSHOT_ESPN_URL                   | https://site.api.espn.com                 |
| BESTSHOT_FOOTBALL_DATA_URL          | https://api.football-data.org             |
| BESTSHOT_SOFASCORE_URL              | https://www.sofascore.com/api/v1          |
| BESTSHOT_FBREF_URL                  | https://fbref.com                         |
| BESTSHOT_HTTP_CONNECT_TIMEOUT       | 5 (seconds)                               |
| BESTSHOT_HTTP_READ_TIMEOUT          | 20 (seconds)                              |
| BESTSHOT_HTTP_ATTEMPTS              | 4 (the first try included)                |
| BESTSHOT_{PROVIDER}_RATE_LIMIT      | REQUESTS/SECONDS, per provider (below)    |
| SCHEDULE_MATCH_WINDOW_MINUTES       | 150 (when a demo match's result exists)   |

`{PROVIDER}` is the provider's name in capitals (`BESTSHOT_FOOTBALL_DATA_RATE_LIMIT`). Default
rate limits: espn 30/60, football_data 10/60 (the free plan's), sofascore 20/60, fbref 10/60
(what FBref allows robots), openfootball 30/60.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

import attrs

from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.http import HttpPolicy, RateLimit
from bestshot_domain.errors import InvalidInput

_PROVIDERS = ("espn", "football_data", "sofascore", "fbref", "openfootball")


def _number(environ: Mapping[str, str], name: str, default: float, *, whole: bool = False) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a {'whole ' if whole else ''}number, got {text!r}"
        ) from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive, got {text!r}")
    return value


def _rate_limit(environ: Mapping[str, str], name: str, default: RateLimit) -> RateLimit:
    text = environ.get(name, "").strip()
    if not text:
        return default
    found = re.fullmatch(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)", text)
    if found is None or int(found[1]) < 1 or float(found[2]) <= 0:
        raise InvalidInput(f"{name} must be REQUESTS/SECONDS such as 10/60, got {text!r}")
    return RateLimit(int(found[1]), float(found[2]))


def _url(environ: Mapping[str, str], name: str, default: str) -> str:
    text = environ.get(name, "").strip() or default
    if not re.match(r"^https?://[^\s/]+", text):
        raise InvalidInput(f"{name} must be an http(s) URL, got {text!r}")
    return text.rstrip("/")


def sources_config_from_env(environ: Mapping[str, str]) -> SourcesConfig:
    """The sources' settings from `environ`; InvalidInput naming the variable when one is bad."""
    defaults = SourcesConfig()
    connect = _number(environ, "BESTSHOT_HTTP_CONNECT_TIMEOUT", HttpPolicy().connect_timeout)
    read = _number(environ, "BESTSHOT_HTTP_READ_TIMEOUT", HttpPolicy().read_timeout)
    attempts = int(_number(environ, "BESTSHOT_HTTP_ATTEMPTS", HttpPolicy().attempts, whole=True))
    providers: dict[str, ProviderSettings] = {}
    for name in _PROVIDERS:
        default: ProviderSettings = getattr(defaults, name)
        upper = name.upper()
        policy = attrs.evolve(
            default.policy,
            connect_timeout=connect,
            read_timeout=read,
            attempts=attempts,
            rate_limit=_rate_limit(
                environ, f"BESTSHOT_{upper}_RATE_LIMIT", default.policy.rate_limit
            ),
        )
        # openfootball references are whole URLs or file paths: it has no base URL.
        base_url = (
            default.base_url
            if name == "openfootball"
            else _url(environ, f"BESTSHOT_{upper}_URL", default.base_url)
        )
        providers[name] = ProviderSettings(base_url, policy)
    window = _number(
        environ,
        "SCHEDULE_MATCH_WINDOW_MINUTES",
        defaults.match_window.total_seconds() / 60,
    )
    token = environ.get("FOOTBALL_DATA_TOKEN", "").strip() or None
    return SourcesConfig(
        espn=providers["espn"],
        football_data=providers["football_data"],
        football_data_token=token,
        sofascore=providers["sofascore"],
        fbref=providers["fbref"],
        openfootball=providers["openfootball"],
        match_window=timedelta(minutes=window),
    )
