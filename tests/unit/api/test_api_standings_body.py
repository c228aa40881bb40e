"""The tables' body that PATCH standings sends is made without the response model
(`standings_json`): it must be, byte for byte, the one the model makes, which the OpenAPI
document describes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.model import StandingsSnapshot
from bestshot_domain.standings import StandingsRow, Table
from bestshot_domain.standings.table import frozen_zones
from bestshot_domain.standings.zones import ZoneStatus
from entrypoints.api.schemas.standings import StandingsOut, standings_json

counts = st.integers(0, 60)
rows = st.builds(
    StandingsRow,
    position=st.integers(1, 48),
    # Any text: quotes, backslashes, control characters and non-ASCII must be escaped alike.
    team=st.text(min_size=1),
    name=st.text(),
    played=counts,
    won=counts,
    drawn=counts,
    lost=counts,
    goals_for=st.integers(0, 200),
    goals_against=st.integers(0, 200),
    goal_difference=st.integers(-200, 200),
    points=st.integers(-100, 200),
    form=st.text(alphabet="WDL", max_size=6),
    decided_by=st.none() | st.text(min_size=1),
    tied=st.booleans(),
    zone=st.none() | st.text(min_size=1),
    zones=st.dictionaries(st.text(min_size=1, max_size=8), st.sampled_from(ZoneStatus)).map(
        frozen_zones
    ),
    # Set only in a ranking of third-placed teams, the slot only where the regulation fixes it.
    from_group=st.none() | st.text(min_size=1, max_size=3),
    slot=st.none() | st.text(min_size=1, max_size=3),
)
tables = st.builds(
    Table,
    group=st.none() | st.text(min_size=1, max_size=20),
    rows=st.lists(rows, max_size=4).map(tuple),
    qualifying=st.none() | st.integers(1, 8),
)
snapshots = st.builds(
    StandingsSnapshot,
    tournament_id=st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True),
    rules=st.sampled_from(["premier_league", "fifa_world_cup", "uefa_euro"]),
    # Whole seconds and not (the fraction is written only when there is one), from any offset
    # (the snapshot keeps UTC, written with `Z`).
    computed_at=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]),
    )
    | st.datetimes(timezones=st.just(UTC)).map(lambda at: at.replace(microsecond=0)),
    tables=st.lists(tables, max_size=3).map(tuple),
    revision=st.integers(0, 1000),
    engine=st.just("v1"),
)


@given(snapshots)
def test_the_body_is_the_response_models_byte_for_byte(snapshot: StandingsSnapshot) -> None:
    expected = StandingsOut.model_validate(snapshot).model_dump_json(by_alias=True)
    assert standings_json(snapshot) == expected.encode()


def test_a_third_placed_ranking_keeps_its_group_slot_and_qualifying_after_the_rows() -> None:
    third = StandingsRow(
        1, "espn:1", "Brazil", 3, 2, 1, 0, 7, 2, 5, 7, "WDW", from_group="C", slot="1A"
    )
    unplaced = third._replace(position=2, team="espn:2", name="Japan", slot=None)
    snapshot = StandingsSnapshot(
        "cup-2026",
        "fifa_world_cup",
        datetime(2026, 3, 14, 17, 5, 30, 250000, tzinfo=UTC),
        (Table("Third-placed teams", (third, unplaced), qualifying=1),),
    )
    body = standings_json(snapshot)
    assert json.loads(body)["computedAt"] == "2026-03-14T17:05:30.250000Z"
    [table] = json.loads(body)["tables"]
    assert list(table) == ["group", "rows", "qualifying"]
    assert [row.get("fromGroup") for row in table["rows"]] == ["C", "C"]
    assert [row.get("slot", "absent") for row in table["rows"]] == ["1A", "absent"]
    assert body == StandingsOut.model_validate(snapshot).model_dump_json(by_alias=True).encode()
