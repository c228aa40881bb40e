"""How patient and how polite one provider's HTTP client is: `HttpPolicy` and its `RateLimit`.

`adapters.sources.http` applies them; `entrypoints.settings` builds them from the environment.
"""

from __future__ import annotations

from attrs import field, frozen

from bestshot_domain.validators import positive

# What a provider's client asks for (its `Accept` header), as its declaration says.
JSON_ACCEPT = "application/json"
HTML_ACCEPT = "text/html,application/xhtml+xml"


@frozen
class RateLimit:
    """At most `requests` requests in any window of `per_seconds` seconds."""

    requests: int = field()
    per_seconds: float = field()

    @requests.validator
    def _positive_requests(self, attribute: object, value: int) -> None:
        if value < 1:
            raise ValueError(f"a rate limit allows at least one request, got {value}")

    @per_seconds.validator
    def _positive_window(self, attribute: object, value: float) -> None:
        if value <= 0:
            raise ValueError(f"a rate limit window is positive, got {value}")

    def __str__(self) -> str:
        return f"{self.requests}/{self.per_seconds:g}"


@frozen
class HttpPolicy:
    """Timeouts, retries and the rate limit of one provider's client."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    attempts: int = 4  # the first try included
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    backoff_jitter: float = 1.0
    max_retry_after: float = 120.0  # a longer Retry-After gives up instead of waiting
    rate_limit: RateLimit = RateLimit(30, 60.0)
    max_body_bytes: int = field(default=8 * 1024 * 1024, validator=positive)  # decoded
    # Of a whole fetch: every attempt, wait and rate-limit pause. Below the caller's patience
    # (30 s a PATCH), so that it gets an answer rather than giving up and asking again.
    deadline: float = field(default=20.0, validator=positive)
