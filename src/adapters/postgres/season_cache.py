"""The matches of the tournaments this process recently computed tables for, kept in the shapes
the tables take, so that the next standings update reads only the matches changed since.

Each match row carries the standings revision it last changed at (migration 0013). A season kept
at revision R is brought up to date with the rows stamped above R, read in the same statement as
the tournament's revision R' and its number of matches: what is kept is then the matches as of
R'. A match deleted since leaves no stamp: the count tells, and the season is read whole again;
so it is when the rounds changed (a round's kind decides which matches are a knockout's). The
statement reads the changes only from the database the season was read from (`DATABASE`): a
process may talk to several, and one may be recreated under the same name. A revision lower
than the season's says the database went back (older data restored): the season is forgotten.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import asyncpg

from adapters.postgres.codec import table_match_from_row
from adapters.postgres.config import SEASONS_KEPT
from bestshot_domain.lifecycle import DECIDED
from bestshot_domain.model import TableMatch, TournamentId
from bestshot_domain.standings.inputs import MatchResult

# Which database, and which `matches` table in it, a season was read from: a server restarted,
# a database or its table recreated (a restore) reads every season whole again.
DATABASE = (
    "concat_ws(' ', pg_postmaster_start_time(),"
    " (SELECT oid FROM pg_database WHERE datname = current_database()),"
    " 'matches'::regclass::oid)"
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DECIDED = frozenset(status.value for status in DECIDED)

# A match as kept: its place in kickoff order, and its shape (a knockout round's as a TableMatch).
Entry = tuple[tuple[int, str], MatchResult | TableMatch]


class Kickoffs(dict[int, datetime]):
    """Kickoffs by microseconds since the epoch, each made once per read: a season has only a
    few dozen distinct kickoffs."""

    def __missing__(self, micros: int) -> datetime:
        kickoff = _EPOCH + timedelta(microseconds=micros)
        self[micros] = kickoff
        return kickoff


def entry_of(row: Sequence[Any] | asyncpg.Record, kickoffs: Kickoffs) -> Entry:
    """A match row of `standings_inputs._MATCHES` (without cards) as kept."""
    knockout, key, _, home, away, status, micros, home_score, away_score = row[:9]
    kickoff = kickoffs[micros]
    # A season names each team many times: one string each, kept for as long as it is kept.
    home, away = sys.intern(home), sys.intern(away)
    if knockout:
        value: MatchResult | TableMatch = table_match_from_row((*row[1:6], kickoff, *row[7:12]))
    else:
        decided = status in _DECIDED
        # The schema's checks make these a valid result (scores whole and non-negative):
        # `checked` skips checking them again, 380 times a season.
        value = MatchResult.checked(
            home,
            away,
            home_score if decided else None,
            away_score if decided else None,
            kickoff,
        )
    return (micros, key), value


class Season(NamedTuple):
    database: str
    revision: int
    rounds: str  # the rounds' JSON text it was read with
    entries: Mapping[str, Entry]  # by match key
    places: Mapping[str, int]  # by match key: its index in `results`, or ~ its index in `knockout`
    results: tuple[MatchResult, ...]  # in kickoff order, as the tables take them
    knockout: tuple[TableMatch, ...]

    @classmethod
    def of(cls, database: str, revision: int, rounds: str, entries: Iterable[Entry]) -> Season:
        """The season of these matches, given in kickoff order."""
        by_key = {entry[0][1]: entry for entry in entries}
        results: list[MatchResult] = []
        knockout: list[TableMatch] = []
        places = {}
        for key, (_, value) in by_key.items():
            if isinstance(value, MatchResult):
                places[key] = len(results)
                results.append(value)
            else:
                places[key] = ~len(knockout)
                knockout.append(value)
        return cls(database, revision, rounds, by_key, places, tuple(results), tuple(knockout))

    def updated(
        self, revision: int, changes: Iterable[tuple[Any, ...]], matches: int
    ) -> Season | None:
        """The season at `revision`, given the rows changed since this one's (each a match row,
        or one not counted for the tables: `counted` first) and how many matches count now;
        None when that count says some match is gone."""
        changed: dict[str, Entry | None] = {}
        kickoffs = Kickoffs()
        for counted, *row in changes:
            changed[row[1]] = entry_of(row, kickoffs) if counted else None
        in_place = self._in_place(changed)
        if in_place is not None:
            # Every change keeps its match's place (the common case: a result, no new kickoff):
            # the places are replaced, without ordering the season again.
            if len(self.entries) != matches:
                return None
            results, knockout = list(self.results), list(self.knockout)
            for key, (_, value) in in_place.items():
                if isinstance(value, MatchResult):
                    results[self.places[key]] = value
                else:
                    knockout[~self.places[key]] = value
            return self._replace(
                revision=revision,
                entries={**self.entries, **in_place},
                results=tuple(results),
                knockout=tuple(knockout),
            )
        entries = dict(self.entries)
        for key, entry in changed.items():
            if entry is None:
                entries.pop(key, None)
            else:
                entries[key] = entry
        if len(entries) != matches:
            return None
        ordered = sorted(entries.values(), key=_kickoff_order)
        return Season.of(self.database, revision, self.rounds, ordered)

    def _in_place(self, changed: Mapping[str, Entry | None]) -> dict[str, Entry] | None:
        """The changes, when each is of a match kept, at the same place in kickoff order and of
        the same kind (a result or a knockout's match); else None."""
        in_place = {}
        for key, entry in changed.items():
            old = self.entries.get(key)
            if (
                old is None
                or entry is None
                or old[0] != entry[0]
                or isinstance(old[1], MatchResult) != isinstance(entry[1], MatchResult)
            ):
                return None
            in_place[key] = entry
        return in_place


def _kickoff_order(entry: Entry) -> tuple[int, str]:
    # Python orders strings by code point, as PostgreSQL's "C" collation orders UTF-8 bytes.
    return entry[0]


_SEASONS: OrderedDict[TournamentId, Season] = OrderedDict()
# How many are kept (the least recently computed go first): STANDINGS_SEASONS_KEPT. A day with
# more tournaments than this computed in turn reads each whole, as without a season kept.
_capacity = SEASONS_KEPT


def configure(kept: int) -> None:
    """Keep at most `kept` seasons (0: none) from now on."""
    global _capacity  # noqa: PLW0603 - the process's one setting, made at start-up
    if kept < 0:
        raise ValueError(f"cannot keep {kept} seasons")
    _capacity = kept
    _trim()


def _trim() -> None:
    while len(_SEASONS) > _capacity:
        _SEASONS.popitem(last=False)


def kept(tournament_id: TournamentId) -> Season | None:
    return _SEASONS.get(tournament_id)


def keep(tournament_id: TournamentId, season: Season) -> None:
    """Keep `season`, unless one at a later revision is kept already (read by a concurrent
    update of the same tournament)."""
    current = _SEASONS.get(tournament_id)
    if (
        current is not None
        and current.database == season.database
        and current.revision > season.revision
    ):
        return
    _SEASONS[tournament_id] = season
    _SEASONS.move_to_end(tournament_id)
    _trim()


def forget(tournament_id: TournamentId) -> None:
    _SEASONS.pop(tournament_id, None)
