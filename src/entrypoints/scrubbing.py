"""Credentials out of what leaves the process: error reports and the Lambda's log line.

One scrubber for the service (`entrypoints.observability`) and the Lambda
(`entrypoints.lambda_handler`), so that a header one of them learns to hide, the other hides
too. Standard library only: the Lambda imports it on its cold start.

Two rules, anywhere in a nested structure of mappings, lists and strings:
- a value under a key that names a credential (`Authorization`, `X-Internal-Token`, `Cookie`,
  anything with `token`, `secret`, `password` ...) is replaced whole, and so is the value of a
  `[name, value]` pair so named (headers are sometimes sent as pairs);
- every configured secret is replaced wherever it appears in a string (a token pasted into an
  exception message, a breadcrumb, a log line).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FILTERED = "[Filtered]"

_CREDENTIAL_KEY_TERMS = (
    "authorization",  # and proxy-authorization
    "internal-token",
    "internal_token",
    "cookie",  # and set-cookie
    "token",
    "secret",
    "password",
    "passwd",
    "jwt",
    "dsn",
    "api_key",
    "apikey",
)


def names_a_credential(key: object) -> bool:
    lowered = str(key).lower()
    return any(term in lowered for term in _CREDENTIAL_KEY_TERMS)


def ordered_secrets(values: Iterable[str], *, min_length: int = 4) -> tuple[str, ...]:
    """The secrets to replace, longest first (a token containing another is replaced whole).

    Shorter strings than `min_length` are left out: they would scrub ordinary words.
    """
    return tuple(sorted({v for v in values if len(v) >= min_length}, key=len, reverse=True))


def scrub_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, FILTERED)
    return text


def scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    """A copy of `value` with credentials blanked by key and `secrets` replaced by value.

    `secrets` should come from `ordered_secrets`.
    """
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, Mapping):
        return {
            key: FILTERED if names_a_credential(key) else scrub(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], str) and names_a_credential(value[0]):
            return [value[0], FILTERED]
        return [scrub(item, secrets) for item in value]
    return value
