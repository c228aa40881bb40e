from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from bestshot_domain.errors import SourceFormatError
from bestshot_domain.importing import Counts, ImportPlan, Rejection, check_fixtures, plan_import
from bestshot_domain.model import (
    ChangeKind,
    Fixtures,
    MatchStatus,
    Membership,
    Observation,
    SourceMatch,
    SourceRound,
    SourceTeam,
    Team,
)
from tests.builders import T0, league_fixtures, observation, state, tournament

AT = T0 - timedelta(days=1)
LIGA = tournament("liga-test")


def plan_against(fixtures: Fixtures, previous: ImportPlan | None = None) -> ImportPlan:
    """Plan an import on top of what `previous` wrote (or of nothing)."""
    if previous is None:
        return plan_import(
            LIGA,
            fixtures,
            stored_tournament=None,
            stored_teams={},
            stored_members=[],
            stored_rounds=[],
            stored_matches=[],
            at=AT,
        )
    return plan_import(
        LIGA,
        fixtures,
        stored_tournament=LIGA,
        stored_teams={t.key: t for t in previous.teams},
        stored_members=previous.members or (),
        stored_rounds=previous.rounds,
        stored_matches=previous.matches,
        at=AT + timedelta(hours=1),
    )


class TestCheckFixtures:
    def test_coherent_fixtures_pass(self) -> None:
        check_fixtures(league_fixtures(4), "scripted")

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (lambda f: attrs.evolve(f, provider="espn"), "provider"),
            (lambda f: attrs.evolve(f, teams=(*f.teams, f.teams[0])), "teams"),
            (lambda f: attrs.evolve(f, rounds=(*f.rounds, f.rounds[0])), "rounds"),
            (lambda f: attrs.evolve(f, matches=(*f.matches, f.matches[0])), "matches"),
            (
                lambda f: attrs.evolve(f, rounds=(SourceRound("Matchday 1", "x", 1), *f.rounds)),
                "rounds[0].slug",
            ),
            (
                # `re.match` with `$` let a trailing newline through; a slug is the whole string.
                lambda f: attrs.evolve(f, rounds=(SourceRound("matchday-0\n", "x", 1), *f.rounds)),
                "rounds[0].slug",
            ),
            (
                lambda f: attrs.evolve(
                    f, matches=(attrs.evolve(f.matches[0], home_external_id="zz"), *f.matches[1:])
                ),
                "matches[0].home_external_id",
            ),
            (
                lambda f: attrs.evolve(
                    f, matches=(*f.matches[:2], attrs.evolve(f.matches[2], away_external_id="zz"))
                ),
                "matches[2].away_external_id",
            ),
            (
                lambda f: attrs.evolve(
                    f, matches=(attrs.evolve(f.matches[0], round_slug="nope"), *f.matches[1:])
                ),
                "matches[0].round_slug",
            ),
        ],
    )
    def test_incoherent_fixtures_name_the_path(self, change: object, path: str) -> None:
        broken = change(league_fixtures(4))  # type: ignore[operator]
        with pytest.raises(SourceFormatError) as raised:
            check_fixtures(broken, "scripted")
        assert raised.value.path == path
        assert raised.value.provider == "scripted"


class TestPlan:
    def test_a_first_import_creates_everything(self) -> None:
        fixtures = league_fixtures(4)
        plan = plan_against(fixtures)
        summary = plan.summary
        assert summary.tournament_created
        assert summary.teams == Counts(created=4)
        assert summary.rounds == Counts(created=3)
        assert summary.matches == Counts(created=6)
        assert summary.members_changed
        assert summary.changes == 6
        assert summary.changed
        assert plan.teams[0] == Team("scripted", "t1", "Team T1", "T1")
        assert plan.members is not None
        assert plan.members[0] == Membership("liga-test", "scripted:t1")
        assert plan.rounds[0].reference == "1"
        assert {c.kind for c in plan.changes} == {ChangeKind.CREATED}
        assert all(m.version == 0 and m.last_observed == AT for m in plan.matches)

    def test_the_same_fixtures_again_plan_nothing(self) -> None:
        fixtures = league_fixtures(4)
        again = plan_against(fixtures, plan_against(fixtures))
        assert (again.teams, again.members, again.rounds, again.matches, again.changes) == (
            (),
            None,
            (),
            (),
            (),
        )
        summary = again.summary
        assert not summary.changed
        assert (summary.teams, summary.rounds, summary.matches) == (
            Counts(unchanged=4),
            Counts(unchanged=3),
            Counts(unchanged=6),
        )

    def test_what_the_provider_changed_and_only_that_is_planned(self) -> None:
        fixtures = league_fixtures(4)
        first = plan_against(fixtures)
        played, moved, regrouped = fixtures.matches[0], fixtures.matches[1], fixtures.matches[2]
        changed = attrs.evolve(
            fixtures,
            teams=(attrs.evolve(fixtures.teams[0], name="Renamed FC"), *fixtures.teams[1:]),
            matches=(
                attrs.evolve(
                    played,
                    observation=observation(played.external_id, score=(2, 0), kickoff=T0),
                ),
                attrs.evolve(moved, round_slug="matchday-3"),
                attrs.evolve(regrouped, group="A"),
                *fixtures.matches[3:],
            ),
        )
        plan = plan_against(changed, first)
        assert [t.name for t in plan.teams] == ["Renamed FC"]
        assert plan.members is None
        assert plan.summary.matches == Counts(updated=3, unchanged=3)
        by_id = {m.external_id: m for m in plan.matches}
        assert by_id[played.external_id].status is MatchStatus.FINISHED
        assert by_id[moved.external_id].round_slug == "matchday-3"
        assert by_id[regrouped.external_id].group == "A"
        assert all(m.version == 1 for m in plan.matches)
        reasons = [c.reason for c in plan.changes]
        assert "scheduled -> finished 2-0" in reasons
        assert "fixture changed: round_slug matchday-1 -> matchday-3" in reasons
        assert "fixture changed: group None -> A" in reasons

    def test_a_match_that_cannot_be_stored_is_rejected_and_the_rest_imported(self) -> None:
        fixtures = league_fixtures(4)
        broken = attrs.evolve(
            fixtures.matches[0],
            observation=Observation(
                fixtures.matches[0].external_id, MatchStatus.FINISHED, kickoff=T0
            ),
        )
        plan = plan_against(attrs.evolve(fixtures, matches=(broken, *fixtures.matches[1:])))
        assert plan.summary.rejected == (
            Rejection(broken.external_id, "a finished match needs a score"),
        )
        assert plan.summary.matches == Counts(created=5)

    def test_stored_matches_the_source_dropped_are_kept_and_reported(self) -> None:
        fixtures = league_fixtures(4)
        first = plan_against(fixtures)
        plan = plan_against(attrs.evolve(fixtures, matches=fixtures.matches[1:]), first)
        assert plan.summary.absent == (f"scripted:{fixtures.matches[0].external_id}",)
        assert plan.matches == ()

    def test_a_stale_fixture_does_not_undo_a_result(self) -> None:
        fixtures = league_fixtures(4)
        first = plan_against(fixtures)
        stored = attrs.evolve(
            first,
            matches=(
                attrs.evolve(
                    first.matches[0],
                    state=state(MatchStatus.FINISHED, (1, 0), kickoff=first.matches[0].kickoff),
                ),
                *first.matches[1:],
            ),
        )
        plan = plan_against(fixtures, stored)  # the provider still lists it as scheduled
        assert plan.matches == ()
        assert plan.summary.matches == Counts(unchanged=6)

    def test_groups_come_from_the_teams(self) -> None:
        fixtures = Fixtures(
            "scripted",
            (SourceTeam("a", "A", group="Group A"), SourceTeam("b", "B", group="Group A")),
            (SourceRound("group-a-1", "Group A, matchday 1", 1),),
            (
                SourceMatch(
                    "group-a-1",
                    "a",
                    "b",
                    Observation("m", MatchStatus.SCHEDULED, kickoff=T0),
                    "Group A",
                ),
            ),
        )
        plan = plan_against(fixtures)
        assert plan.members == (
            Membership("liga-test", "scripted:a", "Group A"),
            Membership("liga-test", "scripted:b", "Group A"),
        )
        assert plan.matches[0].group == "Group A"
