"""`bestshot source`: read a provider's saved payload, or ask the provider live.

Usage and output: docs/sources.md, "Commands".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import attrs

from adapters.sources.providers import DECLARATIONS, PARSERS, PROVIDERS, build_source
from adapters.system_clock import SystemClock
from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import (
    Fixtures,
    Match,
    MatchState,
    MatchStatus,
    Observation,
    Round,
    make_key,
)
from entrypoints.commands import HELP


def _references() -> str:
    """What `fetch` takes of each provider, from the declarations."""
    lines = ["references (what `fetch` takes):"]
    for name, declared in DECLARATIONS.items():
        reference = declared.reference
        note = f"  ({reference.note})" if reference.note else ""
        lines.append(f"  {name:<14} {reference.shape:<25} {reference.example}{note}")
    return "\n".join(lines) + "\n"


REFERENCES = _references()


def _payloads() -> str:
    return ", ".join(DECLARATIONS[name].payload for name in PARSERS)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "source",
        help=HELP["source"],
        description="Normalize what a result provider says: a saved payload, or a live fetch.",
        epilog=REFERENCES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(
        title="actions", dest="action", metavar="ACTION", parser_class=type(parser)
    )
    actions.required = True

    parse = actions.add_parser(
        "parse",
        help="parse a saved payload",
        description=(
            f"Parse a payload saved from a provider ({_payloads()}) and print its matches. "
            "Exits 2 with one line naming the provider and the path in the payload when it "
            "cannot be read."
        ),
    )
    parse.add_argument(
        "provider", metavar="PROVIDER", choices=sorted(PARSERS), help=", ".join(sorted(PARSERS))
    )
    parse.add_argument("file", metavar="FILE", type=Path, help="the saved payload")
    parse.add_argument("--json", action="store_true", help='print {"matches": [...]} as JSON')
    parse.set_defaults(handler=_parse)

    fetch = actions.add_parser(
        "fetch",
        help="fetch a tournament (or one round) live",
        description=(
            "Fetch a tournament's fixtures from the provider through the real client "
            "(timeouts, retries, rate limit) and print its matches, or only one round's "
            "observations with --round."
        ),
        epilog=REFERENCES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fetch.add_argument("provider", metavar="PROVIDER", choices=PROVIDERS, help=", ".join(PROVIDERS))
    fetch.add_argument(
        "reference", metavar="REFERENCE", help="the tournament, in the provider's terms"
    )
    fetch.add_argument("--round", metavar="SLUG", help="only this round (e.g. matchday-12)")
    fetch.add_argument("--json", action="store_true", help='print {"matches": [...]} as JSON')
    fetch.set_defaults(handler=_fetch)


# The normalized match both actions print.
_Row = tuple[Observation, str, str]  # observation, home name, away name


def _parse(args: argparse.Namespace) -> int:
    try:
        payload = args.file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {args.file}: {error.strerror or error}") from None
    matches = PARSERS[args.provider](payload)
    _print([(m.observation, m.home.name, m.away.name) for m in matches], as_json=args.json)
    return 0


def _fetch(args: argparse.Namespace) -> int:
    rows = asyncio.run(_fetch_rows(args.provider, args.reference, args.round))
    _print(rows, as_json=args.json)
    return 0


async def _fetch_rows(provider: str, reference: str, round_slug: str | None) -> list[_Row]:
    # The settings (pydantic-settings) only to fetch: `parse` reads a file with the parser alone.
    from entrypoints.settings import read_settings  # noqa: PLC0415

    # The user names files and URLs on their own machine: nobody else's request is served here.
    config = attrs.evolve(read_settings().sources(), trusted=True)
    source = build_source(provider, config, clock=SystemClock())
    try:
        fixtures = await source.fixtures(reference)
        names = {team.external_id: team.name for team in fixtures.teams}
        if round_slug is None:
            return [
                (m.observation, names[m.home_external_id], names[m.away_external_id])
                for m in fixtures.matches
            ]
        round_, stored = _round(fixtures, round_slug)
        observations = await source.round_observations(reference, round_, stored)
    finally:
        await source.aclose()
    sides = {
        m.external_id: (names[m.home_external_id], names[m.away_external_id])
        for m in fixtures.matches
    }
    return [(o, *sides.get(o.external_id, ("?", "?"))) for o in observations]


def _round(fixtures: Fixtures, slug: str) -> tuple[Round, list[Match]]:
    """The round and its matches as they would be stored, for `round_observations`."""
    found = [r for r in fixtures.rounds if r.slug == slug]
    if not found:
        known = ", ".join(r.slug for r in fixtures.rounds[:8])
        more = " ..." if len(fixtures.rounds) > 8 else ""
        raise InvalidInput(f"no round {slug!r} in these fixtures; rounds: {known}{more}")
    source_round = found[0]
    tournament = "cli"
    round_ = Round(
        tournament,
        source_round.slug,
        source_round.label,
        source_round.order,
        source_round.kind,
        source_round.reference,
    )
    stored = [
        Match(
            tournament_id=tournament,
            round_slug=slug,
            provider=fixtures.provider,
            external_id=m.external_id,
            home=make_key(fixtures.provider, m.home_external_id),
            away=make_key(fixtures.provider, m.away_external_id),
            state=MatchState(
                m.observation.status,
                m.observation.kickoff or datetime.now(UTC),
                m.observation.score,
                m.observation.ended,
                m.observation.shootout,
            ),
            group=m.group,
        )
        for m in fixtures.matches
        if m.round_slug == slug
    ]
    return round_, stored


def _kickoff(observation: Observation) -> str | None:
    if observation.kickoff is None:
        return None
    return observation.kickoff.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_json(row: _Row) -> dict[str, object]:
    observation, home, away = row
    score, shootout = observation.score, observation.shootout
    return {
        "id": observation.external_id,
        "home": home,
        "away": away,
        "kickoff": _kickoff(observation),
        "status": observation.status.value,
        "home_score": score.home if score else None,
        "away_score": score.away if score else None,
        "ended": observation.ended.value if observation.ended else None,
        "home_shootout": shootout.home if shootout else None,
        "away_shootout": shootout.away if shootout else None,
    }


def _as_text(row: _Row) -> str:
    observation, home, away = row
    score = str(observation.score) if observation.score else "v"
    notes = []
    if observation.ended is not None and observation.ended.value != "regular":
        notes.append(observation.ended.value.replace("_", " "))
    if observation.shootout is not None:
        notes.append(f"shoot-out {observation.shootout}")
    kickoff = (_kickoff(observation) or "?").replace("T", " ").removesuffix(":00Z") + "Z"
    status = observation.status.value
    line = f"{observation.external_id:<14} {kickoff}  {status:<9}  {home} {score} {away}"
    return line + (f"  ({', '.join(notes)})" if notes else "")


def _print(rows: Sequence[_Row], *, as_json: bool) -> None:
    try:
        if as_json:
            document = {"matches": [_as_json(row) for row in rows]}
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        else:
            for row in rows:
                sys.stdout.write(_as_text(row) + "\n")
            sys.stdout.write(_summary(row[0].status for row in rows) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`| head`) has had enough; leave quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _summary(statuses: Iterable[MatchStatus]) -> str:
    tally: dict[str, int] = {}
    for status in statuses:
        tally[status.value] = tally.get(status.value, 0) + 1
    total = sum(tally.values())
    if not total:
        return "no matches"
    counts = ", ".join(f"{n} {name}" for name, n in sorted(tally.items()))
    return f"{total} {'match' if total == 1 else 'matches'}: {counts}"
