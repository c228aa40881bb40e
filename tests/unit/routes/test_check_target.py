"""`bestshot_routes.check_target`: the one rule for where a schedule may send the token."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bestshot_routes import Origin, RefusedTarget, Target, check_target, round_path
from bestshot_routes.paths import parse_round_path, parse_standings_path, standings_path
from bestshot_routes.targets import MAX_URL

API = "https://api.example.com"
ROUND = "/api/v2/data-provider/tournaments/premier-league/matches/matchday-14"
STANDINGS = "/api/v2/data-provider/tournaments/premier-league/standings"
ORIGIN = Origin.parse(API)
MOUNTED = Origin.parse("http://127.0.0.1:8000/bestshot/")

# (origin, round URL, standings URL): each accepted as is.
ACCEPTED = {
    "plain": (ORIGIN, API + ROUND, API + STANDINGS),
    "explicit-default-port": (ORIGIN, f"{API}:443{ROUND}", API + STANDINGS),
    "upper-case-host-and-scheme": (ORIGIN, f"HTTPS://API.EXAMPLE.COM{ROUND}", API + STANDINGS),
    "under-a-prefix": (
        MOUNTED,
        "http://127.0.0.1:8000/bestshot" + ROUND,
        "http://127.0.0.1:8000/bestshot" + STANDINGS,
    ),
    "quoted-segments": (
        ORIGIN,
        API + "/api/v2/data-provider/tournaments/premier-league/matches/round%20of%2016",
        API + STANDINGS,
    ),
}

# (origin, round URL, standings URL, what the refusal says)
REFUSED = {
    "another-host": (ORIGIN, f"https://evil.example{ROUND}", API + STANDINGS, "not on the API"),
    "standings-elsewhere": (ORIGIN, API + ROUND, f"https://evil.example{STANDINGS}", "not on"),
    "another-port": (ORIGIN, f"{API}:8443{ROUND}", API + STANDINGS, "not on the API"),
    "another-scheme": (ORIGIN, f"http://api.example.com{ROUND}", API + STANDINGS, "not on"),
    "not-http": (ORIGIN, f"ftp://api.example.com{ROUND}", API + STANDINGS, "not on the API"),
    "scheme-relative": (ORIGIN, f"//api.example.com{ROUND}", API + STANDINGS, "not on the API"),
    "user-info": (ORIGIN, f"https://user:pw@api.example.com{ROUND}", API + STANDINGS, "user-info"),
    "user-info-trick": (ORIGIN, f"{API}@evil.com{ROUND}", API + STANDINGS, "user-info"),
    "backslash": (ORIGIN, f"{API}\\@evil.com{ROUND}", API + STANDINGS, "not a plain URL"),
    "trailing-space": (ORIGIN, f"{API}{ROUND} ", API + STANDINGS, "not a plain URL"),
    "control-character": (ORIGIN, f"{API}{ROUND}\r\nX: y", API + STANDINGS, "not a plain URL"),
    "too-long": (ORIGIN, API + ROUND + "x" * 2048, API + STANDINGS, "not a plain URL"),
    "bad-port": (ORIGIN, f"{API}:99999{ROUND}", API + STANDINGS, "not a URL"),
    "bad-bracket": (ORIGIN, f"https://[::1{ROUND}", API + STANDINGS, "not a URL"),
    "empty": (ORIGIN, "", API + STANDINGS, "non-empty"),
    "query": (ORIGIN, f"{API}{ROUND}?x=1", API + STANDINGS, "no query or fragment"),
    "empty-query": (ORIGIN, f"{API}{ROUND}?", API + STANDINGS, "no query or fragment"),
    "fragment": (ORIGIN, API + ROUND, f"{API}{STANDINGS}#top", "no query or fragment"),
    "other-path": (ORIGIN, f"{API}/admin/x", API + STANDINGS, "not a data-provider round"),
    "round-is-standings": (ORIGIN, API + STANDINGS, API + STANDINGS, "not a data-provider round"),
    "standings-is-round": (ORIGIN, API + ROUND, API + ROUND, "not a data-provider standings"),
    "trailing-slash": (ORIGIN, f"{API}{ROUND}/", API + STANDINGS, "not a data-provider round"),
    "dot-dot": (ORIGIN, f"{API}{ROUND}/../../../x", API + STANDINGS, "not a data-provider"),
    "dot-dot-segment": (
        ORIGIN,
        API + ROUND.replace("matchday-14", ".."),
        API + STANDINGS,
        "not a data-provider round",
    ),
    "quoted-dot-dot": (
        ORIGIN,
        API + ROUND.replace("matchday-14", "%2e%2e"),
        API + STANDINGS,
        "not a data-provider round",
    ),
    "quoted-slash": (
        ORIGIN,
        API + ROUND.replace("matchday-14", "a%2Fb"),
        API + STANDINGS,
        "not a data-provider round",
    ),
    "different-tournaments": (
        ORIGIN,
        API + ROUND,
        API + STANDINGS.replace("premier-league", "la-liga"),
        "different tournaments",
    ),
    "outside-the-prefix": (
        MOUNTED,
        "http://127.0.0.1:8000" + ROUND,
        "http://127.0.0.1:8000/bestshot" + STANDINGS,
        "not under /bestshot/",
    ),
}


@pytest.mark.parametrize(("origin", "round_url", "standings_url"), ACCEPTED.values(), ids=ACCEPTED)
def test_a_target_on_the_api_is_accepted(
    origin: Origin, round_url: str, standings_url: str
) -> None:
    aimed = check_target(Target(round_url, standings_url, "demo"), origin)

    assert aimed.tournament_id == "premier-league"
    assert aimed.round_url == origin.base_url + round_path(aimed.tournament_id, aimed.round_slug)
    assert aimed.standings_url == origin.base_url + STANDINGS


@pytest.mark.parametrize(
    ("origin", "round_url", "standings_url", "message"), REFUSED.values(), ids=REFUSED
)
def test_any_other_target_is_refused_saying_why(
    origin: Origin, round_url: str, standings_url: str, message: str
) -> None:
    with pytest.raises(RefusedTarget, match=message) as refused:
        check_target(Target(round_url, standings_url, "demo"), origin)

    assert "pw" not in str(refused.value)


@pytest.mark.parametrize(
    "base",
    [
        "ftp://api.example.com",
        "https://",
        "https://user@api.example.com",
        "https://api.example.com?x=1",
        "https://api.example.com#x",
        "https://api.example.com:99999",
        "https://api.example.com/a/../b",
        "https://api.example.com /x",
    ],
)
def test_a_base_url_that_names_no_plain_origin_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        Origin.parse(base)


segments = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1).filter(
    lambda s: s not in {".", ".."}
)


@given(tournament=segments, round_slug=segments)
@example(tournament="premier league", round_slug="round/of?16#")
def test_what_the_builders_make_the_check_accepts_and_reads_back(
    tournament: str, round_slug: str
) -> None:
    target = MOUNTED.target(tournament, round_slug, "production")
    too_long = max(len(target.round_url), len(target.standings_url)) > MAX_URL
    if (
        too_long
        or "/" in tournament
        or "\\" in tournament
        or "/" in round_slug
        or "\\" in round_slug
    ):
        # A slash cannot round-trip a segment however it is quoted, and quoting can make a URL
        # longer than any target may be: never a target.
        with pytest.raises(RefusedTarget):
            check_target(target, MOUNTED)
        return
    aimed = check_target(target, MOUNTED)

    assert (aimed.tournament_id, aimed.round_slug) == (tournament, round_slug)
    assert (aimed.round_url, aimed.standings_url) == (target.round_url, target.standings_url)
    assert parse_round_path(round_path(tournament, round_slug)) == (tournament, round_slug)
    assert parse_standings_path(standings_path(tournament)) == tournament


# Pieces an attacker would combine in the authority of a URL.
pieces = st.sampled_from(
    [
        "api.example.com",
        "evil.com",
        "@",
        ":",
        "443",
        "8443",
        ".",
        "\\",
        "%40",
        "[",
        "]",
        "::1",
        "user",
        "pw",
        "API.EXAMPLE.COM",
        "/",
        "#",
        "?",
        "%2F",
        "127.0.0.1",
    ]
)
authorities = st.lists(pieces, min_size=1, max_size=6).map("".join)


@settings(max_examples=300)
@example(scheme="https", authority="api.example.com")  # accepted: the assertions run
@example(scheme="HTTPS", authority="API.EXAMPLE.COM:443")
@example(scheme="https", authority="api.example.com@evil.com")
@given(scheme=st.sampled_from(["https", "http", "HTTPS", "ftp"]), authority=authorities)
def test_an_accepted_url_goes_to_the_api_however_httpx_reads_it(
    scheme: str, authority: str
) -> None:
    url = f"{scheme}://{authority}{ROUND}"
    try:
        aimed = check_target(Target(url, API + STANDINGS, "production"), ORIGIN)
    except RefusedTarget:
        return
    # What was accepted, read by the library that will send the request, is our host...
    original = httpx.URL(url)
    assert original.host == "api.example.com"
    assert original.port in {None, 443}
    assert original.userinfo == b""
    # ...and what will be sent is rebuilt from the origin anyway.
    assert aimed.round_url == API + ROUND


def test_a_base_url_with_a_path_and_a_slash_keeps_its_path() -> None:
    target = Origin.parse("http://127.0.0.1:8000/x/").target("t", "r 1", "production")
    assert target == Target(
        "http://127.0.0.1:8000/x/api/v2/data-provider/tournaments/t/matches/r%201",
        "http://127.0.0.1:8000/x/api/v2/data-provider/tournaments/t/standings",
        "production",
    )
    assert target.to_json() == {
        "roundUrl": target.round_url,
        "standingsUrl": target.standings_url,
        "targetEnv": "production",
    }
