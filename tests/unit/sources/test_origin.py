"""Origins read with the standard library agree with httpx, which makes the requests: the
client's check of a URL, in httpx's writing, names the host and port httpx connects to, and an
allowed host written in a setting matches the requests httpx makes to it."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from adapters.sources.openfootball import OpenfootballAccess
from adapters.sources.origin import DEFAULT_PORTS, Origin, parse_origin
from bestshot_domain.errors import InvalidInput

# Letters whose IDNA form is the same in IDNA 2003 (the standard library's codec, for settings)
# and IDNA 2008 (httpx's), digits, and a hyphen inside a label.
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüéñø"
labels = st.builds(
    lambda head, middle, tail: head + middle + tail,
    st.sampled_from(_LETTERS),
    st.text(alphabet=_LETTERS + "0123456789-", max_size=8),
    st.sampled_from(_LETTERS + "0123456789"),
)
hosts = st.lists(labels, min_size=1, max_size=4).map(".".join)
schemes = st.sampled_from(["http", "https", "HTTPS"])
ports = st.none() | st.integers(min_value=1, max_value=65535)
paths = st.sampled_from(["", "/", "/x.json", "/a/b?token=s3cret", "/#frag"])


def _url(scheme: str, host: str, port: int | None, path: str) -> httpx.URL:
    try:
        return httpx.URL(f"{scheme}://{host}{'' if port is None else f':{port}'}{path}")
    except httpx.InvalidURL:
        assume(False)  # not a URL httpx would fetch: nothing to agree on
        raise


@given(scheme=schemes, host=hosts, port=ports, path=paths)
def test_the_origin_of_a_request_is_where_httpx_connects(
    scheme: str, host: str, port: int | None, path: str
) -> None:
    url = _url(scheme, host, port, path)
    connects_to = Origin(
        url.scheme, url.raw_host.decode("ascii"), url.port or DEFAULT_PORTS[url.scheme]
    )
    assert Origin.of(str(url)) == connects_to


@given(host=hosts, port=ports, path=paths)
def test_an_allowed_host_matches_the_requests_made_to_it(
    host: str, port: int | None, path: str
) -> None:
    written = host if port is None else f"https://{host}:{port}"
    allowed = parse_origin(written)
    request = str(_url("https", host, port, path))
    assert request in allowed
    assert OpenfootballAccess(hosts=(allowed,)).allows(request)
    assert not OpenfootballAccess(hosts=(allowed,)).allows(request.replace("https:", "http:", 1))


@pytest.mark.parametrize(
    "url",
    [
        "https://user:token@raw.githubusercontent.com/x.json",
        "https://raw.githubusercontent.com:99999/x.json",  # no such port
        "https://raw.githubusercontent.com:443x/x.json",
        "https://[::1/x.json",  # an IPv6 address never closed
        "ftp://raw.githubusercontent.com/x.json",
    ],
)
def test_a_url_that_cannot_be_read_or_carries_a_password_is_not_allowed(url: str) -> None:
    assert not OpenfootballAccess(trusted=True).allows(url)


def test_a_reference_whose_port_cannot_be_read_is_not_a_url() -> None:
    with pytest.raises(InvalidInput, match="openfootball reference: not a valid URL"):
        OpenfootballAccess().url("https://raw.githubusercontent.com:99999/x.json")


def test_a_host_without_an_idna_form_is_not_an_origin() -> None:
    too_long = "ü" * 70 + ".example"  # a label over 63 characters
    with pytest.raises(ValueError, match="not a host"):
        Origin.of(f"https://{too_long}/x")
    with pytest.raises(ValueError, match="not a host or an origin"):
        parse_origin(too_long)


def test_an_origin_is_written_back_as_a_url_without_its_default_port() -> None:
    assert str(Origin.of("https://Raw.GitHubusercontent.com:443/x")) == (
        "https://raw.githubusercontent.com"
    )
    assert str(Origin.of("http://[::1]:8080/x")) == "http://[::1]:8080"
    assert str(parse_origin("bücher.example")) == "https://xn--bcher-kva.example"
