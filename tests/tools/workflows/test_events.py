"""The EventBridge matcher on real EventBridge and CloudTrail payloads."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.conftest import SHARED
from tools.workflows.events import PatternError, check_pattern, matches
from tools.workflows.templates import alarm_pattern, port_pattern

FIXTURES = SHARED / "fixtures"


def load(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


def authorize_ingress(cidr: str, from_port: int, to_port: int) -> dict[str, Any]:
    """An AuthorizeSecurityGroupIngress API call via CloudTrail, in the real envelope of the
    S3 PutObject fixture with the identity of the CloudTrail StopInstances record."""
    event = copy.deepcopy(load("aws-eventbridge/api_call_via_cloudtrail_s3_putobject.json"))
    record = load("aws-cloudtrail/record_ec2_stop_instances.json")["Records"][0]
    event["source"] = "aws.ec2"
    event["detail"] = {
        **record,
        "eventName": "AuthorizeSecurityGroupIngress",
        "requestParameters": {
            "groupId": "sg-0123456789abcdef0",
            "ipPermissions": {
                "items": [
                    {
                        "ipProtocol": "tcp",
                        "fromPort": from_port,
                        "toPort": to_port,
                        "ipRanges": {"items": [{"cidrIp": cidr}]},
                    }
                ]
            },
        },
    }
    return event


def test_port_22_open_to_the_world_matches_and_narrower_rules_do_not() -> None:
    pattern = port_pattern(22)
    assert matches(pattern, authorize_ingress("0.0.0.0/0", 22, 22))
    assert matches(pattern, authorize_ingress("0.0.0.0/0", 0, 65535))
    assert not matches(pattern, authorize_ingress("10.0.0.0/8", 22, 22))
    assert not matches(pattern, authorize_ingress("0.0.0.0/0", 443, 443))


def test_the_alarm_pattern_matches_the_real_alarm_state_change() -> None:
    alarm = load("aws-eventbridge/cloudwatch_alarm_state_change_single_metric.json")
    assert matches(alarm_pattern(), alarm)
    assert matches(alarm_pattern("ServerCpuTooHigh"), alarm)
    assert not matches(alarm_pattern("SomethingElse"), alarm)
    assert not matches(
        alarm_pattern(), load("aws-eventbridge/ec2_instance_state_change_terminated.json")
    )


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({"state": [{"anything-but": "running"}]}, True),
        ({"state": [{"anything-but": ["terminated", "stopped"]}]}, False),
        ({"state": [{"anything-but": {"prefix": "term"}}]}, False),
        ({"state": [{"prefix": "term"}]}, True),
        ({"state": [{"suffix": "nated"}]}, True),
        ({"state": [{"equals-ignore-case": "TERMINATED"}]}, True),
        ({"state": ["running", "terminated"]}, True),
        ({"instance-id": [{"exists": True}]}, True),
        ({"reason": [{"exists": False}]}, True),
        ({"reason": [{"exists": True}]}, False),
        ({"reason": ["x"]}, False),
    ],
)
def test_value_matchers_on_the_instance_state_change(
    detail: dict[str, Any], expected: bool
) -> None:
    event = load("aws-eventbridge/ec2_instance_state_change_terminated.json")
    pattern = {"source": ["aws.ec2"], "detail": detail}
    assert matches(pattern, event) is expected


def test_numeric_ranges_and_arrays() -> None:
    event = {"detail": {"count": 5, "sizes": [1, 50, 200], "flag": True, "none": None}}
    assert matches({"detail": {"count": [{"numeric": [">", 0, "<=", 5]}]}}, event)
    assert not matches({"detail": {"count": [{"numeric": ["<", 5]}]}}, event)
    assert matches({"detail": {"sizes": [{"numeric": [">=", 100]}]}}, event)
    assert matches({"detail": {"flag": [True], "none": [None]}}, event)
    assert not matches({"detail": {"flag": [1]}}, event)


def test_malformed_patterns_are_refused_with_a_reason() -> None:
    with pytest.raises(PatternError, match="numeric"):
        check_pattern({"detail": {"n": [{"numeric": ["~", 1]}]}})
    with pytest.raises(PatternError, match="list of values"):
        check_pattern({"source": "aws.ec2"})
    with pytest.raises(PatternError, match="not a matcher"):
        check_pattern({"source": [{"regex": ".*"}]})
    check_pattern(port_pattern(22))
