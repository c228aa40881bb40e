"""A webhook receiver on loopback that verifies each delivery's Standard Webhooks signature."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook


class Receiver:
    def __init__(self) -> None:
        self.secret = ""
        self.answer = 204  # what it answers while up; 503 "down", 410 "gone"
        self.received: list[tuple[str, dict[str, Any]]] = []  # (webhook-id, body) verified, 2xx
        self.seen: list[str] = []  # every webhook-id that arrived, whatever was answered
        self.bad_signatures = 0
        self.arrived = threading.Event()
        self.hold = threading.Event()  # set: answer at once; clear: hang until set
        self.hold.set()
        self.url = ""


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            headers = {key.lower(): value for key, value in self.headers.items()}
            receiver.seen.append(headers.get("webhook-id", ""))
            receiver.arrived.set()
            receiver.hold.wait(30)
            try:
                payload = Webhook(receiver.secret).verify(body, headers)
            except Exception:
                receiver.bad_signatures += 1
                self.send_response(400)
                self.end_headers()
                return
            if 200 <= receiver.answer < 300:
                receiver.received.append((headers["webhook-id"], payload))
            self.send_response(receiver.answer)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield receiver
    finally:
        receiver.hold.set()
        server.shutdown()
        server.server_close()
