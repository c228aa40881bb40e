from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import attrs
import pytest

from adapters.sources.demo import DemoSource
from bestshot_domain import services
from bestshot_domain.errors import Conflict, InvalidInput, NotFound, SourceFormatError
from bestshot_domain.importing import Counts
from bestshot_domain.model import (
    ChangeKind,
    Fixtures,
    MatchStatus,
    Membership,
    Round,
    RoundKind,
    Team,
    Tournament,
)
from tests.builders import T0, observation
from tests.unit.services.conftest import World


async def snapshot_of(world: World) -> tuple[object, ...]:
    async with world.uow_factory() as uow:
        return (
            list(await uow.tournaments.list()),
            dict(await uow.teams.get_many([f"scripted:t{i}" for i in range(1, 5)])),
            list(await uow.teams.members("liga-test")),
            list(await uow.rounds.list("liga-test")),
            list(await uow.matches.for_tournament("liga-test")),
            list(await uow.changes.for_tournament("liga-test")),
        )


async def test_a_first_import_creates_the_whole_tournament(
    world: World, fixtures: Fixtures
) -> None:
    world.source.publish("liga", fixtures)
    summary = await world.import_("Liga Test", timezone="Europe/Lisbon", zones="1:champion")
    tournament = Tournament(
        "liga-test",
        "Liga Test",
        "scripted",
        "liga",
        "premier_league",
        "Europe/Lisbon",
        "1:champion",
        "2025-26",  # the season of the first kickoff, in March 2026
    )
    assert summary.tournament == tournament
    assert summary.tournament_created
    assert (summary.teams, summary.rounds, summary.matches) == (
        Counts(created=4),
        Counts(created=3),
        Counts(created=6),
    )
    async with world.uow_factory() as uow:
        assert await uow.tournaments.get("liga-test") == tournament
        assert (await uow.teams.get_many(["scripted:t1"]))["scripted:t1"] == Team(
            "scripted", "t1", "Team T1", "T1"
        )
        assert [m.team for m in await uow.teams.members("liga-test")] == [
            f"scripted:t{i}" for i in range(1, 5)
        ]
        assert await uow.rounds.get("liga-test", "matchday-2") == Round(
            "liga-test", "matchday-2", "Matchday 2", 2, RoundKind.LEAGUE, "2"
        )
        matches = await uow.matches.for_tournament("liga-test")
        changes = await uow.changes.for_tournament("liga-test")
    assert len(matches) == 6
    assert {(m.version, m.status) for m in matches} == {(0, MatchStatus.SCHEDULED)}
    assert [c.kind for c in changes] == [ChangeKind.CREATED] * 6


async def test_the_id_is_the_labels_ascii_slug(world: World, fixtures: Fixtures) -> None:
    world.source.publish("liga", fixtures)
    summary = await world.import_("Brasileirão Série A 2026/27")
    assert summary.tournament.id == "brasileirao-serie-a-2026-27"
    assert summary.tournament.label == "Brasileirão Série A 2026/27"


async def test_importing_again_changes_nothing(imported: World) -> None:
    world = imported
    before = await snapshot_of(world)
    commits = world.uow_factory.store.commits
    world.clock.advance(timedelta(days=1))
    summary = await world.import_()
    assert not summary.changed
    assert summary.changes == 0
    assert summary.matches == Counts(unchanged=6)
    assert await snapshot_of(world) == before
    assert world.uow_factory.store.commits == commits


async def test_importing_again_brings_what_the_provider_changed(
    imported: World, fixtures: Fixtures
) -> None:
    world = imported
    first = fixtures.matches[0]
    world.source.publish(
        "liga",
        attrs.evolve(
            fixtures,
            teams=(attrs.evolve(fixtures.teams[0], name="Renamed"), *fixtures.teams[1:]),
            matches=(
                attrs.evolve(first, observation=observation(first.external_id, score=(4, 4))),
                *fixtures.matches[1:],
            ),
        ),
    )
    summary = await world.import_(rules="la_liga")
    assert summary.tournament_updated
    assert summary.teams == Counts(updated=1, unchanged=3)
    assert summary.matches == Counts(updated=1, unchanged=5)
    assert summary.changes == 1
    matches = await world.matches()
    assert matches[first.external_id].version == 1
    assert matches[first.external_id].status is MatchStatus.FINISHED
    async with world.uow_factory() as uow:
        assert (await uow.tournaments.get("liga-test")).rules == "la_liga"


async def test_a_new_group_layout_replaces_the_membership(
    imported: World, fixtures: Fixtures
) -> None:
    world = imported
    world.source.publish(
        "liga",
        attrs.evolve(
            fixtures,
            teams=tuple(
                attrs.evolve(t, group="South" if t.external_id == "t4" else "North")
                for t in fixtures.teams
            ),
        ),
    )
    summary = await world.import_()
    assert summary.members_changed
    assert summary.teams == Counts(unchanged=4)
    async with world.uow_factory() as uow:
        members = await uow.teams.members("liga-test")
    assert members == [
        *(Membership("liga-test", f"scripted:t{i}", "North") for i in (1, 2, 3)),
        Membership("liga-test", "scripted:t4", "South"),
    ]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"provider": "espn"}, re.escape("unknown provider 'espn' (configured: scripted)")),
        ({"rules": "sunday_league"}, "sunday_league"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"zones": "champion"}, "malformed zone"),
        ({"label": "  !!  "}, "cannot make an id"),
        ({"reference": " "}, "reference"),
        ({"season": "1995-97"}, "ends the year after"),
        ({"season": "spring"}, "expected a season"),
    ],
)
async def test_bad_input_is_refused_before_asking_the_provider(
    world: World, fixtures: Fixtures, arguments: dict[str, str], words: str
) -> None:
    world.source.publish("liga", fixtures)
    with pytest.raises(InvalidInput, match=words):
        await world.import_(**arguments)
    assert world.source.calls == []
    assert world.uow_factory.store.commits == 0


async def test_an_unknown_reference_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await world.import_(reference="nope")


async def test_fixtures_that_do_not_hang_together_write_nothing(
    world: World, fixtures: Fixtures
) -> None:
    broken = attrs.evolve(fixtures.matches[3], home_external_id="ghost")
    world.source.publish("liga", attrs.evolve(fixtures, matches=(*fixtures.matches[:3], broken)))
    with pytest.raises(SourceFormatError) as raised:
        await world.import_()
    assert raised.value.path == "matches[3].home_external_id"
    assert world.uow_factory.store.commits == 0


async def test_the_same_provider_tournament_under_another_label_is_a_conflict(
    imported: World,
) -> None:
    with pytest.raises(Conflict, match="already imported as 'liga-test'"):
        await imported.import_("Liga Test Again")


async def test_the_same_id_from_another_provider_tournament_is_a_conflict(
    imported: World, fixtures: Fixtures
) -> None:
    world = imported
    world.source.publish("other", fixtures)
    with pytest.raises(Conflict, match="is imported from scripted 'liga'"):
        await world.import_(reference="other")


async def test_matches_already_in_another_tournament_are_a_conflict_naming_it(
    imported: World, fixtures: Fixtures
) -> None:
    # Another reference whose fixtures overlap the first import's (an overlapping date range, a
    # second demo league): the provider's matches belong to one tournament. Retrying would never
    # help, so the error must not read like a concurrent write.
    world = imported
    commits = world.uow_factory.store.commits
    world.source.publish("overlapping", fixtures)
    with pytest.raises(Conflict, match=r"6 of scripted 'overlapping''s matches .*'liga-test'"):
        await world.import_("Liga Overlap", reference="overlapping")
    assert world.uow_factory.store.commits == commits
    async with world.uow_factory() as uow:
        assert [t.id for t in await uow.tournaments.list()] == ["liga-test"]


async def test_matches_that_cannot_be_stored_are_reported_and_the_rest_imported(
    world: World, fixtures: Fixtures
) -> None:
    bad = attrs.evolve(
        fixtures.matches[0],
        observation=attrs.evolve(fixtures.matches[0].observation, status=MatchStatus.FINISHED),
    )
    world.source.publish("liga", attrs.evolve(fixtures, matches=(bad, *fixtures.matches[1:])))
    summary = await world.import_()
    assert [(r.external_id, r.reason) for r in summary.rejected] == [
        (bad.external_id, "a finished match needs a score")
    ]
    assert len(await world.matches()) == 5


async def test_imported_results_keep_the_providers_change_time(
    world: World, fixtures: Fixtures
) -> None:
    first = fixtures.matches[0]
    changed_at = T0 + timedelta(hours=2)
    world.source.publish(
        "liga",
        attrs.evolve(
            fixtures,
            matches=(
                attrs.evolve(
                    first,
                    observation=observation(
                        first.external_id, score=(1, 0), kickoff=T0, changed_at=changed_at
                    ),
                ),
                *fixtures.matches[1:],
            ),
        ),
    )
    await world.import_()
    assert (await world.matches())[first.external_id].last_observed == changed_at


async def test_a_match_already_another_tournaments_is_a_clear_conflict(
    imported: World, fixtures: Fixtures
) -> None:
    # Two references of one provider that list the same matches (overlapping date ranges, a
    # league and a cup listing one game ...): the second cannot take the first's matches.
    world = imported
    world.source.publish("overlapping", fixtures)
    before = await snapshot_of(world)
    with pytest.raises(Conflict) as raised:
        await world.import_("Liga Overlap", reference="overlapping")
    assert str(raised.value) == (
        "6 of scripted 'overlapping''s matches are already in tournament 'liga-test' "
        "(first: scripted:matchday-1-t1-t4)"
    )
    assert await snapshot_of(world) == before
    async with world.uow_factory() as uow:
        assert [t.id for t in await uow.tournaments.list()] == ["liga-test"]


async def test_two_demo_tournaments_of_other_seeds_import_side_by_side(world: World) -> None:
    demo = DemoSource(world.clock)
    imports = [
        await services.import_tournament(
            "demo",
            reference,
            label,
            "premier_league",
            uow_factory=world.uow_factory,
            sources={"demo": demo},
            clock=world.clock,
        )
        for reference, label in (
            ("1/2026-03-14", "Demo One"),
            ("2/2026-03-14", "Demo Two"),
            ("1/2026-03-21", "Demo One Later"),  # same seed, another anchor day
        )
    ]
    assert [summary.matches.created for summary in imports] == [380, 380, 380]
    assert [summary.teams.created for summary in imports] == [20, 0, 0]
    async with world.uow_factory() as uow:
        keys = [
            {m.key for m in await uow.matches.for_tournament(summary.tournament.id)}
            for summary in imports
        ]
    assert len(keys[0] | keys[1] | keys[2]) == 3 * 380


async def test_concurrent_identical_imports_create_the_tournament_once(
    world: World, fixtures: Fixtures
) -> None:
    world.source.publish("liga", fixtures)
    summaries = await asyncio.gather(*(world.import_() for _ in range(20)))
    assert [s.tournament_created for s in summaries].count(True) == 1
    assert [s.changed for s in summaries].count(True) == 1
    assert sum(s.changes for s in summaries) == len(fixtures.matches)


async def test_the_season_given_is_recorded_in_the_competitions_form(
    world: World, fixtures: Fixtures
) -> None:
    world.source.publish("liga", fixtures)
    summary = await world.import_(rules="bundesliga", season="1993/94")
    assert summary.tournament.season == "1993-94"
    again = await world.import_(rules="bundesliga", season="1993-94")
    assert not again.tournament_updated


async def test_a_calendar_year_competition_records_the_year_of_its_first_fixture(
    world: World, fixtures: Fixtures
) -> None:
    world.source.publish("liga", fixtures)
    summary = await world.import_(rules="brasileirao")
    assert summary.tournament.season == "2026"
    async with world.uow_factory() as uow:
        assert (await uow.tournaments.get("liga-test")).season == "2026"
