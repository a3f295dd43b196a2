"""The shipped IAM policy grants exactly what the registered tools declare."""

from __future__ import annotations

import json
from pathlib import Path

from tools.iam import policy_document
from tools.registry import load_builtin_tools

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "iam" / "cloudfabric-policy.json"


def test_shipped_policy_matches_the_registry() -> None:
    expected = policy_document(load_builtin_tools())
    assert json.loads(SHIPPED.read_text()) == expected, "run `make iam-policy`"


def test_actions_need_approval_and_are_separate_from_reads() -> None:
    statements = {
        s["Sid"]: set(s["Action"]) for s in policy_document(load_builtin_tools())["Statement"]
    }
    assert "ec2:StopInstances" in statements["CloudFabricApprovedActions"]
    assert "ec2:DescribeInstances" in statements["CloudFabricReadOnly"]
    assert not statements["CloudFabricReadOnly"] & statements["CloudFabricApprovedActions"]


def test_the_architecture_deploy_role_covers_every_type_the_templates_use() -> None:
    from tools.architecture.service_role import SERVICE_ROLE_ACTIONS, service_role_policy
    from tools.architecture.terraform import TRANSLATORS

    assert set(SERVICE_ROLE_ACTIONS) == set(TRANSLATORS), "every type the generator can emit"
    shipped = json.loads((SHIPPED.parent / "architecture-deploy-role.json").read_text())
    assert shipped["Policy"] == service_role_policy(), "run `make iam-policy`"
    principal = shipped["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"Service": "cloudformation.amazonaws.com"}


def test_deploying_needs_pass_role_and_only_change_set_calls() -> None:
    registry = load_builtin_tools()
    deploy = set(registry.get("architecture.deploy").permissions)
    assert "iam:PassRole" in deploy
    assert {p.split(":")[0] for p in deploy} == {"cloudformation", "iam", "sts"}


def test_the_action_role_lets_cloudfabric_name_the_approver_and_holds_the_approved_actions() -> (
    None
):
    from tools.iam import action_role_documents

    expected = action_role_documents(load_builtin_tools())
    shipped = json.loads((SHIPPED.parent / "action-role.json").read_text())
    assert shipped == expected, "run `make iam-policy`"
    (trust,) = shipped["AssumeRolePolicyDocument"]["Statement"]
    assert {"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"} <= set(trust["Action"])
    assert trust["Condition"] == {"Null": {"sts:SourceIdentity": "false"}}
    actions = set(shipped["Policy"]["Statement"][0]["Action"])
    assert {"ec2:StopInstances", "s3:PutLifecycleConfiguration"} <= actions
    assert "ec2:DescribeVpcs" in actions  # what the handlers re-read before they change
    assert "sts:AssumeRole" not in actions  # accounts are entered from CloudFabric's principal
    caller = set(shipped["CallerPolicy"]["Statement"][0]["Action"])
    assert {"sts:SetSourceIdentity", "iam:SimulatePrincipalPolicy"} <= caller
