"""The SAM template's operations: the daily planning, the redrive, the alarms, least privilege,
and stage-named resources."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cfnlint.decode import decode

from tests.integration.lambda_package.test_lambda_package import TEMPLATE


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded, problems = decode(str(TEMPLATE))
    assert problems == []
    assert loaded is not None
    return json.loads(json.dumps(loaded))  # plain dicts and lists


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def test_the_day_is_planned_by_a_recurring_schedule_at_configured_times(
    template: dict[str, Any],
) -> None:
    planning = template["Resources"]["PlanningSchedule"]["Properties"]
    assert planning["ScheduleExpression"] == {
        "Fn::Sub": "cron(${PlanningMinute} ${PlanningHours} * * ? *)"
    }
    assert planning["ScheduleExpressionTimezone"] == {"Ref": "PlanningTimeZone"}
    target = planning["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["CallerFunction", "Arn"]}
    assert json.loads(target["Input"]) == {
        "action": "plan",
        "targetEnv": "production",
        "scheduledTime": "<aws.scheduler.scheduled-time>",
    }
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["FailureQueue", "Arn"]}}
    hours = template["Parameters"]["PlanningHours"]["AllowedPattern"]
    assert re.fullmatch(hours, "6,12,18")
    assert not re.fullmatch(hours, "24")


def test_failures_are_re_fired_every_half_hour_then_given_up(template: dict[str, Any]) -> None:
    queue = template["Resources"]["FailureQueue"]["Properties"]
    assert queue["VisibilityTimeout"] == {"Ref": "RedriveIntervalSeconds"}
    assert template["Parameters"]["RedriveIntervalSeconds"]["Default"] == 1800
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["GivenUpQueue", "Arn"]}
    function = template["Resources"]["CallerFunction"]["Properties"]
    redrive = function["Events"]["FailureRedrive"]
    assert redrive["Type"] == "SQS"
    assert redrive["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert function["Environment"]["Variables"]["MAX_FAILURE_AGE_HOURS"] == {
        "Ref": "FailureMaxAgeHours"
    }
    assert template["Parameters"]["FailureMaxAgeHours"]["Default"] == 24
    # Each re-fire must be over before the message shows up again.
    assert template["Parameters"]["RedriveIntervalSeconds"]["MinValue"] >= function["Timeout"]


def test_alarms_reach_the_topic_for_every_kind_of_failure(template: dict[str, Any]) -> None:
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    watched = set()
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        metrics = [alarm] + [
            m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m
        ]
        watched |= {(m["Namespace"], m["MetricName"]) for m in metrics if "MetricName" in m}
    assert {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/SQS", "ApproximateNumberOfMessagesNotVisible"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Scheduler", "TargetErrorCount"),
    } <= watched
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_the_api_policy_is_the_group_s_schedules_and_passing_the_scheduler_role(
    template: dict[str, Any],
) -> None:
    statements = template["Resources"]["ApiSchedulerPolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    granted = {
        action: statement
        for statement in statements
        for action in statement["Action"]
        if isinstance(statement["Action"], list)
    } | {s["Action"]: s for s in statements if isinstance(s["Action"], str)}
    assert set(granted) == {
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
        "scheduler:GetScheduleGroup",
        "scheduler:ListSchedules",
        "iam:PassRole",
    }
    assert granted["scheduler:CreateSchedule"]["Resource"]["Fn::Sub"].endswith(
        ":schedule/${ScheduleGroup}/*"
    )
    assert granted["scheduler:GetScheduleGroup"]["Resource"] == {
        "Fn::GetAtt": ["ScheduleGroup", "Arn"]
    }
    passing = granted["iam:PassRole"]
    assert passing["Resource"] == {"Fn::GetAtt": ["SchedulerRole", "Arn"]}
    assert passing["Condition"] == {
        "StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}
    }
    # Only listing, which has no resource-level permission, is on "*".
    assert [s["Action"] for s in statements if s["Resource"] == "*"] == ["scheduler:ListSchedules"]
    assert "ApiSchedulerPolicyArn" in template["Outputs"]


def test_only_this_account_s_groups_may_have_the_scheduler_assume_its_role(
    template: dict[str, Any],
) -> None:
    role = template["Resources"]["SchedulerRole"]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        "ArnEquals": {
            "aws:SourceArn": [
                {"Fn::GetAtt": ["ScheduleGroup", "Arn"]},
                {"Fn::GetAtt": ["PlanningGroup", "Arn"]},
            ]
        },
    }


NAME_PROPERTIES = (
    "QueueName",
    "FunctionName",
    "RoleName",
    "Name",
    "TopicName",
    "AlarmName",
    "ManagedPolicyName",
    "LogGroupName",
)


def test_every_named_resource_carries_the_stage(template: dict[str, Any]) -> None:
    named = {
        (resource_name, key): value
        for resource_name, resource in template["Resources"].items()
        for key, value in resource.get("Properties", {}).items()
        if key in NAME_PROPERTIES
    }
    assert len(named) >= 12
    for where, value in named.items():
        text = json.dumps(value)
        assert "${Stage}" in text or "PlanningGroup" in text, where
