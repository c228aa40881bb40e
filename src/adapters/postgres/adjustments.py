"""Point adjustments in PostgreSQL (the triggers of migration 0003 raise the revision)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.postgres.errors import storage_errors
from adapters.postgres.session import Session
from bestshot_domain.model import PointAdjustment, TeamKey, TournamentId


class PostgresAdjustmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[PointAdjustment]:
        with storage_errors():
            rows = await self._db.fetch(
                """
                SELECT tournament_id, team, points, reason FROM point_adjustments
                WHERE tournament_id = $1 ORDER BY team COLLATE "C", reason COLLATE "C"
                """,
                tournament_id,
            )
        return [
            PointAdjustment(
                tournament_id=row["tournament_id"],
                team=row["team"],
                points=row["points"],
                reason=row["reason"],
            )
            for row in rows
        ]

    async def save(self, adjustment: PointAdjustment) -> None:
        async with self._session.write() as db:
            await db.execute(
                """
                INSERT INTO point_adjustments (tournament_id, team, reason, points)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (tournament_id, team, reason) DO UPDATE SET points = EXCLUDED.points
                """,
                adjustment.tournament_id,
                adjustment.team,
                adjustment.reason,
                adjustment.points,
            )

    async def delete_for_team(self, tournament_id: TournamentId, team: TeamKey) -> int:
        async with self._session.write() as db:
            status = await db.execute(
                "DELETE FROM point_adjustments WHERE tournament_id = $1 AND team = $2",
                tournament_id,
                team,
            )
        # The command tag: "DELETE <count>".
        return int(status.rsplit(" ", 1)[-1])
