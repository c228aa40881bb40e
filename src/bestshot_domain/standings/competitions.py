"""The 13 presets as competitions with their rule eras, since 1992-93 or the first edition after.

Every era cites its regulation. Seasons before a competition's first era get that era (a
format before it, such as the MLS's shoot-outs of 1996-99 or the Brasileirao's play-offs before
2003, is not modelled). `preset(name)` is the rules of a preset's current era, or of the fixed
era a suffixed alias names; `competition(name)` is the competition and that fixed era.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings.eras import Competition, Era, ThirdPlaceRule
from bestshot_domain.standings.leagues import LEAGUES
from bestshot_domain.standings.presets import (
    AWAY_GOALS,
    AWAY_WINS,
    COPA_LIBERTADORES,
    COPA_LIBERTADORES_2020,
    FIFA_CONDUCT,
    FIFA_WORLD_CUP_2018,
    GD,
    GF,
    H2H_POINTS_GD_GF,
    H2H_PTS_GD,
    UEFA_CHAMPIONS_LEAGUE,
    UEFA_DISCIPLINARY,
    UEFA_EURO,
    WINS,
)
from bestshot_domain.standings.rules import (
    H2HStat,
    HeadToHead,
    Overall,
    Rules,
    Stat,
    Unresolved,
)
from bestshot_domain.standings.slots import (
    EURO_2016,
    EURO_2016_WINNERS,
    EURO_2020,
    EURO_2020_WINNERS,
)
from bestshot_domain.standings.slots_2026 import WORLD_CUP_2026, WORLD_CUP_2026_WINNERS

POINTS = Overall(Stat.POINTS)


def _named(rules: Rules, name: str) -> Rules:
    return rules._replace(name=name)


_COMPETITIONS = (
    *LEAGUES,
    Competition(
        "fifa_world_cup",
        (
            # 24 teams: the four best thirds of six groups go through (slots not modelled).
            Era(
                "fifa_world_cup_1994",
                1994,
                Rules(
                    "fifa_world_cup_1994", (GD, GF, HeadToHead(H2H_POINTS_GD_GF)), Unresolved.LOTS
                ),
                "FIFA World Cup USA 94 regulations, art. 24",
                thirds=ThirdPlaceRule(4, (POINTS, GD, GF), Unresolved.LOTS),
            ),
            Era(
                "fifa_world_cup_1998",
                1998,
                Rules(
                    "fifa_world_cup_1998", (GD, GF, HeadToHead(H2H_POINTS_GD_GF)), Unresolved.LOTS
                ),
                "FIFA World Cup France 98 regulations, art. 30",
            ),
            Era(
                "fifa_world_cup_2018",
                2018,
                FIFA_WORLD_CUP_2018,
                "FIFA World Cup Russia 2018 regulations, art. 32.5 (team conduct score)",
            ),
            # 48 teams: head-to-head comes first; the eight best of twelve thirds go through.
            Era(
                "fifa_world_cup_2026",
                2026,
                Rules(
                    "fifa_world_cup_2026",
                    (HeadToHead(H2H_POINTS_GD_GF, reapply=True), GD, GF, FIFA_CONDUCT),
                    Unresolved.COEFFICIENT,
                ),
                "FIFA World Cup 26 regulations, art. 13 (FIFA ranking last)",
                thirds=ThirdPlaceRule(
                    8,
                    (POINTS, GD, GF, FIFA_CONDUCT),
                    Unresolved.COEFFICIENT,
                    WORLD_CUP_2026_WINNERS,
                    WORLD_CUP_2026,
                ),
            ),
        ),
        season_start=(1, 1),
    ),
    Competition(
        "uefa_euro",
        (
            Era(
                "uefa_euro_1996",
                1996,
                Rules(
                    "uefa_euro_1996",
                    (HeadToHead(H2H_POINTS_GD_GF), GD, GF),
                    Unresolved.COEFFICIENT,
                ),
                "UEFA EURO 96 regulations, art. 8 (then coefficient, fair play, lots)",
            ),
            Era(
                "uefa_euro_2016",
                2016,
                Rules(
                    "uefa_euro_2016",
                    (HeadToHead(H2H_POINTS_GD_GF, reapply=True), GD, GF, UEFA_DISCIPLINARY),
                    Unresolved.COEFFICIENT,
                ),
                "UEFA EURO 2016 regulations, art. 18.01 and 18.02 (thirds), annex (slots)",
                thirds=ThirdPlaceRule(
                    4,
                    (POINTS, GD, GF, UEFA_DISCIPLINARY),
                    Unresolved.COEFFICIENT,
                    EURO_2016_WINNERS,
                    EURO_2016,
                ),
            ),
            # EURO 2020 was played in 2021.
            Era(
                "uefa_euro_2021",
                2021,
                UEFA_EURO,
                "UEFA EURO 2020 and 2024 regulations, art. 20.01 and 20.02 (thirds)",
                thirds=ThirdPlaceRule(
                    4,
                    (POINTS, GD, GF, WINS, UEFA_DISCIPLINARY),
                    Unresolved.QUALIFYING_RANKING,
                    EURO_2020_WINNERS,
                    EURO_2020,
                ),
            ),
        ),
        season_start=(1, 1),
    ),
    Competition(
        "uefa_champions_league",
        (
            # UEFA club competitions gave two points for a win until 1994-95.
            Era(
                "uefa_champions_league_1992",
                1992,
                Rules(
                    "uefa_champions_league_1992",
                    (HeadToHead((*H2H_PTS_GD, H2HStat.AWAY_GOALS)), GD, GF),
                    Unresolved.COEFFICIENT,
                    win=2,
                ),
                "UEFA Champions League regulations 1992-93, group stage",
                away_goals=True,
            ),
            Era(
                "uefa_champions_league_1995",
                1995,
                Rules(
                    "uefa_champions_league_1995",
                    (HeadToHead((*H2H_PTS_GD, H2HStat.AWAY_GOALS)), GD, GF),
                    Unresolved.COEFFICIENT,
                ),
                "UEFA Champions League regulations 1995-96, group stage (three points)",
                away_goals=True,
            ),
            Era(
                "uefa_champions_league_2009",
                2009,
                Rules(
                    "uefa_champions_league_2009",
                    (
                        HeadToHead((*H2H_POINTS_GD_GF, H2HStat.AWAY_GOALS), reapply=True),
                        GD,
                        GF,
                        AWAY_GOALS,
                        WINS,
                        AWAY_WINS,
                        UEFA_DISCIPLINARY,
                    ),
                    Unresolved.COEFFICIENT,
                ),
                "UEFA Champions League regulations 2016-17, art. 17.01 (from 2009-10)",
                away_goals=True,
            ),
            # The away goals rule ends in every UEFA club competition from 2021-22.
            Era(
                "uefa_champions_league_2021",
                2021,
                Rules(
                    "uefa_champions_league_2021",
                    (
                        HeadToHead(H2H_POINTS_GD_GF, reapply=True),
                        GD,
                        GF,
                        AWAY_GOALS,
                        WINS,
                        AWAY_WINS,
                        UEFA_DISCIPLINARY,
                    ),
                    Unresolved.COEFFICIENT,
                ),
                "UEFA Champions League regulations 2021-22, art. 17.01",
            ),
            Era(
                "uefa_champions_league_2024",
                2024,
                UEFA_CHAMPIONS_LEAGUE,
                "UEFA Champions League regulations 2024-25, art. 18 (league phase)",
            ),
        ),
        # Qualifying starts in late June, after the final of the season before.
        season_start=(6, 20),
    ),
    Competition(
        "copa_libertadores",
        (
            Era(
                "copa_libertadores_2020",
                2020,
                COPA_LIBERTADORES_2020,
                "CONMEBOL Libertadores regulations 2020, art. 11 (away goals in ties)",
                away_goals=True,
            ),
            # CONMEBOL dropped the away goals rule from 2022.
            Era(
                "copa_libertadores_2022",
                2022,
                _named(COPA_LIBERTADORES_2020, "copa_libertadores_2022"),
                "CONMEBOL Libertadores regulations 2022, art. 11",
            ),
            Era(
                "copa_libertadores_2026",
                2026,
                COPA_LIBERTADORES,
                "CONMEBOL Libertadores regulations 2026",
            ),
        ),
        season_start=(1, 1),
    ),
)

COMPETITIONS: Mapping[str, Competition] = MappingProxyType(
    {competition.name: competition for competition in _COMPETITIONS}
)
# Suffixed presets that name one era of a competition, as they did before eras existed.
ALIASES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "ligue_1_2023": ("ligue_1", "ligue_1_2023"),
        "copa_libertadores_2020": ("copa_libertadores", "copa_libertadores_2020"),
    }
)


def _era_named(competition: Competition, name: str) -> Era:
    return next(era for era in competition.eras if era.name == name)


# What `preset(name)` gives where no season is known (the service's stored tournaments): the
# current era, except the World Cup's, whose 2026 rules would reorder the tables of every
# edition stored so far.
_WITHOUT_SEASON = MappingProxyType({"fifa_world_cup": "fifa_world_cup_2018"})


def _preset_rules() -> dict[str, Rules]:
    rules = {
        name: (
            _era_named(competition, _WITHOUT_SEASON[name])
            if name in _WITHOUT_SEASON
            else competition.current
        ).rules
        for name, competition in COMPETITIONS.items()
    }
    for alias, (name, era) in ALIASES.items():
        rules[alias] = _era_named(COMPETITIONS[name], era).rules
    return rules


PRESETS: Mapping[str, Rules] = MappingProxyType(_preset_rules())


def competition(name: str) -> tuple[Competition, Era | None]:
    """A preset's competition, and the era it fixes (None: chosen by season)."""
    if name in ALIASES:
        base, era = ALIASES[name]
        return COMPETITIONS[base], _era_named(COMPETITIONS[base], era)
    if name in COMPETITIONS:
        return COMPETITIONS[name], None
    known = ", ".join(sorted(PRESETS))
    raise InvalidInput(f"unknown rules preset {name!r} (known: {known})")


def preset(name: str) -> Rules:
    """The rules of a preset (its current era), or InvalidInput naming the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise InvalidInput(f"unknown rules preset {name!r} (known: {known})") from None
