"""The Lambda `caller-scores-and-standings`: what an EventBridge schedule fires.

The event is the schedule's target input: `{"roundUrl": ..., "standingsUrl": ...,
"targetEnv": "demo" | "production"}`. The handler checks that both URLs point at the API
configured for that environment (a schedule must never be able to send the internal token to
another host), PATCHes the round then the standings through `adapters.caller`, writes one JSON
line to the log, and raises on any failure so that Lambda's retries and the dead-letter queue
apply (the original swallowed every error and reported success).

Configuration (environment variables):

- `API_DOMAIN`: the production API, `api.example.com` or `https://api.example.com[:port][/prefix]`;
  https only.
- `API_DOMAIN_DEMO`: the demo API, e.g. `http://127.0.0.1:8000` (http allowed). Unset: events
  with `targetEnv` demo are refused.
- `INTERNAL_SERVICE_TOKEN`: sent as `X-Internal-Token` to the production API; required for
  production events. A comma-separated list (a rotation) sends its first token.
- `INTERNAL_SERVICE_TOKEN_DEMO`: the demo API's token, required for demo events, and never one
  of the production tokens: a demo event never gets the production token (the demo API may be
  plain http), so with it unset demo events are refused. Also first of a list.
- `CALLER_ATTEMPTS` (3), `CALLER_READ_TIMEOUT` (30 seconds): patience per PATCH; it must be
  below the function's timeout (checked against the time Lambda gives the invocation), and the
  API's whole provider budget (`BESTSHOT_HTTP_DEADLINE_SECONDS`) below it.
- `SENTRY_DSN`, `SENTRY_ENVIRONMENT`: report failures to Sentry, secrets redacted.

Cold start matters (the original used 139 MB per invocation): this module imports only the
standard library, the caller (httpx, tenacity), the domain's error classes, the route shapes,
target check and redaction (`bestshot_routes`, standard library only and shared with the
service). Sentry is imported on the first invocation that has a DSN. An import-linter contract
keeps it that way.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.caller import (
    CallerConfig,
    CallFailed,
    CallSummary,
    call_round_and_standings,
)
from bestshot_domain.errors import BestshotError, InvalidInput
from bestshot_routes import Origin, RefusedTarget, check_target
from bestshot_routes import Target as ScheduleTarget
from bestshot_routes.redaction import ordered_secrets, redact, redact_every_log_record

__all__ = ["HandlerMisconfigured", "InvalidEvent", "RefusedTarget", "handler"]

ENVIRONMENTS = ("demo", "production")
_DOMAIN_VARIABLES = {"production": "API_DOMAIN", "demo": "API_DOMAIN_DEMO"}
_TOKEN_VARIABLES = {"production": "INTERNAL_SERVICE_TOKEN", "demo": "INTERNAL_SERVICE_TOKEN_DEMO"}


class InvalidEvent(InvalidInput):
    """The event is not a schedule's target input; names the field."""


class HandlerMisconfigured(BestshotError):
    """The function's environment lacks a setting, or has one that cannot be right."""


@dataclass(frozen=True, slots=True)
class Target:
    round_url: str
    standings_url: str
    environment: str
    token: str = field(repr=False)


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda's entry point. Returns the caller's summary; raises on any failure."""
    started = time.perf_counter()
    record: dict[str, Any] = {"function": "caller-scores-and-standings"}
    request_id = getattr(context, "aws_request_id", None)
    if request_id:
        record["requestId"] = request_id
    secrets = _secrets(os.environ)
    # The runtime's handler, httpx's request lines, Sentry's breadcrumbs: all see them redacted.
    redact_every_log_record(secrets)
    if sentry_problem := _start_sentry(os.environ.get("SENTRY_DSN"), secrets):
        record["sentry"] = sentry_problem  # reporting is broken; the scores still get updated
    try:
        target = parse_event(event, os.environ)
        record.update(
            targetEnv=target.environment,
            roundUrl=target.round_url,
            standingsUrl=target.standings_url,
        )
        summary = call_round_and_standings(
            target.round_url,
            target.standings_url,
            token=target.token,
            config=_caller_config(os.environ, context),
            client=_client(),
        )
    except Exception as error:  # every failure gets its log line, then goes on up to Lambda
        record.update(outcome="failed", error=type(error).__name__, detail=str(error))
        if isinstance(error, CallFailed):
            record.update(url=error.url, status=error.status, attempts=error.attempts)
        _log(record, started, level="error", secrets=secrets)
        _report(error)
        raise
    record.update(outcome="done", **_logged(summary))
    _log(record, started, level="info", secrets=secrets)
    return summary.to_json()


def parse_event(event: Any, environ: Mapping[str, str]) -> Target:
    """Validate the event and check its URLs against the configured API of its environment
    (`bestshot_routes.check_target`: RefusedTarget when they are anything else)."""
    if not isinstance(event, Mapping):
        raise InvalidEvent(f"the event must be a JSON object, got {type(event).__name__}")
    environment = _field(event, "targetEnv")
    if environment not in ENVIRONMENTS:
        raise InvalidEvent(f"targetEnv must be one of {', '.join(ENVIRONMENTS)}: {environment!r}")
    origin = _origin(environ, environment)
    target = ScheduleTarget(_field(event, "roundUrl"), _field(event, "standingsUrl"), environment)
    aimed = check_target(target, origin)
    return Target(aimed.round_url, aimed.standings_url, environment, _token(environ, environment))


def _field(event: Mapping[str, Any], name: str) -> str:
    if name not in event:
        raise InvalidEvent(f"{name} is missing")
    value = event[name]
    if not isinstance(value, str) or not value:
        raise InvalidEvent(f"{name} must be a non-empty string")
    return value


def _origin(environ: Mapping[str, str], environment: str) -> Origin:
    variable = _DOMAIN_VARIABLES[environment]
    value = environ.get(variable, "").strip()
    if not value:
        raise RefusedTarget(f"no API is configured for targetEnv {environment} ({variable})")
    schemes = ("https",) if environment == "production" else ("https", "http")
    try:
        origin = Origin.parse(value if "://" in value else f"https://{value}")
    except ValueError:
        origin = None
    if origin is None or origin.scheme not in schemes:
        raise HandlerMisconfigured(
            f"{variable} must be a host or an {' or '.join(schemes)} origin, got {value!r}"
        )
    return origin


def _tokens(environ: Mapping[str, str], variable: str) -> list[str]:
    return [part.strip() for part in environ.get(variable, "").split(",") if part.strip()]


def _token(environ: Mapping[str, str], environment: str) -> str:
    """The token to send: the first of the environment's own list (the new one, during a
    rotation; the API accepts each of its list, never the list whole).

    A demo event never gets the production token: the demo API may be plain http, on a laptop,
    and its operator has no business holding the production credential.
    """
    variable = _TOKEN_VARIABLES[environment]
    tokens = _tokens(environ, variable)
    if not tokens:
        hint = " (demo events never get INTERNAL_SERVICE_TOKEN)" if environment == "demo" else ""
        raise HandlerMisconfigured(f"{variable} is not set{hint}")
    if environment == "demo" and set(tokens) & set(_tokens(environ, "INTERNAL_SERVICE_TOKEN")):
        raise HandlerMisconfigured(
            "INTERNAL_SERVICE_TOKEN_DEMO shares a token with INTERNAL_SERVICE_TOKEN: "
            "the demo API must have a token of its own"
        )
    return tokens[0]


def _caller_config(environ: Mapping[str, str], context: Any = None) -> CallerConfig:
    try:
        attempts = int(environ.get("CALLER_ATTEMPTS", "3"))
        read_timeout = float(environ.get("CALLER_READ_TIMEOUT", "30"))
    except ValueError as error:
        raise HandlerMisconfigured(f"CALLER_ATTEMPTS or CALLER_READ_TIMEOUT: {error}") from None
    if attempts < 1 or read_timeout <= 0:
        raise HandlerMisconfigured("CALLER_ATTEMPTS and CALLER_READ_TIMEOUT must be positive")
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining) and read_timeout * 1000 >= remaining():
        # A PATCH that may outlast the function ends as a timeout, not as the API's answer.
        raise HandlerMisconfigured(
            f"CALLER_READ_TIMEOUT ({read_timeout:g} s) must be below the function's timeout "
            f"({remaining() / 1000:.0f} s left at the start): raise the timeout or lower it"
        )
    return CallerConfig(attempts=attempts, read_timeout=read_timeout)


_shared_client: httpx.Client | None = None


def _client() -> httpx.Client:
    """One client per container, so that a warm Lambda reuses its TLS connections."""
    global _shared_client  # noqa: PLW0603 - the container's one connection pool
    if _shared_client is None:
        _shared_client = httpx.Client(follow_redirects=False)
    return _shared_client


# The log line.


def _logged(summary: CallSummary) -> dict[str, Any]:
    # The round's body is the update summary, small and worth keeping; the standings' body is
    # every table of the tournament, returned to the caller but too big to log each time.
    standings = summary.standings.to_json()
    standings.pop("body", None)
    return {"round": summary.round.to_json(), "standings": standings}


def _log(record: dict[str, Any], started: float, *, level: str, secrets: tuple[str, ...]) -> None:
    record = {"level": level, **record, "durationMs": round((time.perf_counter() - started) * 1000)}
    line = json.dumps(
        redact(record, secrets),
        separators=(",", ":"),
        default=lambda value: redact(str(value), secrets),
        ensure_ascii=False,
    )
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# Sentry: imported only when a DSN is configured, on the first invocation.

_sentry_dsn: str | None = None


def _secrets(environ: Mapping[str, str]) -> tuple[str, ...]:
    values = {environ.get(variable, "") for variable in _TOKEN_VARIABLES.values()}
    for value in list(values):  # each token of a comma-separated list being rotated
        values.update(part.strip() for part in value.split(","))
    return ordered_secrets(values)


def _start_sentry(dsn: str | None, secrets: tuple[str, ...]) -> str | None:
    """Start the SDK once per DSN; what went wrong if it could not start (a malformed DSN)."""
    global _sentry_dsn  # noqa: PLW0603 - the SDK is process-wide; start it once per DSN
    if not dsn or dsn == _sentry_dsn:
        return None
    import sentry_sdk  # noqa: PLC0415 - only with a DSN: it costs ~100 ms of cold start
    from sentry_sdk.integrations.aws_lambda import AwsLambdaIntegration  # noqa: PLC0415

    def before_send(event: Any, _hint: Any) -> Any:
        return redact(event, secrets)

    try:
        sentry_sdk.init(
            dsn=dsn,
            environment=os.environ.get("SENTRY_ENVIRONMENT"),
            integrations=[AwsLambdaIntegration(timeout_warning=True)],
            before_send=before_send,
            before_breadcrumb=lambda crumb, _hint: redact(crumb, secrets),
        )
    except Exception as error:  # any failure here must not stop the update
        return f"SENTRY_DSN unusable: {type(error).__name__}"
    _sentry_dsn = dsn
    return None


def _report(error: BaseException) -> None:
    # The AWS Lambda integration reports what escapes the handler, but only from the second
    # invocation on (it wraps the runtime's next call), so failures are captured here as well;
    # the SDK's dedupe drops the second report of the same exception.
    if _sentry_dsn is None:
        return
    import sentry_sdk  # noqa: PLC0415 - already imported by _start_sentry

    sentry_sdk.capture_exception(error)
    sentry_sdk.flush(timeout=2.0)
