# ruff: noqa: E501 - one request and its answer per line reads as a table
"""A twenty-rule policy over fifty requests: explain gives the rule, approvers, count or denial.

Every row is a request's facts (tool, risk, account, region, the targets' tags, cost change) and
what ``policy explain`` must answer. The instant is fixed: on-call depends on it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tools.plan import ActionPlan, ResourceChange
from tools.policy.engine import PolicyEngine
from tools.policy.explain import explain_decision
from tools.policy.facts import facts_from_plan
from tools.policy.loader import load_policy

POLICY = Path(__file__).with_name("table_policy.yaml")
AT = datetime(2027, 1, 6, 12, 0, tzinfo=UTC)  # a Wednesday: kim's first week on call
PROD = {"env": "prod", "owner": "@payments"}
PROD_DB = {"env": "prod", "role": "db", "owner": "U0DBOWNER"}

# (tool, risk, tags of the target, account, region, cost) -> (rule, verdict, approvers, count)
ROWS: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = [
    (("architecture.destroy", "high", PROD, None, None, None), ("no-destroy-prod", "deny", [], 0)),
    (("ec2.stop_instances", "medium", {}, "999999999999", None, None), ("frozen-account", "deny", [], 0)),
    (("ipam.allocate", "low", {}, "999999999999", None, None), ("frozen-account", "deny", [], 0)),
    (("architecture.deploy", "critical", {}, None, None, None), ("critical-anything", "approval", ["@leads", "@sre"], 2)),
    (("ec2.stop_instances", "critical", PROD, None, None, None), ("critical-anything", "approval", ["@leads", "@sre"], 2)),
    (("ec2.stop_instances", "medium", {"compliance": "pci"}, None, None, None), ("pci", "approval", ["@sre", "@leads"], 2)),
    (("ebs.modify_volume_type", "low", {"compliance": "pci", "env": "prod"}, None, None, None), ("pci", "approval", ["@sre", "@leads"], 2)),
    (("ec2.stop_instances", "medium", PROD_DB, None, None, None), ("prod-databases", "approval", ["@dba", "U0DBOWNER"], 2)),
    (("ec2.modify_instance_type", "medium", PROD_DB, None, None, None), ("prod-databases", "approval", ["@dba", "U0DBOWNER"], 2)),
    (("ebs.snapshot_and_delete_volume", "medium", {"env": "prod", "role": "db"}, None, None, None), ("prod-databases", "approval", ["@dba"], 2)),
    (("ec2.stop_instances", "medium", PROD, None, None, None), ("prod-owner", "approval", ["@payments", "kim"], 2)),
    (("ec2.reboot_instances", "medium", PROD, None, None, None), ("prod-owner", "approval", ["@payments", "kim"], 2)),
    (("ec2.start_instances", "low", {"env": "prod", "owner": "U0ALICE"}, None, None, None), ("prod-owner", "approval", ["U0ALICE", "kim"], 2)),
    (("ec2.release_address", "medium", {"env": "prod"}, None, None, None), ("prod-owner", "approval", ["kim"], 2)),
    (("ebs.modify_volume_type", "low", {"env": "prod"}, None, None, None), ("prod-other", "approval", ["@sre"], 1)),
    (("ipam.allocate", "low", {"env": "prod"}, None, None, None), ("prod-other", "approval", ["@sre"], 1)),
    (("architecture.deploy", "medium", {"env": "prod"}, None, None, None), ("prod-other", "approval", ["@sre"], 1)),
    (("ec2.stop_instances", "medium", {}, None, "eu-central-1", None), ("eu-central", "approval", ["@sre", "hal"], 1)),
    (("ebs.modify_volume_type", "low", {"env": "dev"}, None, "eu-central-1", None), ("eu-central", "approval", ["@sre", "hal"], 1)),
    (("ec2.modify_instance_type", "medium", {}, None, "us-east-1", 1500.0), ("big-spend", "approval", ["@finance", "@leads"], 2)),
    (("architecture.deploy", "medium", {}, None, "us-west-2", 1000.01), ("big-spend", "approval", ["@finance", "@leads"], 2)),
    (("ec2.modify_instance_type", "medium", {}, None, "us-east-1", 1000.0), ("medium-spend", "approval", ["@finance"], 1)),
    (("ec2.modify_instance_type", "medium", {}, None, "us-east-1", 150.0), ("medium-spend", "approval", ["@finance"], 1)),
    (("ec2.modify_instance_type", "medium", {}, None, "us-east-1", 100.0), ("default", "approval", ["@sre"], 1)),
    (("ec2.modify_instance_type", "medium", {}, None, "us-east-1", -400.0), ("default", "approval", ["@sre"], 1)),
    (("ipam.create_pool", "medium", {}, None, None, None), ("ipam-pools", "approval", ["@network"], 1)),
    (("ipam.apply_template", "medium", {}, None, None, None), ("ipam-pools", "approval", ["@network"], 1)),
    (("ipam.allocate", "low", {}, None, None, None), ("ipam-any", "approval", ["@network", "kim"], 1)),
    (("ipam.release", "medium", {}, None, None, None), ("ipam-any", "approval", ["@network", "kim"], 1)),
    (("ipam.import", "medium", {"env": "dev"}, None, None, None), ("ipam-any", "approval", ["@network", "kim"], 1)),
    (("ec2.reboot_instances", "medium", {"env": "staging"}, None, None, None), ("staging-reboots", "auto_approve", [], 0)),
    (("ec2.stop_instances", "medium", {"env": "staging"}, None, None, None), ("staging", "approval", ["*"], 1)),
    (("ebs.modify_volume_type", "low", {"env": "staging"}, None, None, None), ("staging", "approval", ["*"], 1)),
    (("ipam.allocate", "low", {"env": "staging"}, None, None, None), ("ipam-any", "approval", ["@network", "kim"], 1)),
    (("architecture.deploy", "medium", {"owner": "@web"}, None, None, None), ("architecture", "approval", ["@leads", "@web"], 1)),
    (("architecture.deploy", "medium", {}, None, None, None), ("architecture", "approval", ["@leads"], 1)),
    (("architecture.destroy", "high", {"env": "dev"}, None, None, None), ("architecture", "approval", ["@leads"], 1)),
    (("ec2.stop_instances", "medium", {"team": "payments"}, None, None, None), ("team-payments", "approval", ["@payments-oncall"], 1)),
    (("ebs.modify_volume_type", "low", {"team": "payments", "env": "dev"}, None, None, None), ("team-payments", "approval", ["@payments-oncall"], 1)),
    (("ec2.release_address", "high", {}, None, None, None), ("high-risk", "approval", ["@sre"], 2)),
    (("ec2.stop_instances", "high", {"team": "web"}, None, None, None), ("high-risk", "approval", ["@sre"], 2)),
    (("ebs.snapshot_and_delete_volume", "medium", {}, None, None, None), ("ebs", "approval", ["@sre", "@dba"], 1)),
    (("ebs.modify_volume_type", "low", {"env": "dev"}, None, None, None), ("ebs", "approval", ["@sre", "@dba"], 1)),
    (("ec2.stop_instances", "medium", {}, "111111111111", None, None), ("dev-account", "approval", ["*"], 1)),
    (("ec2.start_instances", "low", {"env": "dev"}, "111111111111", None, None), ("dev-account", "approval", ["*"], 1)),
    (("ec2.stop_instances", "medium", {}, None, None, None), ("default", "approval", ["@sre"], 1)),
    (("ec2.start_instances", "low", {"env": "dev"}, "222222222222", "us-east-1", None), ("default", "approval", ["@sre"], 1)),
    (("ec2.reboot_instances", "medium", {"env": "qa"}, None, None, None), ("default", "approval", ["@sre"], 1)),
    (("ec2.stop_instances", "medium", {"env": "PROD"}, None, None, None), ("default", "approval", ["@sre"], 1)),
    (("ec2.stop_instances", "low", {"compliance": "sox"}, None, None, None), ("default", "approval", ["@sre"], 1)),
]  # fmt: skip


def plan_for(
    tool: str, risk: str, account: str | None, region: str | None, cost: Any
) -> ActionPlan:
    change = ResourceChange(
        resource_id="i-0123456789abcdef0",
        resource_type="ec2:instance",
        region=region or "us-east-1",
        account=account,
        before="running",
        after="stopped",
    )
    return ActionPlan(
        tool=tool, args={}, summary=f"{tool} on one target.", risk=risk, changes=[change],
        cost_delta_monthly=cost,
    )  # fmt: skip


def test_the_table_covers_fifty_requests_and_every_rule() -> None:
    policy = load_policy(POLICY)
    assert len(policy.rules) == 20
    assert len(ROWS) == 50
    assert {want[0] for _, want in ROWS} == {rule.name for rule in policy.rules}


@pytest.mark.parametrize(("request_", "want"), ROWS, ids=[f"{n:02d}" for n in range(len(ROWS))])
def test_explain_names_the_rule_approvers_and_count(
    request_: tuple[Any, ...], want: tuple[Any, ...]
) -> None:
    tool, risk, tags, account, region, cost = request_
    engine = PolicyEngine(load_policy(POLICY))
    plan = plan_for(tool, risk, account, region, cost)
    facts = facts_from_plan(plan, "U0REQUESTER", lambda _change: dict(tags), "env", "owner")
    explained = explain_decision(f"{tool} please", plan, engine.decide(facts, AT))
    rule, verdict, approvers, count = want
    assert (explained.rule, explained.verdict) == (rule, verdict)
    assert explained.count == count
    if verdict == "approval":
        assert explained.approvers == approvers
    if verdict == "deny":
        assert explained.reason and explained.who == "nobody: the policy refuses it"
