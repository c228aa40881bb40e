"""The service over PostgreSQL imports the World Cup 2018 from an openfootball URL on loopback:
Group H is decided on fair play as FIFA decided it, and a deduction through the API changes the
stored table."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.memory import SettableClock
from adapters.sources.origin import parse_origin
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import build_source
from bestshot_domain.ports import UnitOfWorkFactory
from entrypoints.bootstrap import bootstrap
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.integration.sources.sources_loopback import Reply, serving
from tests.source_configs import one
from tests.unit.api.conftest import NOW

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
WORLD_CUP = ROOT / "examples" / "worldcup-2018.json"
API = "/api/v2"
DATA = f"{API}/data-provider"
TOURNAMENT = "world-cup-2018"
INTERNAL = "fair-play-internal-token-0123456789abcdef"


def group(standings: dict[str, Any], name: str) -> list[tuple[str, int, str | None, bool]]:
    (table,) = [table for table in standings["tables"] if table["group"] == name]
    return [(r["name"], r["points"], r["decidedBy"], r["tied"]) for r in table["rows"]]


def loose(name: str) -> str:
    """Round names as the reference data compares them: case, spaces, hyphens, a plural s."""
    return "".join(c for c in name.lower() if c.isalnum()).removesuffix("s")


def check_bracket(bracket: dict[str, Any]) -> None:
    """The knockout answer after the standings update: the expected progress and ties."""
    expect = json.loads((ROOT / "tests/data/standings/worldcup-2018.expect.json").read_text())
    names = bracket["names"]
    reached = {names[team]: value for team, value in bracket["progress"].items()}
    for team, want in expect["progress"].items():
        wanted = want if isinstance(want, list) else [want]
        assert loose(reached[team]) in map(loose, wanted), team
    assert reached["Germany"] == "group"
    ties = {
        frozenset(names[team] for team in tie["teams"]): tie
        for stage in bracket["knockout"]
        for tie in stage["ties"]
    }
    for want in expect["knockout"]:
        tie = ties[frozenset(want["teams"])]
        assert names[tie["winner"]] == want["winner"]
        assert tie["status"] == "decided"
        if "decided_by" in want:
            assert tie["decidedBy"] == want["decided_by"]
    assert [stage["round"] for stage in bracket["knockout"]][-1] == "Final"


async def test_world_cup_group_h_on_fair_play_and_a_deduction_through_the_api(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    settings = load_settings(
        {"API_DOMAIN": "https://api.bestshot.test", "INTERNAL_SERVICE_TOKEN": INTERNAL}
    )
    admin = {"Authorization": f"Bearer {mint_admin_token(settings)}"}
    internal = {"X-Internal-Token": INTERNAL}
    clock = SettableClock(NOW)
    with serving() as server:
        server.script("/openfootball/2018/worldcup.json", Reply.file(WORLD_CUP))
        policy = HttpPolicy(attempts=1, rate_limit=RateLimit(100, 1.0))
        source = build_source(
            "openfootball",
            # The loopback server stands for raw.githubusercontent.com.
            one(
                "openfootball",
                {"hosts": (parse_origin(server.url),)},
                url=server.url,
                policy=policy,
            ),
            clock=clock,
        )
        async with (
            contextlib.aclosing(source),
            bootstrap(
                settings,
                uow_factory=postgres_uow_factory,
                sources={"openfootball": source},
                clock=clock,
            ) as service,
        ):
            transport = httpx.ASGITransport(app=service.app())
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                body = {
                    "provider": "openfootball",
                    "reference": f"{server.url}/openfootball/2018/worldcup.json",
                    "label": "World Cup 2018",
                    "rules": "fifa_world_cup",
                    "zones": "1-2:qualified",
                }
                imported = await client.post(f"{DATA}/tournaments", json=body, headers=admin)
                assert imported.status_code == 200, imported.text
                assert imported.json()["discipline"] == 2 * 48
                again = await client.post(f"{DATA}/tournaments", json=body, headers=admin)
                assert (again.json()["changed"], again.json()["discipline"]) == (False, 0)

                bracket_path = f"{API}/tournaments/{TOURNAMENT}/knockout"
                before = (await client.get(bracket_path)).json()
                assert (before["computedAt"], before["knockout"], before["progress"]) == (
                    None,
                    [],
                    {},
                )
                computed = await client.patch(
                    f"{DATA}/tournaments/{TOURNAMENT}/standings", headers=internal
                )
                assert computed.status_code == 200, computed.text
                check_bracket((await client.get(bracket_path)).json())
                stored = (await client.get(f"{API}/tournaments/{TOURNAMENT}/standings")).json()
                assert group(stored, "Group H") == [
                    ("Colombia", 6, "points", False),
                    ("Japan", 4, "fair_play", False),
                    ("Senegal", 4, "points", False),
                    ("Poland", 3, None, False),
                ]
                expected = json.loads(
                    (ROOT / "tests/data/standings/worldcup-2018.expect.json").read_text()
                )["expected"]
                for each in expected:
                    names = [row[0] for row in group(stored, each["group"])]
                    assert names == sorted(each["positions"], key=each["positions"].__getitem__)

                deducted = await client.put(
                    f"{DATA}/tournaments/{TOURNAMENT}/adjustments/openfootball:japan",
                    json={"points": -1, "reason": "a test deduction"},
                    headers=admin,
                )
                assert deducted.status_code == 200, deducted.text
                stored = (await client.get(f"{API}/tournaments/{TOURNAMENT}/standings")).json()
                assert [row[:2] for row in group(stored, "Group H")] == [
                    ("Colombia", 6),
                    ("Senegal", 4),
                    ("Japan", 3),
                    ("Poland", 3),
                ]
                removed = await client.delete(
                    f"{DATA}/tournaments/{TOURNAMENT}/adjustments/openfootball:japan",
                    headers=admin,
                )
                assert removed.status_code == 200, removed.text
                stored = (await client.get(f"{API}/tournaments/{TOURNAMENT}/standings")).json()
                assert group(stored, "Group H")[1] == ("Japan", 4, "fair_play", False)
