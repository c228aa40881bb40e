"""The ChangeRepository and StandingsRepository contracts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.model import (
    Cards,
    ChangeKind,
    MatchChange,
    MatchDiscipline,
    MatchStatus,
    PointAdjustment,
    StandingsSnapshot,
)
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.standings import MatchResult, TeamEntry, compute_standings, parse_zones, preset
from tests.builders import T0, match, state, tournament
from tests.contracts.seed import seed, seed_league


def change(
    key: str = "scripted:m1",
    at: int = 0,
    *,
    reason: str = "scheduled -> live 0-0",
    tournament_id: str = "liga-test",
) -> MatchChange:
    return MatchChange(
        match=key,
        tournament_id=tournament_id,
        round_slug="matchday-1",
        kind=ChangeKind.UPDATED,
        before=state(),
        after=state(MatchStatus.LIVE, (0, 0)),
        reason=reason,
        recorded_at=T0 + timedelta(minutes=at),
    )


class TestChanges:
    async def test_changes_read_back_equal_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1"), match("m2", home="c", away="d")])
        created = MatchChange(
            "scripted:m1",
            "liga-test",
            "matchday-1",
            ChangeKind.CREATED,
            None,
            state(),
            "imported",
            T0 - timedelta(days=3),
        )
        later = change(at=10, reason="later")
        tie_first = change(at=5, reason="tie, recorded first")
        tie_second = change(at=5, reason="tie, recorded second")
        other = change("scripted:m2", at=1)
        async with uow_factory() as uow:
            await uow.changes.record_many([later, tie_first])
            await uow.changes.record_many([created, tie_second, other])
            await uow.commit()
        async with uow_factory() as uow:
            of_match = list(await uow.changes.for_match("scripted:m1"))
            of_tournament = list(await uow.changes.for_tournament("liga-test"))
            assert list(await uow.changes.for_match("scripted:none")) == []
            assert list(await uow.changes.for_tournament("nowhere")) == []
        assert of_match == [created, tie_first, tie_second, later]
        assert of_tournament == [created, other, tie_first, tie_second, later]

    async def test_a_change_of_an_unknown_match_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.changes.record_many([change("scripted:m1"), change("scripted:zz")])

    async def test_changes_roll_back_unless_committed(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            await uow.changes.record_many([change()])
            assert len(await uow.changes.for_match("scripted:m1")) == 1
        async with uow_factory() as uow:
            assert list(await uow.changes.for_match("scripted:m1")) == []


class TestSnapshots:
    async def test_none_before_the_first_computation(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") is None
            assert await uow.standings.get("nowhere") is None

    async def test_a_snapshot_replaces_the_last_one(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        await seed(uow_factory, tournaments=[tournament("other")])
        first = StandingsSnapshot("liga-test", "fifa", T0)
        second = StandingsSnapshot("liga-test", "premier_league", T0 + timedelta(minutes=5))
        other = StandingsSnapshot("other", "fifa", T0)
        async with uow_factory() as uow:
            await uow.standings.save(first)
            await uow.standings.save(other)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") == first
            await uow.standings.save(second)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") == second
            assert await uow.standings.get("other") == other

    async def test_computed_tables_read_back_equal(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        teams = [
            TeamEntry(f"scripted:{key}", key.upper(), "AB"[i // 2]) for i, key in enumerate("abcd")
        ]
        results = [
            MatchResult("scripted:a", "scripted:b", 2, 2, T0, Cards(yellow=2), Cards(red=1)),
            MatchResult("scripted:c", "scripted:d", 0, 1, T0),
            MatchResult("scripted:b", "scripted:a", None, None, T0 + timedelta(days=7)),
        ]
        tables = compute_standings(
            preset("fifa_world_cup"), teams, results, {"scripted:d": -1}, parse_zones("1:first")
        )
        snapshot = StandingsSnapshot("liga-test", "fifa_world_cup", T0, tables)
        async with uow_factory() as uow:
            await uow.standings.save(snapshot)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.standings.get("liga-test")
        assert stored == snapshot
        assert stored is not None
        assert [dict(row.zones) for row in stored.tables[0].rows] == [
            dict(row.zones) for row in tables[0].rows
        ]

    async def test_a_snapshot_of_an_unknown_tournament_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.standings.save(StandingsSnapshot("nowhere", "fifa", T0))

    async def test_snapshots_roll_back_unless_committed(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            await uow.standings.save(StandingsSnapshot("liga-test", "fifa", T0))
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") is None


class TestAdjustments:
    async def test_adjustments_are_listed_by_team_then_reason(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        await seed(uow_factory, tournaments=[tournament("other")])
        saved = [
            PointAdjustment("liga-test", "scripted:b", -10, "administration"),
            PointAdjustment("liga-test", "scripted:a", -3, "unpaid wages"),
            PointAdjustment("liga-test", "scripted:a", -1, "fielded an ineligible player"),
            PointAdjustment("other", "scripted:a", -6),
        ]
        async with uow_factory() as uow:
            for adjustment in saved:
                await uow.standings.save_adjustment(adjustment)
            await uow.commit()
        async with uow_factory() as uow:
            listed = list(await uow.standings.adjustments("liga-test"))
            assert list(await uow.standings.adjustments("nowhere")) == []
        assert listed == [saved[2], saved[1], saved[0]]

    async def test_an_adjustment_is_replaced_by_tournament_team_and_reason(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            await uow.standings.save_adjustment(
                PointAdjustment("liga-test", "scripted:a", -10, "x")
            )
            await uow.standings.save_adjustment(PointAdjustment("liga-test", "scripted:a", -9, "x"))
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.standings.adjustments("liga-test")) == [
                PointAdjustment("liga-test", "scripted:a", -9, "x")
            ]

    async def test_deleting_a_teams_adjustments_removes_them_all_and_only_them(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        await seed(uow_factory, tournaments=[tournament("other")])
        kept = [
            PointAdjustment("liga-test", "scripted:b", -10, "administration"),
            PointAdjustment("other", "scripted:a", -6, "elsewhere"),
        ]
        async with uow_factory() as uow:
            for adjustment in [
                *kept,
                PointAdjustment("liga-test", "scripted:a", -3, "unpaid wages"),
                PointAdjustment("liga-test", "scripted:a", -1, "ineligible player"),
            ]:
                await uow.standings.save_adjustment(adjustment)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.standings.delete_adjustments("liga-test", "scripted:a") == 2
            # Seen inside the unit of work, and gone with it when it is not committed.
            assert list(await uow.standings.adjustments("liga-test")) == kept[:1]
        async with uow_factory() as uow:
            assert len(await uow.standings.adjustments("liga-test")) == 3
            assert await uow.standings.delete_adjustments("liga-test", "scripted:a") == 2
            assert await uow.standings.delete_adjustments("liga-test", "scripted:a") == 0
            assert await uow.standings.delete_adjustments("nowhere", "scripted:zz") == 0
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.standings.adjustments("liga-test")) == kept[:1]
            assert list(await uow.standings.adjustments("other")) == kept[1:]
            # Deleted, then saved again in one unit of work: the new one stands.
            await uow.standings.delete_adjustments("liga-test", "scripted:b")
            await uow.standings.save_adjustment(kept[0])
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.standings.adjustments("liga-test")) == kept[:1]

    @pytest.mark.parametrize(
        "broken",
        [
            PointAdjustment("nowhere", "scripted:a", -1),
            PointAdjustment("liga-test", "scripted:zz", -1),
        ],
        ids=["tournament", "team"],
    )
    async def test_an_adjustment_referring_to_nothing_is_not_found(
        self, uow_factory: UnitOfWorkFactory, broken: PointAdjustment
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.standings.save_adjustment(broken)


class TestDiscipline:
    async def test_cards_of_the_tournaments_matches_by_match_then_team(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m2"), match("m1", home="c", away="d")])
        await seed_league(uow_factory, "other", matches=[match("m3", tournament_id="other")])
        records = [
            MatchDiscipline("scripted:m2", "scripted:b", Cards(yellow=2)),
            MatchDiscipline("scripted:m2", "scripted:a", Cards(1, 1, 0, 0)),
            MatchDiscipline("scripted:m1", "scripted:d", Cards(0, 0, 1, 1)),
            MatchDiscipline("scripted:m3", "scripted:a", Cards(yellow=5)),
        ]
        async with uow_factory() as uow:
            await uow.standings.save_discipline(records)
            await uow.commit()
        async with uow_factory() as uow:
            listed = list(await uow.standings.discipline("liga-test"))
            assert list(await uow.standings.discipline("other")) == [records[3]]
        assert listed == [records[2], records[1], records[0]]

    async def test_cards_are_replaced_by_match_and_team(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            await uow.standings.save_discipline(
                [MatchDiscipline("scripted:m1", "scripted:a", Cards(yellow=1))]
            )
            await uow.commit()
        corrected = MatchDiscipline("scripted:m1", "scripted:a", Cards(yellow=2, red=1))
        async with uow_factory() as uow:
            await uow.standings.save_discipline([corrected])
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.standings.discipline("liga-test")) == [corrected]

    @pytest.mark.parametrize(
        "broken",
        [
            MatchDiscipline("scripted:zz", "scripted:a", Cards(yellow=1)),
            MatchDiscipline("scripted:m1", "scripted:zz", Cards(yellow=1)),
        ],
        ids=["match", "team"],
    )
    async def test_cards_referring_to_nothing_are_not_found(
        self, uow_factory: UnitOfWorkFactory, broken: MatchDiscipline
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.standings.save_discipline([broken])
