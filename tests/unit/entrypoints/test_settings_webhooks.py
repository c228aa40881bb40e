"""The webhooks concern: the dispatcher's configuration, and the URL policy NODE_ENV gives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from entrypoints.settings import ConfigurationError, read_settings


def test_the_variables_reach_the_dispatcher() -> None:
    settings = read_settings(
        {
            "WEBHOOKS_POLL_SECONDS": "3",
            "WEBHOOKS_DEADLINE_SECONDS": "4",
            "WEBHOOKS_MAX_RESPONSE_BYTES": "1024",
            "WEBHOOKS_RETRY_HOURS": "6",
        }
    )
    config = settings.webhook_config()
    assert config.poll_seconds == 3
    assert config.deadline_seconds == 4
    assert config.max_response_bytes == 1024
    assert config.retry_window == timedelta(hours=6)
    assert settings.webhook_config(poll_seconds=0.01).poll_seconds == 0.01


def test_demo_allows_a_loopback_receiver_and_production_does_not() -> None:
    demo = read_settings({}).webhook_config().url_policy
    assert demo.allow_loopback
    assert not demo.require_https
    production = read_settings({"NODE_ENV": "production"}).webhook_config().url_policy
    assert not production.allow_loopback
    assert production.require_https


@pytest.mark.parametrize(
    ("name", "value"),
    [("WEBHOOKS_DEADLINE_SECONDS", "0"), ("WEBHOOKS_RETRY_HOURS", "-1"), ("WEBHOOKS_ENABLED", "x")],
)
def test_a_bad_value_is_named(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        read_settings({name: value})
