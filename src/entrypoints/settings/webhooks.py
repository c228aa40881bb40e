"""The webhook dispatcher: whether `bestshot serve` runs it, how it polls, what one delivery may
take, and how long a failing receiver is retried (see README.md, "Events and webhooks")."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import Field

from entrypoints.settings.concern import Concern

if TYPE_CHECKING:
    # The dispatcher's module imports httpx and the store's asyncpg: a command that only reads
    # settings loads neither (they are imported when a configuration is built).
    from adapters.webhooks import DispatcherConfig, UrlPolicy


class WebhooksSettings(Concern):
    enabled: bool = Field(
        default=True,
        validation_alias="WEBHOOKS_ENABLED",
        description="Run the webhook dispatcher inside `bestshot serve`.",
    )
    poll_seconds: float = Field(
        default=1.0, gt=0, le=3600, validation_alias="WEBHOOKS_POLL_SECONDS"
    )
    deadline_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        validation_alias="WEBHOOKS_DEADLINE_SECONDS",
        description="One delivery's total deadline: connecting, sending and the answer.",
    )
    max_response_bytes: int = Field(
        default=64 * 1024,
        ge=1,
        le=16 * 1024 * 1024,
        validation_alias="WEBHOOKS_MAX_RESPONSE_BYTES",
        description="The most of a receiver's answer read; the rest is not waited for.",
    )
    retry_hours: float = Field(
        default=24,
        gt=0,
        le=24 * 30,
        validation_alias="WEBHOOKS_RETRY_HOURS",
        description="How long a failing receiver is retried before its subscription is failing.",
    )

    def config(self, *, production: bool, poll_seconds: float | None = None) -> DispatcherConfig:
        """The dispatcher's configuration. In production a webhook URL is https and public; in
        demo, http and loopback are allowed for a receiver on this machine."""
        from adapters.webhooks import DispatcherConfig  # noqa: PLC0415 - httpx, only now

        return DispatcherConfig(
            poll_seconds=poll_seconds or self.poll_seconds,
            deadline_seconds=self.deadline_seconds,
            max_response_bytes=self.max_response_bytes,
            retry_window=timedelta(hours=self.retry_hours),
            url_policy=url_policy(production=production),
        )


def url_policy(*, production: bool) -> UrlPolicy:
    from adapters.webhooks import UrlPolicy  # noqa: PLC0415 - see above

    return UrlPolicy(allow_loopback=not production, require_https=production)
