"""Alias tables, pending finals and disputes in PostgreSQL (migration 0007_verification).

A dispute's answers are a small JSON list; the one-open-dispute-per-match rule is a partial
unique index, so two writers cannot both open one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from adapters.postgres.errors import storage_errors
from adapters.postgres.session import Session
from bestshot_domain.errors import NotFound
from bestshot_domain.model import MatchKey, MatchStatus, Score, TournamentId
from bestshot_domain.verification import (
    Answer,
    ClosedBy,
    Dispute,
    DisputeKind,
    PendingFinal,
)

_DISPUTE_COLUMNS = (
    "id, tournament_id, round_slug, match_key, kind, answers, opened_at, closed_at, closed_by,"
    " reason"
)


def _score(score: Score | None) -> dict[str, int] | None:
    return None if score is None else {"home": score.home, "away": score.away}


def _score_back(data: Any) -> Score | None:
    return None if data is None else Score(data["home"], data["away"])


def _pair(home: int | None, away: int | None) -> Score | None:
    return None if home is None or away is None else Score(home, away)


def _answers_json(answers: Sequence[Answer]) -> str:
    return json.dumps(
        [
            {
                "provider": a.provider,
                "status": str(a.status),
                "score": _score(a.score),
                "shootout": _score(a.shootout),
            }
            for a in answers
        ]
    )


def _dispute(row: asyncpg.Record) -> Dispute:
    return Dispute(
        id=row["id"],
        tournament_id=row["tournament_id"],
        round_slug=row["round_slug"],
        match=row["match_key"],
        kind=DisputeKind(row["kind"]),
        answers=tuple(
            Answer(
                a["provider"],
                MatchStatus(a["status"]),
                _score_back(a["score"]),
                _score_back(a["shootout"]),
            )
            for a in json.loads(row["answers"])
        ),
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        closed_by=None if row["closed_by"] is None else ClosedBy(row["closed_by"]),
        reason=row["reason"],
    )


class PostgresVerificationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def aliases(self, tournament_id: TournamentId) -> Mapping[str, str]:
        with storage_errors():
            rows = await self._db.fetch(
                """
                SELECT alias, name FROM team_aliases WHERE tournament_id = $1
                ORDER BY alias COLLATE "C"
                """,
                tournament_id,
            )
        return {row["alias"]: row["name"] for row in rows}

    async def set_aliases(self, tournament_id: TournamentId, aliases: Mapping[str, str]) -> None:
        async with self._session.write() as db:
            found = await db.fetchval("SELECT true FROM tournaments WHERE id = $1", tournament_id)
            if not found:
                raise NotFound(f"tournament {tournament_id!r} not found")
            await db.execute("DELETE FROM team_aliases WHERE tournament_id = $1", tournament_id)
            await db.execute(
                """
                INSERT INTO team_aliases (tournament_id, alias, name)
                SELECT $1, * FROM unnest($2::text[], $3::text[])
                """,
                tournament_id,
                list(aliases),
                list(aliases.values()),
            )

    async def pending(self, tournament_id: TournamentId) -> Mapping[MatchKey, PendingFinal]:
        with storage_errors():
            rows = await self._db.fetch(
                """
                SELECT match_key, tournament_id, provider, status, home_score, away_score,
                       shootout_home, shootout_away, first_seen
                FROM pending_finals WHERE tournament_id = $1
                """,
                tournament_id,
            )
        return {
            row["match_key"]: PendingFinal(
                row["tournament_id"],
                row["match_key"],
                Answer(
                    row["provider"],
                    MatchStatus(row["status"]),
                    _pair(row["home_score"], row["away_score"]),
                    _pair(row["shootout_home"], row["shootout_away"]),
                ),
                row["first_seen"],
            )
            for row in rows
        }

    async def save_pending(self, finals: Sequence[PendingFinal]) -> None:
        unique = list({final.match: final for final in finals}.values())
        if not unique:
            return
        answers = [final.answer for final in unique]
        async with self._session.write() as db:
            await db.execute(
                """
                INSERT INTO pending_finals AS p (match_key, tournament_id, provider, status,
                    home_score, away_score, shootout_home, shootout_away, first_seen)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],
                                     $6::int[], $7::int[], $8::int[], $9::timestamptz[])
                ON CONFLICT (match_key) DO UPDATE SET
                    tournament_id = EXCLUDED.tournament_id, provider = EXCLUDED.provider,
                    status = EXCLUDED.status, home_score = EXCLUDED.home_score,
                    away_score = EXCLUDED.away_score, shootout_home = EXCLUDED.shootout_home,
                    shootout_away = EXCLUDED.shootout_away, first_seen = EXCLUDED.first_seen
                """,
                [final.match for final in unique],
                [final.tournament_id for final in unique],
                [a.provider for a in answers],
                [str(a.status) for a in answers],
                [None if a.score is None else a.score.home for a in answers],
                [None if a.score is None else a.score.away for a in answers],
                [None if a.shootout is None else a.shootout.home for a in answers],
                [None if a.shootout is None else a.shootout.away for a in answers],
                [final.first_seen for final in unique],
            )

    async def clear_pending(self, tournament_id: TournamentId, matches: Sequence[MatchKey]) -> None:
        if not matches:
            return
        async with self._session.write() as db:
            await db.execute(
                """
                DELETE FROM pending_finals
                WHERE tournament_id = $1 AND match_key = ANY($2::text[])
                """,
                tournament_id,
                list(matches),
            )

    async def disputes(
        self, tournament_id: TournamentId, *, open_only: bool = False
    ) -> Sequence[Dispute]:
        with storage_errors():
            rows = await self._db.fetch(
                f"""
                SELECT {_DISPUTE_COLUMNS} FROM disputes
                WHERE tournament_id = $1 AND (closed_at IS NULL OR NOT $2)
                ORDER BY opened_at DESC, id COLLATE "C" DESC
                """,  # noqa: S608
                tournament_id,
                open_only,
            )
        return [_dispute(row) for row in rows]

    async def dispute(self, tournament_id: TournamentId, dispute_id: str) -> Dispute:
        with storage_errors():
            row = await self._db.fetchrow(
                f"SELECT {_DISPUTE_COLUMNS} FROM disputes WHERE tournament_id = $1 AND id = $2",  # noqa: S608
                tournament_id,
                dispute_id,
            )
        if row is None:
            raise NotFound(f"no dispute {dispute_id!r} in tournament {tournament_id!r}")
        return _dispute(row)

    async def save_disputes(self, disputes: Sequence[Dispute]) -> None:
        unique = list({dispute.id: dispute for dispute in disputes}.values())
        if not unique:
            return
        # Closings first: a batch that closes one dispute of a match and opens another passes
        # the one-open-per-match index row by row.
        unique.sort(key=lambda dispute: dispute.is_open)
        async with self._session.write() as db:
            for d in unique:
                await db.execute(
                    f"""
                    INSERT INTO disputes ({_DISPUTE_COLUMNS})
                    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)
                    ON CONFLICT (id) DO UPDATE SET
                        answers = EXCLUDED.answers, closed_at = EXCLUDED.closed_at,
                        closed_by = EXCLUDED.closed_by, reason = EXCLUDED.reason
                    """,  # noqa: S608
                    d.id,
                    d.tournament_id,
                    d.round_slug,
                    d.match,
                    str(d.kind),
                    _answers_json(d.answers),
                    d.opened_at,
                    d.closed_at,
                    None if d.closed_by is None else str(d.closed_by),
                    d.reason,
                )
