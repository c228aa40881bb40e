"""The domestic leagues among the presets, with their rule eras (see `competitions.py`)."""

from __future__ import annotations

from bestshot_domain.standings.eras import Competition, Era
from bestshot_domain.standings.presets import (
    AWAY_GOALS,
    BRASILEIRAO,
    BUNDESLIGA,
    GD,
    GF,
    H2H_PTS_GD,
    LA_LIGA,
    LIGUE_1,
    LIGUE_1_2023,
    MLS,
    MLS_DISCIPLINARY,
    PREMIER_LEAGUE,
    SERIE_A,
    WINS,
)
from bestshot_domain.standings.rules import (
    HeadToHead,
    Overall,
    PlayOffForTitleOrRelegation,
    Rules,
    Stat,
    Unresolved,
)


def _two_points(rules: Rules, name: str) -> Rules:
    return rules._replace(name=name, win=2, draw=1, loss=0)


LEAGUES = (
    Competition(
        "premier_league",
        (Era("premier_league_1992", 1992, PREMIER_LEAGUE, "Premier League Handbook, C.17-C.18"),),
    ),
    Competition(
        "la_liga",
        (
            # Two points for a win until 1994-95 (RFEF, three points from 1995-96).
            Era(
                "la_liga_1992",
                1992,
                _two_points(LA_LIGA, "la_liga_1992"),
                "RFEF Reglamento General 1992-93, head-to-head between the clubs level",
            ),
            Era("la_liga_1995", 1995, LA_LIGA, "RFEF Reglamento General, art. 201"),
        ),
    ),
    Competition(
        "serie_a",
        (
            # Play-offs (spareggi) for the title and relegation; other places on goal
            # difference, then goals, as the official 1993-94 table orders them (Sampdoria
            # above Lazio, Cremonese, Genoa, Cagliari, Inter above Reggiana); two points for a
            # win until 1993-94.
            Era(
                "serie_a_1992",
                1992,
                Rules(
                    "serie_a_1992",
                    (PlayOffForTitleOrRelegation(), GD, GF),
                    Unresolved.LOTS,
                    win=2,
                ),
                "FIGC NOIF art. 51 (1992), spareggio for title and relegation",
            ),
            Era(
                "serie_a_1994",
                1994,
                Rules("serie_a_1994", (PlayOffForTitleOrRelegation(), GD, GF), Unresolved.LOTS),
                "FIGC NOIF art. 51, three points for a win from 1994-95",
            ),
            # From 2005-06 to 2021-22 no play-off: the head-to-head decides every place (2018-19:
            # Genoa above Empoli, both 38 points, on the head-to-head).
            Era(
                "serie_a_2005",
                2005,
                Rules(
                    "serie_a_2005",
                    (HeadToHead(H2H_PTS_GD, reapply=True), GD, GF),
                    Unresolved.LOTS,
                ),
                "FIGC NOIF art. 51.6 (2005), classifica avulsa, no spareggio",
            ),
            Era("serie_a_2022", 2022, SERIE_A, "FIGC NOIF art. 51.6 as amended for 2022-23"),
        ),
    ),
    Competition(
        "bundesliga",
        (
            Era(
                "bundesliga_1992",
                1992,
                _two_points(BUNDESLIGA, "bundesliga_1992"),
                "DFB Spielordnung, section 5 (two points for a win until 1994-95)",
            ),
            Era(
                "bundesliga_1995",
                1995,
                BUNDESLIGA,
                "DFL Spielordnung, section 5 (three points for a win from 1995-96)",
            ),
        ),
    ),
    Competition(
        "ligue_1",
        (
            # Division 1 before 2002. Its criteria before 2023-24 were not checked against an
            # LFP regulation here: goal difference, then goals, as its final tables read.
            Era(
                "ligue_1_1992",
                1992,
                Rules("ligue_1_1992", (GD, GF), Unresolved.LOTS, win=2),
                "LFP Reglement 1992-93, two points for a win",
            ),
            Era(
                "ligue_1_1994",
                1994,
                Rules("ligue_1_1994", (GD, GF), Unresolved.LOTS),
                "LFP Reglement 1994-95, three points for a win",
            ),
            Era("ligue_1_2023", 2023, LIGUE_1_2023, "LFP Reglement 2023-24, art. 526"),
            Era("ligue_1_2025", 2025, LIGUE_1, "LFP Reglement 2025-26, art. 526"),
        ),
    ),
    Competition(
        "brasileirao",
        (
            Era(
                "brasileirao_2003",
                2003,
                BRASILEIRAO,
                "CBF Regulamento Especifico da Competicao, art. 15 (double round-robin)",
            ),
        ),
        season_start=(1, 1),
    ),
    Competition(
        "mls",
        (
            Era(
                "mls_2012",
                2012,
                Rules(
                    "mls_2012",
                    (
                        GF,
                        GD,
                        MLS_DISCIPLINARY,
                        AWAY_GOALS,
                        Overall(Stat.AWAY_GOAL_DIFFERENCE),
                        Overall(Stat.HOME_GOALS),
                        Overall(Stat.HOME_GOAL_DIFFERENCE),
                    ),
                    Unresolved.LOTS,
                    restart=True,
                ),
                "MLS 2012 competition guidelines (goals for first)",
            ),
            Era(
                "mls_2013",
                2013,
                Rules(
                    "mls_2013",
                    (
                        WINS,
                        GF,
                        GD,
                        MLS_DISCIPLINARY,
                        AWAY_GOALS,
                        Overall(Stat.AWAY_GOAL_DIFFERENCE),
                        Overall(Stat.HOME_GOALS),
                        Overall(Stat.HOME_GOAL_DIFFERENCE),
                    ),
                    Unresolved.LOTS,
                    restart=True,
                ),
                "MLS 2013 competition guidelines (wins first)",
            ),
            Era("mls_2016", 2016, MLS, "MLS competition guidelines 2016"),
        ),
        season_start=(1, 1),
    ),
)
