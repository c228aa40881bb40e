"""openfootball files as a source: ids, rounds and states on top of `bestshot table`'s reader."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.memory import SettableClock
from adapters.sources.http import ProviderClient
from adapters.sources.openfootball import OpenfootballAccess, OpenfootballSource, parse_file
from adapters.sources.origin import parse_origin
from adapters.sources.parsed import assemble_fixtures, reference_tag
from adapters.sources.providers import build_source
from bestshot_domain.errors import InvalidInput, SourceFormatError
from bestshot_domain.model import Cards, Ending, MatchStatus, RoundKind, Score
from tests.builders import T0
from tests.source_configs import one

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
LEAGUE = EXAMPLES / "en.1-2022-23.json"
WORLD_CUP = EXAMPLES / "worldcup-2018.json"


def test_a_league_season() -> None:
    matches = parse_file(LEAGUE.read_bytes())
    assert len(matches) == 380
    first = matches[0]
    assert first.external_id == "matchday-1-crystal-palace-fc-arsenal-fc"
    assert (first.home.external_id, first.home.name) == ("crystal-palace-fc", "Crystal Palace FC")
    assert (first.observation.status, first.observation.score, first.observation.ended) == (
        MatchStatus.FINISHED,
        Score(0, 2),
        Ending.REGULAR,
    )
    assert first.observation.kickoff == datetime(2022, 8, 5, 20, 0, tzinfo=UTC)
    fixtures = assemble_fixtures("openfootball", matches)
    assert len(fixtures.teams) == 20
    assert [r.slug for r in fixtures.rounds][:3] == ["matchday-1", "matchday-2", "matchday-3"]
    assert {r.kind for r in fixtures.rounds} == {RoundKind.LEAGUE}
    assert len({m.external_id for m in fixtures.matches}) == 380


def test_a_world_cup_with_groups_knockouts_extra_time_and_penalties() -> None:
    matches = parse_file(WORLD_CUP.read_bytes())
    kinds = Counter(m.round.kind for m in matches)
    assert kinds == {RoundKind.GROUP: 48, RoundKind.KNOCKOUT: 16}
    opener = matches[0]
    assert (opener.group, opener.observation.score) == ("Group A", Score(5, 0))
    # 18:00 UTC+3 in Moscow is 15:00 UTC.
    assert opener.observation.kickoff == datetime(2018, 6, 14, 15, 0, tzinfo=UTC)
    by_id = {m.external_id: m.observation for m in matches}
    shootout = by_id["quarter-finals-russia-croatia"]
    assert (shootout.score, shootout.ended, shootout.shootout) == (
        Score(2, 2),
        Ending.PENALTIES,
        Score(3, 4),
    )
    extra_time = by_id["semi-finals-croatia-england"]
    assert (extra_time.score, extra_time.ended, extra_time.shootout) == (
        Score(2, 1),
        Ending.EXTRA_TIME,
        None,
    )
    teams = assemble_fixtures("openfootball", matches).teams
    assert {t.group for t in teams} == {f"Group {letter}" for letter in "ABCDEFGH"}


def _one(**fields: Any) -> dict[str, Any]:
    match = {
        "round": "Matchday 1",
        "date": "2024-08-16",
        "team1": "Aldmere",
        "team2": "Brackenford",
    }
    match.update(fields)
    return match


def _without(key: str) -> dict[str, Any]:
    match = _one()
    del match[key]
    return match


def _parse(*matches: dict[str, Any], name: str = "Demo") -> list[Any]:
    return parse_file(json.dumps({"name": name, "matches": list(matches)}))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, (MatchStatus.SCHEDULED, None, None, None)),
        ({"score": {"ft": [2, 1]}}, (MatchStatus.FINISHED, Score(2, 1), Ending.REGULAR, None)),
        (
            {"score": {"ft": [1, 1], "et": [2, 1]}},
            (MatchStatus.FINISHED, Score(2, 1), Ending.EXTRA_TIME, None),
        ),
        (
            {"score": {"ft": [1, 1], "et": [1, 1], "p": [5, 4]}},
            (MatchStatus.FINISHED, Score(1, 1), Ending.PENALTIES, Score(5, 4)),
        ),
        ({"score1": 3, "score2": 0}, (MatchStatus.FINISHED, Score(3, 0), Ending.REGULAR, None)),
        ({"status": "cancelled"}, (MatchStatus.CANCELLED, None, None, None)),
        (
            {"status": "canceled", "score": {"ft": [0, 0]}},
            (MatchStatus.CANCELLED, None, None, None),
        ),
        (
            {"status": "postponed", "score": {"ft": [1, 0]}},
            (MatchStatus.POSTPONED, None, None, None),
        ),
        (
            {"status": "awarded", "score": {"ft": [3, 0]}},
            (MatchStatus.AWARDED, Score(3, 0), None, None),
        ),
    ],
)
def test_every_status(fields: dict[str, Any], expected: tuple[object, ...]) -> None:
    (match,) = _parse(_one(**fields))
    o = match.observation
    assert (o.status, o.score, o.ended, o.shootout) == expected


def test_same_teams_twice_in_a_round_get_distinct_ids() -> None:
    first, second = _parse(_one(), _one(date="2024-08-20"))
    assert (first.external_id, second.external_id) == (
        "matchday-1-aldmere-brackenford",
        "matchday-1-aldmere-brackenford-2",
    )


def test_a_match_without_a_round_falls_on_its_day() -> None:
    match = _one()
    del match["round"]
    (parsed,) = _parse(match)
    assert (parsed.round.slug, parsed.round.kind) == ("day-2024-08-16", RoundKind.LEAGUE)


def test_rounds_shape_paths() -> None:
    document = {
        "name": "Euro",
        "rounds": [
            {"name": "Final", "matches": [_one(round="Final")]},
            {"name": "Other", "matches": [_one(), {"team1": "A", "team2": "B"}]},
        ],
    }
    with pytest.raises(SourceFormatError) as raised:
        parse_file(json.dumps(document))
    assert raised.value.path == "rounds[1].matches[1].date"


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"matches": [_one(), _without("date")]}, "matches[1].date", "needs its date"),
        ({"matches": [_one(team2=None)]}, "matches[0].team2", "team name"),
        ({"matches": [_one(score={"ft": [1]})]}, "matches[0].score.ft", "two non-negative"),
        ({"matches": [_one(status="awarded")]}, "matches[0].score", "awarded"),
        ({"matches": [_one(status="abandoned-ish")]}, "matches[0].status", "unknown status"),
        (
            {"matches": [_one(team1="São Paulo"), _one(team1="Sao Paulo")]},
            "matches[1].team1",
            "same id",
        ),
        ({"matches": []}, "matches", "no matches"),
        ({"teams": []}, "", "expected `matches` or `rounds`"),
    ],
)
def test_files_it_cannot_read_name_the_place(
    document: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(SourceFormatError) as raised:
        parse_file(json.dumps(document))
    assert raised.value.provider == "openfootball"
    assert raised.value.path == path
    assert message in str(raised.value)


def test_truncated_json() -> None:
    with pytest.raises(SourceFormatError, match="not valid JSON") as raised:
        parse_file(LEAGUE.read_bytes()[:500])
    assert raised.value.path == "$"


async def test_a_file_source_and_a_missing_file(tmp_path: Path) -> None:
    config = one("openfootball", {"files_dir": EXAMPLES})
    source = build_source("openfootball", config, clock=SettableClock(T0))
    assert isinstance(source, OpenfootballSource)
    try:
        fixtures = await source.fixtures(WORLD_CUP.name)
        absolute = await source.fixtures(str(WORLD_CUP))  # inside the folder: read
        uri = await source.fixtures(WORLD_CUP.as_uri())
        with pytest.raises(InvalidInput, match=r"'missing\.json': no such file") as missing:
            await source.fixtures("missing.json")
    finally:
        await source.aclose()
    assert len(fixtures.matches) == 64
    assert absolute == uri == fixtures
    assert str(EXAMPLES) not in str(missing.value)  # the server's own layout is not shown


def _source(access: OpenfootballAccess) -> OpenfootballSource:
    source = build_source(
        "openfootball",
        one(
            "openfootball",
            {"files_dir": access.files_dir, "hosts": access.hosts},
            trusted=access.trusted,
        ),
        clock=SettableClock(T0),
    )
    assert isinstance(source, OpenfootballSource)
    return source


async def test_without_a_files_folder_no_file_is_read_and_the_setting_is_named() -> None:
    source = _source(OpenfootballAccess())
    for reference in (str(WORLD_CUP), WORLD_CUP.as_uri(), "worldcup-2018.json"):
        with pytest.raises(InvalidInput, match="BESTSHOT_FILES_DIR"):
            await source.fixtures(reference)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "wc.json").write_bytes(WORLD_CUP.read_bytes())
    (tmp_path / "secret.json").write_text(
        '{"matches": [{"round": "1", "date": "hunter2-the-password", "team1": "A", "team2": "B"}]}'
    )
    (folder / "escape.json").symlink_to(tmp_path / "secret.json")
    return folder


@pytest.mark.parametrize(
    "reference",
    [
        "../secret.json",
        "../missing.json",
        "escape.json",  # a link inside the folder to a file outside it
        "/etc/passwd",
        "/nonexistent/file.json",
        "file:///etc/passwd",
        "sub/../../secret.json",
    ],
)
async def test_a_file_outside_the_folder_is_refused_the_same_whether_it_exists_or_not(
    files: Path, reference: str
) -> None:
    source = _source(OpenfootballAccess(files_dir=files))

    with pytest.raises(InvalidInput) as refused:
        await source.fixtures(reference)

    assert str(refused.value) == (
        "openfootball reference: files are read only inside BESTSHOT_FILES_DIR; "
        "give a name relative to it"
    )


async def test_a_file_that_is_not_openfootball_is_never_quoted(files: Path) -> None:
    (files / "odd.json").write_text(
        '{"matches": [{"round": "1", "date": "hunter2-the-password", "team1": "A", "team2": "B"}]}'
    )
    source = _source(OpenfootballAccess(files_dir=files))

    with pytest.raises(SourceFormatError) as raised:
        await source.fixtures("odd.json")

    assert raised.value.path == "matches[0].date"
    assert "hunter2" not in str(raised.value)


async def test_the_command_line_user_may_name_any_file(files: Path) -> None:
    source = _source(OpenfootballAccess(trusted=True))

    fixtures = await source.fixtures(str(files / "wc.json"))
    with pytest.raises(SourceFormatError, match="hunter2"):  # their own file: all is told
        await source.fixtures(str(files.parent / "secret.json"))

    assert len(fixtures.matches) == 64


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/api/v2/tournaments",
        "http://localhost/x.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.7/x.json",
        "https://evil.example/x.json",
        "https://raw.githubusercontent.com.evil.example/x.json",
        "http://raw.githubusercontent.com/openfootball/x.json",  # plain http
        "https://user:token@raw.githubusercontent.com/openfootball/x.json",
        "ftp://raw.githubusercontent.com/x.json",
    ],
)
async def test_a_url_off_the_allowed_hosts_is_refused_before_any_request(url: str) -> None:
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, content=WORLD_CUP.read_bytes())

    access = OpenfootballAccess()
    client = ProviderClient(
        "openfootball",
        "https://raw.githubusercontent.com",
        allowed=access.allows,
        transport=httpx.MockTransport(record),
    )
    source = OpenfootballSource(client, access)

    with pytest.raises(InvalidInput, match="openfootball reference") as refused:
        await source.fixtures(url)

    assert requests == []
    assert "token" not in str(refused.value)


async def test_a_url_on_an_allowed_host_is_read() -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=WORLD_CUP.read_bytes())

    access = OpenfootballAccess()
    client = ProviderClient(
        "openfootball",
        "https://raw.githubusercontent.com",
        allowed=access.allows,
        transport=httpx.MockTransport(serve),
    )
    source = OpenfootballSource(client, access)

    fixtures = await source.fixtures(
        "https://raw.githubusercontent.com/openfootball/worldcup.json/master/2018/worldcup.json"
    )

    assert len(fixtures.matches) == 64


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("raw.githubusercontent.com", "https://raw.githubusercontent.com"),
        (" GitHub.com ", "https://github.com"),
        ("http://mirror.lan:8080", "http://mirror.lan:8080"),
        ("https://files.example/", "https://files.example"),
    ],
)
def test_allowed_hosts_are_hosts_or_origins(text: str, origin: str) -> None:
    assert str(parse_origin(text)) == origin


@pytest.mark.parametrize(
    "text", ["", "ftp://x.example", "https://u:p@x.example", "https://x.example/path", "http://"]
)
def test_an_allowed_host_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a host or an origin"):
        parse_origin(text)


def test_cards_become_each_sides_discipline() -> None:
    opener = parse_file(WORLD_CUP.read_bytes())[0].observation
    assert (opener.home_cards, opener.away_cards) == (Cards(yellow=1), Cards(yellow=1))
    league = parse_file(LEAGUE.read_bytes())[0].observation  # a file without cards
    assert (league.home_cards, league.away_cards) == (None, None)


def test_ids_carry_a_tag_of_the_reference() -> None:
    raw = LEAGUE.read_bytes()
    plain = [m.external_id for m in parse_file(raw)]
    one = [m.external_id for m in parse_file(raw, reference="seasons/2022-23.json")]
    other = [m.external_id for m in parse_file(raw, reference="elsewhere/2022-23.json")]
    assert one == [f"{reference_tag('seasons/2022-23.json')}-{id_}" for id_ in plain]
    assert re.fullmatch(r"[0-9a-f]{8}-matchday-1-crystal-palace-fc-arsenal-fc", one[0])
    assert not set(one) & set(other)
    assert one == [m.external_id for m in parse_file(raw, reference="seasons/2022-23.json")]
