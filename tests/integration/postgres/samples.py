"""A small league to store: one tournament, its teams, rounds and matches."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
from attrs import evolve

from bestshot_domain.model import (
    ChangeKind,
    Ending,
    Match,
    MatchChange,
    MatchState,
    MatchStatus,
    Membership,
    Round,
    Score,
    Team,
    Tournament,
)
from bestshot_domain.ports import UnitOfWork

PROVIDER = "demo"
KICKOFF = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
TOURNAMENT = Tournament(
    id="liga-test",
    label="Liga Test",
    provider=PROVIDER,
    reference="liga",
    rules="premier_league",
    timezone="Europe/Madrid",
    zones="1:champion",
)


def teams(count: int) -> list[Team]:
    return [Team(PROVIDER, f"t{n:03d}", f"Team {n}", code=f"T{n:02d}") for n in range(count)]


def rounds(count: int, tournament_id: str = TOURNAMENT.id) -> list[Round]:
    return [
        Round(tournament_id, f"matchday-{n}", f"Matchday {n}", order=n) for n in range(1, count + 1)
    ]


def round_robin(
    team_list: list[Team], matches_per_round: int, round_count: int, tournament_id: str
) -> list[Match]:
    """`round_count` rounds of `matches_per_round` scheduled matches between distinct teams."""
    matches = []
    for r in range(1, round_count + 1):
        for n in range(matches_per_round):
            home = team_list[(2 * n + r) % len(team_list)]
            away = team_list[(2 * n + 1 + r) % len(team_list)]
            matches.append(
                Match(
                    tournament_id=tournament_id,
                    round_slug=f"matchday-{r}",
                    provider=PROVIDER,
                    external_id=f"{tournament_id}-r{r}-m{n}",
                    home=home.key,
                    away=away.key,
                    state=MatchState(
                        MatchStatus.SCHEDULED, KICKOFF + timedelta(days=7 * r, hours=n % 3)
                    ),
                )
            )
    return matches


async def store_league(
    uow: UnitOfWork,
    *,
    tournament: Tournament = TOURNAMENT,
    team_count: int = 20,
    matches_per_round: int = 10,
    round_count: int = 1,
) -> list[Match]:
    """Store a league (not committed) and return its matches."""
    team_list = teams(team_count)
    await uow.tournaments.save(tournament)
    await uow.teams.save_many(team_list)
    await uow.teams.set_members(
        tournament.id, [Membership(tournament.id, team.key) for team in team_list]
    )
    await uow.rounds.save_many(rounds(round_count, tournament.id))
    matches = round_robin(team_list, matches_per_round, round_count, tournament.id)
    await uow.matches.save_many(matches)
    return matches


def finish(match: Match, home: int, away: int, at: datetime) -> tuple[Match, MatchChange]:
    """The match finished with this score, and the change that says so."""
    after = evolve(
        match.state, status=MatchStatus.FINISHED, score=Score(home, away), ended=Ending.REGULAR
    )
    updated = evolve(match, state=after, last_observed=at, version=match.version + 1)
    change = MatchChange(
        match=match.key,
        tournament_id=match.tournament_id,
        round_slug=match.round_slug,
        kind=ChangeKind.UPDATED,
        before=match.state,
        after=after,
        reason="finished",
        recorded_at=at,
    )
    return updated, change


async def wait_for_lock_waiters(pool: asyncpg.Pool, count: int) -> None:
    """Return once `count` sessions wait on a lock, as PostgreSQL itself reports it."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    while await pool.fetchval(query) < count:  # noqa: ASYNC110 - polling the server, not us
        await asyncio.sleep(0.01)
