"""`bestshot table`, run in-process: the real shared cases, the formats, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from entrypoints.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = sorted((ROOT / "tests" / "data" / "standings").glob("*.expect.json"))
PREMIER_LEAGUE = ROOT / "examples" / "en.1-2022-23.json"
WORLD_CUP = ROOT / "examples" / "worldcup-2018.json"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """The exit status and output; a usage error (argparse) exits, a domain error returns."""
    try:
        status = main(["table", *map(str, args)])
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: object) -> list[dict[str, Any]]:
    status, out, err = run(capsys, *args, "--json")
    assert (status, err) == (0, "")
    tables: list[dict[str, Any]] = json.loads(out)["tables"]
    return tables


def case_arguments(case: Path, expected: dict[str, Any]) -> list[str]:
    """The command line a case asks for; its input sits next to it or under examples/."""
    here = case.with_name(expected["input"])
    arguments = [str(here if here.exists() else ROOT / "examples" / expected["input"])]
    arguments += ["--rules", expected["rules"]]
    arguments += [f"--deduct={team}={points}" for team, points in expected["deductions"].items()]
    if "season" in expected:
        arguments += ["--season", str(expected["season"])]
    if "divisions" in expected:
        arguments += ["--divisions", str(case.with_name(expected["divisions"]))]
    if "zones" in expected:
        arguments += ["--zones", expected["zones"]]
    return arguments


def loose(name: object) -> str:
    """Round names compared as the reference data does: case, spaces, hyphens, a plural s."""
    text = "".join(c for c in str(name).lower() if c.isalnum())
    return text.removesuffix("s")


PENDING: set[str] = set()


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(reason="not yet"))
        if case.name.split(".expect")[0] in PENDING
        else case
        for case in EXPECTED
    ],
    ids=lambda path: path.name.split(".expect")[0],
)
def test_reproduces_the_official_tables(capsys: pytest.CaptureFixture[str], case: Path) -> None:
    expected = json.loads(case.read_text())
    status, out, err = run(capsys, *case_arguments(case, expected), "--json")
    assert (status, err) == (0, "")
    output = json.loads(out)
    tables = {table["group"]: table for table in output["tables"]}
    for group in expected["expected"]:
        rows = {row["team"]: row for row in tables[group["group"]]["rows"]}
        assert {team: rows[team]["position"] for team in group["positions"]} == group["positions"]
        for team, total in group.get("points", {}).items():
            assert rows[team]["points"] == total
        assert not any(rows[team]["tied"] for team in group["positions"])
        if "qualified" in group:
            qualified = {team for team, row in rows.items() if row["zone"] == "qualified"}
            assert qualified == set(group["qualified"])
        for team, slot in group.get("slots", {}).items():
            assert rows[team]["slot"] == slot
    for group, zones in expected.get("zone_of", {}).items():
        rows = {row["team"]: row for row in tables[group or None]["rows"]}
        assert {team: rows[team]["zone"] for team in zones} == zones
    ties = {
        frozenset(tie["teams"]): tie
        for stage in output.get("knockout", [])
        for tie in stage["ties"]
    }
    for want in expected.get("knockout", []):
        tie = ties[frozenset(want["teams"])]
        assert tie["winner"] == want["winner"], want
        if "decided_by" in want:
            assert tie["decided_by"] == want["decided_by"], want
    for team, reached in expected.get("progress", {}).items():
        accepted = reached if isinstance(reached, list) else [reached]
        assert loose(output["progress"][team]) in {loose(value) for value in accepted}


def test_json_rows_have_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    zones = "1:champion,1-4:champions_league,18-20:relegation"
    (table,) = run_json(capsys, PREMIER_LEAGUE, "--zones", zones)
    assert table["group"] is None
    assert table["rows"][0] == {
        "position": 1,
        "team": "Manchester City FC",
        "name": "Manchester City FC",
        "played": 38,
        "won": 28,
        "drawn": 5,
        "lost": 5,
        "goals_for": 94,
        "goals_against": 33,
        "goal_difference": 61,
        "points": 89,
        "form": "WWWDL",
        "decided_by": "points",
        "tied": False,
        "zone": "champion",
        "zones": {
            "champion": "clinched",
            "champions_league": "clinched",
            "relegation": "eliminated",
        },
    }
    assert table["rows"][-1]["decided_by"] is None
    assert table["rows"][-1]["zones"]["relegation"] == "clinched"


def test_world_cup_group_h_on_fair_play(capsys: pytest.CaptureFixture[str]) -> None:
    tables = run_json(capsys, WORLD_CUP, "--rules", "fifa_world_cup")
    group_h = next(table for table in tables if table["group"] == "Group H")
    japan, senegal = group_h["rows"][1], group_h["rows"][2]
    assert (japan["team"], senegal["team"]) == ("Japan", "Senegal")
    assert japan["decided_by"] == "fair_play"
    group_b = next(table for table in tables if table["group"] == "Group B")
    assert group_b["rows"][0]["decided_by"] == "goals_for"
    # Knockout matches are in no table: every team played its three group matches only.
    assert {row["played"] for table in tables for row in table["rows"]} == {3}


def test_human_output_aligns_columns_and_explains_tie_breaks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(
        capsys, WORLD_CUP, "--rules", "fifa_world_cup", "--zones", "1-2:qualified"
    )
    assert (status, err) == (0, "")
    assert out.startswith("World Cup 2018 (fifa_world_cup, era fifa_world_cup_2018)\n")
    assert "Japan above Senegal on fair play" in out
    assert "Spain above Portugal on goals for" in out
    block = out.split("Group H\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block[0].split() == [
        "Pos",
        "Team",
        "P",
        "W",
        "D",
        "L",
        "GF",
        "GA",
        "GD",
        "Pts",
        "Form",
        "Zone",
    ]
    assert block[2].split() == [
        "2",
        "Japan",
        "3",
        "1",
        "1",
        "1",
        "4",
        "4",
        "0",
        "4",
        "WDL",
        "qualified",
        "(clinched)",
    ]
    # Right-aligned numbers: every line ends its points column at the same place.
    ends = {line.index(" 4  WDL") for line in block[2:4]}
    assert len(ends) == 1


def test_zones_without_a_value_show_no_zones(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, PREMIER_LEAGUE, "--zones")
    assert status == 0
    assert "Zone" not in out
    (table,) = run_json(capsys, PREMIER_LEAGUE, "--zones")
    assert all(row["zone"] is None and row["zones"] == {} for row in table["rows"])


def test_deductions_and_old_points(capsys: pytest.CaptureFixture[str]) -> None:
    (table,) = run_json(
        capsys, PREMIER_LEAGUE, "--deduct", "Everton FC=10", "--deduct", "Everton FC=2"
    )
    everton = next(row for row in table["rows"] if row["team"] == "Everton FC")
    assert (everton["points"], everton["position"]) == (24, 20)
    (old,) = run_json(capsys, PREMIER_LEAGUE, "--points", "2,1,0")
    assert old["rows"][0]["points"] == 28 * 2 + 5


EURO_2024_GROUP_E = {
    "name": "Euro 2024",
    "rounds": [
        {
            "name": name,
            "matches": [
                {
                    "date": day,
                    "time": "18:00",
                    "team1": {"name": home, "code": home[:3].upper()},
                    "team2": {"name": away, "code": away[:3].upper()},
                    "score": {"ft": [home_goals, away_goals]},
                    **({"group": "Group E"} if name.startswith("Matchday") else {}),
                }
                for day, home, home_goals, away_goals, away in matches
            ],
        }
        for name, matches in [
            (
                "Matchday 1",
                [
                    ("2024-06-17", "Romania", 3, 0, "Ukraine"),
                    ("2024-06-17", "Belgium", 0, 1, "Slovakia"),
                ],
            ),
            (
                "Matchday 2",
                [
                    ("2024-06-21", "Slovakia", 1, 2, "Ukraine"),
                    ("2024-06-22", "Belgium", 2, 0, "Romania"),
                ],
            ),
            (
                "Matchday 3",
                [
                    ("2024-06-26", "Slovakia", 1, 1, "Romania"),
                    ("2024-06-26", "Ukraine", 0, 0, "Belgium"),
                ],
            ),
            ("Round of 16", [("2024-07-02", "Romania", 0, 3, "Netherlands")]),
        ]
    ],
}


def test_euro_file_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "euro.json"
    path.write_text(json.dumps(EURO_2024_GROUP_E))
    (table,) = run_json(capsys, path, "--rules", "uefa_euro")
    assert table["group"] == "Group E"
    assert [row["team"] for row in table["rows"]] == ["Romania", "Belgium", "Slovakia", "Ukraine"]


def test_football_data_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "E0.csv"
    path.write_text(
        "\ufeffDiv,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HY,AY,HR,AR\n"
        "E0,05/08/2022,20:00,Crystal Palace,Arsenal,0,2,A,1,2,0,0\n"
        "E0,06/08/2022,12:30,Fulham,Liverpool,2,2,D,2,0,0,1\n"
        "E0,13/08/2022,15:00,Arsenal,Fulham,,,,,,,\n"
        ",,,,,,,,,,,\n",
        encoding="utf-8",
    )
    (table,) = run_json(capsys, path)
    assert [(row["team"], row["points"]) for row in table["rows"]] == [
        ("Arsenal", 3),
        ("Liverpool", 1),
        ("Fulham", 1),
        ("Crystal Palace", 0),
    ]
    # 2-2 at Fulham: Liverpool's two away goals in the head-to-head.
    assert table["rows"][1]["decided_by"] == "head_to_head_away_goals"
    assert table["rows"][0]["form"] == "W"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json"], "missing.json: no such file"),
        (["{examples}"], "is a directory"),
        (["{readme}"], "unknown format"),
        (["{pl}", "--rules", "eredivisie"], "unknown rules preset 'eredivisie'"),
        (["{pl}", "--deduct", "Everton FC"], "expected TEAM=POINTS"),
        (["{pl}", "--deduct", "Everton FC=ten"], "expected TEAM=POINTS"),
        (["{pl}", "--deduct", "Everton FC=-3"], "must be positive"),
        (["{pl}", "--deduct", "Everton=10"], "no team 'Everton'"),
        (["{pl}", "--points", "3,1"], "expected W,D,L"),
        (["{pl}", "--points", "1,3,0"], "win > draw >= loss"),
        (["{pl}", "--zones", "top4"], "malformed zone 'top4'"),
        (["{pl}", "--zones", "18-21:relegation"], "goes past the 20 teams"),
        (["{bad_json}"], "not valid JSON"),
        (["{bad_score}"], "matches[0].score.ft"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"name": "x", "matches": [')
    bad_score = tmp_path / "score.json"
    bad_score.write_text(
        json.dumps({"name": "x", "matches": [{"team1": "A", "team2": "B", "score": {"ft": [1]}}]})
    )
    paths = {
        "examples": ROOT / "examples",
        "readme": ROOT / "README.md",
        "pl": PREMIER_LEAGUE,
        "bad_json": bad_json,
        "bad_score": bad_score,
    }
    status, out, err = run(capsys, *(arg.format(**paths) for arg in args))
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("bestshot table: error: ")
    assert message in err


def test_the_readme_example_is_the_real_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```console\n$ bestshot table ", 1)[1].split("\n```", 1)[0]
    command, expected = block.split("\n", 1)
    monkeypatch.chdir(ROOT)
    status, out, _ = run(capsys, *command.split())
    assert status == 0
    assert out == expected + "\n"


# Rule eras: each real season below is decided by its own era and differently by today's.

DATA = ROOT / "tests" / "data" / "standings"
ERA_CASES = [
    # file, preset, era inferred, a season of the current era, above, below (officially)
    (
        "de.1-1992-93.json",
        "bundesliga",
        "bundesliga_1992",
        "2025-26",
        "Eintracht Frankfurt",
        "Borussia Dortmund",
    ),
    (
        "de.1-1992-93.json",
        "bundesliga",
        "bundesliga_1992",
        "2025-26",
        "VfB Stuttgart",
        "1. FC Kaiserslautern",
    ),
    ("es.1-1994-95.json", "la_liga", "la_liga_1992", "2025-26", "Real Betis", "FC Barcelona"),
    ("it.1-1993-94.json", "serie_a", "serie_a_1992", "2025-26", "Genoa CFC", "Cagliari Calcio"),
    ("fr.1-1993-94.json", "ligue_1", "ligue_1_1992", "2025-26", "AJ Auxerre", "Girondins Bordeaux"),
    ("mls-2012.json", "mls", "mls_2012", "2025", "New York Red Bulls", "Chicago Fire"),
]


def positions(
    capsys: pytest.CaptureFixture[str], *args: object
) -> tuple[dict[str, Any], dict[str, int]]:
    status, out, err = run(capsys, *args, "--json")
    assert (status, err) == (0, "")
    output = json.loads(out)
    (table,) = output["tables"]
    return output, {row["team"]: row["position"] for row in table["rows"]}


@pytest.mark.parametrize(("name", "rules", "era", "today", "above", "below"), ERA_CASES)
def test_each_era_decides_its_own_season(
    capsys: pytest.CaptureFixture[str],
    name: str,
    rules: str,
    era: str,
    today: str,
    above: str,
    below: str,
) -> None:
    output, then = positions(capsys, DATA / name, "--rules", rules)
    assert output["era"] == era
    assert then[above] < then[below]
    later, now = positions(capsys, DATA / name, "--rules", rules, "--season", today)
    assert later["season"] == today
    assert later["era"] != era
    assert now[above] > now[below]


def test_serie_a_without_a_play_off_from_2005_to_2022(capsys: pytest.CaptureFixture[str]) -> None:
    file = DATA / "it.1-2018-19.json"
    zones = "18-20:relegation"
    output, then = positions(capsys, file, "--rules", "serie_a", "--zones", zones)
    assert (output["season"], output["era"]) == ("2018-19", "serie_a_2005")
    assert (then["Genoa CFC"], then["Empoli FC"]) == (17, 18)
    _status, out, _ = run(
        capsys, file, "--rules", "serie_a", "--zones", zones, "--season", "2022-23", "--json"
    )
    (table,) = json.loads(out)["tables"]
    level = [row for row in table["rows"] if row["team"] in {"Genoa CFC", "Empoli FC"}]
    assert [row["tied"] for row in level] == [True, True]
    assert level[0]["decided_by"] == "play_off"


def test_world_cup_fair_play_from_2018_only(capsys: pytest.CaptureFixture[str]) -> None:
    def group_h(*season: str) -> list[tuple[str, bool]]:
        _status, out, _ = run(capsys, WORLD_CUP, "--rules", "fifa_world_cup", *season, "--json")
        tables = {table["group"]: table for table in json.loads(out)["tables"]}
        return [(row["team"], row["tied"]) for row in tables["Group H"]["rows"][1:3]]

    assert group_h() == [("Japan", False), ("Senegal", False)]
    assert group_h("--season", "2014") == [("Japan", True), ("Senegal", True)]


def test_aliases_fix_their_era_and_seasons_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    output, _ = positions(capsys, PREMIER_LEAGUE, "--rules", "ligue_1_2023", "--season", "2030-31")
    assert (output["season"], output["era"]) == ("2030-31", "ligue_1_2023")
    status, _, err = run(capsys, PREMIER_LEAGUE, "--season", "2022-24")
    assert status == 2
    assert "a season ends the year after it starts" in err
    status, _, err = run(capsys, PREMIER_LEAGUE, "--rules", "mls", "--season", "2022-23")
    assert status == 2
    assert "calendar years" in err


def write(tmp_path: Path, matches: list[dict[str, Any]]) -> Path:
    path = tmp_path / "input.json"
    path.write_text(json.dumps({"name": "x", "matches": matches}))
    return path


def played(a: str, b: str, day: str = "2024-08-01", **extra: Any) -> dict[str, Any]:
    return {"team1": a, "team2": b, "date": day, "score": {"ft": [1, 0]}, **extra}


@pytest.mark.parametrize(
    ("matches", "args", "message"),
    [
        (
            [played("A", "B"), played("B", "C", "2024-08-02"), played("B", "A")],
            [],
            "matches[2] repeats matches[0]: B v A on 2024-08-01",
        ),
        (
            [{"team1": "A", "team2": "B", "score": {"ft": [100, 0]}}],
            [],
            "up to 99 goals, got [100, 0]",
        ),
        (
            [played("A", "B", group="Group A"), played("A", "B", "2024-08-09", round="Matchday 2")],
            [],
            "round 'Matchday 2') has no group, in a file with groups, and is not a knockout round",
        ),
        ([played("A", "B")], ["--adjust", "A=10"], "signed N"),
        ([played("A", "B")], ["--adjust", "Z=+3"], "--adjust: no team 'Z'"),
    ],
)
def test_wrong_input_says_so(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    matches: list[dict[str, Any]],
    args: list[str],
    message: str,
) -> None:
    status, out, err = run(capsys, write(tmp_path, matches), *args)
    assert (status, out, err.count("\n")) == (2, "", 1)
    assert message in err


def test_adjust_adds_or_deducts_signed_points(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = write(tmp_path, [played("A", "B")])
    (table,) = run_json(capsys, file, "--adjust", "A=-10", "--adjust", "B=+3")
    assert {row["team"]: row["points"] for row in table["rows"]} == {"A": -7, "B": 3}
