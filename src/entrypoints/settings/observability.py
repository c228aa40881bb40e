"""What the service says about itself: its log lines and its error reports."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from entrypoints.settings.concern import Concern


class ObservabilitySettings(Concern):
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    sentry_dsn: SecretStr | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0.0, le=1.0)
