"""The criteria the competitions share, and each competition's rules as they stand today.

The eras of each competition, including these, are in `competitions.py`. Where a regulation is
silent on a detail (the weight of a second yellow in a fair-play count), the choice is written
next to it.
"""

from __future__ import annotations

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

H2H_PTS_GD = (H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE)


# Premier League Handbook, section C.17-C.18. One era since 1992-93: three points for a win
# since 1981-82 in England; when the head-to-head step entered the Handbook was not checked,
# and no final table since 1992-93 needed it.
PREMIER_LEAGUE = Rules(
    "premier_league",
    (GD, GF, HeadToHead((H2HStat.POINTS, H2HStat.AWAY_GOALS))),
    Unresolved.PLAY_OFF,
)
# RFEF General Regulations, art. 201: head-to-head only once the tied clubs have played each
# other home and away.
LA_LIGA = Rules(
    "la_liga",
    (HeadToHead(H2H_PTS_GD, when_complete=True), GD, GF, LALIGA_FAIR_PLAY),
    Unresolved.LOTS,
)
# Lega Serie A, since 2022-23 (NOIF art. 51.6 as amended in 2022: a play-off for the title
# and for relegation, head-to-head for every other place).
SERIE_A = Rules(
    "serie_a",
    (PlayOffForTitleOrRelegation(), HeadToHead(H2H_PTS_GD, reapply=True), GD, GF),
    Unresolved.LOTS,
)
# DFL Spielordnung, section 5: the aggregate of the two meetings is their goal difference.
BUNDESLIGA = Rules(
    "bundesliga",
    (GD, GF, HeadToHead((H2HStat.GOAL_DIFFERENCE, H2HStat.AWAY_GOALS)), AWAY_GOALS),
    Unresolved.PLAY_OFF,
)
# LFP regulations from 2025-26.
LIGUE_1 = Rules(
    "ligue_1",
    (GD, HeadToHead(H2H_PTS_GD), GF, WINS, AWAY_WINS, LFP_FAIR_PLAY),
    Unresolved.LOTS,
)
# LFP regulations for 2023-24 and 2024-25.
LIGUE_1_2023 = Rules(
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
)
# CBF Regulamento Especifico da Competicao, art. 15: head-to-head only between two clubs.
BRASILEIRAO = Rules(
    "brasileirao",
    (
        WINS,
        GD,
        GF,
        HeadToHead(H2H_PTS_GD, only_two=True),
        CBF_RED_CARDS,
        CBF_YELLOW_CARDS,
    ),
    Unresolved.LOTS,
)
# FIFA World Cup regulations (2018, 2022), group stage, art. 32.5.
FIFA_WORLD_CUP_2018 = Rules(
    "fifa_world_cup",
    (GD, GF, HeadToHead(H2H_POINTS_GD_GF), FIFA_CONDUCT),
    Unresolved.LOTS,
)
# UEFA EURO 2020 and 2024 regulations, art. 20.01: head-to-head first, reapplied to those still
# level; then goal difference, goals, wins, disciplinary points, the qualifiers' ranking.
UEFA_EURO = Rules(
    "uefa_euro",
    (HeadToHead(H2H_POINTS_GD_GF, reapply=True), GD, GF, WINS, UEFA_DISCIPLINARY),
    Unresolved.QUALIFYING_RANKING,
)
# UEFA Champions League regulations 2024-25, art. 18, league phase: no head-to-head.
UEFA_CHAMPIONS_LEAGUE = Rules(
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
)
# CONMEBOL Libertadores regulations from 2026.
COPA_LIBERTADORES = Rules(
    "copa_libertadores",
    (HeadToHead(H2H_POINTS_GD_GF), GD, GF, AWAY_GOALS),
    Unresolved.LOTS,
)
# CONMEBOL Libertadores regulations 2020 to 2025.
COPA_LIBERTADORES_2020 = Rules("copa_libertadores_2020", (GD, GF, AWAY_GOALS), Unresolved.LOTS)
# MLS competition guidelines (from 2016): the procedure restarts for the clubs still level.
MLS = Rules(
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
)
