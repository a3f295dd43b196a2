"""Validation: findings with reasons and fixes, the corrected spec, and what the template grants."""

from __future__ import annotations

import boto3
import pytest

from tests.tools.architecture.conftest import INSECURE, call, preview
from tools.architecture.cfn import build_template
from tools.architecture.cfn.access import GRANTS
from tools.architecture.models import ProposalResult
from tools.architecture.spec import INTERNET
from tools.architecture.validate import corrected, validate
from tools.context import ToolContext
from tools.errors import ToolError


def _ingress(template: dict, group: str) -> set[tuple[int, str]]:  # type: ignore[type-arg]
    rules = {
        (r["FromPort"], r["CidrIp"])
        for r in template["Resources"][group]["Properties"].get("SecurityGroupIngress", [])
    }
    for resource in template["Resources"].values():
        props = resource["Properties"]
        if (
            resource["Type"] == "AWS::EC2::SecurityGroupIngress"
            and props["GroupId"]["Fn::GetAtt"][0] == group
        ):
            rules.add((props["FromPort"], props["SourceSecurityGroupId"]["Fn::GetAtt"][0]))
    return rules


def test_insecure_request_gets_findings_each_with_its_fix_applied(arch_ctx: ToolContext) -> None:
    result = call(arch_ctx, "architecture.propose", request=INSECURE)

    assert isinstance(result, ProposalResult)
    critical = {(f.rule, f.component) for f in result.findings if f.severity == "critical"}
    assert critical == {("no-public-database", "db"), ("no-world-open-admin-or-db-port", "app")}
    assert all(f.reason and f.fix for f in result.findings)
    assert [f for f in result.corrected_findings if f.severity == "critical"] == []
    template = build_template(result.spec)
    assert template["Resources"]["DbDatabase"]["Properties"]["PubliclyAccessible"] is True
    assert (22, "0.0.0.0/0") in _ingress(template, "AppSecurityGroup")

    fixed = call(arch_ctx, "architecture.refine", change="apply the fixes")

    assert fixed.version == 2
    assert [f for f in fixed.findings if f.severity in ("critical", "high")] == []
    template = build_template(fixed.spec)
    assert template["Resources"]["DbDatabase"]["Properties"]["PubliclyAccessible"] is False
    assert _ingress(template, "AppSecurityGroup") == {(80, "WebSecurityGroup")}
    assert "db: public True -> False" in fixed.diff.changed


def test_deploying_with_a_critical_finding_is_refused_with_the_reason(
    arch_ctx: ToolContext,
) -> None:
    result = call(arch_ctx, "architecture.propose", request=INSECURE)

    with pytest.raises(ToolError) as refused:
        preview(arch_ctx, "architecture.deploy", name=result.name, version=1)

    message = str(refused.value)
    assert "cannot be deployed: 2 critical finding(s) unresolved" in message
    assert "reachable from the internet" in message and "Port 22 (admin)" in message
    assert "apply the fixes" in message
    cfn = boto3.client("cloudformation", result.spec.region)
    assert cfn.describe_stacks()["Stacks"] == [], "nothing was written to AWS"


def test_security_groups_allow_only_the_declared_connections(arch_ctx: ToolContext) -> None:
    text = "prod web app with postgres and a redis cache in eu-west-1, 500 rps"
    spec = call(arch_ctx, "architecture.propose", request=text).spec
    template = build_template(spec)

    assert _ingress(template, "WebSecurityGroup") == {(80, "0.0.0.0/0")}
    assert _ingress(template, "AppSecurityGroup") == {(80, "WebSecurityGroup")}
    assert _ingress(template, "DbSecurityGroup") == {(5432, "AppSecurityGroup")}
    assert _ingress(template, "CacheSecurityGroup") == {(6379, "AppSecurityGroup")}
    declared = {(c.source, c.target, c.port) for c in spec.connections if c.access == "network"}
    assert (INTERNET, "web", 80) in declared and len(declared) == 4


def test_each_role_gets_only_its_connections_actions_on_their_arns(arch_ctx: ToolContext) -> None:
    spec = call(arch_ctx, "architecture.propose", request="an ETL data pipeline for prod").spec
    template = build_template(spec)

    role = template["Resources"]["ProcessorRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    granted = {(tuple(s["Action"]), str(s["Resource"])) for s in statements}
    assert granted == {
        (GRANTS[("sqs", "consume")], str({"Fn::GetAtt": ["EventsQueue", "Arn"]})),
        (GRANTS[("s3", "read")], str({"Fn::Sub": "${RawBucket.Arn}/*"})),
        (GRANTS[("s3", "write")], str({"Fn::Sub": "${CuratedBucket.Arn}/*"})),
        (
            ("logs:CreateLogStream", "logs:PutLogEvents"),
            str({"Fn::GetAtt": ["ProcessorLogs", "Arn"]}),
        ),
    }
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }
    assert not any(f.rule == "least-privilege-iam" for f in validate(spec))


def test_unencrypted_single_az_prod_and_small_subnets_are_found_and_fixed(
    arch_ctx: ToolContext,
) -> None:
    spec = call(arch_ctx, "architecture.propose", request="prod web app with postgres").spec
    db = spec.component("db")
    db.encrypted, db.multi_az = False, False
    assert spec.network is not None
    spec.network.subnets[2].hosts = 60

    rules = {(f.rule, f.severity) for f in validate(spec)}

    assert {("encryption-at-rest", "critical"), ("multi-az-prod", "high")} <= rules
    assert ("subnet-fits-hosts", "critical") in rules
    fixed = corrected(spec)
    assert fixed.component("db").encrypted and fixed.component("db").multi_az
    assert fixed.network is not None and fixed.network.cidr == spec.network.cidr
    assert all(s.hosts >= 60 for s in fixed.network.tier("app"))
    assert not [f for f in validate(fixed) if f.severity in ("critical", "high")]
