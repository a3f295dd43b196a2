"""From words to specs: 25 differently worded requests, each to the exact spec it asks for,
and the questions asked when something is missing."""

from __future__ import annotations

from typing import Any

import pytest

from tools.registry import load_builtin_tools
from tools.workflows.spec import WorkflowSpec
from tools.workflows.validate import validate_spec
from tools.workflows.words import Question, Reading, read_workflow

KNOWN = {
    "db-prod": "database",
    "web-1": "instance",
    "web-2": "instance",
    "cf-demo-logs": "bucket",
    "old-data": "volume",
}
"""Names the offline model links to real resources in the sandbox, with their kinds."""


def backups(workflow: str, days: int) -> dict[str, Any]:
    """The arguments a backup step adds: retention by the workflow's name, keyed by fire time."""
    return {"retention_days": days, "schedule": workflow, "key": "{run.fire_time}"}


def shape(spec: WorkflowSpec) -> tuple[Any, ...]:
    """A spec as (name, trigger, channel, steps) with the trigger reduced to what it says."""
    trigger = spec.trigger
    recurrence = getattr(trigger, "recurrence", None)
    if recurrence is not None and recurrence.kind == "cron":
        said: tuple[Any, ...] = ("cron", recurrence.cron, recurrence.timezone)
    elif recurrence is not None:
        said = ("rate", int(recurrence.rate.total_seconds()))
    elif trigger.kind == "event":
        detail = trigger.pattern.get("detail", {})
        said = ("event", (detail.get("eventName") or trigger.pattern["detail-type"])[0])
    else:
        said = (trigger.kind,)
    steps = tuple((s.id, getattr(s, "tool", s.kind), getattr(s, "args", None)) for s in spec.steps)
    return (spec.name, said, spec.channel, steps)


EXPECTED = [
    (
        "snapshot db-prod every night at 2am and tell #ops",
        [
            (
                "db-prod-snapshot",
                ("cron", "0 2 * * *", "UTC"),
                "#ops",
                (
                    (
                        "snapshot",
                        "rds.create_db_snapshot",
                        {"target": "db-prod", **backups("db-prod-snapshot", 7)},
                    ),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "every weekday at 7pm stop the instances tagged env=dev, and start them at 7am, tell #dev",
        [
            (
                "stop-dev-instances",
                ("cron", "0 19 * * 1-5", "UTC"),
                "#dev",
                (
                    ("find", "ec2.list_instances", {"tags": {"env": "dev"}}),
                    ("any", "condition", None),
                    (
                        "stop",
                        "ec2.stop_instances",
                        {"targets": "{steps.find.output.instances.instance_id}"},
                    ),
                    ("tell", "notify", None),
                ),
            ),
            (
                "start-dev-instances",
                ("cron", "0 7 * * 1-5", "UTC"),
                "#dev",
                (
                    ("find", "ec2.list_instances", {"tags": {"env": "dev"}}),
                    ("any", "condition", None),
                    (
                        "start",
                        "ec2.start_instances",
                        {"targets": "{steps.find.output.instances.instance_id}"},
                    ),
                    ("tell", "notify", None),
                ),
            ),
        ],
    ),
    (
        "when someone opens port 22 to the world, post who did it in #security",
        [
            (
                "port-22-open-alert",
                ("event", "AuthorizeSecurityGroupIngress"),
                "#security",
                (("tell", "notify", None),),
            )
        ],
    ),
    (
        "every monday at 9 post last week's cost by service to #finops",
        [
            (
                "cost-report",
                ("cron", "0 9 * * 1", "UTC"),
                "#finops",
                (
                    ("cost", "cost.actuals", {"days": 7, "group_by": "service"}),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "every 6 hours compare IPAM with the VPCs and post new conflicts in #network",
        [
            (
                "ipam-vpc-reconcile",
                ("rate", 21600),
                "#network",
                (
                    ("reconcile", "ipam.reconcile", {"regions": []}),
                    ("conflicts", "condition", None),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "back up db-prod daily at 02:30 Europe/Berlin keeping 14 days, report to #dba",
        [
            (
                "db-prod-snapshot",
                ("cron", "30 2 * * *", "Europe/Berlin"),
                "#dba",
                (
                    (
                        "snapshot",
                        "rds.create_db_snapshot",
                        {"target": "db-prod", **backups("db-prod-snapshot", 14)},
                    ),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "at 23:00 every day take a snapshot of db-prod and ping #ops",
        [
            (
                "db-prod-snapshot",
                ("cron", "0 23 * * *", "UTC"),
                "#ops",
                (
                    (
                        "snapshot",
                        "rds.create_db_snapshot",
                        {"target": "db-prod", **backups("db-prod-snapshot", 7)},
                    ),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "shut down web-1 and web-2 every friday at 8pm, let #dev know",
        [
            (
                "stop-web-1",
                ("cron", "0 20 * * 5", "UTC"),
                "#dev",
                (
                    ("stop", "ec2.stop_instances", {"targets": ["web-1", "web-2"]}),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "start web-1 on weekdays at 06:45, report in #dev",
        [
            (
                "start-web-1",
                ("cron", "45 6 * * 1-5", "UTC"),
                "#dev",
                (
                    ("start", "ec2.start_instances", {"targets": ["web-1"]}),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "whenever a cloudwatch alarm fires post it to #alerts",
        [
            (
                "alarm-to-slack",
                ("event", "CloudWatch Alarm State Change"),
                "#alerts",
                (("tell", "notify", None),),
            )
        ],
    ),
    (
        "every sunday at 4am delete unattached volumes older than 30 days and tell #ops",
        [
            (
                "unattached-volume-cleanup",
                ("cron", "0 4 * * 0", "UTC"),
                "#ops",
                (
                    ("find", "inventory.orphans", {}),
                    ("delete", "ebs.snapshot_and_delete_volume", {"targets": ["{item.arn}"]}),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "audit the security groups every day at 9am and post to #security",
        [
            (
                "security-group-audit",
                ("cron", "0 9 * * *", "UTC"),
                "#security",
                (
                    ("audit", "security.risky_security_groups", {}),
                    ("open", "condition", None),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "every 4 hours check security groups open to the world, tell #sec",
        [
            (
                "security-group-audit",
                ("rate", 14400),
                "#sec",
                (
                    ("audit", "security.risky_security_groups", {}),
                    ("open", "condition", None),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "send the cost by service to #finance on the first monday of the month at 10:00",
        [
            (
                "cost-report",
                ("cron", "0 10 * * 1#1", "UTC"),
                "#finance",
                (
                    ("cost", "cost.actuals", {"days": 7, "group_by": "service"}),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "every 12 hours reconcile ipam against our vpcs and report to #netops",
        [
            (
                "ipam-vpc-reconcile",
                ("rate", 43200),
                "#netops",
                (
                    ("reconcile", "ipam.reconcile", {"regions": []}),
                    ("conflicts", "condition", None),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "when someone opens port 3389 to 0.0.0.0/0 tell #security who did it",
        [
            (
                "port-3389-open-alert",
                ("event", "AuthorizeSecurityGroupIngress"),
                "#security",
                (("tell", "notify", None),),
            )
        ],
    ),
    (
        "on a webhook, audit the security groups and post to #sec",
        [
            (
                "security-group-audit",
                ("webhook",),
                "#sec",
                (
                    ("audit", "security.risky_security_groups", {}),
                    ("open", "condition", None),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "move objects in cf-demo-logs to glacier after 90 days every day, tell #storage",
        [
            (
                "cf-demo-logs-to-glacier",
                ("cron", "0 0 * * *", "UTC"),
                "#storage",
                (
                    (
                        "lifecycle",
                        "s3.put_lifecycle",
                        {
                            "bucket": "cf-demo-logs",
                            "transition_days": 90,
                            "storage_class": "GLACIER",
                        },
                    ),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "back up web-1 every night at 1am, keep 7 days, tell #ops",
        [
            (
                "web-1-backup",
                ("cron", "0 1 * * *", "UTC"),
                "#ops",
                (
                    (
                        "backup",
                        "ec2.create_snapshots",
                        {"targets": ["web-1"], **backups("web-1-backup", 7)},
                    ),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "every weekday at 18:30 America/New_York stop the instances tagged team=qa and tell #qa",
        [
            (
                "stop-qa-instances",
                ("cron", "30 18 * * 1-5", "America/New_York"),
                "#qa",
                (
                    ("find", "ec2.list_instances", {"tags": {"team": "qa"}}),
                    ("any", "condition", None),
                    (
                        "stop",
                        "ec2.stop_instances",
                        {"targets": "{steps.find.output.instances.instance_id}"},
                    ),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "every 30 minutes compare ipam with the vpcs and tell #ipam",
        [
            (
                "ipam-vpc-reconcile",
                ("rate", 1800),
                "#ipam",
                (
                    ("reconcile", "ipam.reconcile", {"regions": []}),
                    ("conflicts", "condition", None),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "post the weekly cost report to #finops every friday at 17:00 UTC",
        [
            (
                "cost-report",
                ("cron", "0 17 * * 5", "UTC"),
                "#finops",
                (
                    ("cost", "cost.actuals", {"days": 7, "group_by": "service"}),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "run a security group audit on demand and post to #security",
        [
            (
                "security-group-audit",
                ("manual",),
                "#security",
                (
                    ("audit", "security.risky_security_groups", {}),
                    ("open", "condition", None),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "snapshot db-prod every night at 2am, call it prod-db-nightly, tell #ops",
        [
            (
                "prod-db-nightly",
                ("cron", "0 2 * * *", "UTC"),
                "#ops",
                (
                    (
                        "snapshot",
                        "rds.create_db_snapshot",
                        {"target": "db-prod", **backups("prod-db-nightly", 7)},
                    ),
                    ("tell", "notify", None),
                ),
            )
        ],
    ),
    (
        "every day at 7am start the instances tagged env=dev and at 7pm stop them, in #dev",
        [
            (
                "start-dev-instances",
                ("cron", "0 7 * * *", "UTC"),
                "#dev",
                (
                    ("find", "ec2.list_instances", {"tags": {"env": "dev"}}),
                    ("any", "condition", None),
                    (
                        "start",
                        "ec2.start_instances",
                        {"targets": "{steps.find.output.instances.instance_id}"},
                    ),
                    ("tell", "notify", None),
                ),
            ),
            (
                "stop-dev-instances",
                ("cron", "0 19 * * *", "UTC"),
                "#dev",
                (
                    ("find", "ec2.list_instances", {"tags": {"env": "dev"}}),
                    ("any", "condition", None),
                    (
                        "stop",
                        "ec2.stop_instances",
                        {"targets": "{steps.find.output.instances.instance_id}"},
                    ),
                    ("tell", "notify", None),
                ),
            ),
        ],
    ),
]


def test_there_are_25_differently_worded_requests() -> None:
    assert len(EXPECTED) == 25
    assert len({text for text, _ in EXPECTED}) == 25


@pytest.mark.parametrize(("text", "specs"), EXPECTED, ids=[t[:40] for t, _ in EXPECTED])
def test_each_request_becomes_exactly_its_spec(text: str, specs: list[Any]) -> None:
    read = read_workflow(text, KNOWN, created_by="alice")
    assert isinstance(read, Reading), read
    assert [shape(spec) for spec in read.specs] == specs
    registry = load_builtin_tools()
    for spec in read.specs:
        assert spec.created_by == "alice"
        assert spec.description == text
        validate_spec(spec, registry)


def test_the_port_22_pattern_is_cloudtrail_authorize_ingress_from_anywhere() -> None:
    read = read_workflow("when someone opens port 22 to the world, post who did it in #security")
    assert isinstance(read, Reading)
    pattern = read.specs[0].trigger.pattern  # type: ignore[union-attr]
    assert pattern["detail"]["eventName"] == ["AuthorizeSecurityGroupIngress"]
    items = pattern["detail"]["requestParameters"]["ipPermissions"]["items"]
    assert items["ipRanges"]["items"]["cidrIp"] == ["0.0.0.0/0"]
    assert items["fromPort"] == [{"numeric": ["<=", 22]}]
    notice = read.specs[0].steps[0].template  # type: ignore[union-attr]
    assert "{event.detail.userIdentity.arn}" in notice


def test_a_missing_channel_is_asked_for_unless_the_thread_gives_one() -> None:
    text = "every 6 hours compare IPAM with the VPCs and post new conflicts"
    asked = read_workflow(text, KNOWN)
    assert isinstance(asked, Question) and asked.missing == "channel"
    assert "Which channel" in asked.text
    read = read_workflow(text, KNOWN, channel="#network")
    assert isinstance(read, Reading) and read.specs[0].channel == "#network"


def test_an_unknown_resource_is_asked_about_with_the_known_ones() -> None:
    asked = read_workflow("snapshot db-staging every night at 2am and tell #ops", KNOWN)
    assert isinstance(asked, Question) and asked.missing == "target"
    assert "db-staging" in asked.text and asked.options == ("db-prod",)


def test_an_unparseable_schedule_says_which_words_were_not_understood() -> None:
    asked = read_workflow("snapshot db-prod every blue moon at teatime, tell #ops", KNOWN)
    assert isinstance(asked, Question) and asked.missing == "schedule"
    assert "When should it run?" in asked.text


def test_no_schedule_and_no_action_are_asked_for() -> None:
    when = read_workflow("snapshot db-prod and tell #ops", KNOWN)
    assert isinstance(when, Question) and when.missing == "schedule"
    what = read_workflow("every night at 2am do the thing in #ops", KNOWN)
    assert isinstance(what, Question) and what.missing == "action"
