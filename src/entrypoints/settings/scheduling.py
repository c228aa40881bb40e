"""When schedules fire, what they are called, and where they live (PostgreSQL or EventBridge)."""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from bestshot_domain.errors import InvalidInput
from bestshot_domain.scheduling import (
    FOLLOW_UPS_MAX,
    SchedulingPolicy,
    check_prefix,
    check_test_delay,
)
from bestshot_domain.verification import VerifyPolicy
from entrypoints.settings.concern import Concern

if TYPE_CHECKING:
    from adapters.eventbridge.scheduler import EventBridgeConfig


class SchedulerKind(enum.StrEnum):
    LOCAL = "local"  # schedules in PostgreSQL, fired by the in-process worker
    EVENTBRIDGE = "eventbridge"  # AWS EventBridge Scheduler firing the caller Lambda


class SchedulingSettings(Concern):
    kind: SchedulerKind = Field(default=SchedulerKind.LOCAL, validation_alias="SCHEDULER_KIND")
    match_window_minutes: int = Field(
        default=150, ge=1, le=24 * 60, validation_alias="SCHEDULE_MATCH_WINDOW_MINUTES"
    )
    test_delay_seconds: int | None = Field(
        default=None,
        validation_alias="SCHEDULE_TEST_DELAY_SECONDS",
        description="Set: fire every schedule this long after planning.",
    )
    name_prefix: str = Field(default="", validation_alias="SCHEDULE_NAME_PREFIX")
    follow_up_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        validation_alias="SCHEDULE_FOLLOW_UP_MINUTES",
        description="A round still under way after an update is looked at again this much "
        "after its matches should have been over, then after gaps that double (up to 6 h).",
    )
    max_follow_ups: int = Field(
        default=4, ge=0, le=FOLLOW_UPS_MAX, validation_alias="SCHEDULE_MAX_FOLLOW_UPS"
    )
    expression: Literal["at", "cron"] = Field(default="at", validation_alias="SCHEDULE_EXPRESSION")
    verify_settle_minutes: int = Field(
        default=10,
        ge=1,
        le=24 * 60,
        validation_alias="VERIFY_SETTLE_MINUTES",
        description="verify 'settle': how long a provider must report a final unchanged "
        "before it is written.",
    )
    fallback_kickoff_tolerance_minutes: int = Field(
        default=60,
        ge=0,
        le=24 * 60,
        validation_alias="FALLBACK_KICKOFF_TOLERANCE_MINUTES",
        description="How far apart two providers' kickoffs of one match may be to pair them.",
    )
    plan_concurrency: int = Field(
        default=16,
        ge=1,
        le=64,
        validation_alias="SCHEDULE_PLAN_CONCURRENCY",
        description="Scheduler calls at once when a day is planned.",
    )
    plan_budget_seconds: float = Field(
        default=20.0,
        gt=0,
        le=600,
        validation_alias="SCHEDULE_PLAN_BUDGET_SECONDS",
        description="A plan not done in this time goes on in the background (202).",
    )
    plan_retention_days: int = Field(
        default=7,
        ge=1,
        le=3650,
        validation_alias="SCHEDULE_PLAN_RETENTION_DAYS",
        description="Plans answered with 202 are kept this long after they end.",
    )
    flexible_window_minutes: int = Field(
        default=10,
        ge=0,
        le=1440,
        validation_alias="SCHEDULE_FLEXIBLE_WINDOW_MINUTES",
        description="Firings spread over this many minutes after their time (0: none).",
    )
    eventbridge_group: str = "scores-and-standings-routine"
    eventbridge_lambda_arn: str | None = None
    eventbridge_role_arn: str | None = None
    eventbridge_dlq_arn: str | None = None
    eventbridge_endpoint_url: str | None = Field(
        default=None, description="An emulator's URL (moto in tests); unset: AWS itself."
    )
    aws_region: str | None = Field(default=None, description="Unset: the usual AWS chain.")

    # The scheduling policy is the one judge of these two, so that a value the service would
    # refuse later never starts it.
    @field_validator("test_delay_seconds")
    @classmethod
    def _test_delay_the_policy_takes(cls, value: int | None) -> int | None:
        # Clamped first: a number of seconds timedelta cannot hold is far past any limit anyway.
        seconds = None if value is None else max(-1, min(value, 10**9))
        try:
            check_test_delay(None if seconds is None else timedelta(seconds=seconds))
        except InvalidInput as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("name_prefix")
    @classmethod
    def _prefix_the_policy_takes(cls, value: str) -> str:
        try:
            return check_prefix(value)
        except InvalidInput as error:
            raise ValueError(str(error)) from None

    @property
    def match_window(self) -> timedelta:
        return timedelta(minutes=self.match_window_minutes)

    def policy(self, *, target_env: str) -> SchedulingPolicy:
        """How schedules are timed and named, for the environment `target_env`."""
        delay = self.test_delay_seconds
        return SchedulingPolicy(
            target_env=target_env,
            window=self.match_window,
            test_delay=None if delay is None else timedelta(seconds=delay),
            prefix=self.name_prefix,
            follow_up_delay=timedelta(minutes=self.follow_up_minutes),
            max_follow_ups=self.max_follow_ups,
        )

    def verify_policy(self) -> VerifyPolicy:
        """How finals are verified and matches paired across providers."""
        return VerifyPolicy(
            settle_window=timedelta(minutes=self.verify_settle_minutes),
            kickoff_tolerance=timedelta(minutes=self.fallback_kickoff_tolerance_minutes),
        )

    def eventbridge(self, *, api_base_url: str) -> EventBridgeConfig:
        """Where schedules go on AWS, their targets aimed at the API at `api_base_url`."""
        # aiobotocore only when chosen.
        from adapters.eventbridge.expressions import ExpressionStyle  # noqa: PLC0415
        from adapters.eventbridge.scheduler import EventBridgeConfig  # noqa: PLC0415

        return EventBridgeConfig(
            lambda_arn=self.eventbridge_lambda_arn or "",
            role_arn=self.eventbridge_role_arn or "",
            api_base_url=api_base_url,
            expression_style=ExpressionStyle(self.expression),
            group=self.eventbridge_group,
            dead_letter_arn=self.eventbridge_dlq_arn,
            region=self.aws_region,
            endpoint_url=self.eventbridge_endpoint_url,
            concurrency=self.plan_concurrency,
            flexible_window_minutes=self.flexible_window_minutes,
        )

    @property
    def flexible_window(self) -> timedelta:
        return timedelta(minutes=self.flexible_window_minutes)

    def production_problems(self) -> list[str]:
        if self.kind is not SchedulerKind.EVENTBRIDGE:
            return []
        return [
            f"{name} is missing (SCHEDULER_KIND=eventbridge)"
            for name, value in (
                ("EVENTBRIDGE_LAMBDA_ARN", self.eventbridge_lambda_arn),
                ("EVENTBRIDGE_ROLE_ARN", self.eventbridge_role_arn),
                # Without it, an invocation the scheduler cannot make is lost without a trace.
                ("EVENTBRIDGE_DLQ_ARN", self.eventbridge_dlq_arn),
            )
            if not value
        ]
