"""What the approver sees for workflow.create: trigger in words and as an expression, the next
three fires in UTC and in the zone (DST-correct), every step, the IAM permissions, the changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.clock import Clock
from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.workflows.models import CreateArgs
from tools.workflows.preview import preview_create

pytestmark = pytest.mark.time_sensitive


def at(ctx: ToolContext, moment: datetime) -> ToolContext:
    return ToolContext(ctx.settings, ctx.aws, ctx.db, ctx.actor, ctx.extras, Clock(moment))


def test_fires_at_0230_berlin_across_the_spring_change(ctx: ToolContext) -> None:
    request = "every day at 02:30 Europe/Berlin audit the security groups and post to #security"
    plan = preview_create(
        at(ctx, datetime(2027, 3, 26, 12, tzinfo=UTC)), CreateArgs(request=request)
    )
    fires = [n for n in plan.notes if n.startswith("Next fire")]
    assert fires == [
        "Next fire: 2027-03-27 01:30 UTC = 2027-03-27 02:30 CET (Europe/Berlin)",
        # 02:30 does not exist on 28 March: it fires once, when the clocks resume at 03:00
        "Next fire: 2027-03-28 01:00 UTC = 2027-03-28 03:00 CEST (Europe/Berlin)",
        "Next fire: 2027-03-29 00:30 UTC = 2027-03-29 02:30 CEST (Europe/Berlin)",
    ]
    assert "every day at 02:30 (Europe/Berlin time)" in plan.notes[0]
    assert "Expression: `cron(30 2 * * *) in Europe/Berlin`" in plan.notes
    assert plan.risk == "low"
    assert "No step changes anything; runs need no approval." in plan.notes


def test_fires_at_0230_berlin_across_the_autumn_change(ctx: ToolContext) -> None:
    request = "every day at 02:30 Europe/Berlin audit the security groups and post to #security"
    plan = preview_create(
        at(ctx, datetime(2027, 10, 30, 12, tzinfo=UTC)), CreateArgs(request=request)
    )
    fires = [n.split(": ", 1)[1] for n in plan.notes if n.startswith("Next fire")]
    assert fires[:2] == [
        "2027-10-31 00:30 UTC = 2027-10-31 02:30 CEST (Europe/Berlin)",  # the first 02:30 only
        "2027-11-01 01:30 UTC = 2027-11-01 02:30 CET (Europe/Berlin)",
    ]


def test_a_rate_counts_from_creation(ctx: ToolContext) -> None:
    request = "every 6 hours compare IPAM with the VPCs and post new conflicts in #network"
    plan = preview_create(
        at(ctx, datetime(2027, 1, 5, 10, 7, tzinfo=UTC)), CreateArgs(request=request)
    )
    fires = [n for n in plan.notes if n.startswith("Next fire")]
    assert fires[0].startswith("Next fire: 2027-01-05 16:07 UTC")
    assert "Expression: `rate(21600 seconds)`" in plan.notes


def test_steps_permissions_and_per_run_approval_are_shown(ctx: ToolContext) -> None:
    request = "every weekday at 7pm stop the instances tagged env=dev and tell #dev"
    plan = preview_create(ctx, CreateArgs(request=request))
    text = "\n".join(plan.notes)
    assert plan.summary == "Create workflow stop-dev-instances: every weekday at 19:00 (UTC)."
    assert "ec2.list_instances" in text and "ec2.stop_instances" in text
    assert "changes things: approved on every run" in text
    permissions = next(n for n in plan.notes if n.startswith("IAM permissions"))
    assert "ec2:StopInstances" in permissions and "ec2:DescribeInstances" in permissions
    assert "every run files an approval request as alice" in text
    assert plan.risk == "medium"
    assert [(c.resource_id, c.before, c.after) for c in plan.changes] == [
        ("stop-dev-instances", "absent", "active")
    ]


def test_two_schedules_make_two_workflows_in_one_plan(ctx: ToolContext) -> None:
    request = (
        "every weekday at 7pm stop the instances tagged env=dev, and start them at 7am in #dev"
    )
    plan = preview_create(ctx, CreateArgs(request=request))
    assert [s["name"] for s in plan.args["specs"]] == ["stop-dev-instances", "start-dev-instances"]


@pytest.mark.parametrize(
    ("request_text", "says"),
    [
        ("every 6 hours compare IPAM with the VPCs", "Which channel"),
        ("snapshot db-staging every night at 2am and tell #ops", "database called db-staging"),
        ("audit the security groups every full moon in #sec", "When should it run?"),
    ],
)
def test_bad_requests_get_a_clear_sentence(ctx: ToolContext, request_text: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        preview_create(ctx, CreateArgs(request=request_text, resources=["db-prod"]))
