"""A secret read through the AWS Parameters and Secrets Lambda Extension, the layer AWS documents
for reading Secrets Manager from a function without an SDK: an HTTP server on localhost that
fetches and caches secrets with the function's role.

https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html

httpx only (the Lambda stays light: no boto3 on its cold start). Every read has a deadline and
a size cap; errors name the secret and the status, never the value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx

from bestshot_domain.errors import BestshotError

__all__ = ["SESSION_HEADER", "SecretUnavailable", "read_secret"]

SESSION_HEADER = "X-Aws-Parameters-Secrets-Token"
DEFAULT_PORT = "2773"
TIMEOUT = 3.0  # seconds, in all: the extension answers from its cache or one AWS call
MAX_BYTES = 80_000  # a SecretString is at most 64 KiB, plus the JSON around it


class SecretUnavailable(BestshotError):
    """The extension could not give the secret: not running, refused, or an unusable answer."""


def read_secret(
    secret_id: str,
    *,
    environ: Mapping[str, str],
    client: httpx.Client,
    refresh: bool = False,
) -> str:
    """The SecretString of `secret_id` (name or ARN). `refresh` asks the extension to skip its
    cache (`refreshNow`), for a token the API has just refused."""
    port = environ.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", DEFAULT_PORT)
    # The extension only answers requests that carry the function's session token.
    session = environ.get("AWS_SESSION_TOKEN", "")
    params = {"secretId": secret_id, **({"refreshNow": "true"} if refresh else {})}
    try:
        with client.stream(
            "GET",
            f"http://localhost:{port}/secretsmanager/get",
            params=params,
            headers={SESSION_HEADER: session},
            timeout=TIMEOUT,
        ) as response:
            body = _capped(response)
    except httpx.TransportError as error:
        raise SecretUnavailable(
            f"secret {secret_id}: the Parameters and Secrets extension did not answer on port "
            f"{port} ({type(error).__name__}); is its layer on the function?"
        ) from None
    if response.status_code != 200:
        raise SecretUnavailable(
            f"secret {secret_id}: the extension answered HTTP {response.status_code}"
        )
    try:
        value = json.loads(body).get("SecretString")
    except (ValueError, AttributeError):
        value = None
    if not isinstance(value, str) or not value.strip():
        raise SecretUnavailable(f"secret {secret_id} has no SecretString")
    return value


def _capped(response: httpx.Response) -> bytes:
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise SecretUnavailable(f"the extension's answer exceeds {MAX_BYTES} bytes")
    return bytes(body)
