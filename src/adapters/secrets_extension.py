"""A secret read through the AWS Parameters and Secrets Lambda Extension, the layer AWS documents
for reading Secrets Manager from a function without an SDK: an HTTP server on localhost that
fetches and caches secrets with the function's role.

https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html

The standard library's client only (`adapters.stdlib_http`: the Lambda stays light, no boto3
or HTTP library on its cold start). Every read has a deadline and
a size cap; errors name the secret and the status, never the value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlencode

from adapters.stdlib_http import AnswerTooLarge, HttpFailed, StdlibClient
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
    client: StdlibClient,
    refresh: bool = False,
) -> str:
    """The SecretString of `secret_id` (name or ARN). `refresh` asks the extension to skip its
    cache (`refreshNow`), for a token the API has just refused."""
    port = environ.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", DEFAULT_PORT)
    # The extension only answers requests that carry the function's session token.
    session = environ.get("AWS_SESSION_TOKEN", "")
    params = {"secretId": secret_id, **({"refreshNow": "true"} if refresh else {})}
    url = f"http://localhost:{port}/secretsmanager/get?{urlencode(params)}"
    try:
        reply = client.request(
            "GET", url, headers={SESSION_HEADER: session}, timeout=TIMEOUT, max_bytes=MAX_BYTES
        )
    except AnswerTooLarge:
        raise SecretUnavailable(f"the extension's answer exceeds {MAX_BYTES} bytes") from None
    except HttpFailed as error:
        raise SecretUnavailable(
            f"secret {secret_id}: the Parameters and Secrets extension did not answer on port "
            f"{port} ({error}); is its layer on the function?"
        ) from None
    if reply.status != 200:
        raise SecretUnavailable(f"secret {secret_id}: the extension answered HTTP {reply.status}")
    try:
        value = json.loads(reply.content).get("SecretString")
    except (ValueError, AttributeError):
        value = None
    if not isinstance(value, str) or not value.strip():
        raise SecretUnavailable(f"secret {secret_id} has no SecretString")
    return value
