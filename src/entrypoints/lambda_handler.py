"""The Lambda `caller-scores-and-standings`: what EventBridge schedules fire.

Three kinds of event (`entrypoints.lambda_events`):
- a round's schedule, `{"roundUrl": ..., "standingsUrl": ..., "targetEnv": "demo" |
  "production"}`: the handler checks that both URLs point at the API configured for that
  environment (a schedule must never be able to send the internal token to another host),
  PATCHes the round then the standings through `adapters.caller`;
- the day's planning, `{"action": "plan", "targetEnv": "production"}` from the template's
  recurring schedule: POSTs the API's scheduler route with the internal token;
- a batch of the failure queue (SQS, `{"Records": [...]}`): re-fires each failed invocation
  younger than `MAX_FAILURE_AGE_HOURS` and reports the others as failed, so that SQS offers them
  again after the queue's visibility timeout (the redrive interval) and, after its
  `maxReceiveCount`, moves them to the given-up queue, which raises an alarm.

Each invocation writes one JSON line to the log and raises on any failure so that Lambda's
retries and the on-failure destination apply (the original swallowed every error).

Configuration (environment variables):

- `API_DOMAIN`: the production API, `api.example.com` or `https://api.example.com[:port][/prefix]`;
  https only.
- `API_DOMAIN_DEMO`: the demo API, e.g. `http://127.0.0.1:8000` (http allowed). Unset: events
  with `targetEnv` demo are refused.
- `INTERNAL_TOKEN_SECRET_ARN`: the Secrets Manager secret holding the production token, read
  through the Parameters and Secrets extension (`entrypoints.lambda_tokens`). Unset:
  `INTERNAL_SERVICE_TOKEN`, the token itself (local runs). A comma-separated list (a rotation)
  sends its first token.
- `INTERNAL_SERVICE_TOKEN_DEMO`: the demo API's token, required for demo events, and never one
  of the production tokens. Also first of a list.
- `PLANNING_TIME_ZONE` (UTC): the zone of the planning schedule, whose day is planned.
- `MAX_FAILURE_AGE_HOURS` (24): a failed invocation older than this is no longer re-fired.
- `CALLER_ATTEMPTS` (3), `CALLER_READ_TIMEOUT` (30 seconds): patience per request; it must
  be below the function's timeout (checked against the time Lambda gives the invocation),
  and the API's whole provider budget (`BESTSHOT_HTTP_DEADLINE_SECONDS`) below it.
- `SENTRY_DSN`, `SENTRY_ENVIRONMENT`: report failures to Sentry, secrets redacted.

Cold start matters (the original used 139 MB per invocation): this module imports only the
standard library, the caller and the secrets reader (over the standard library's HTTP client,
`adapters.stdlib_http`: no HTTP or retry library), the domain's error classes, the route shapes,
target check and redaction (`bestshot_routes`, standard library only and shared with the
service). Sentry is imported on the first invocation that has a DSN. An import-linter contract
keeps it that way. Each call has a deadline a little before the function's own timeout.

"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote

from adapters.caller import (
    CallerConfig,
    CallFailed,
    CallRejected,
    CallResult,
    CallSummary,
    call_planning,
    call_round_and_standings,
)
from adapters.stdlib_http import StdlibClient
from bestshot_routes import SCHEDULER_ROUTE, RefusedTarget, check_target
from bestshot_routes import Target as ScheduleTarget
from bestshot_routes.redaction import redact, redact_every_log_record
from entrypoints import lambda_events as events
from entrypoints import lambda_tokens as tokens
from entrypoints.lambda_events import InvalidEvent
from entrypoints.lambda_tokens import HandlerMisconfigured

__all__ = ["HandlerMisconfigured", "InvalidEvent", "RefusedTarget", "handler"]

_REFUSED_TOKEN = frozenset({401, 403})
# Seconds kept, at most, between the calls' deadline and the function's timeout: the log line,
# and a Sentry report (flushed for up to 2 s).
_FINISHING = 4.0
T = TypeVar("T")


class Target(NamedTuple):
    round_url: str
    standings_url: str
    environment: str
    token: str

    def __repr__(self) -> str:  # never the token
        return f"Target({self.round_url!r}, {self.standings_url!r}, {self.environment!r})"


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda's entry point. Returns what was done; raises on any failure (but for a batch of
    the failure queue, whose failed records are reported in `batchItemFailures`)."""
    started = time.perf_counter()
    record: dict[str, Any] = {"function": "caller-scores-and-standings"}
    request_id = getattr(context, "aws_request_id", None)
    if request_id:
        record["requestId"] = request_id
    _prepare_logs(record)
    try:
        config = _caller_config(os.environ, context)
        if events.is_failure_batch(event):
            result = _redrive(event, record, config)
        elif events.is_planning(event):
            result = _plan(event, record, config)
        else:
            result = _fire(event, record, config)
    except Exception as error:  # every failure gets its log line, then goes on up to Lambda
        _describe_failure(record, error)
        _log(record, started, level="error")
        _report(error)
        raise
    _log(record, started, level="error" if record.get("outcome") == "failed" else "info")
    return result


def _prepare_logs(record: dict[str, Any]) -> None:
    # The runtime's handler and Sentry's breadcrumbs: both see them redacted.
    _redact_known_secrets()
    if sentry_problem := _start_sentry(os.environ.get("SENTRY_DSN")):
        record["sentry"] = sentry_problem  # reporting is broken; the scores still get updated


def _describe_failure(record: dict[str, Any], error: BaseException) -> None:
    record.update(outcome="failed", error=type(error).__name__, detail=str(error))
    if isinstance(error, CallFailed):
        record.update(url=error.url, status=error.status, attempts=error.attempts)


def _fire(event: Any, record: dict[str, Any], config: CallerConfig) -> dict[str, Any]:
    target = parse_event(event, os.environ, _client())
    _redact_known_secrets()  # the token may have just been read from its secret
    record.update(
        targetEnv=target.environment, roundUrl=target.round_url, standingsUrl=target.standings_url
    )
    summary = _with_fresh_token_on_refusal(
        target.environment,
        target.token,
        lambda token: call_round_and_standings(
            target.round_url,
            target.standings_url,
            token=token,
            config=config,
            client=_client(),
        ),
    )
    record.update(outcome="done", **_logged(summary))
    return summary.to_json()


def _plan(event: Any, record: dict[str, Any], config: CallerConfig) -> dict[str, Any]:
    planned = events.planning(event, os.environ.get("PLANNING_TIME_ZONE"))
    origin = tokens.origin(os.environ, planned.environment)
    url = origin.base_url + SCHEDULER_ROUTE
    if planned.day is not None:
        url += f"?date={quote(planned.day)}"
    record.update(action="plan", targetEnv=planned.environment, url=url)
    token = tokens.token(os.environ, planned.environment, _client())
    _redact_known_secrets()
    result: CallResult = _with_fresh_token_on_refusal(
        planned.environment,
        token,
        lambda token: call_planning(url, token=token, config=config, client=_client()),
    )
    record.update(outcome="done", status=result.status, attempts=result.attempts)
    return result.to_json()


def _redrive(
    event: Mapping[str, Any], record: dict[str, Any], config: CallerConfig
) -> dict[str, Any]:
    """Re-fire each failed invocation of the batch; the ones that fail again (or are too old to
    try) go back to SQS as `batchItemFailures`."""
    max_age = timedelta(hours=_number(os.environ, "MAX_FAILURE_AGE_HOURS", 24.0))
    now = datetime.now(UTC)
    failed: list[str] = []
    outcomes: list[dict[str, Any]] = []
    for item in events.failed_records(event):
        if isinstance(item, str):
            failed.append(item)
            outcomes.append({"messageId": item, "outcome": "unreadable"})
            continue
        outcome: dict[str, Any] = {
            "messageId": item.message_id,
            "failedAt": item.failed_at.isoformat(),
            "firstError": item.error,
        }
        if now - item.failed_at > max_age:
            failed.append(item.message_id)
            outcomes.append({**outcome, "outcome": "expired"})
            continue
        try:
            if events.is_planning(item.event):
                _plan(item.event, {}, config)
            else:
                _fire(item.event, {}, config)
        except Exception as error:  # it stays in the queue for the next round of redrives
            failed.append(item.message_id)
            outcome.update(outcome="failed", error=type(error).__name__, detail=str(error))
        else:
            outcome["outcome"] = "done"
        outcomes.append(outcome)
    record.update(
        action="redrive",
        outcome="failed" if failed else "done",
        records=outcomes,
    )
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


def _with_fresh_token_on_refusal(environment: str, token: str, call: Callable[[str], T]) -> T:
    """`call(token)`; when the API refuses the token, once more with the token read again from
    its secret (a rotation that moved on since this container read it)."""
    try:
        return call(token)
    except CallRejected as refused:
        if refused.status not in _REFUSED_TOKEN:
            raise
        fresh = _fresh_token(environment)
        if fresh is None or fresh == token:
            raise
    return call(fresh)


def _fresh_token(environment: str) -> str | None:
    if environment != "production" or not os.environ.get(tokens.SECRET_VARIABLE, "").strip():
        return None
    fresh = tokens.token(os.environ, environment, _client(), refresh=True)
    _redact_known_secrets()
    return fresh


def _redact_known_secrets() -> None:
    redact_every_log_record(tokens.known_secrets(os.environ))


def parse_event(
    event: Any, environ: Mapping[str, str], client: StdlibClient | None = None
) -> Target:
    """Validate a round's event and check its URLs against the configured API of its
    environment (`bestshot_routes.check_target`: RefusedTarget when they are anything else)."""
    if not isinstance(event, Mapping):
        raise InvalidEvent(f"the event must be a JSON object, got {type(event).__name__}")
    environment = events.environment_of(event)
    origin = tokens.origin(environ, environment)
    target = ScheduleTarget(
        events.field(event, "roundUrl"), events.field(event, "standingsUrl"), environment
    )
    aimed = check_target(target, origin)
    token = tokens.token(environ, environment, client)
    return Target(aimed.round_url, aimed.standings_url, environment, token)


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(environ.get(name, default))
    except ValueError:
        raise HandlerMisconfigured(f"{name} must be a number") from None
    if value <= 0:
        raise HandlerMisconfigured(f"{name} must be positive")
    return value


def _caller_config(environ: Mapping[str, str], context: Any = None) -> CallerConfig:
    try:
        attempts = int(environ.get("CALLER_ATTEMPTS", "3"))
        read_timeout = float(environ.get("CALLER_READ_TIMEOUT", "30"))
    except ValueError as error:
        raise HandlerMisconfigured(f"CALLER_ATTEMPTS or CALLER_READ_TIMEOUT: {error}") from None
    if attempts < 1 or read_timeout <= 0:
        raise HandlerMisconfigured("CALLER_ATTEMPTS and CALLER_READ_TIMEOUT must be positive")
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return CallerConfig(attempts=attempts, read_timeout=read_timeout)
    left = remaining() / 1000
    if read_timeout >= left:
        # A PATCH that may outlast the function ends as a timeout, not as the API's answer.
        raise HandlerMisconfigured(
            f"CALLER_READ_TIMEOUT ({read_timeout:g} s) must be below the function's timeout "
            f"({left:.0f} s left at the start): raise the timeout or lower it"
        )
    # Retries (and the waits a busy API's Retry-After asks for) end before the function does.
    deadline = left - min(_FINISHING, left / 4)
    return CallerConfig(attempts=attempts, read_timeout=read_timeout, deadline=deadline)


_shared_client: StdlibClient | None = None


def _client() -> StdlibClient:
    """One client per container, so that a warm Lambda reuses its TLS connections."""
    global _shared_client  # noqa: PLW0603 - the container's one connection pool
    if _shared_client is None:
        _shared_client = StdlibClient()
    return _shared_client


# The log line.


def _logged(summary: CallSummary) -> dict[str, Any]:
    # The round's body is the update summary, small and worth keeping; the standings' body is
    # every table of the tournament, returned to the caller but too big to log each time.
    standings = summary.standings.to_json()
    standings.pop("body", None)
    return {"round": summary.round.to_json(), "standings": standings}


def _log(record: dict[str, Any], started: float, *, level: str) -> None:
    secrets = tokens.known_secrets(os.environ)
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


def _start_sentry(dsn: str | None) -> str | None:
    """Start the SDK once per DSN; what went wrong if it could not start (a malformed DSN)."""
    global _sentry_dsn  # noqa: PLW0603 - the SDK is process-wide; start it once per DSN
    if not dsn or dsn == _sentry_dsn:
        return None
    import sentry_sdk  # noqa: PLC0415 - only with a DSN: it costs ~100 ms of cold start
    from sentry_sdk.integrations.aws_lambda import AwsLambdaIntegration  # noqa: PLC0415

    # The secrets as known when an event is sent: a token read from its secret after the start.
    def before_send(event: Any, _hint: Any) -> Any:
        return redact(event, tokens.known_secrets(os.environ))

    try:
        sentry_sdk.init(
            dsn=dsn,
            environment=os.environ.get("SENTRY_ENVIRONMENT"),
            integrations=[AwsLambdaIntegration(timeout_warning=True)],
            before_send=before_send,
            before_breadcrumb=lambda crumb, _hint: redact(crumb, tokens.known_secrets(os.environ)),
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
