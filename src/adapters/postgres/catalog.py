"""Tournaments, teams (with memberships) and rounds in PostgreSQL.

Text is ordered with `COLLATE "C"` everywhere: code-point order, the same as Python's, whatever
locale the database was created with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.postgres.codec import round_from_row, team_from_row, tournament_from_row
from adapters.postgres.errors import storage_errors
from adapters.postgres.round_reads import read_round
from adapters.postgres.session import Session
from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.model import Membership, Round, Team, TeamKey, Tournament, TournamentId
from bestshot_domain.round_reads import RoundRead

_TOURNAMENT_COLUMNS = (
    "id, label, provider, reference, rules, timezone, zones, season, fallback_provider,"
    " fallback_reference, verify"
)
# The first key of the two-key advisory locks on tournament ids ("bsht" in ASCII): two int4
# keys never collide with the single bigint key of the migrations' lock.
_CLAIM_LOCK_CLASS = int.from_bytes(b"bsht", "big")


class PostgresTournamentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def get(self, tournament_id: TournamentId) -> Tournament:
        with storage_errors():
            row = await self._db.fetchrow(
                f"SELECT {_TOURNAMENT_COLUMNS} FROM tournaments WHERE id = $1",  # noqa: S608
                tournament_id,
            )
        if row is None:
            raise NotFound(f"tournament {tournament_id!r} not found")
        return tournament_from_row(row)

    async def list(self) -> Sequence[Tournament]:
        with storage_errors():
            rows = await self._db.fetch(
                f'SELECT {_TOURNAMENT_COLUMNS} FROM tournaments ORDER BY id COLLATE "C"'  # noqa: S608
            )
        return [tournament_from_row(row) for row in rows]

    async def save(self, tournament: Tournament) -> None:
        async with self._session.write() as db:
            await db.execute(
                """
                INSERT INTO tournaments AS t
                    (id, label, provider, reference, rules, timezone, zones, season,
                     fallback_provider, fallback_reference, verify)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (id) DO UPDATE SET
                    label = EXCLUDED.label, provider = EXCLUDED.provider,
                    reference = EXCLUDED.reference, rules = EXCLUDED.rules,
                    timezone = EXCLUDED.timezone, zones = EXCLUDED.zones,
                    season = EXCLUDED.season, fallback_provider = EXCLUDED.fallback_provider,
                    fallback_reference = EXCLUDED.fallback_reference, verify = EXCLUDED.verify,
                    updated_at = now()
                WHERE (t.label, t.provider, t.reference, t.rules, t.timezone, t.zones, t.season,
                       t.fallback_provider, t.fallback_reference, t.verify)
                    IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.provider, EXCLUDED.reference,
                                      EXCLUDED.rules, EXCLUDED.timezone, EXCLUDED.zones,
                                      EXCLUDED.season, EXCLUDED.fallback_provider,
                                      EXCLUDED.fallback_reference, EXCLUDED.verify)
                """,
                tournament.id,
                tournament.label,
                tournament.provider,
                tournament.reference,
                tournament.rules,
                tournament.timezone,
                tournament.zones,
                tournament.season,
                None if tournament.fallback is None else tournament.fallback.provider,
                None if tournament.fallback is None else tournament.fallback.reference,
                str(tournament.verify),
            )

    async def lock(self, tournament_id: TournamentId) -> None:
        # NO KEY UPDATE serializes the lockers without blocking the foreign-key checks (KEY
        # SHARE) of writers that insert rows referring to the tournament. The lock lasts until
        # the transaction ends, so one is begun first.
        await self._session.begin()
        with storage_errors():
            found = await self._db.fetchval(
                "SELECT true FROM tournaments WHERE id = $1 FOR NO KEY UPDATE", tournament_id
            )
        if not found:
            raise NotFound(f"tournament {tournament_id!r} not found")

    async def claim(self, tournament_id: TournamentId) -> bool:
        # No row to lock before the tournament exists: an advisory lock on its id serializes
        # the claimers (two imports creating it at once) until the transaction ends. Taken in
        # its own statement, so that the row's lookup after the wait sees what the other
        # committed (READ COMMITTED takes a snapshot per statement).
        await self._session.begin()
        with storage_errors():
            await self._db.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext($2))", _CLAIM_LOCK_CLASS, tournament_id
            )
        try:
            await self.lock(tournament_id)
        except NotFound:
            return False
        return True


class PostgresTeamRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def save_many(self, teams: Sequence[Team]) -> None:
        # The last of two entries for one key wins, as it would written one by one.
        unique = list({team.key: team for team in teams}.values())
        if not unique:
            return
        async with self._session.write() as db:
            await db.execute(
                """
                INSERT INTO teams AS t (provider, external_id, name, code)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                ON CONFLICT ON CONSTRAINT team_provider_external_id_unique DO UPDATE SET
                    name = EXCLUDED.name, code = EXCLUDED.code
                WHERE (t.name, t.code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.code)
                """,
                [team.provider for team in unique],
                [team.external_id for team in unique],
                [team.name for team in unique],
                [team.code for team in unique],
            )

    async def get_many(self, keys: Sequence[TeamKey]) -> Mapping[TeamKey, Team]:
        if not keys:
            return {}
        with storage_errors():
            rows = await self._db.fetch(
                "SELECT provider, external_id, name, code FROM teams WHERE key = ANY($1::text[])",
                list(keys),
            )
        teams = (team_from_row(row) for row in rows)
        return {team.key: team for team in teams}

    async def members(self, tournament_id: TournamentId) -> Sequence[Membership]:
        with storage_errors():
            rows = await self._db.fetch(
                """
                SELECT tournament_id, team, group_name FROM memberships WHERE tournament_id = $1
                ORDER BY group_name COLLATE "C" NULLS LAST, team COLLATE "C"
                """,
                tournament_id,
            )
        return [
            Membership(
                tournament_id=row["tournament_id"], team=row["team"], group=row["group_name"]
            )
            for row in rows
        ]

    async def set_members(self, tournament_id: TournamentId, members: Sequence[Membership]) -> None:
        strangers = sorted({m.tournament_id for m in members} - {tournament_id})
        if strangers:
            raise InvalidInput(
                f"memberships of {', '.join(map(repr, strangers))} given for {tournament_id!r}"
            )
        groups = {member.team: member.group for member in members}  # the last entry wins
        async with self._session.write() as db:
            # One statement: drop those no longer members, insert or regroup the others.
            await db.execute(
                """
                WITH gone AS (
                    DELETE FROM memberships
                    WHERE tournament_id = $1 AND NOT (team = ANY($2::text[]))
                )
                INSERT INTO memberships AS m (tournament_id, team, group_name)
                SELECT $1, team, group_name
                FROM unnest($2::text[], $3::text[]) AS u(team, group_name)
                ON CONFLICT (tournament_id, team) DO UPDATE SET group_name = EXCLUDED.group_name
                WHERE m.group_name IS DISTINCT FROM EXCLUDED.group_name
                """,
                tournament_id,
                list(groups),
                list(groups.values()),
            )


_ROUND_COLUMNS = "tournament_id, slug, label, ordinal, kind, reference"


class PostgresRoundRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def get(self, tournament_id: TournamentId, slug: str) -> Round:
        with storage_errors():
            row = await self._db.fetchrow(
                f"SELECT {_ROUND_COLUMNS} FROM rounds WHERE tournament_id = $1 AND slug = $2",  # noqa: S608
                tournament_id,
                slug,
            )
        if row is None:
            raise NotFound(f"round {slug!r} of tournament {tournament_id!r} not found")
        return round_from_row(row)

    async def read(self, tournament_id: TournamentId, slug: str) -> RoundRead:
        return await read_round(self._db, tournament_id, slug)

    async def list(self, tournament_id: TournamentId) -> Sequence[Round]:
        with storage_errors():
            rows = await self._db.fetch(
                f"""
                SELECT {_ROUND_COLUMNS} FROM rounds WHERE tournament_id = $1
                ORDER BY ordinal, slug COLLATE "C"
                """,  # noqa: S608
                tournament_id,
            )
        return [round_from_row(row) for row in rows]

    async def save_many(self, rounds: Sequence[Round]) -> None:
        unique = list({(r.tournament_id, r.slug): r for r in rounds}.values())
        if not unique:
            return
        async with self._session.write() as db:
            await db.execute(
                """
                INSERT INTO rounds AS r (tournament_id, slug, label, ordinal, kind, reference)
                SELECT * FROM unnest(
                    $1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[]
                )
                ON CONFLICT (tournament_id, slug) DO UPDATE SET
                    label = EXCLUDED.label, ordinal = EXCLUDED.ordinal, kind = EXCLUDED.kind,
                    reference = EXCLUDED.reference
                WHERE (r.label, r.ordinal, r.kind, r.reference)
                    IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.ordinal, EXCLUDED.kind,
                                      EXCLUDED.reference)
                """,
                [r.tournament_id for r in unique],
                [r.slug for r in unique],
                [r.label for r in unique],
                [r.order for r in unique],
                [r.kind.value for r in unique],
                [r.reference for r in unique],
            )
