"""openfootball JSON as a result source, from a file or a URL.

The file is read by the same parser as `bestshot table` (`adapters.files.openfootball`); this
module adds what a source needs and the files do not carry: ids, rounds and states.

Reference: a local path (`examples/en.1-2022-23.json`, `file:///...`) or an http(s) URL
(`https://raw.githubusercontent.com/openfootball/football.json/master/2024-25/en.1.json`).
Fixtures and every round's observations come from the whole file, read again each time.

- Teams: openfootball names teams and nothing more, so a team's id is its name folded to a
  slug (`Brighton & Hove Albion FC` -> `brighton-hove-albion-fc`), with its `code` when given.
- Rounds: the match's `round` (`Matchday 12` -> `matchday-12`, `Round of 16`); a group round
  when the match has a `group`, a knockout round when the file has groups and the match has
  none (or its name says final, semi, quarter, round of, third place, play-off), else a league
  round. A match without a round falls in the round of its day (`day-2024-08-16`).
- Match id: a tag of the reference (`parsed.reference_tag`), the round and both teams,
  `5d41402a-matchday-1-crystal-palace-fc-arsenal-fc`; a second match of the same teams in the
  same round gets `-2`, and so on, in file order. Without the tag, two seasons of one league
  (or two tournaments whose rounds share names) would claim the same match keys.
- Cards: a match's `cards` become each side's discipline (`Observation.home_cards` and
  `away_cards`), which the fair-play criteria read.
- Kickoff: `date` and `time` (with its `UTC+3` offset, else UTC); a match without a date is a
  SourceFormatError: a fixture needs a kickoff.

Status mapping (`status`, then the score):

| openfootball                          | status    | ended      |
|---------------------------------------|-----------|------------|
| `status: cancelled` (or `canceled`)   | cancelled |            |
| `status: postponed`                   | postponed |            |
| `status: awarded` with a score        | awarded   |            |
| a score with `p` (a shoot-out)        | finished  | penalties  |
| a score with `et`                     | finished  | extra_time |
| a score with `ft` only                | finished  | regular    |
| no score                              | scheduled |            |

The score for the table is `et` when there was extra time, else `ft`; `p` is the shoot-out.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from adapters.files.openfootball import (
    OpenfootballFile,
    OpenfootballMatch,
    Status,
    parse_openfootball,
)
from adapters.sources.http import ProviderClient
from adapters.sources.parsed import (
    ParsedMatch,
    RoundInfo,
    assemble_fixtures,
    reference_tag,
    round_observations,
    slugify,
)
from adapters.sources.payload import format_error, load_json
from bestshot_domain.errors import InvalidInput, SourceUnavailable
from bestshot_domain.model import (
    Ending,
    Fixtures,
    Match,
    MatchStatus,
    Observation,
    Round,
    RoundKind,
    Score,
    SourceTeam,
)

PROVIDER = "openfootball"
DEFAULT_BASE_URL = "https://raw.githubusercontent.com"

_KNOCKOUT = re.compile(r"final|semi|quarter|round of|third place|play-?off|knockout", re.I)


def _paths(data: object) -> Iterator[str]:
    """The path of each match in the file, in the order the shared parser reads them."""
    if not isinstance(data, Mapping):
        return
    if isinstance(data.get("matches"), list):
        yield from (f"matches[{i}]" for i in range(len(data["matches"])))
    elif isinstance(data.get("rounds"), list):
        for r, round_ in enumerate(data["rounds"]):
            matches = round_.get("matches", []) if isinstance(round_, Mapping) else []
            yield from (f"rounds[{r}].matches[{m}]" for m in range(len(matches)))


def _team(team_name: str, code: str | None) -> SourceTeam:
    return SourceTeam(slugify(team_name), team_name, code)


def _round(match: OpenfootballMatch, grouped: bool, day: str) -> RoundInfo:
    if match.round:
        name = match.round
        slug = slugify(name)
    else:
        name, slug = f"Day {day}", f"day-{day}"
    if match.group is not None:
        kind = RoundKind.GROUP
    elif grouped or _KNOCKOUT.search(name):
        kind = RoundKind.KNOCKOUT
    else:
        kind = RoundKind.LEAGUE
    return RoundInfo(slug, name, kind, name)


def _state(
    match: OpenfootballMatch, path: str
) -> tuple[MatchStatus, Score | None, Ending | None, Score | None]:
    if match.status is Status.CANCELLED:
        return MatchStatus.CANCELLED, None, None, None
    if match.status is Status.POSTPONED:
        return MatchStatus.POSTPONED, None, None, None
    goals = match.score
    if match.status is Status.AWARDED:
        if goals is None:
            raise format_error(PROVIDER, f"{path}.score", "an awarded match needs its score")
        return MatchStatus.AWARDED, Score(*goals), None, None
    if goals is None:
        return MatchStatus.SCHEDULED, None, None, None
    if match.penalties is not None:
        return MatchStatus.FINISHED, Score(*goals), Ending.PENALTIES, Score(*match.penalties)
    ended = Ending.EXTRA_TIME if match.extra_time is not None else Ending.REGULAR
    return MatchStatus.FINISHED, Score(*goals), ended, None


def matches_of(
    parsed: OpenfootballFile, paths: Sequence[str], reference: str | None = None
) -> list[ParsedMatch]:
    """A parsed openfootball file as a source's matches, with ids, rounds and states.

    With a `reference`, every id starts with its tag, as the source's ids do.
    """
    prefix = "" if reference is None else f"{reference_tag(reference)}-"
    grouped = any(match.group is not None for match in parsed.matches)
    seen: dict[str, int] = {}
    names: dict[str, str] = {}
    out = []
    for match, path in zip(parsed.matches, paths, strict=True):
        if match.kickoff is None:
            raise format_error(PROVIDER, f"{path}.date", "a fixture needs its date")
        home = _team(match.team1.name, match.team1.code)
        away = _team(match.team2.name, match.team2.code)
        for side, team in (("team1", home), ("team2", away)):
            other = names.setdefault(team.external_id, team.name)
            if other != team.name:
                raise format_error(
                    PROVIDER,
                    f"{path}.{side}",
                    f"{team.name!r} and {other!r} fold to the same id {team.external_id!r}",
                )
        round_info = _round(match, grouped, match.kickoff.date().isoformat())
        base = f"{prefix}{round_info.slug}-{home.external_id}-{away.external_id}"
        seen[base] = seen.get(base, 0) + 1
        external_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        status, score, ended, shootout = _state(match, path)
        out.append(
            ParsedMatch(
                round=round_info,
                home=home,
                away=away,
                observation=Observation(
                    external_id=external_id,
                    status=status,
                    score=score,
                    ended=ended,
                    shootout=shootout,
                    kickoff=match.kickoff,
                    home_cards=match.cards1,
                    away_cards=match.cards2,
                ),
                group=match.group,
            )
        )
    if not out:
        raise format_error(PROVIDER, "matches", "no matches in the file")
    return out


def parse_file(
    raw: bytes | str, origin: str = "", *, reference: str | None = None
) -> list[ParsedMatch]:
    """The matches of an openfootball JSON document; ids tagged with `reference` when given."""
    data = load_json(PROVIDER, raw)
    parsed = parse_openfootball(data, origin)
    return matches_of(parsed, list(_paths(data)), reference)


def _is_url(reference: str) -> bool:
    return re.match(r"^https?://\S+$", reference) is not None


def _local_path(reference: str) -> Path:
    if reference.startswith("file://"):
        return Path(unquote(urlsplit(reference).path))
    return Path(reference)


class OpenfootballSource:
    """`ResultSource` over an openfootball JSON file or URL."""

    def __init__(self, client: ProviderClient) -> None:
        self._client = client

    @property
    def provider(self) -> str:
        return PROVIDER

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _read(self, reference: str) -> list[ParsedMatch]:
        reference = reference.strip()
        if not reference:
            raise InvalidInput("openfootball reference: expected a file path or an http(s) URL")
        if _is_url(reference):
            body = await self._client.get_bytes(reference)
            return parse_file(body, reference, reference=reference)
        path = _local_path(reference)
        try:
            raw = await asyncio.to_thread(path.read_bytes)
        except OSError as error:
            raise SourceUnavailable(
                PROVIDER, f"cannot read {path}: {error.strerror or error}"
            ) from None
        # Tagged by the path, so that a path and its file:// URI make the same ids.
        return parse_file(raw, str(path), reference=str(path))

    async def fixtures(self, reference: str) -> Fixtures:
        return assemble_fixtures(PROVIDER, await self._read(reference))

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        return round_observations(
            await self._read(reference),
            round_.slug,
            (match.external_id for match in matches),
        )
