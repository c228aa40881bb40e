"""Whatever a provider sends, a parser returns matches or raises SourceFormatError: never a
KeyError, AttributeError, ValueError or anything else. Real payloads, mutated at random paths."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.sources.espn import parse_scoreboard
from adapters.sources.fbref import parse_schedule
from adapters.sources.football_data import parse_matches
from adapters.sources.openfootball import parse_file
from adapters.sources.sofascore import parse_events
from bestshot_domain.errors import SourceFormatError
from tests.unit.sources.sources_data import DATA, load

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "0", "-1", "3", "2024-01-01", "STATUS_FINAL", "FINISHED", "1\u20130"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node[:3]):  # the first few items show every shape
            found += _paths(child, (*prefix, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: object, delete: bool) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(document)
    target = copied
    for step in path[:-1]:
        target = target[step]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return copied


Parser = Callable[[bytes | str], Any]
FINAL = "espn/scoreboard_fifa.world_20221218_final_STATUS_FINAL_PEN_excerpt.json"
TEAM = load("football_data_org/v4_teams_65_matches_2023-24_PL_CL.json")
WORLD_CUP = json.loads((EXAMPLES / "worldcup-2018.json").read_text())
CASES: list[tuple[str, Parser, Any]] = [
    ("espn", parse_scoreboard, load(FINAL)),
    ("football_data", parse_matches, {"matches": TEAM["matches"][:3]}),
    ("sofascore", parse_events, load("sofascore/event_17090707_finished_AP_penalties.json")),
    ("openfootball", parse_file, {"name": "WC", "matches": WORLD_CUP["matches"][-3:]}),
]


def refusal(parser: Parser, raw: bytes | str) -> SourceFormatError | None:
    """None when the payload parses; the SourceFormatError when not. Anything else escapes."""
    try:
        parser(raw)
    except SourceFormatError as error:
        return error
    return None


@pytest.mark.parametrize(("provider", "parser", "document"), CASES, ids=[c[0] for c in CASES])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_json_payloads(
    provider: str, parser: Parser, document: Any, data: st.DataObject
) -> None:
    paths = _paths(document)
    mutated = document
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(_paths(mutated) or paths))
        delete = bool(path) and data.draw(st.booleans())
        mutated = _replace(mutated, path, data.draw(values), delete)
    error = refusal(parser, json.dumps(mutated).encode())
    assert error is None or (error.provider, type(error.path)) == (provider, str)


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes(raw: bytes) -> None:
    for provider, parser, _ in CASES:
        error = refusal(parser, raw)
        assert error is None or error.provider == provider
    error = refusal(parse_schedule, raw)
    assert error is None or error.provider == "fbref"


FBREF_ROW = (DATA / "html/fbref_sched_tbody_fragment_EPL_2024-08.html").read_text()


@settings(max_examples=150, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(FBREF_ROW)),
    insert=st.text(alphabet="<>/=\"' atdrhscore-\u20130123456789", max_size=30),
)
def test_mangled_fbref_html(cut: int, insert: str) -> None:
    html = FBREF_ROW[:cut] + insert + FBREF_ROW[cut + len(insert) :]
    error = refusal(parse_schedule, html)
    assert error is None or error.provider == "fbref"
