"""What every body shares: the base model (camelCase on the wire), the path parameters' shapes."""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from bestshot_domain import text

SLUG_PATTERN = text.SLUG_PATTERN.pattern
"""Tournament ids and round slugs in paths: the domain's slugs (lowercase words of letters and
digits joined by `-`, `_` or `.`), the only ones ever stored; so no `..`, slash or percent sign."""
SLUG_MAX_LENGTH = 128

TEAM_KEY_PATTERN = r"^[a-z0-9_]+:[A-Za-z0-9._~-]+$"
"""A team's key in paths, as the tables show it: the provider, a colon, the provider's id."""
TEAM_KEY_MAX_LENGTH = 200


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
        # Response bodies are read from the domain's attrs objects: `Model.model_validate(obj)`
        # takes each field from the attribute of the same name (or its `validation_alias`).
        from_attributes=True,
    )


class RejectedOut(ApiModel):
    # A round update's outcome names the stored match; an import's rejection, the source's id.
    match: str = Field(validation_alias=AliasChoices("match", "external_id"))
    reason: str
