"""Tournaments and their rounds, as anyone reads them, and a tournament's import."""

from __future__ import annotations

from pydantic import Field, JsonValue

from bestshot_domain.model import RoundKind
from bestshot_domain.standings import PRESETS
from entrypoints.api.schemas.common import ApiModel, RejectedOut


class TournamentOut(ApiModel):
    """A tournament as anyone may read it: not its provider reference, which may be a server
    path or a URL with credentials, and is the admins' business."""

    id: str
    label: str
    provider: str
    rules: str
    timezone: str
    zones: str


class AdminTournamentOut(TournamentOut):
    """A tournament as an admin sees it, in the answers of admin operations."""

    reference: str = Field(description="The provider's own id of the tournament, as imported.")


class TournamentList(ApiModel):
    tournaments: list[TournamentOut]


class RoundOut(ApiModel):
    slug: str
    label: str
    order: int
    kind: RoundKind


class RoundList(ApiModel):
    tournament: str
    rounds: list[RoundOut]


_PRESET_NAMES = list[JsonValue](sorted(PRESETS))


class TournamentImportIn(ApiModel):
    provider: str = Field(
        min_length=1,
        max_length=64,
        description="A configured provider: `espn`, `football_data`, `sofascore`, `fbref`, "
        "`openfootball`, `demo`.",
    )
    reference: str = Field(
        min_length=1,
        max_length=512,
        description="The provider's own id of the tournament. fbref: a schedule page's path "
        "(or URL on FBref's host). openfootball: an https URL on an allowed host "
        "(BESTSHOT_OPENFOOTBALL_HOSTS), or a file name inside BESTSHOT_FILES_DIR (file "
        "references are refused when it is unset).",
    )
    label: str = Field(min_length=1, max_length=200, description="Its id is made from this.")
    rules: str = Field(
        min_length=1,
        max_length=64,
        description="The standings preset: the competition's tie-break rules.",
        json_schema_extra={"enum": _PRESET_NAMES},
    )
    timezone: str = Field(
        default="UTC", min_length=1, max_length=64, description="IANA name, e.g. `Europe/London`."
    )
    zones: str = Field(
        default="",
        max_length=1000,
        description="Zones of the table, e.g. `1:champion,18-20:relegation`.",
    )


class CountsOut(ApiModel):
    created: int = Field(ge=0)
    updated: int = Field(ge=0)
    unchanged: int = Field(ge=0)


class ImportOut(ApiModel):
    tournament: AdminTournamentOut
    changed: bool = Field(description="False when importing again found nothing new.")
    tournament_created: bool
    tournament_updated: bool
    teams: CountsOut
    members_changed: bool
    rounds: CountsOut
    matches: CountsOut
    rejected: list[RejectedOut] = Field(description="Source matches that could not be stored.")
    absent: list[str] = Field(description="Stored matches the source no longer lists (kept).")
    changes: int = Field(ge=0, description="Change records written.")
    discipline: int = Field(
        ge=0, description="Match sides whose cards (for fair play) were written."
    )
