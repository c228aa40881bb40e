"""Real HTTP servers on loopback for the API's integration tests."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from attrs import define, field


@define
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@define
class LoopbackServer:
    """A tiny HTTP server on 127.0.0.1: records what it receives, serves canned answers."""

    url: str
    received: list[Recorded] = field(factory=list)
    answers: dict[str, tuple[int, str, bytes]] = field(factory=dict)  # path -> status, type, body
    arrived: threading.Event = field(factory=threading.Event)


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    state: LoopbackServer | None = None

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            assert state is not None
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            state.received.append(
                Recorded(self.command, self.path, dict(self.headers.items()), body)
            )
            status, content_type, answer = state.answers.get(
                self.path.split("?")[0], (200, "application/json", b"{}")
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            state.arrived.set()

        do_GET = do_POST = _record

        def log_message(self, format: str, *args: object) -> None:
            return None  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = LoopbackServer(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
