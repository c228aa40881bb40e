"""Knockout ties and each team's progress through the bracket.

A tie is one match or two legs between the same two teams in one round. How it was decided:
`score` (a single match won in normal time), `aggregate` (two legs), `away_goals` (level on
aggregate, more goals away: only in eras that used the rule, extra-time goals included),
`extra_time`, `penalties`. The shoot-out is kept apart from the score, as everywhere in the
domain. A tie with a leg still to play is open: no winner yet.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

Goals = tuple[int, int]

# Patterns, compiled by `re` at their first use (and kept): a league's table needs none of them,
# and `bestshot table` starts without compiling them.
# Round names of a bracket, as openfootball and the providers write them; group-stage rounds
# ("Matchday 3", "Group stage") are none of these.
_KNOCKOUT = (
    r"(?i)round of \d+|last \d+|1/\d+|eighth|quarter|semi|final|third|3rd|play-?offs?\b|knockout"
)
_THIRD_PLACE = r"(?i)third|3rd"
# The bracket's last round by its name: "Final", "Grand final", "Final (replay)"; not a
# "Semi-final", "Quarter finals", "1/8 final" or "Final round" of a group stage.
_FINAL = r"(?i)(?<![-/\w])finals?\b(?!\s*(?:round|stage|group|tournament))"
_BEFORE_FINAL = r"(?i)semi|quarter|eighth|round of|last \d|1/\d"

GROUP = "group"
CHAMPION = "champion"


def is_knockout_round(name: str | None) -> bool:
    return name is not None and re.search(_KNOCKOUT, name) is not None


class KnockoutMatch(NamedTuple):
    """One knockout match: the score after 90 minutes, after extra time when there was some
    (including the 90 minutes), and the shoot-out apart. No score: still to be played. A match
    known to have gone to extra time may lack its score after 90 minutes (`full_time` None), as
    the providers report only the final score and how the match ended."""

    round: str
    home: str
    away: str
    full_time: Goals | None
    extra_time: Goals | None = None
    penalties: Goals | None = None
    kickoff: datetime | None = None

    @property
    def final(self) -> Goals | None:
        return self.extra_time or self.full_time


class Tie(NamedTuple):
    round: str
    teams: tuple[str, str]
    legs: int
    aggregate: Goals | None
    winner: str | None
    decided_by: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "teams": list(self.teams),
            "legs": self.legs,
            "aggregate": None if self.aggregate is None else list(self.aggregate),
            "winner": self.winner,
            "decided_by": self.decided_by,
        }

    @classmethod
    def from_dict(cls, round_name: str, data: Mapping[str, Any]) -> "Tie":
        home, away = data["teams"]
        aggregate = data["aggregate"]
        return cls(
            round_name,
            (home, away),
            data["legs"],
            None if aggregate is None else (aggregate[0], aggregate[1]),
            data["winner"],
            data["decided_by"],
        )


class KnockoutRound(NamedTuple):
    name: str
    ties: tuple[Tie, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.name, "ties": [tie.to_dict() for tie in self.ties]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "KnockoutRound":
        name = data["round"]
        return cls(name, tuple(Tie.from_dict(name, tie) for tie in data["ties"]))


def knockout(matches: Sequence[KnockoutMatch], *, away_goals: bool) -> tuple[KnockoutRound, ...]:
    """The ties of each round, rounds in the order they were first played (then as given)."""
    first_day: dict[str, tuple[bool, datetime | None, int]] = {}
    legs: dict[str, dict[frozenset[str], list[KnockoutMatch]]] = {}
    for position, match in enumerate(matches):
        day = (match.kickoff is None, match.kickoff, position)
        known = first_day.get(match.round)
        if known is None or _earlier(day, known):
            first_day[match.round] = day
        pair = frozenset((match.home, match.away))
        legs.setdefault(match.round, {}).setdefault(pair, []).append(match)
    rounds = sorted(legs, key=lambda name: _sort_key(first_day[name]))
    return tuple(
        KnockoutRound(
            name,
            tuple(
                sorted(
                    (_tie(name, _in_order(played), away_goals) for played in legs[name].values()),
                    key=lambda tie: tie.teams,
                )
            ),
        )
        for name in rounds
    )


def _sort_key(day: tuple[bool, datetime | None, int]) -> tuple[bool, str, int]:
    unknown, kickoff, position = day
    return unknown, "" if kickoff is None else kickoff.isoformat(), position


def _earlier(a: tuple[bool, datetime | None, int], b: tuple[bool, datetime | None, int]) -> bool:
    return _sort_key(a) < _sort_key(b)


def _in_order(played: list[KnockoutMatch]) -> list[KnockoutMatch]:
    if all(match.kickoff is not None for match in played):
        return sorted(played, key=lambda match: (match.kickoff, match.home))
    return played


def _tie(round_name: str, legs: list[KnockoutMatch], away_goals: bool) -> Tie:
    first = legs[0]
    a, b = first.home, first.away
    count = len(legs)
    finals = [leg.final for leg in legs]
    if any(score is None for score in finals):
        return Tie(round_name, (a, b), count, None, None, None)
    scored = {a: 0, b: 0}
    away = {a: 0, b: 0}
    at_ninety: dict[str, int] | None = {a: 0, b: 0}
    for leg in legs:
        home_goals, away_goals_ = leg.final or (0, 0)
        scored[leg.home] += home_goals
        scored[leg.away] += away_goals_
        away[leg.away] += away_goals_
        if leg.full_time is None:  # extra time was played: the 90 minutes left the tie level
            at_ninety = None
        elif at_ninety is not None:
            at_ninety[leg.home] += leg.full_time[0]
            at_ninety[leg.away] += leg.full_time[1]
    aggregate = (scored[a], scored[b])
    last = legs[-1]
    winner: str | None
    if scored[a] != scored[b]:
        winner = a if scored[a] > scored[b] else b
        went_to_extra_time = last.extra_time is not None and (
            at_ninety is None or at_ninety[a] == at_ninety[b]
        )
        decided_by = "extra_time" if went_to_extra_time else "score" if count == 1 else "aggregate"
    elif away_goals and count == 2 and away[a] != away[b]:
        winner, decided_by = (a if away[a] > away[b] else b), "away_goals"
    elif last.penalties is not None and last.penalties[0] != last.penalties[1]:
        winner = last.home if last.penalties[0] > last.penalties[1] else last.away
        decided_by = "penalties"
    else:
        winner, decided_by = None, None
    return Tie(round_name, (a, b), count, aggregate, winner, decided_by)


def progress(rounds: Sequence[KnockoutRound], teams: Sequence[str] = ()) -> dict[str, str]:
    """Each team's furthest round, named as in the input, or `champion`; `group` for `teams`
    that played no knockout match. A match for third place is no further round."""
    bracket = [stage for stage in rounds if not re.search(_THIRD_PLACE, stage.name)]
    reached: dict[str, str] = dict.fromkeys(teams, GROUP)
    for stage in rounds:
        if re.search(_THIRD_PLACE, stage.name):
            for tie in stage.ties:
                for team in tie.teams:
                    reached.setdefault(team, stage.name)
    for stage in bracket:
        for tie in stage.ties:
            for team in tie.teams:
                reached[team] = stage.name
    champion = _champion(bracket)
    if champion is not None:
        reached[champion] = CHAMPION
    return reached


def _champion(bracket: Sequence[KnockoutRound]) -> str | None:
    """The winner of the bracket's final, when the input reaches it and it is decided.

    The last listed round is the final only if it is one tie and is a final by its name, or by
    its structure when the name says nothing (one tie between the winners of the two ties of
    the round before). A bracket cut short (a semi-final listed alone, a final not yet in the
    input) has no champion."""
    if not bracket or len(bracket[-1].ties) != 1:
        return None
    (tie,) = bracket[-1].ties
    if tie.winner is None or not _is_final(bracket):
        return None
    return tie.winner


def _is_final(bracket: Sequence[KnockoutRound]) -> bool:
    last = bracket[-1]
    if re.search(_BEFORE_FINAL, last.name):
        return False
    if re.search(_FINAL, last.name):
        return True
    if len(bracket) < 2 or len(bracket[-2].ties) != 2:
        return False
    winners = {tie.winner for tie in bracket[-2].ties}
    return None not in winners and winners == set(last.ties[0].teams)


def as_dict(rounds: Sequence[KnockoutRound]) -> list[dict[str, Any]]:
    return [stage.to_dict() for stage in rounds]
