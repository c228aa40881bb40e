"""Per-match discipline (cards) in PostgreSQL (the triggers of migration 0003 raise the
revision)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.postgres.errors import storage_errors
from adapters.postgres.session import Session
from bestshot_domain.model import Cards, MatchDiscipline, TournamentId


class PostgresDisciplineRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[MatchDiscipline]:
        with storage_errors():
            rows = await self._db.fetch(
                """
                SELECT d.match_key, d.team, d.yellow, d.second_yellow_red, d.red,
                       d.yellow_and_red
                FROM match_discipline d JOIN matches m ON m.key = d.match_key
                WHERE m.tournament_id = $1
                ORDER BY d.match_key COLLATE "C", d.team COLLATE "C"
                """,
                tournament_id,
            )
        return [
            MatchDiscipline(
                match=row["match_key"],
                team=row["team"],
                cards=Cards(
                    yellow=row["yellow"],
                    second_yellow_red=row["second_yellow_red"],
                    red=row["red"],
                    yellow_and_red=row["yellow_and_red"],
                ),
            )
            for row in rows
        ]

    async def save_many(self, records: Sequence[MatchDiscipline]) -> None:
        unique = list({(r.match, r.team): r for r in records}.values())
        if not unique:
            return
        async with self._session.write() as db:
            await db.execute(
                """
                INSERT INTO match_discipline
                    (match_key, team, yellow, second_yellow_red, red, yellow_and_red)
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[],
                                     $6::int[])
                ON CONFLICT (match_key, team) DO UPDATE SET
                    yellow = EXCLUDED.yellow, second_yellow_red = EXCLUDED.second_yellow_red,
                    red = EXCLUDED.red, yellow_and_red = EXCLUDED.yellow_and_red
                """,
                [r.match for r in unique],
                [r.team for r in unique],
                [r.cards.yellow for r in unique],
                [r.cards.second_yellow_red for r in unique],
                [r.cards.red for r in unique],
                [r.cards.yellow_and_red for r in unique],
            )
