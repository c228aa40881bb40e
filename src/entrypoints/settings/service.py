"""The service: which environment it runs in, where it is reached, how it answers."""

from __future__ import annotations

import enum
import ipaddress

from pydantic import Field, field_validator, model_validator

from entrypoints.settings.concern import Concern

DEMO_API_DOMAIN = "http://127.0.0.1:8000"


class NodeEnv(enum.StrEnum):
    DEMO = "demo"
    PRODUCTION = "production"


class ServiceSettings(Concern):
    node_env: NodeEnv = NodeEnv.DEMO
    api_domain: str = Field(
        default=DEMO_API_DOMAIN,
        description="The API's public base URL; schedules call back here.",
    )
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    request_header_timeout: float = Field(
        default=10,
        gt=0,
        le=300,
        validation_alias="REQUEST_HEADER_TIMEOUT_SECONDS",
        description="Seconds a client has to send a request's head, from its connection or the "
        "previous answer; then the connection is closed (408 if it sent part of one).",
    )
    request_body_timeout: float = Field(
        default=30,
        gt=0,
        le=3600,
        validation_alias="REQUEST_BODY_TIMEOUT_SECONDS",
        description="Seconds a client has to send a request's body once its head arrived; "
        "then 408 and the connection is closed.",
    )
    max_connections: int = Field(
        default=500,
        ge=1,
        le=100_000,
        description="Connections served at once; a request on one more is answered 503 with "
        "Retry-After.",
    )
    public_cache_max_age: int = Field(
        default=15, ge=0, le=86_400, description="Cache-Control max-age of the public reads."
    )
    read_cache_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="How long this process reuses a public read's body (0: never); at most "
        "PUBLIC_CACHE_MAX_AGE.",
    )

    forwarded_allow_ips: str | None = Field(
        default=None,
        validation_alias="FORWARDED_ALLOW_IPS",
        description="The proxies (addresses or networks, comma-separated; `*`: any) whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; unset: nobody's.",
    )

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _addresses(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = [part.strip() for part in value.split(",") if part.strip()]
        for part in parts:
            if part == "*":
                continue
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError("must be addresses or networks, comma-separated, or *") from None
        return ",".join(parts) or None

    @model_validator(mode="after")
    def _consistent(self) -> ServiceSettings:
        if self.read_cache_seconds > self.public_cache_max_age:
            raise ValueError("READ_CACHE_SECONDS is longer than PUBLIC_CACHE_MAX_AGE")
        return self

    @property
    def is_production(self) -> bool:
        return self.node_env is NodeEnv.PRODUCTION

    def production_problems(self) -> list[str]:
        if self.api_domain == DEMO_API_DOMAIN or not self.api_domain.startswith("https://"):
            return ["API_DOMAIN must be the service's public https:// URL"]
        return []
