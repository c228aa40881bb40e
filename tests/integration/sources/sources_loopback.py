"""A real HTTP server on 127.0.0.1 (port 0), in a thread, answering scripted replies.

Each path has a queue of replies; the last one repeats. A reply's body may be streamed (huge,
endless, or trickling). Every request is recorded (path,
query, headers) so tests can count what reached the server.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

MiB = 1 << 20


def zeros(total: int | None, piece: int = MiB) -> Iterator[bytes]:
    """`total` zero bytes (None: forever), a piece at a time: a huge body the server never
    holds."""
    chunk = bytes(piece)
    sent = 0
    while total is None or sent < total:
        yield chunk if total is None else chunk[: total - sent]
        sent += piece


def gzipped(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """`pieces` gzip-compressed on the fly: zeros make a bomb (1 GiB in about 1 MiB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for piece in pieces:
        if packed := packer.compress(piece):
            yield packed
    yield packer.flush()


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering, to provoke client timeouts
    drop: bool = False  # close the connection without answering
    # Set: the body, written piece by piece as the iterable yields it (it may sleep between
    # pieces, or never end), without a Content-Length, until it ends or the client leaves.
    stream: Callable[[], Iterable[bytes]] | None = None

    @classmethod
    def json(cls, text: str | bytes, status: int = 200, **headers: str) -> Reply:
        body = text.encode() if isinstance(text, str) else text
        return cls(status, body, {"Content-Type": "application/json", **headers})

    @classmethod
    def file(cls, path: Path, content_type: str = "application/json") -> Reply:
        return cls(200, path.read_bytes(), {"Content-Type": content_type})


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class LoopbackServer:
    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                reply = server._next(parts.path)
                with server._lock:
                    server.requests.append(
                        Seen(parts.path, parse_qs(parts.query), dict(self.headers.items()))
                    )
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.stream is not None:
                    self.close_connection = True  # HTTP/1.0: the body ends with the connection
                    self.end_headers()
                    try:
                        for piece in reply.stream():
                            self.wfile.write(piece)
                            self.wfile.flush()
                    except OSError:
                        pass  # the client stopped reading, as it should
                    return
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that timed out and left is expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._routes[path] = list(replies)

    def _next(self, path: str) -> Reply:
        with self._lock:
            queue = self._routes.get(path)
            if not queue:
                return Reply(404, b'{"message": "no such route"}')
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for seen in self.requests if seen.path == path)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def serving() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
