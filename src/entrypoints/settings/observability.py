"""What the service says about itself: its log lines, its error reports and its metrics."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from entrypoints.settings.auth import secret_weakness
from entrypoints.settings.concern import Concern

# RFC 6750's b64token: what an Authorization: Bearer header can carry as it is.
_BEARER_TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")


class ObservabilitySettings(Concern):
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    sentry_dsn: SecretStr | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    metrics_enabled: bool = Field(default=True, description="Serve GET /metrics.")
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Set: GET /metrics answers whoever sends `Authorization: Bearer <token>`, "
        "and no one else; unset: only clients on this machine, not through a proxy.",
    )

    @field_validator("metrics_token")
    @classmethod
    def _a_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _BEARER_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError("must be one bearer token: letters, digits and -._~+/ (then =)")
        return value

    def production_problems(self) -> list[str]:
        token = self.metrics_token
        if token is not None and (weakness := secret_weakness(token.get_secret_value())):
            return [f"METRICS_TOKEN {weakness}"]
        return []
