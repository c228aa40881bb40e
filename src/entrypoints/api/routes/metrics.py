"""GET /metrics: the service's counters in the Prometheus text format, off the public internet.

With METRICS_TOKEN set, the token decides: `Authorization: Bearer <token>` (compared in constant
time), from anywhere, and nothing else. Unset, only clients on this machine are answered: a
loopback peer whose request passed no proxy (a `Forwarded` or `X-Forwarded-*` header says one
did: a proxy on this machine must not carry the internet's requests in). README, "Metrics".
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import Response

from adapters.metrics import PrometheusMetrics
from entrypoints.api.operations import Operation, Reply, replies
from entrypoints.api.problems import ApiProblem

_PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


def from_this_machine(request: Request) -> bool:
    """Whether the client is on this machine: a loopback address (after the proxy headers of
    FORWARDED_ALLOW_IPS's peers), and no sign of a proxy in between."""
    if request.client is None or any(name in request.headers for name in _PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def presents(request: Request, token: str) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(credentials.strip().encode(), token.encode())


def operations(metrics: PrometheusMetrics, token: str | None) -> list[Operation]:
    async def scrape(request: Request) -> Response:
        if token is not None:
            if not presents(request, token):
                raise ApiProblem(
                    401,
                    "the metrics need the METRICS_TOKEN as a Bearer token",
                    kind="unauthorized",
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                )
        elif not from_this_machine(request):
            raise ApiProblem(
                403,
                "the metrics are served to clients on this machine only, not through a proxy; "
                "set METRICS_TOKEN to scrape them from elsewhere",
                kind="forbidden",
            )
        body, content_type = metrics.exposition(request.headers.get("accept", ""))
        return Response(body, headers={"Content-Type": content_type, "Cache-Control": "no-store"})

    return [
        Operation(
            "GET",
            "/metrics",
            scrape,
            operation_id="metrics",
            summary="The service's metrics (Prometheus)",
            description="Counters and histograms in the Prometheus text format (OpenMetrics "
            "when the Accept header asks for it): provider fetches, round updates, score "
            "changes, standings computations, schedules, webhook deliveries. With "
            "METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`; unset, only "
            "for clients on the server's own machine (loopback, not through a proxy).",
            tag="operations",
            replies=replies(
                (200, Reply("The metrics, as text.")),
                (401, "METRICS_TOKEN is set and the request does not carry it."),
                (403, "METRICS_TOKEN is unset and the client is not on this machine."),
            ),
        )
    ]
