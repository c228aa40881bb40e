"""Small builders of domain values for tests, with defaults that make a valid league."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bestshot_domain.model import (
    Cards,
    Ending,
    Fixtures,
    Match,
    MatchState,
    MatchStatus,
    Observation,
    Round,
    RoundKind,
    Score,
    SourceMatch,
    SourceRound,
    SourceTeam,
    Team,
    Tournament,
    make_key,
)
from bestshot_domain.ports import PlannedSchedule

PROVIDER = "scripted"
T0 = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)


def tournament(
    tournament_id: str = "liga-test",
    *,
    label: str = "Liga Test",
    provider: str = PROVIDER,
    reference: str = "liga",
    rules: str = "premier_league",
    timezone: str = "UTC",
    zones: str = "",
    season: str | None = None,
) -> Tournament:
    return Tournament(tournament_id, label, provider, reference, rules, timezone, zones, season)


def team(external_id: str, name: str | None = None, *, provider: str = PROVIDER) -> Team:
    return Team(provider, external_id, name or f"Team {external_id}")


def round_(
    slug: str = "matchday-1",
    *,
    tournament_id: str = "liga-test",
    order: int = 1,
    kind: RoundKind = RoundKind.LEAGUE,
) -> Round:
    return Round(tournament_id, slug, slug.replace("-", " ").title(), order, kind, slug)


def state(
    status: MatchStatus = MatchStatus.SCHEDULED,
    score: tuple[int, int] | None = None,
    *,
    kickoff: datetime = T0,
    ended: Ending | None = None,
    shootout: tuple[int, int] | None = None,
) -> MatchState:
    if status is MatchStatus.FINISHED and ended is None:
        ended = Ending.PENALTIES if shootout else Ending.REGULAR
    return MatchState(
        status,
        kickoff,
        None if score is None else Score(*score),
        ended,
        None if shootout is None else Score(*shootout),
    )


def match(
    external_id: str = "m1",
    *,
    home: str = "a",
    away: str = "b",
    tournament_id: str = "liga-test",
    round_slug: str = "matchday-1",
    status: MatchStatus = MatchStatus.SCHEDULED,
    score: tuple[int, int] | None = None,
    kickoff: datetime = T0,
    group: str | None = None,
    last_observed: datetime | None = None,
    version: int = 0,
    provider: str = PROVIDER,
) -> Match:
    return Match(
        tournament_id,
        round_slug,
        provider,
        external_id,
        make_key(provider, home),
        make_key(provider, away),
        state(status, score, kickoff=kickoff),
        group,
        last_observed,
        version,
    )


def observation(
    external_id: str = "m1",
    status: MatchStatus = MatchStatus.FINISHED,
    score: tuple[int, int] | None = None,
    *,
    ended: Ending | None = None,
    shootout: tuple[int, int] | None = None,
    kickoff: datetime | None = None,
    changed_at: datetime | None = None,
    home_cards: Cards | None = None,
    away_cards: Cards | None = None,
) -> Observation:
    return Observation(
        external_id,
        status,
        None if score is None else Score(*score),
        ended,
        None if shootout is None else Score(*shootout),
        kickoff,
        changed_at,
        home_cards,
        away_cards,
    )


def league_fixtures(
    team_count: int = 4,
    *,
    start: datetime = T0,
    provider: str = PROVIDER,
    days_between_rounds: int = 7,
) -> Fixtures:
    """A single round-robin (circle method): every team meets every other once, all scheduled."""
    ids = [f"t{i}" for i in range(1, team_count + 1)]
    teams = tuple(SourceTeam(i, f"Team {i.upper()}", i.upper()) for i in ids)
    rotation = ids if team_count % 2 == 0 else [*ids, ""]
    rounds: list[SourceRound] = []
    matches: list[SourceMatch] = []
    for number in range(1, len(rotation)):
        slug = f"matchday-{number}"
        rounds.append(
            SourceRound(slug, f"Matchday {number}", number, RoundKind.LEAGUE, str(number))
        )
        kickoff = start + timedelta(days=days_between_rounds * (number - 1))
        half = len(rotation) // 2
        for index in range(half):
            home, away = rotation[index], rotation[-1 - index]
            if "" in (home, away):
                continue
            external_id = f"{slug}-{home}-{away}"
            matches.append(
                SourceMatch(
                    slug,
                    home,
                    away,
                    Observation(
                        external_id,
                        MatchStatus.SCHEDULED,
                        kickoff=kickoff + timedelta(hours=2 * index),
                    ),
                )
            )
        rotation = [rotation[0], rotation[-1], *rotation[1:-1]]
    return Fixtures(provider, teams, tuple(rounds), tuple(matches))


# Far in the future, so that no scheduler's worker fires it during a test.
FIRE = datetime(2031, 5, 17, 21, 30, tzinfo=UTC)


def planned(
    name: str = "liga_2031_05_17_21_30",
    fire_at: datetime = FIRE,
    *,
    round_slug: str = "matchday-1",
    target_env: str = "demo",
) -> PlannedSchedule:
    return PlannedSchedule(
        name=name,
        fire_at=fire_at,
        tournament_id="liga",
        round_slug=round_slug,
        target_env=target_env,
    )


# Where the planned schedules of the tests point: nothing listens there.
TEST_API = "http://127.0.0.1:9"
