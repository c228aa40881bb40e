"""Domain values read into response bodies: every field, its wire name, its place, its nulls.

The bodies are compared as JSON text, so an order or a null that changes shows here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from bestshot_domain.importing import Counts, ImportSummary, Rejection
from bestshot_domain.lifecycle import Verdict
from bestshot_domain.model import (
    Cards,
    ChangeKind,
    Ending,
    Fallback,
    Match,
    MatchChange,
    MatchDiscipline,
    MatchState,
    MatchStatus,
    PointAdjustment,
    Round,
    RoundKind,
    Score,
    StandingsSnapshot,
    Team,
    Tournament,
    VerifyMode,
)
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule
from bestshot_domain.round_update import MatchOutcome, RoundUpdate
from bestshot_domain.services import AdjustedStandings, ScheduleResult
from bestshot_domain.standings import StandingsRow, Table
from bestshot_domain.standings.table import frozen_zones
from bestshot_domain.standings.zones import ZoneStatus
from bestshot_routes import Origin
from entrypoints.api.schemas.adjustments import AdjustedStandingsOut
from entrypoints.api.schemas.matches import RoundUpdateOut, match_out
from entrypoints.api.schemas.schedules import schedule_out
from entrypoints.api.schemas.standings import StandingsOut, StandingsRowOut, standings_out
from entrypoints.api.schemas.tournaments import (
    AdminTournamentOut,
    ImportOut,
    RoundOut,
    TournamentOut,
)

KICKOFF = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
SEEN = datetime(2026, 3, 14, 17, 5, 30, tzinfo=UTC)
TOURNAMENT = Tournament(
    id="cup-2026",
    label="Cup 2026",
    provider="espn",
    reference="fifa.world/2026",
    rules="fifa_world_cup",
    timezone="America/New_York",
    zones="1-2:knockout",
)
SHOOTOUT = Match(
    "cup-2026",
    "quarter-final",
    "espn",
    "7001",
    "espn:1",
    "espn:2",
    MatchState(MatchStatus.FINISHED, KICKOFF, Score(1, 1), Ending.PENALTIES, Score(4, 3)),
    group="A",
    last_observed=SEEN,
    version=3,
)
FIXTURE = Match(
    "cup-2026",
    "quarter-final",
    "espn",
    "7002",
    "espn:3",
    "espn:9",
    MatchState(MatchStatus.SCHEDULED, KICKOFF),
)
TEAMS = {
    "espn:1": Team("espn", "1", "Brazil", "BRA"),
    "espn:2": Team("espn", "2", "Japan"),
    "espn:3": Team("espn", "3", "Ghana", "GHA"),
}
LEADER = StandingsRow(
    position=1,
    team="espn:1",
    name="Brazil",
    played=3,
    won=2,
    drawn=1,
    lost=0,
    goals_for=7,
    goals_against=2,
    goal_difference=5,
    points=7,
    form="WDW",
    decided_by="points",
    zone="knockout",
    zones=frozen_zones({"knockout": ZoneStatus.CLINCHED}),
)
LAST = StandingsRow(
    position=2,
    team="espn:2",
    name="Japan",
    played=3,
    won=0,
    drawn=1,
    lost=2,
    goals_for=2,
    goals_against=7,
    goal_difference=-5,
    points=-2,
    form="LDL",
    tied=True,
)
SNAPSHOT = StandingsSnapshot(
    "cup-2026", "fifa_world_cup", SEEN, (Table("A", (LEADER, LAST)), Table("B", ())), 4, "v1"
)

PUBLIC_TOURNAMENT = {
    "id": "cup-2026",
    "label": "Cup 2026",
    "provider": "espn",
    "rules": "fifa_world_cup",
    "timezone": "America/New_York",
    "zones": "1-2:knockout",
    "season": None,
    "fallback": None,
    "verify": "none",
}
STANDINGS = {
    "tournament": "cup-2026",
    "rules": "fifa_world_cup",
    "computedAt": "2026-03-14T17:05:30Z",
    "tables": [
        {
            "group": "A",
            "rows": [
                {
                    "position": 1,
                    "team": "espn:1",
                    "name": "Brazil",
                    "played": 3,
                    "won": 2,
                    "drawn": 1,
                    "lost": 0,
                    "goalsFor": 7,
                    "goalsAgainst": 2,
                    "goalDifference": 5,
                    "points": 7,
                    "form": "WDW",
                    "decidedBy": "points",
                    "tied": False,
                    "zone": "knockout",
                    "zones": {"knockout": "clinched"},
                },
                {
                    "position": 2,
                    "team": "espn:2",
                    "name": "Japan",
                    "played": 3,
                    "won": 0,
                    "drawn": 1,
                    "lost": 2,
                    "goalsFor": 2,
                    "goalsAgainst": 7,
                    "goalDifference": -5,
                    "points": -2,
                    "form": "LDL",
                    "decidedBy": None,
                    "tied": True,
                    "zone": None,
                    "zones": {},
                },
            ],
        },
        {"group": "B", "rows": []},
    ],
}


def _sent(model: BaseModel) -> str:
    """The body as the routes send it."""
    return model.model_dump_json(by_alias=True)


def _text(expected: dict[str, Any]) -> str:
    return json.dumps(expected, separators=(",", ":"))


def test_a_tournament_read_by_anyone_leaves_out_its_provider_reference() -> None:
    assert _sent(TournamentOut.model_validate(TOURNAMENT)) == _text(PUBLIC_TOURNAMENT)


def test_an_admin_reads_the_reference_too() -> None:
    assert _sent(AdminTournamentOut.model_validate(TOURNAMENT)) == _text(
        {**PUBLIC_TOURNAMENT, "reference": "fifa.world/2026"}
    )


def test_a_fallback_shows_its_provider_to_anyone_and_its_reference_to_admins() -> None:
    checked = attrs.evolve(
        TOURNAMENT, fallback=Fallback("football_data", "WC/2026"), verify=VerifyMode.AGREE
    )
    public = json.loads(_sent(TournamentOut.model_validate(checked)))
    assert (public["fallback"], public["verify"]) == ({"provider": "football_data"}, "agree")
    admin = json.loads(_sent(AdminTournamentOut.model_validate(checked)))
    assert admin["fallback"] == {"provider": "football_data", "reference": "WC/2026"}


def test_a_round() -> None:
    round_ = Round("cup-2026", "quarter-final", "Quarter-final", 5, RoundKind.KNOCKOUT, "qf")
    assert _sent(RoundOut.model_validate(round_)) == _text(
        {"slug": "quarter-final", "label": "Quarter-final", "order": 5, "kind": "knockout"}
    )


def test_a_finished_match_names_its_teams_and_flattens_its_state() -> None:
    assert _sent(match_out(SHOOTOUT, TEAMS)) == _text(
        {
            "key": "espn:7001",
            "home": {"key": "espn:1", "name": "Brazil", "code": "BRA"},
            "away": {"key": "espn:2", "name": "Japan", "code": None},
            "kickoff": "2026-03-14T15:00:00Z",
            "status": "finished",
            "score": {"home": 1, "away": 1},
            "ended": "penalties",
            "shootout": {"home": 4, "away": 3},
            "group": "A",
            "lastObserved": "2026-03-14T17:05:30Z",
            "version": 3,
            "override": None,
        }
    )


def test_a_fixture_has_nulls_and_a_team_not_stored_keeps_its_key() -> None:
    assert _sent(match_out(FIXTURE, TEAMS)) == _text(
        {
            "key": "espn:7002",
            "home": {"key": "espn:3", "name": "Ghana", "code": "GHA"},
            "away": {"key": "espn:9", "name": None, "code": None},
            "kickoff": "2026-03-14T15:00:00Z",
            "status": "scheduled",
            "score": None,
            "ended": None,
            "shootout": None,
            "group": None,
            "lastObserved": None,
            "version": 0,
            "override": None,
        }
    )


def test_the_tables_as_stored() -> None:
    assert _sent(StandingsOut.model_validate(SNAPSHOT)) == _text(STANDINGS)
    assert _sent(standings_out(TOURNAMENT, SNAPSHOT)) == _text(STANDINGS)


def test_before_the_first_computation_there_are_no_tables_and_no_time() -> None:
    assert _sent(standings_out(TOURNAMENT, None)) == _text(
        {"tournament": "cup-2026", "rules": "fifa_world_cup", "computedAt": None, "tables": []}
    )


zone_statuses = st.dictionaries(st.text(min_size=1, max_size=8), st.sampled_from(ZoneStatus))
rows = st.builds(
    StandingsRow,
    position=st.integers(1, 40),
    team=st.text(min_size=1),
    name=st.text(),
    played=st.integers(0, 60),
    won=st.integers(0, 60),
    drawn=st.integers(0, 60),
    lost=st.integers(0, 60),
    goals_for=st.integers(0, 200),
    goals_against=st.integers(0, 200),
    goal_difference=st.integers(-200, 200),
    points=st.integers(-100, 200),
    form=st.text(alphabet="WDL", max_size=5),
    decided_by=st.none() | st.text(min_size=1),
    tied=st.booleans(),
    zone=st.none() | st.text(min_size=1),
    zones=zone_statuses.map(frozen_zones),
    # A row of a table of its own (builds() would fill a NamedTuple's defaulted fields too).
    from_group=st.none(),
    slot=st.none(),
)


@given(rows)
def test_a_row_of_the_api_is_the_stored_row_with_camel_case_names(row: StandingsRow) -> None:
    sent = StandingsRowOut.model_validate(row).model_dump(mode="json", by_alias=False)
    assert sent == row.to_dict()


def test_point_adjustments_with_the_tables_they_changed() -> None:
    result = AdjustedStandings(
        (PointAdjustment("cup-2026", "espn:2", -3, "administration"),), SNAPSHOT
    )
    assert _sent(AdjustedStandingsOut.model_validate(result)) == _text(
        {
            "tournament": "cup-2026",
            "adjustments": [{"team": "espn:2", "points": -3, "reason": "administration"}],
            "standings": STANDINGS,
        }
    )


def test_a_round_update_lists_each_verdict_and_counts_what_it_wrote() -> None:
    update = RoundUpdate(
        tournament_id="cup-2026",
        round_slug="quarter-final",
        observed_at=SEEN,
        outcomes=(
            MatchOutcome("espn:7001", Verdict.UPDATED, "finished"),
            MatchOutcome("espn:7003", Verdict.CORRECTION, "score corrected"),
            MatchOutcome("espn:7004", Verdict.UNCHANGED, ""),
            MatchOutcome("espn:7005", Verdict.STALE, "older"),
            MatchOutcome("espn:7006", Verdict.REJECTED, "negative score"),
        ),
        missing=("espn:7007",),
        unknown=("99",),
        awaiting=("espn:7002", "espn:7008"),
        overdue=("espn:7008",),
        saved=(SHOOTOUT,),
        changes=(
            MatchChange(
                "espn:7001",
                "cup-2026",
                "quarter-final",
                ChangeKind.UPDATED,
                FIXTURE.state,
                SHOOTOUT.state,
                "finished",
                SEEN,
            ),
        ),
        discipline=(
            MatchDiscipline("espn:7001", "espn:1", Cards(yellow=2)),
            MatchDiscipline("espn:7001", "espn:2", Cards(red=1)),
        ),
        follow_up="cup_quarter-final_2026_07_04_21_30_f1",
    )
    assert _sent(RoundUpdateOut.model_validate(update)) == _text(
        {
            "tournament": "cup-2026",
            "round": "quarter-final",
            "observedAt": "2026-03-14T17:05:30Z",
            "updated": ["espn:7001"],
            "corrections": ["espn:7003"],
            "unchanged": ["espn:7004"],
            "stale": ["espn:7005"],
            "overridden": [],
            "rejected": [{"match": "espn:7006", "reason": "negative score"}],
            "missing": ["espn:7007"],
            "unknown": ["99"],
            "awaiting": ["espn:7002", "espn:7008"],
            "overdue": ["espn:7008"],
            "written": 1,
            "changes": 1,
            "discipline": 2,
            "followUp": "cup_quarter-final_2026_07_04_21_30_f1",
            "answered": [],
            "unpaired": [],
            "held": [],
            "disputesOpened": [],
            "disputesClosed": [],
        }
    )


def test_an_import_names_a_rejected_match_by_the_sources_id() -> None:
    summary = ImportSummary(
        tournament=TOURNAMENT,
        tournament_created=False,
        tournament_updated=True,
        teams=Counts(1, 2, 3),
        members_changed=True,
        rounds=Counts(0, 0, 7),
        matches=Counts(4, 0, 60),
        rejected=(Rejection("8001", "no kickoff"),),
        absent=("espn:7999",),
        changes=5,
        discipline=2,
    )
    assert _sent(ImportOut.model_validate(summary)) == _text(
        {
            "tournament": {**PUBLIC_TOURNAMENT, "reference": "fifa.world/2026"},
            "changed": True,
            "tournamentCreated": False,
            "tournamentUpdated": True,
            "teams": {"created": 1, "updated": 2, "unchanged": 3},
            "membersChanged": True,
            "rounds": {"created": 0, "updated": 0, "unchanged": 7},
            "matches": {"created": 4, "updated": 0, "unchanged": 60},
            "rejected": [{"match": "8001", "reason": "no kickoff"}],
            "absent": ["espn:7999"],
            "changes": 5,
            "discipline": 2,
        }
    )


PLAN = PlannedSchedule(
    name="cup-2026.quarter-final.20260314-1700",
    fire_at=SEEN,
    tournament_id="cup-2026",
    round_slug="quarter-final",
    target_env="demo",
)
TARGET = Origin.parse("http://127.0.0.1:8000").target("cup-2026", "quarter-final", "demo")


@pytest.mark.parametrize(
    ("result", "status"),
    [
        (ScheduleResult(PLAN, EnsureOutcome.CREATED), "created"),
        (ScheduleResult(PLAN, EnsureOutcome.UNCHANGED), "unchanged"),
        (ScheduleResult(PLAN, EnsureOutcome.UPDATED), "updated"),
        (ScheduleResult(PLAN, None), "planned"),
        (ScheduleResult(PLAN, None, deleted=True), "deleted"),
    ],
)
def test_a_schedule_says_what_was_done_with_it(result: ScheduleResult, status: str) -> None:
    assert _sent(schedule_out(result, TARGET, "at(2026-03-14T17:00:00)")) == _text(
        {
            "name": "cup-2026.quarter-final.20260314-1700",
            "expression": "at(2026-03-14T17:00:00)",
            "fireAt": "2026-03-14T17:05:30Z",
            "tournament": "cup-2026",
            "round": "quarter-final",
            "target": {
                "roundUrl": "http://127.0.0.1:8000/api/v2/data-provider/tournaments/cup-2026"
                "/matches/quarter-final",
                "standingsUrl": "http://127.0.0.1:8000/api/v2/data-provider/tournaments/cup-2026"
                "/standings",
                "targetEnv": "demo",
            },
            "status": status,
        }
    )
