"""Behind a load balancer (issue 13, point 9): uvicorn as `bestshot serve` configures it believes
X-Forwarded-For and X-Forwarded-Proto from the peers FORWARDED_ALLOW_IPS names, and from no
other. A real uvicorn on loopback, the test being the proxy (127.0.0.1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from entrypoints.commands.serve import uvicorn_config
from entrypoints.settings import ConfigurationError, read_settings

pytestmark = pytest.mark.integration

FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


async def _whoami(request: Request) -> JSONResponse:
    client = request.client.host if request.client else None
    return JSONResponse({"client": client, "scheme": request.url.scheme})


@asynccontextmanager
async def serving(environ: dict[str, str]) -> AsyncIterator[str]:
    service = read_settings(environ).service
    app = Starlette(routes=[Route("/whoami", _whoami)])
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", 0, service))
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn sets a flag
        await asyncio.sleep(0.01)
    try:
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.mark.parametrize("allowed", ["127.0.0.1", "127.0.0.0/8,10.0.0.0/8", "*"])
async def test_a_request_through_an_allowed_proxy_gets_the_forwarded_client(allowed: str) -> None:
    async with serving({"FORWARDED_ALLOW_IPS": allowed}) as url, httpx.AsyncClient() as client:
        answer = await client.get(f"{url}/whoami", headers=FORWARDED)
    assert answer.json() == {"client": "203.0.113.9", "scheme": "https"}


@pytest.mark.parametrize("environ", [{}, {"FORWARDED_ALLOW_IPS": "10.0.0.1,192.0.2.0/24"}])
async def test_forwarded_headers_from_another_peer_are_ignored(environ: dict[str, str]) -> None:
    async with serving(environ) as url, httpx.AsyncClient() as client:
        answer = await client.get(f"{url}/whoami", headers=FORWARDED)
    assert answer.json() == {"client": "127.0.0.1", "scheme": "http"}


@pytest.mark.parametrize("value", ["load-balancer", "10.0.0.0/33", "10.0.0.1;10.0.0.2"])
def test_a_proxy_that_is_no_address_is_refused_by_name(value: str) -> None:
    with pytest.raises(ConfigurationError, match="FORWARDED_ALLOW_IPS: must be addresses or"):
        read_settings({"FORWARDED_ALLOW_IPS": value})
