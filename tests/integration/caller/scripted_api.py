"""A scripted API on loopback: answers each path from a script and records every request."""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = f"tok-{secrets.token_hex(16)}"  # fresh each run, long like a real one
ROUND_PATH = "/api/v2/data-provider/tournaments/brasileirao-2026/matches/round-36"
STANDINGS_PATH = "/api/v2/data-provider/tournaments/brasileirao-2026/standings"


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class ScriptedAPI:
    """Each path answers the next scripted `Answer`, then 200 with a JSON body once it runs out."""

    def __init__(self) -> None:
        self.script: dict[str, deque[Answer]] = defaultdict(deque)
        self.seen: list[Seen] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                api.seen.append(Seen(self.command, self.path, dict(self.headers.items())))
                queue = api.script[self.path]
                answer = queue.popleft() if queue else Answer(200, {"path": self.path, "ok": True})
                if answer.delay:
                    time.sleep(answer.delay)
                payload = (
                    answer.body.encode()
                    if isinstance(answer.body, str)
                    else json.dumps(answer.body).encode()
                )
                self.send_response(answer.status)
                kind = "text/plain" if isinstance(answer.body, str) else "application/json"
                self.send_header("Content-Type", kind)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_PATCH = do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def process_request(self, request: Any, client_address: Any) -> None:
                api.open.append(request)
                super().process_request(request, client_address)

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that went away mid-answer (a cap, a deadline): what tests want

        self.open: list[socket.socket] = []  # every connection accepted
        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def then(self, path: str, *answers: Answer) -> None:
        self.script[path].extend(answers)

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]

    @property
    def connections(self) -> int:
        """How many connections were accepted."""
        return len(self.open)

    def drop_connections(self) -> None:
        """Close every connection from this side, as a server does with idle ones."""
        for connection in self.open:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def serving() -> Iterator[ScriptedAPI]:
    """A ScriptedAPI served on a thread for as long as the generator is open (a fixture body)."""
    api = ScriptedAPI()
    thread = threading.Thread(target=api.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.server.shutdown()
        api.server.server_close()
        thread.join()
