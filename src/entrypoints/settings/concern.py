"""What every group of settings shares: where it reads, how it names its variables.

Each concern (`service`, `auth`, `database` ...) is a pydantic-settings `BaseSettings` of its
own, so it can be read alone; `entrypoints.settings.Settings` composes them. A field reads the
variable of its name, or of its `validation_alias` where the two differ, case-insensitively; an
empty variable counts as unset.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import get_args

from pydantic import SecretStr
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# The variables handed to `reading_from` (tests, `bestshot demo`); None: the process's own.
_GIVEN: ContextVar[Mapping[str, str] | None] = ContextVar("bestshot_environ", default=None)


@contextmanager
def reading_from(environ: Mapping[str, str] | None) -> Iterator[None]:
    """Concerns made inside the block read `environ` instead of `os.environ` (None: it)."""
    token = _GIVEN.set(environ)
    try:
        yield
    finally:
        _GIVEN.reset(token)


class Concern(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=False,
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
        allow_inf_nan=False,
        arbitrary_types_allowed=True,  # RateLimit and Origin, the adapters' own values
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment only: no .env file, no secrets folder read behind the operator's back.
        given = _GIVEN.get()
        if given is None:
            return init_settings, env_settings
        # A mapping handed in replaces os.environ. pydantic-settings' own source for keyword
        # values matches names as the environment source does (here case-insensitively);
        # empty values are dropped first, as `env_ignore_empty` drops them from os.environ.
        values = {name: value for name, value in given.items() if value != ""}
        return init_settings, InitSettingsSource(settings_cls, init_kwargs=values)

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable a field reads."""
        alias = cls.model_fields[field].validation_alias
        return (alias if isinstance(alias, str) else field).upper()

    @classmethod
    def variables(cls) -> tuple[str, ...]:
        return tuple(cls.variable(field) for field in cls.model_fields)

    @classmethod
    def secret_variables(cls) -> tuple[str, ...]:
        """The variables typed `SecretStr`: what scrubbers must never let out."""
        return tuple(
            cls.variable(name)
            for name, info in cls.model_fields.items()
            if info.annotation is SecretStr or SecretStr in get_args(info.annotation)
        )

    def secrets(self) -> tuple[SecretStr, ...]:
        """The values of the secret variables that are set."""
        values = (getattr(self, name) for name in type(self).model_fields)
        return tuple(value for value in values if isinstance(value, SecretStr))

    def production_problems(self) -> list[str]:
        """What in this concern keeps the service from running in production (empty: nothing).

        Each names variables, never a value."""
        return []
