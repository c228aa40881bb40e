"""Tournaments and their rounds, as anyone reads them, and a tournament's import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from adapters.sources.providers import DECLARATIONS
from bestshot_domain.model import RoundKind, VerifyMode
from bestshot_domain.standings import PRESETS
from entrypoints.api.schemas.common import NOT_BLANK, ApiModel, OneOf, RejectedOut


class FallbackOut(ApiModel):
    provider: str = Field(description="The provider a round is read from when its own fails.")


class AdminFallbackOut(FallbackOut):
    reference: str = Field(description="The fallback provider's own id of the tournament.")


class TournamentOut(ApiModel):
    """A tournament as anyone may read it: not its provider references, which may be a server
    path or a URL with credentials, and are the admins' business."""

    id: str
    label: str
    provider: str
    rules: str
    timezone: str
    zones: str
    season: str | None = Field(
        description="The season it plays (`2016-17`, or `2024` for a calendar-year competition), "
        "which chooses the era of its rules; null: unknown (the current era)."
    )
    fallback: FallbackOut | None = Field(
        default=None, description="The fallback provider; null: none."
    )
    verify: VerifyMode = Field(
        default=VerifyMode.NONE,
        description="How finals are verified before they are written: `none`, `settle` (after "
        "the settle window) or `agree` (when the provider and the fallback report the same).",
    )


class AdminTournamentOut(TournamentOut):
    """A tournament as an admin sees it, in the answers of admin operations."""

    reference: str = Field(description="The provider's own id of the tournament, as imported.")
    fallback: AdminFallbackOut | None = Field(
        default=None, description="The fallback provider and its reference; null: none."
    )


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


# The same names the domain accepts (`standings.preset`, `scheduling.zone`), as enums.
_RULES = OneOf.of(sorted(PRESETS), "standings presets")
_TIME_ZONES = OneOf.of(sorted(available_timezones()), "IANA time zones")


_REFERENCE = "The provider's own id of the tournament."


def _references(providers: Sequence[str]) -> str:
    """What names a tournament at each of `providers`, as they declare it."""
    parts = []
    for name in providers:
        if (declared := DECLARATIONS.get(name)) is not None:
            reference = declared.reference
            note = f" ({reference.note})" if reference.note else ""
            parts.append(f"{name}: {reference.shape}, e.g. `{reference.example}`{note}.")
    return " ".join((_REFERENCE, *parts))


class FallbackIn(ApiModel):
    """The import's fallback; the app serves `tournament_import_in(its providers)`'s."""

    model_config = ConfigDict(regex_engine="python-re")

    provider: str = Field(min_length=1, max_length=64, description="Another configured provider.")
    reference: str = Field(
        min_length=1,
        max_length=512,
        pattern=NOT_BLANK,
        description="The fallback provider's own id of the tournament.",
    )


class TournamentImportIn(ApiModel):
    """An import; the app serves `tournament_import_in(its providers)`, which names them."""

    model_config = ConfigDict(regex_engine="python-re")  # NOT_BLANK means what strip() means

    provider: str = Field(min_length=1, max_length=64, description="A configured provider.")
    reference: str = Field(min_length=1, max_length=512, pattern=NOT_BLANK, description=_REFERENCE)
    label: str = Field(min_length=1, max_length=200, description="Its id is made from this.")
    rules: Annotated[str, _RULES] = Field(
        description="The standings preset: the competition's tie-break rules."
    )
    timezone: Annotated[str, _TIME_ZONES] = Field(
        default="UTC", description="IANA name, e.g. `Europe/London`."
    )
    zones: str = Field(
        default="",
        max_length=1000,
        description="Zones of the table, e.g. `1:champion,18-20:relegation`.",
    )
    season: str | None = Field(
        default=None,
        min_length=4,
        max_length=9,
        description="The season (`1995-96`, or `2023` for a calendar-year competition) whose "
        "era of the rules applies; default: the season of the earliest fixture.",
    )
    fallback: FallbackIn | None = Field(
        default=None,
        description="Another provider to read rounds from when this one fails (after its "
        "retries); its matches are paired with ours by teams and kickoff.",
    )
    verify: VerifyMode = Field(
        default=VerifyMode.NONE,
        description="`none`: finals are written as reported; `settle`: once reported unchanged "
        "for VERIFY_SETTLE_MINUTES; `agree`: once the provider and the fallback (required) "
        "report the same final.",
    )


def tournament_import_in(providers: Sequence[str]) -> type[TournamentImportIn]:
    """The import body of an app whose configured providers are `providers`: the document's
    enum and the check are both made from them, as the domain's own check is."""
    provider = Annotated[str, OneOf.of(providers, "configured providers")]
    fallback = create_model(
        "FallbackIn",
        __base__=FallbackIn,
        __module__=__name__,
        provider=(provider, Field(description="Another configured provider.")),
    )
    return create_model(
        "TournamentImportIn",
        __base__=TournamentImportIn,
        __module__=__name__,
        provider=(provider, Field(description="A configured provider.")),
        reference=(
            str,
            FieldInfo.merge_field_infos(
                TournamentImportIn.model_fields["reference"], description=_references(providers)
            ),
        ),
        fallback=(
            fallback | None,
            Field(
                default=None,
                description="Another provider to read rounds from when this one fails (after "
                "its retries); its matches are paired with ours by teams and kickoff.",
            ),
        ),
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
