"""What every body shares: the base model (camelCase on the wire), the path parameters' shapes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import frozen
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from bestshot_domain import text

SLUG_PATTERN = text.SLUG_PATTERN.pattern
"""Tournament ids and round slugs in paths: the domain's slugs (lowercase words of letters and
digits joined by `-`, `_` or `.`), the only ones ever stored; so no `..`, slash or percent sign."""
SLUG_MAX_LENGTH = 128

TEAM_KEY_PATTERN = r"^[a-z0-9_]+:[A-Za-z0-9._~-]+$"
"""A team's key in paths, as the tables show it: the provider, a colon, the provider's id."""
TEAM_KEY_MAX_LENGTH = 200
# The largest id the database's bigint keys can hold: a cursor past it is no id of ours, and
# is refused by the document rather than by PostgreSQL.
ID_MAX = 2**63 - 1


NOT_BLANK = r"\S"
r"""Somewhere a character other than whitespace: what the domain is left with after `strip()`.
Checked with Python's `re` (`regex_engine="python-re"`), whose `\S` is exactly `str.isspace`'s
complement, as it is for the strings schemathesis draws from the pattern."""


def number_range_pattern(low: int, high: int, width: int) -> str:
    """A regex (no anchors) of the numbers `low..high` written with `width` digits (zero-padded):
    a range the document can state where JSON Schema has no minimum for a string."""
    if not 0 <= low <= high < 10**width:
        raise ValueError(f"{low}..{high} is no range of {width}-digit numbers")
    return _digits_range(f"{low:0{width}d}", f"{high:0{width}d}")


def _digit_class(low: int, high: int) -> str:
    return str(low) if low == high else f"[{low}-{high}]"


def _digits_range(low: str, high: str) -> str:
    if low == high:
        return low
    rest = len(low) - 1
    if rest == 0:
        return _digit_class(int(low), int(high))
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return f"{_digit_class(int(low[0]), int(high[0]))}[0-9]{{{rest}}}"
    if low[0] == high[0]:
        return f"{low[0]}(?:{_digits_range(low[1:], high[1:])})"
    parts = [f"{low[0]}(?:{_digits_range(low[1:], '9' * rest)})"]
    if int(high[0]) - int(low[0]) > 1:
        parts.append(f"{_digit_class(int(low[0]) + 1, int(high[0]) - 1)}[0-9]{{{rest}}}")
    parts.append(f"{high[0]}(?:{_digits_range('0' * rest, high[1:])})")
    return "|".join(parts)


_LISTED = 12


@frozen
class OneOf:
    """`Annotated[str, OneOf(names, "what")]`: one of `names`, validated and documented (as the
    JSON schema's `enum`) from the same tuple, so the document cannot allow what is refused.

    A refusal lists the choices when they are few, else names `what` (there are hundreds of
    time zones).
    """

    names: tuple[str, ...]
    what: str

    @classmethod
    def of(cls, names: Iterable[str], what: str) -> OneOf:
        return cls(tuple(names), what)

    def _check(self, value: str) -> str:
        if value not in self.names:
            if len(self.names) <= _LISTED:
                raise PydanticCustomError(
                    "one_of", "must be one of: {names}", {"names": ", ".join(self.names)}
                )
            raise PydanticCustomError("one_of", "must be one of the {what}", {"what": self.what})
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, core_schema.str_schema())

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "enum": list(self.names)}


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
