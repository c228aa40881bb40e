"""The competitions' rules by preset name: a bare name is the current era, a suffix an earlier one.

Each preset cites the regulation it follows; where a regulation is silent on a detail (the weight
of a second yellow in a fair-play count), the choice is written next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings.rules import (
    Discipline,
    H2HStat,
    HeadToHead,
    Overall,
    PlayOffForTitleOrRelegation,
    Rules,
    Stat,
    Unresolved,
)

GD = Overall(Stat.GOAL_DIFFERENCE)
GF = Overall(Stat.GOALS_FOR)
WINS = Overall(Stat.WINS)
AWAY_WINS = Overall(Stat.AWAY_WINS)
AWAY_GOALS = Overall(Stat.AWAY_GOALS)

# UEFA's disciplinary points (Euro and club competitions): yellow 1, red from two yellows 3,
# direct red 3, yellow then direct red 4.
UEFA_DISCIPLINARY = Discipline("disciplinary_points", 1, 3, 3, 4)
# FIFA's team conduct score, as penalty points: yellow 1, indirect red 3, direct red 4, yellow
# and direct red 5 (FIFA writes them as -1, -3, -4, -5; fewer penalty points is the higher score).
FIFA_CONDUCT = Discipline("fair_play", 1, 3, 4, 5)
# LFP fair play: yellow 1, red 3; a yellow followed by a direct red counts both.
LFP_FAIR_PLAY = Discipline("fair_play", 1, 3, 3, 4)
# LaLiga's fair-play scale: yellow 1, sending-off for two yellows 2, direct red 3.
LALIGA_FAIR_PLAY = Discipline("fair_play", 1, 2, 3, 4)
# CBF counts cards received: a red of any kind is one red card; two yellows are two yellow cards.
CBF_RED_CARDS = Discipline("red_cards", 0, 1, 1, 1)
CBF_YELLOW_CARDS = Discipline("yellow_cards", 1, 2, 0, 1)
# MLS ranks on fewest disciplinary points; the weights follow UEFA's scale.
MLS_DISCIPLINARY = Discipline("disciplinary_points", 1, 3, 3, 4)

H2H_POINTS_GD_GF = (H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE, H2HStat.GOALS_FOR)

_PRESETS = (
    # Premier League Handbook, section C.17-C.18.
    Rules(
        "premier_league",
        (GD, GF, HeadToHead((H2HStat.POINTS, H2HStat.AWAY_GOALS))),
        Unresolved.PLAY_OFF,
    ),
    # RFEF General Regulations, art. 201: head-to-head only once the tied clubs have played
    # each other home and away.
    Rules(
        "la_liga",
        (
            HeadToHead((H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE), when_complete=True),
            GD,
            GF,
            LALIGA_FAIR_PLAY,
        ),
        Unresolved.LOTS,
    ),
    # Lega Serie A, since 2022-23.
    Rules(
        "serie_a",
        (
            PlayOffForTitleOrRelegation(),
            HeadToHead((H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE), reapply=True),
            GD,
            GF,
        ),
        Unresolved.LOTS,
    ),
    # DFL Spielordnung, section 5: the aggregate of the two meetings is their goal difference.
    Rules(
        "bundesliga",
        (
            GD,
            GF,
            HeadToHead((H2HStat.GOAL_DIFFERENCE, H2HStat.AWAY_GOALS)),
            AWAY_GOALS,
        ),
        Unresolved.PLAY_OFF,
    ),
    # LFP regulations from 2025-26.
    Rules(
        "ligue_1",
        (
            GD,
            HeadToHead((H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE)),
            GF,
            WINS,
            AWAY_WINS,
            LFP_FAIR_PLAY,
        ),
        Unresolved.LOTS,
    ),
    # LFP regulations for 2023-24 and 2024-25.
    Rules(
        "ligue_1_2023",
        (
            GD,
            HeadToHead(
                (H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE, H2HStat.GOALS_FOR, H2HStat.AWAY_GOALS)
            ),
            GF,
            AWAY_GOALS,
            LFP_FAIR_PLAY,
        ),
        Unresolved.LOTS,
    ),
    # CBF Regulamento Especifico da Competicao, art. 15: head-to-head only between two clubs.
    Rules(
        "brasileirao",
        (
            WINS,
            GD,
            GF,
            HeadToHead((H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE), only_two=True),
            CBF_RED_CARDS,
            CBF_YELLOW_CARDS,
        ),
        Unresolved.LOTS,
    ),
    # FIFA World Cup regulations (2018, 2022), group stage.
    Rules(
        "fifa_world_cup",
        (GD, GF, HeadToHead(H2H_POINTS_GD_GF), FIFA_CONDUCT),
        Unresolved.LOTS,
    ),
    # UEFA EURO regulations, group stage: head-to-head first, reapplied to those still level.
    Rules(
        "uefa_euro",
        (HeadToHead(H2H_POINTS_GD_GF, reapply=True), GD, GF, WINS, UEFA_DISCIPLINARY),
        Unresolved.QUALIFYING_RANKING,
    ),
    # UEFA Champions League regulations 2024-25, league phase: no head-to-head.
    Rules(
        "uefa_champions_league",
        (
            GD,
            GF,
            AWAY_GOALS,
            WINS,
            AWAY_WINS,
            Overall(Stat.OPPONENTS_POINTS),
            Overall(Stat.OPPONENTS_GOAL_DIFFERENCE),
            Overall(Stat.OPPONENTS_GOALS_FOR),
            UEFA_DISCIPLINARY,
        ),
        Unresolved.COEFFICIENT,
    ),
    # CONMEBOL Libertadores regulations from 2026.
    Rules(
        "copa_libertadores",
        (HeadToHead(H2H_POINTS_GD_GF), GD, GF, AWAY_GOALS),
        Unresolved.LOTS,
    ),
    # CONMEBOL Libertadores regulations 2020 to 2025.
    Rules("copa_libertadores_2020", (GD, GF, AWAY_GOALS), Unresolved.LOTS),
    # MLS competition guidelines: the procedure restarts for the clubs still level.
    Rules(
        "mls",
        (
            WINS,
            GD,
            GF,
            MLS_DISCIPLINARY,
            Overall(Stat.AWAY_GOAL_DIFFERENCE),
            AWAY_GOALS,
            Overall(Stat.HOME_GOAL_DIFFERENCE),
            Overall(Stat.HOME_GOALS),
        ),
        Unresolved.LOTS,
        restart=True,
    ),
)

PRESETS: Mapping[str, Rules] = MappingProxyType({rules.name: rules for rules in _PRESETS})


def preset(name: str) -> Rules:
    """The rules of a preset, or InvalidInput naming the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise InvalidInput(f"unknown rules preset {name!r} (known: {known})") from None
