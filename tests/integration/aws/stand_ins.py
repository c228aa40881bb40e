"""Loopback stand-ins for what surrounds the Lambda in AWS.

- `SecretsExtension`: the AWS Parameters and Secrets Lambda Extension's HTTP interface
  (`GET /secretsmanager/get?secretId=...`, `X-Aws-Parameters-Secrets-Token`), caching like the
  real one and reading from Secrets Manager, moto's over HTTP, with boto3 (as the extension
  reads with the function's role).
- `GuardedAPI`: bestshot's API as the Lambda sees it over https: it checks `X-Internal-Token`
  against the tokens it accepts (403 otherwise), answers 503 while `down`, and records every
  request.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3


@contextmanager
def _served(server: ThreadingHTTPServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class SecretsExtension:
    def __init__(self, moto_url: str, region: str, session_token: str) -> None:
        self.reads: list[dict[str, str]] = []  # each request's query, as the extension got it
        self.cache: dict[str, str] = {}
        client = boto3.client("secretsmanager", region_name=region, endpoint_url=moto_url)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                stand_in.reads.append(query)
                if self.headers.get("X-Aws-Parameters-Secrets-Token") != session_token:
                    return self._send(401, {"error": "no or wrong session token"})
                if parts.path != "/secretsmanager/get" or "secretId" not in query:
                    return self._send(400, {"error": "bad request"})
                secret_id = query["secretId"]
                if query.get("refreshNow") == "true" or secret_id not in stand_in.cache:
                    try:
                        answer = client.get_secret_value(SecretId=secret_id)
                    except client.exceptions.ResourceNotFoundException:
                        return self._send(400, {"error": "not found"})
                    stand_in.cache[secret_id] = json.dumps(
                        {"ARN": answer["ARN"], "SecretString": answer["SecretString"]}
                    )
                return self._send(200, stand_in.cache[secret_id])

            def _send(self, status: int, body: object) -> None:
                payload = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def refreshes(self) -> int:
        return sum(read.get("refreshNow") == "true" for read in self.reads)

    @contextmanager
    def running(self) -> Iterator[SecretsExtension]:
        with _served(self.server):
            yield self


@dataclass
class Request:
    method: str
    path: str
    token: str | None
    status: int


class GuardedAPI:
    def __init__(self, accepted: set[str], chain: Path, key: Path) -> None:
        self.accepted = accepted
        self.down = False
        self.accepting = False  # plans answer 202: they go on in the background
        self.requests: list[Request] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                token = self.headers.get("X-Internal-Token")
                body: dict[str, object]
                if api.down:
                    status, body = 503, {"title": "Service Unavailable"}
                elif token not in api.accepted:
                    status, body = 403, {"title": "Forbidden", "detail": "not a valid token"}
                elif api.accepting and self.command == "POST":
                    status, body = 202, {"status": "pending", "statusUrl": self.path + "/plans/1"}
                else:
                    status, body = 200, {"path": self.path, "ok": True}
                api.requests.append(Request(self.command, self.path, token, status))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_PATCH = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(chain), str(key))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.origin = f"https://127.0.0.1:{self.server.server_address[1]}"

    def succeeded(self, method: str, path: str) -> int:
        return sum(r.method == method and r.path == path and r.status == 200 for r in self.requests)

    @contextmanager
    def running(self) -> Iterator[GuardedAPI]:
        with _served(self.server):
            yield self
