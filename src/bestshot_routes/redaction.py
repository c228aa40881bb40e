"""Secret redaction for the whole project: log lines, error reports (Sentry), error messages.

Standard library only: the Lambda imports it on its cold start, adapters and entrypoints share
it. One placeholder, `PLACEHOLDER`, stands for whatever was taken out. Three rules:
- a configured secret is replaced wherever it appears in a string;
- a URL keeps its scheme, host, port and path; its user-info and every query value are
  replaced and its fragment dropped, whether it is given alone (`redact_url`) or found in a
  text (`redact_text`);
- in a nested structure (`redact`), a value under a key naming a credential is replaced whole,
  and so is the value of a `[name, value]` pair so named (headers travel as pairs too).

Log records are redacted where they are made (`redact_every_log_record`), so that every logger,
httpx's included, and every handler, pytest's and Sentry's included, only ever sees them so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

PLACEHOLDER = "[redacted]"

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
# Where error reporters keep a URL's parts apart from the URL (Sentry's request and breadcrumbs).
_QUERY_KEYS = frozenset({"query_string", "querystring", "http.query", "url.query"})
_FRAGMENT_KEYS = frozenset({"fragment", "http.fragment", "url.fragment"})

# A URL in a text runs from its scheme to the first character no URL may hold unescaped. Quotes
# and brackets are taken in (a value may hold them) and handed back by `_url_in_text` when they
# only close what opened before the URL.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"<>`]*")
_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
_CLOSERS = {"'": "'", **dict(_BRACKETS)}
_PUNCTUATION = frozenset(",.;:!?'\")]}")


def names_a_credential(key: object) -> bool:
    lowered = str(key).lower()
    return any(term in lowered for term in _CREDENTIAL_KEY_TERMS)


def ordered_secrets(values: Iterable[str], *, min_length: int = 4) -> tuple[str, ...]:
    """The secrets to replace, longest first (a token containing another is replaced whole).

    Strings shorter than `min_length` are left out: they would replace ordinary words.
    """
    return tuple(sorted({v for v in values if len(v) >= min_length}, key=len, reverse=True))


def redact_query(query: str) -> str:
    """`a=1&b=2` as `a=[redacted]&b=[redacted]`: names kept, every value replaced."""
    return "&".join(_redact_parameter(part) for part in re.split(r"[&;]", query))


def _redact_parameter(part: str) -> str:
    name, equals, value = part.partition("=")
    if not equals:  # a bare value (`?SECRET`): the whole of it
        return PLACEHOLDER if part else ""
    return f"{name}={PLACEHOLDER}" if value else part


def redact_url(url: str) -> str:
    """`url` as it may be logged: user-info and query values replaced, fragment dropped.

    Read by hand rather than by `urllib.parse`, which raises on some malformed URLs (a bad port,
    an unbalanced bracket) that still have to be logged without their secrets.
    """
    if "://" in url:
        scheme, _, rest = url.partition("://")
        head, has_authority = f"{scheme}://", True
    elif url.startswith("//"):
        head, rest, has_authority = "//", url[2:], True
    else:
        head, rest, has_authority = "", url, False
    if has_authority:
        end = _first_of(rest, "/?#")
        authority, rest = rest[:end], rest[end:]
        _, at, host = authority.rpartition("@")
        head += f"{PLACEHOLDER}@{host}" if at else authority
    end = _first_of(rest, "?#")
    path, rest = rest[:end], rest[end:]
    if rest.startswith("?"):
        query = rest[1 : _first_of(rest, "#")]
        return f"{head}{path}?{redact_query(query)}"
    return f"{head}{path}"


def _first_of(text: str, characters: str) -> int:
    return min((i for c in characters if (i := text.find(c)) >= 0), default=len(text))


def _url_in_text(found: re.Match[str]) -> str:
    url, tail = found[0], ""
    before = found.string[found.start() - 1] if found.start() else ""
    closer = _CLOSERS.get(before)
    if closer is None:  # `(see https://x/?a=1)`: a bracket the URL never opened
        closer = next((c for o, c in _BRACKETS if url.count(c) > url.count(o)), None)
    if closer is not None:
        # `'https://x/?a=1'`: the closing quote is the text's, not the value's, when only
        # punctuation follows it.
        cut = url.rfind(closer)
        if cut > 0 and _PUNCTUATION.issuperset(url[cut:]):
            url, tail = url[:cut], url[cut:]
    return redact_url(url) + tail


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with each of `secrets` replaced, then every URL in it redacted.

    `secrets` should come from `ordered_secrets` (longest first).
    """
    for secret in secrets:
        text = text.replace(secret, PLACEHOLDER)
    return _URL_IN_TEXT.sub(_url_in_text, text) if "://" in text else text


def redact(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """A copy of `value` (strings, mappings, lists, tuples) with everything secret replaced."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping):
        return {key: _redact_item(key, item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], str) and names_a_credential(value[0]):
            return [value[0], PLACEHOLDER]
        return [redact(item, secrets) for item in value]
    return value


def _redact_item(key: object, item: Any, secrets: tuple[str, ...]) -> Any:
    if names_a_credential(key):
        return PLACEHOLDER
    lowered = str(key).lower()
    if isinstance(item, str) and lowered in _QUERY_KEYS:
        return redact_query(redact_text(item, secrets))
    if isinstance(item, str) and item and lowered in _FRAGMENT_KEYS:
        return PLACEHOLDER
    return redact(item, secrets)


# Log records. Every record is redacted where it is made (a record factory), so that every
# handler sees it redacted: ours, pytest's, Sentry's breadcrumbs, whatever a library adds.

# Attributes every LogRecord has; anything else was passed through `extra=` (and uvicorn's
# terminal-coloured copy of its message is not worth logging).
STANDARD_RECORD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "color_message"}
)


def redact_record(record: logging.LogRecord, secrets: tuple[str, ...] = ()) -> None:
    """Rewrite `record` in place: its message, the text of its exception, its extras.

    `exc_info` stays (error reporters build their events from it); formatters use the redacted
    `exc_text` instead of formatting the exception again.
    """
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: the handler reports it; its parts, redacted
        record.msg = redact_text(str(record.msg), secrets)
        record.args = None
    else:
        if (redacted := redact_text(message, secrets)) != message:
            record.msg, record.args = redacted, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact_text(record.exc_text, secrets)
    for key, value in list(record.__dict__.items()):
        if key in STANDARD_RECORD_ATTRIBUTES:
            continue
        # Anything else as a formatter would write it: its text.
        plain = isinstance(value, str | int | float | Mapping | list | tuple | None)
        setattr(record, key, _redact_item(key, value if plain else str(value), secrets))


class RedactRecords(logging.Filter):
    """A handler's filter: what reaches the handler is redacted (the extras included, which
    `logging` sets after the record factory has run)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = ordered_secrets(secrets, min_length=1)

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record, self.secrets)
        return True


class _RedactingFactory:
    def __init__(self, make: Callable[..., logging.LogRecord], secrets: tuple[str, ...]) -> None:
        self.make = make
        self.secrets = secrets

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.make(*args, **kwargs)
        redact_record(record, self.secrets)
        return record


def redact_every_log_record(secrets: Iterable[str] = ()) -> None:
    """Make every log record of this process, of every logger, redacted from its creation.

    Called again, it replaces the secrets rather than stacking a second factory.
    """
    current = logging.getLogRecordFactory()
    make = current.make if isinstance(current, _RedactingFactory) else current
    logging.setLogRecordFactory(_RedactingFactory(make, ordered_secrets(secrets, min_length=1)))
