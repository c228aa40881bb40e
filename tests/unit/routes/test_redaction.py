"""`bestshot_routes.redaction`: what logs, error reports and error messages may say of a secret."""

from __future__ import annotations

import json
import logging
import secrets
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bestshot_routes.redaction import (
    PLACEHOLDER,
    RedactRecords,
    ordered_secrets,
    redact,
    redact_every_log_record,
    redact_text,
    redact_url,
)
from entrypoints.observability import make_before_send

R = PLACEHOLDER

URLS = {
    "user-info-and-token": (
        "http://user:pw@127.0.0.1:8080/x.json?access_token=SECRET123",
        f"http://{R}@127.0.0.1:8080/x.json?access_token={R}",
    ),
    "every-value-bare-and-empty": ("https://h/p?a=1&b=&c#frag", f"https://h/p?a={R}&b=&{R}"),
    "fragment-only": ("https://h/p#x?y=1", "https://h/p"),
    "semicolons": ("https://h/x;v=1?a=1;b=2", f"https://h/x;v=1?a={R}&b={R}"),
    "relative": ("/relative?token=t", f"/relative?token={R}"),
    "scheme-relative": ("//u:p@h/p", f"//{R}@h/p"),
    "at-in-user-info": ("https://a@b@evil.com/x", f"https://{R}@evil.com/x"),
    "at-in-the-path": ("https://h/@me?k=v", f"https://h/@me?k={R}"),
    "query-without-path": ("https://u@h?k=v", f"https://{R}@h?k={R}"),
    "bad-port-still-redacted": ("http://[::1]:99999/x?a=b", f"http://[::1]:99999/x?a={R}"),
    "nothing-to-hide": ("https://api.example.com:8443/a/b", "https://api.example.com:8443/a/b"),
}


@pytest.mark.parametrize(("url", "expected"), URLS.values(), ids=URLS.keys())
def test_a_url_keeps_its_host_and_path_and_nothing_secret(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact_url(expected) == expected  # redacting again changes nothing


TEXTS = {
    "httpx-request-line": (
        'HTTP Request: GET http://u:pw@h:1/x?t=SECRET "HTTP/1.1 200 OK"',
        f'HTTP Request: GET http://{R}@h:1/x?t={R} "HTTP/1.1 200 OK"',
    ),
    "quoted": (
        "Client error '404 Not Found' for url 'http://h/x?t=SECRET'",
        f"Client error '404 Not Found' for url 'http://h/x?t={R}'",
    ),
    "in-a-list-repr": (
        "['http://h/a?t=SECRET', 'http://h/b?t=SECRET']",
        f"['http://h/a?t={R}', 'http://h/b?t={R}']",
    ),
    "in-parentheses": ("(from https://h/x?k=SECRET)", f"(from https://h/x?k={R})"),
    "quote-inside-a-value": ("'http://h/?t=a'SECRET", f"'http://h/?t={R}"),
    "not-a-url": ("what?a=SECRET", "what?a=SECRET"),
}


@pytest.mark.parametrize(("text", "expected"), TEXTS.values(), ids=TEXTS.keys())
def test_every_url_in_a_text_is_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected


# A URL built from its parts, each part percent-encoded as a real URL carries it.
_LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
_SEGMENT = st.text(string.ascii_letters + string.digits + "-._~", min_size=1, max_size=10)
_HIDDEN = st.text(min_size=4, max_size=16)  # anything at all, the user's name included


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """(URL, what it must become, the encoded secrets it carries)."""
    scheme = draw(st.sampled_from(["http", "https", "ftp", "git+ssh"]))
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3)))
    port = draw(st.sampled_from(["", ":8080", ":1"]))
    path = "".join("/" + segment for segment in draw(st.lists(_SEGMENT, max_size=4)))
    user = quote(draw(_HIDDEN), safe="")
    password = draw(st.none() | _HIDDEN.map(lambda value: quote(value, safe="")))
    params = draw(st.lists(st.tuples(_LABEL, _HIDDEN.map(lambda v: quote(v, safe=""))), min_size=1))
    fragment = draw(st.none() | _HIDDEN.map(lambda value: quote(value, safe="")))
    user_info = user if password is None else f"{user}:{password}"
    query = "&".join(f"{name}={value}" for name, value in params)
    url = f"{scheme}://{user_info}@{host}{port}{path}?{query}"
    if fragment is not None:
        url += f"#{fragment}"
    kept = "&".join(f"{name}={R}" for name, _ in params)
    expected = f"{scheme}://{R}@{host}{port}{path}?{kept}"
    hidden = [user, *(value for _, value in params)]
    hidden += [part for part in (password, fragment) if part is not None]
    # A secret that is also a piece of the host, the path or a name cannot vanish from it.
    assume(not any(secret in expected for secret in hidden))
    return url, expected, hidden


@given(urls())
def test_no_query_value_password_or_user_survives(case: tuple[str, str, list[str]]) -> None:
    url, expected, hidden = case

    assert redact_url(url) == expected
    for text, redacted in (
        (f"GET {url} done", f"GET {expected} done"),
        (f"fetching {url!r} failed", f"fetching {expected!r} failed"),
        (f"({url})", f"({expected})"),
    ):
        assert redact_text(text) == redacted
    # The words around the URL above are the test's own (a secret "fail" is in "failed"), so
    # the secrets are looked for in the URL redacted alone.
    assert not any(secret in redact_text(url) for secret in hidden)


def test_configured_secrets_go_first_and_longest_first() -> None:
    ordered = ordered_secrets(["abcd", "abcdefgh", "ab", "abcd"])
    assert ordered == ("abcdefgh", "abcd")  # "ab" is too short to be worth replacing
    assert redact_text("x abcdefgh y https://h/abcd?k=v", ordered) == f"x {R} y https://h/{R}?k={R}"


# Structures: error reports (Sentry events) and the Lambda's log line.

json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

SECRET = f"tok-{secrets.token_hex(10)}"


def _plant(value: Any, where: int) -> Any:
    """The value with the secret planted in its strings and under a header name."""
    if isinstance(value, dict):
        planted = {key: _plant(item, where) for key, item in value.items()}
        planted["X-Internal-Token"] = SECRET
        return planted
    if isinstance(value, list):
        return [_plant(item, where) for item in value] + [f"Bearer {SECRET}"]
    if isinstance(value, str):
        return value[:where] + SECRET + value[where:]
    return value


@given(json_values, st.integers(min_value=0, max_value=20))
def test_a_structure_keeps_no_token_anywhere(event: Any, where: int) -> None:
    redacted = redact({"request": _plant(event, where)}, (SECRET,))

    assert SECRET not in json.dumps(redacted)


@settings(max_examples=50)
@given(json_values, st.integers(min_value=0, max_value=20))
def test_the_service_and_the_lambda_redact_events_alike(event: Any, where: int) -> None:
    planted = {"request": _plant(event, where), "headers": [["X-Internal-Token", SECRET]]}

    assert make_before_send([SECRET])(planted, {}) == redact(planted, (SECRET,))


def test_a_structure_keeps_what_is_not_secret() -> None:
    event = {
        "request": {
            "headers": {"X-Internal-Token": SECRET, "Accept": "application/json"},
            "url": "https://api.example.com/ready",
            "query_string": "access_token=abc&season=2024",
        },
        "extra": {"note": f"called with {SECRET}", "count": 3},
        "headers": [["Authorization", "Bearer x"], ["Accept", "*/*"]],
        # Sentry's httpx breadcrumbs keep the query and the fragment apart from the URL.
        "breadcrumbs": [
            {"data": {"url": "http://h/x", "http.query": "access_token=abc", "http.fragment": "f"}}
        ],
    }

    assert redact(event, (SECRET,)) == {
        "request": {
            "headers": {"X-Internal-Token": R, "Accept": "application/json"},
            "url": "https://api.example.com/ready",
            "query_string": f"access_token={R}&season={R}",
        },
        "extra": {"note": f"called with {R}", "count": 3},
        "headers": [["Authorization", R], ["Accept", "*/*"]],
        "breadcrumbs": [
            {"data": {"url": "http://h/x", "http.query": f"access_token={R}", "http.fragment": R}}
        ],
    }


# Log records: redacted where they are made, whichever logger and handler.


@pytest.fixture
def redacting() -> Iterator[None]:
    original = logging.getLogRecordFactory()
    redact_every_log_record([SECRET])
    try:
        yield
    finally:
        logging.setLogRecordFactory(original)


def test_every_record_is_redacted_before_any_handler(
    redacting: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("some.library")
    logger.debug("GET %s with %s", "http://u:pw@h/x?access_token=abc", SECRET)
    try:
        raise ValueError(f"no answer from 'http://h/x?access_token=abc' for {SECRET}")
    except ValueError:
        logger.exception("failed")

    assert caplog.messages == [f"GET http://{R}@h/x?access_token={R} with {R}", "failed"]
    failed = caplog.records[1]
    assert failed.exc_info is not None  # error reporters still get the exception
    assert f"ValueError: no answer from 'http://h/x?access_token={R}' for {R}" in caplog.text
    assert "abc" not in caplog.text
    assert SECRET not in caplog.text


def test_installing_again_replaces_the_secrets_instead_of_stacking(redacting: None) -> None:
    redact_every_log_record(["another-secret"])
    record = logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "%s %s", ("a", "b"), None)
    factory: Any = logging.getLogRecordFactory()

    assert factory.make is logging.LogRecord
    assert record.getMessage() == "a b"


def test_a_handler_filter_redacts_the_extras(caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(RedactRecords([SECRET]))
    logging.getLogger("bestshot.test").warning(
        "extras",
        extra={
            "reference": "https://h/x.json?access_token=abc",
            "api_key": "k-123456",
            "headers": {"Authorization": "Bearer x", "Accept": "*/*"},
            "error": ValueError(f"held {SECRET}"),
        },
    )

    record: Any = caplog.records[0]
    assert record.reference == f"https://h/x.json?access_token={R}"
    assert record.api_key == R
    assert record.headers == {"Authorization": R, "Accept": "*/*"}
    assert record.error == f"held {R}"
