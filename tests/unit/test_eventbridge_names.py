"""The names EventBridge stores schedules under (the plan's name and a digest of the content),
and what a listing's summary vouches for."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.eventbridge.expressions import ExpressionStyle
from adapters.eventbridge.listing import Listed, Listings
from adapters.eventbridge.requests import ROOM, plan_name, schedule_request, stored_name
from bestshot_domain.ports import PlannedSchedule
from bestshot_routes import Origin
from tests.builders import planned

AWS_NAME = re.compile(r"[0-9a-zA-Z_.-]{1,64}")
LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:caller-scores-and-standings"


def request(schedule: PlannedSchedule | None = None, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "origin": Origin.parse("https://api.example.com"),
        "style": ExpressionStyle.AT,
        "lambda_arn": LAMBDA,
        "role_arn": "arn:aws:iam::123456789012:role/bestshot-scheduler",
        "group": "routine",
        "retry_attempts": 3,
        "max_event_age": 3600,
        "dead_letter_arn": None,
        "flexible_window": 10,
    }
    return schedule_request(schedule or planned(), **(values | overrides))


@given(st.from_regex(r"[0-9a-z_.-]{1,64}", fullmatch=True))
def test_a_stored_name_gives_back_the_plan_s_name(name: str) -> None:
    stored = stored_name(name, request())
    assert AWS_NAME.fullmatch(stored)
    assert plan_name(stored) == name
    assert (stored != name) is (len(name) <= ROOM)  # the digest, wherever it fits


def test_the_digest_names_the_content_not_how_it_was_written() -> None:
    sent = request()
    assert re.fullmatch(r"liga_2031_05_17_21_30\.[A-Z2-7]{8}", sent["Name"])
    respaced = json.dumps(json.loads(sent["Target"]["Input"]), indent=2)
    rewritten = sent | {"Target": sent["Target"] | {"Input": respaced}}
    assert stored_name("liga_2031_05_17_21_30", rewritten) == sent["Name"]
    others = [
        request(planned(fire_at=planned().fire_at + timedelta(minutes=1))),
        request(planned(round_slug="matchday-2")),
        request(planned(target_env="production")),
        request(flexible_window=5),
        request(origin=Origin.parse("https://other.example.com")),
        request(style=ExpressionStyle.CRON),
        sent | {"State": "DISABLED"},
    ]
    digests = {stored_name("liga_2031_05_17_21_30", other) for other in others}
    assert len(digests | {sent["Name"]}) == len(others) + 1


def test_a_plan_name_is_never_mistaken_for_a_digest() -> None:
    # The plan's names are lowercase: a lowercase tail after a dot is part of the name.
    assert plan_name("liga.abcdefgh") == "liga.abcdefgh"
    assert plan_name("liga.ABCDEFGH") == "liga"
    assert plan_name("liga.ABCDEFG") == "liga.ABCDEFG"


MOMENT = datetime(2031, 5, 17, 8, 0, tzinfo=UTC)


def summary(name: str, **overrides: Any) -> Listed:
    values: dict[str, Any] = {
        "Name": name,
        "State": "ENABLED",
        "Target": {"Arn": LAMBDA},
        "CreationDate": MOMENT,
        "LastModificationDate": MOMENT,
    }
    return Listed.of(values | overrides)  # type: ignore[arg-type]


def test_a_summary_vouches_only_for_what_was_never_modified_since_written() -> None:
    sent = request()
    assert summary(sent["Name"]).holds(sent)
    later = MOMENT + timedelta(milliseconds=1)
    assert not summary(sent["Name"], LastModificationDate=later).holds(sent)
    assert not summary(sent["Name"], LastModificationDate=None).holds(sent)
    assert not summary(sent["Name"], State="DISABLED").holds(sent)
    assert not summary(sent["Name"], Target={"Arn": LAMBDA + "-other"}).holds(sent)
    assert not summary(stored_name("other", sent)).holds(sent)
    # Without a digest in its name a schedule says nothing of its content: it is read.
    plain = sent | {"Name": "liga_2031_05_17_21_30"}
    assert not summary("liga_2031_05_17_21_30").holds(plain)


@pytest.mark.parametrize("ttl", [600.0, -1.0])
def test_a_listing_serves_while_recent(ttl: float) -> None:
    listings = Listings(ttl=ttl)
    assert listings.get("liga") is None
    one, two = summary("liga.AAAAAAAA"), summary("liga.BBBBBBBB")
    listings.keep([one, summary("other"), two])
    if ttl > 0:
        assert listings.get("liga") == (one, two)
        assert listings.get("absent") == ()
    else:
        assert listings.get("liga") is None
