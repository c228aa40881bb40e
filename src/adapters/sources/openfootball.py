"""openfootball JSON as a result source, from a file or a URL.

The file is read by `adapters.files.openfootball` (as for `bestshot table`); this module adds
what a source needs: ids, rounds and states.
A reference comes from an admin's request, so `OpenfootballAccess` limits where it may lead:
files in one folder, URLs on allowed hosts, each redirect checked. The command line is
`trusted`.
References, match ids, rounds and the status table: docs/sources.md, "openfootball".
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, unquote, urlsplit

from attrs import frozen

from adapters.files.openfootball import (
    OpenfootballFile,
    OpenfootballMatch,
    Status,
    parse_openfootball,
)
from adapters.files.regular import NotARegularFile, read_regular_file
from adapters.sources.declaration import Provider, Reference, Setting, Wiring
from adapters.sources.origin import Origin, parse_origin
from adapters.sources.parsed import (
    ParsedMatch,
    RoundInfo,
    assemble_fixtures,
    reference_tag,
    round_observations,
    slugify,
)
from adapters.sources.payload import format_error, load_json
from adapters.sources.policy import RateLimit
from adapters.sources.references import reference_known
from bestshot_domain.errors import InvalidInput, SourceFormatError, SourceUnavailable
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
from bestshot_routes.redaction import redact_url

if TYPE_CHECKING:
    from adapters.sources.http import ProviderClient

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


# The settings these limits come from, named in the errors so an operator knows what to set.
FILES_DIR_SETTING = "BESTSHOT_FILES_DIR"
HOSTS_SETTING = "BESTSHOT_OPENFOOTBALL_HOSTS"
DEFAULT_HOSTS = ("raw.githubusercontent.com", "github.com")


def _split(url: str) -> tuple[SplitResult, Origin]:
    """`url`'s parts and origin; ValueError when its port or host cannot be read."""
    return urlsplit(url), Origin.of(url)


@frozen
class OpenfootballAccess:
    """Which files and URLs a reference may lead to."""

    files_dir: Path | None = None  # None: no file reference is read (unless trusted)
    hosts: tuple[Origin, ...] = tuple(parse_origin(host) for host in DEFAULT_HOSTS)
    trusted: bool = False  # the command line's user: any file, any http(s) URL

    def allows(self, url: str) -> bool:
        """Whether the client may fetch `url` (the reference itself, or a redirect's target)."""
        try:
            parts, origin = _split(url)
        except ValueError:
            return False
        if "@" in parts.netloc or origin.scheme not in ("http", "https"):
            return False
        return self.trusted or origin in self.hosts

    def url(self, reference: str) -> str:
        try:
            parts, origin = _split(reference)
        except ValueError:
            raise InvalidInput("openfootball reference: not a valid URL") from None
        if "@" in parts.netloc:
            raise InvalidInput("openfootball reference: a URL must carry no user name or password")
        if not self.allows(reference):
            hosts = ", ".join(str(allowed) for allowed in self.hosts) or "none"
            raise InvalidInput(
                f"openfootball reference: {origin} is not an allowed host "
                f"(allowed: {hosts}; {HOSTS_SETTING} lists them)"
            )
        return reference

    def file(self, reference: str) -> Path:
        """The file a reference names, inside the files folder unless trusted."""
        text = reference
        if text.startswith("file:"):
            parts = urlsplit(text)
            if parts.netloc not in ("", "localhost"):
                raise InvalidInput("openfootball reference: a file: URL names no other host")
            text = unquote(parts.path)
        if "\x00" in text:
            raise InvalidInput("openfootball reference: not a file name")
        if self.trusted:
            return Path(text)
        if self.files_dir is None:
            raise InvalidInput(
                f"openfootball reference: file references are refused here: {FILES_DIR_SETTING} "
                "names no folder to read them from (set it and put the file there, or give an "
                f"https URL on an allowed host, {HOSTS_SETTING})"
            )
        # Resolved before anything is opened, and the same answer whether the file exists or
        # not: a path outside the folder learns nothing about the machine.
        outside = InvalidInput(
            f"openfootball reference: files are read only inside {FILES_DIR_SETTING}; "
            "give a name relative to it"
        )
        try:
            root = self.files_dir.resolve()
            path = (root / text).resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise outside from None
        if not path.is_relative_to(root):
            raise outside
        return path


def _is_url(reference: str) -> bool:
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", reference) is not None and not (
        reference.startswith("file:")
    )


class OpenfootballSource:
    """`ResultSource` over an openfootball JSON file or URL."""

    def __init__(self, client: ProviderClient, access: OpenfootballAccess | None = None) -> None:
        self._client = client
        self._access = access or OpenfootballAccess()

    @property
    def provider(self) -> str:
        return PROVIDER

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _read(self, reference: str) -> list[ParsedMatch]:
        reference = reference.strip()
        if not reference:
            raise InvalidInput("openfootball reference: expected a file path or an http(s) URL")
        access = self._access
        if _is_url(reference):
            url = access.url(reference)
            # Errors name the URL without its query values: a token may travel there.
            raw = await self._client.get_bytes(url)
            return parse_file(raw, redact_url(reference), reference=reference)
        path = access.file(reference)
        shown = str(path) if access.trusted else reference
        # Ids are tagged by the path, so that a path and its file:// URI make the same ids.
        tag = str(path)
        try:
            raw = await asyncio.to_thread(read_regular_file, path)
        except (FileNotFoundError, NotADirectoryError):
            # The caller's mistake, not the provider's: the same answer a typo gets.
            where = "" if access.trusted else f" in {FILES_DIR_SETTING}"
            raise InvalidInput(f"openfootball reference {shown!r}: no such file{where}") from None
        except NotARegularFile:
            raise InvalidInput(
                f"openfootball reference {shown!r}: not a regular file (a FIFO, device or "
                "folder is never read)"
            ) from None
        except OSError as error:
            raise SourceUnavailable(
                PROVIDER, f"cannot read {shown}: {error.strerror or error}"
            ) from None
        if access.trusted:
            return parse_file(raw, shown, reference=tag)
        try:
            return parse_file(raw, shown, reference=tag)
        except SourceFormatError as error:
            # The parser's messages may quote the file ("got '...'"): an API client gets the
            # place only; `bestshot source parse openfootball FILE` on the server tells all.
            raise SourceFormatError(
                PROVIDER, error.path, f"{shown} is not openfootball JSON as expected"
            ) from None

    async def fixtures(self, reference: str) -> Fixtures:
        with reference_known():
            read = await self._read(reference)
        return assemble_fixtures(PROVIDER, read)

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        return round_observations(
            await self._read(reference),
            round_.slug,
            (match.external_id for match in matches),
        )


def _origins(text: str) -> tuple[Origin, ...]:
    return tuple(parse_origin(part) for part in text.split(",") if part.strip())


FILES_DIR = Setting[Path | None](
    "files_dir",
    FILES_DIR_SETTING,
    Path,
    None,
    "The folder openfootball file references are read from; unset: none is.",
    "/srv/files",
)
HOSTS = Setting[tuple[Origin, ...]](
    "hosts",
    HOSTS_SETTING,
    _origins,
    OpenfootballAccess().hosts,
    "Hosts (https) or origins openfootball URLs may name, comma-separated.",
    "http://mirror.lan:8080",
)


def _build(wiring: Wiring) -> OpenfootballSource:
    settings = wiring.settings
    access = OpenfootballAccess(
        files_dir=FILES_DIR.of(settings), hosts=HOSTS.of(settings), trusted=wiring.config.trusted
    )
    return OpenfootballSource(wiring.client(allowed=access.allows), access)


DECLARATION = Provider(
    name=PROVIDER,
    title="openfootball",
    build=_build,
    reference=Reference(
        "file path or URL",
        "examples/en.1-2022-23.json",
        f"an https URL on an allowed host ({HOSTS_SETTING}), or a file name inside "
        f"{FILES_DIR_SETTING} (file references are refused when it is unset)",
    ),
    parser=parse_file,
    payload="an openfootball JSON file",
    base_url=DEFAULT_BASE_URL,
    url_setting=False,  # references are whole URLs (or files)
    rate_limit=RateLimit(30, 60.0),
    settings=(FILES_DIR, HOSTS),
)
