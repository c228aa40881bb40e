"""`bestshot source parse|fetch`: output shapes, and one line on stderr for what it cannot read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.sources.providers import DECLARATIONS
from entrypoints.cli import main
from tests.unit.sources.sources_data import DATA, DELETE, edited, load

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FINAL = DATA / "espn/scoreboard_fifa.world_20221218_final_STATUS_FINAL_PEN_excerpt.json"
KEYS = {
    "id",
    "home",
    "away",
    "kickoff",
    "status",
    "home_score",
    "away_score",
    "ended",
    "home_shootout",
    "away_shootout",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "source", "parse", "espn", str(FINAL), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "matches": [
            {
                "id": "633850",
                "home": "Argentina",
                "away": "France",
                "kickoff": "2022-12-18T15:00:00Z",
                "status": "finished",
                "home_score": 3,
                "away_score": 3,
                "ended": "penalties",
                "home_shootout": 4,
                "away_shootout": 2,
            }
        ]
    }


@pytest.mark.parametrize(
    ("provider", "name", "count"),
    [
        ("espn", "espn/scoreboard_soccer_all_20260321_eng1_with_STATUS_POSTPONED_excerpt.json", 5),
        ("espn", "espn/scoreboard_usa.1_20220917_live_and_scheduled_excerpt.json", 4),
        ("football_data", "football_data_org/v4_teams_65_matches_2023-24_PL_CL.json", 46),
        ("football_data", "football_data_org/v4_CompetitionMatches.json", 9),
        ("sofascore", "sofascore/event_16599919_postponed.json", 1),
        ("sofascore", "sofascore/event_16425949_canceled.json", 1),
        ("fbref", "html/fbref_sched_ks_all_rows_AUT1_2019-20_legs.html", 13),
        ("fbref", "html/fbref_sched_tbody_fragment_EPL_2024-08.html", 2),
        ("openfootball", "../../../examples/worldcup-2018.json", 64),
    ],
)
def test_parse_every_recorded_payload(
    capsys: pytest.CaptureFixture[str], provider: str, name: str, count: int
) -> None:
    code, out, _ = run(capsys, "source", "parse", provider, str(DATA / name), "--json")
    assert code == 0
    matches = json.loads(out)["matches"]
    assert len(matches) == count
    assert all(set(m) == KEYS for m in matches)
    assert {m["status"] for m in matches} <= {
        "scheduled", "live", "finished", "postponed", "suspended", "cancelled", "awarded"
    }  # fmt: skip
    assert {m["ended"] for m in matches} <= {"regular", "extra_time", "penalties", None}


def test_parse_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "source", "parse", "espn", str(FINAL))
    assert code == 0
    assert out.splitlines() == [
        "633850         2022-12-18 15:00Z  finished   Argentina 3-3 France  "
        "(penalties, shoot-out 4-2)",
        "1 match: 1 finished",
    ]


def test_unreadable_payload_is_one_line_naming_provider_and_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(
        edited(
            load(FINAL.relative_to(DATA).as_posix()),
            "events[0].competitions[0].competitors[1].team.id",
            DELETE,
        )
    )
    code, out, err = run(capsys, "source", "parse", "espn", str(broken))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "espn" in err
    assert "events[0].competitions[0].competitors[1].team.id" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("provider", "content", "where"),
    [
        ("espn", b'{"events": [', "$"),
        ("football_data", b'{"matches": []}', "matches"),
        ("sofascore", b"{}", "events"),
        ("fbref", b"<html><table id='stats'></table></html>", "table[id*=sched]"),
        ("openfootball", b'{"matches": [{"team1": "A", "team2": "B"}]}', "matches[0].date"),
    ],
)
def test_each_provider_names_where_its_payload_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, provider: str, content: bytes, where: str
) -> None:
    payload = tmp_path / "payload"
    payload.write_bytes(content)
    code, _, err = run(capsys, "source", "parse", provider, str(payload))
    assert code == 2
    assert err.startswith(f"bestshot source: error: {provider}: ")
    assert where in err
    assert err.count("\n") == 1


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "source", "parse", "espn", str(tmp_path / "nope.json"))
    assert code == 2
    assert "cannot read" in err
    assert err.count("\n") == 1


def test_unknown_provider_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["source", "parse", "bbc", str(FINAL)])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_help_names_providers_and_references(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["source", "fetch", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--round" in out
    for name, declared in DECLARATIONS.items():
        assert name in out
        assert declared.reference.example in out


def test_fetch_demo_round_through_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    # A season long over: every matchday is finished, whatever today is.
    code, out, _ = run(
        capsys, "source", "fetch", "demo", "42/2025-01-04", "--round", "matchday-3", "--json"
    )
    assert code == 0
    matches = json.loads(out)["matches"]
    assert len(matches) == 10
    assert {m["status"] for m in matches} == {"finished"}
    # The pairing, behind the reference's tag.
    assert all(re.fullmatch(r"[0-9a-f]{8}-md03-t\d\d-t\d\d", m["id"]) for m in matches)


def test_fetch_unknown_round(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "source", "fetch", "demo", "42/2026-01-01", "--round", "final")
    assert code == 2
    assert "no round 'final'" in err


def test_fetch_bad_reference(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "source", "fetch", "espn", "premier league")
    assert code == 2
    assert "espn reference" in err


def test_fetch_reads_any_openfootball_file_the_user_names(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The command line's user owns the machine: BESTSHOT_FILES_DIR limits the API, not them.
    monkeypatch.delenv("BESTSHOT_FILES_DIR", raising=False)
    elsewhere = tmp_path / "wc.json"
    elsewhere.write_bytes((EXAMPLES / "worldcup-2018.json").read_bytes())

    code, out, err = run(capsys, "source", "fetch", "openfootball", str(elsewhere), "--json")

    assert (code, err) == (0, "")
    assert len(json.loads(out)["matches"]) == 64
