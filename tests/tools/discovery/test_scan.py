"""A scan finds every seeded resource with its relationships, and survives denials/throttling."""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse

from core.aws import AwsClients
from tests.tools.discovery.estate import Estate
from tools.context import ToolContext
from tools.discovery.resource_models import ScanResult
from tools.discovery.scan import ScanProgress, run_scan


def _by_name(result: ScanResult, rtype: str, name: str) -> Any:
    return next(r for r in result.resources if r.type == rtype and r.name == name)


def _edges(result: ScanResult) -> set[tuple[str, str, str]]:
    return {(r.source, r.kind, r.target) for res in result.resources for r in res.relations}


def test_scan_finds_every_seeded_resource(scan_ctx: ToolContext, estate: Estate) -> None:
    result = run_scan(scan_ctx, record=False)

    assert result.complete
    found = {(r.type, r.name) for r in result.resources}
    expected = {
        ("ec2:vpc", "prod-vpc"),
        ("ec2:vpc", "analytics-vpc"),
        ("ec2:instance", "web-1"),
        ("ec2:instance", "web-2"),
        ("ec2:volume", "old-data"),
        ("ec2:elastic-ip", "spare-ip"),
        ("ec2:security-group", "web-sg"),
        ("ec2:security-group", "db-sg"),
        ("ec2:security-group", "ssh-open"),
        ("elbv2:load-balancer", "web-alb"),
        ("elbv2:target-group", "web-tg"),
        ("rds:db-instance", "db-prod"),
        ("s3:bucket", "cf-test-logs"),
        ("s3:bucket", "cf-test-public"),
        ("lambda:function", "thumbnailer"),
        ("dynamodb:table", "uploads"),
        ("iam:role", "app-role"),
        ("iam:instance-profile", "app-profile"),
        ("ecs:cluster", "apps"),
        ("ecs:service", "orders"),
        ("elasticache:cluster", "sessions"),
        ("apigateway:rest-api", "thumbnails-api"),
    }
    assert expected <= found
    types = {r.type for r in result.resources}
    assert {"ec2:nat-gateway", "ec2:internet-gateway", "ec2:route-table", "ec2:snapshot"} <= types
    assert {"ec2:network-interface", "ec2:subnet"} <= types


def test_scan_sees_the_relationships(scan_ctx: ToolContext, estate: Estate) -> None:
    result = run_scan(scan_ctx, record=False)
    edges = _edges(result)
    web1 = _by_name(result, "ec2:instance", "web-1").arn
    db_sg = _by_name(result, "ec2:security-group", "db-sg").arn
    web_sg = _by_name(result, "ec2:security-group", "web-sg").arn
    tg = _by_name(result, "elbv2:target-group", "web-tg").arn
    public_a = _by_name(result, "ec2:subnet", "public_a")

    assert (public_a.arn, "CONTAINS", web1) in edges
    assert (web1, "SECURED_BY", web_sg) in edges
    assert (web_sg, "ALLOWS", db_sg) in edges
    assert (estate["alb"], "TARGETS", tg) in edges
    assert (tg, "TARGETS", web1) in edges
    assert (estate["db"], "SECURED_BY", db_sg) in edges
    assert (estate["table"], "TRIGGERS", estate["lambda"]) in edges
    assert (estate["lambda"], "ASSUMES", estate["role"]) in edges
    assert (web1, "ASSUMES", estate["profile"]) in edges
    assert (estate["profile"], "ASSUMES", estate["role"]) in edges
    assert any(k == "ROUTES_VIA" and "natgateway" in t for _, k, t in edges)
    assert any(k == "ATTACHED_TO" and t == web1 for _, k, t in edges)
    assert public_a.config["public"] is True
    assert _by_name(result, "ec2:subnet", "private_a").config["public"] is False
    assert _by_name(result, "s3:bucket", "cf-test-public").config["public"] is True
    assert _by_name(result, "s3:bucket", "cf-test-logs").config["public"] is False


def _deny_region(region: str) -> Any:
    def handler(context: dict[str, Any], model: Any, **_: Any) -> Any:
        if context.get("client_region") != region:
            return None
        error = {"Error": {"Code": "UnauthorizedOperation", "Message": "You are not authorized"}}
        return AWSResponse("https://denied", 403, {}, None), error

    return handler


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def _throttle(request: Any, **_: Any) -> AWSResponse:
    body = (
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
        b"<Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    )
    return AWSResponse(request.url, 400, {}, _Body(body))


def test_denied_region_and_throttled_service_are_reported(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    session = scan_ctx.aws.session(None)
    session.events.register("before-call", _deny_region("eu-west-1"))
    # The EC2 client for eu-west-1 was built while seeding, before the session-level hook.
    scan_ctx.aws.client("ec2", "eu-west-1").meta.events.register(
        "before-call", _deny_region("eu-west-1")
    )
    scan_ctx.aws.client("rds", "us-east-1").meta.events.register("before-send.rds", _throttle)

    result = run_scan(scan_ctx, record=False)

    missed = {(o.region, o.service, o.status) for o in result.missed}
    assert ("us-east-1", "rds", "throttled") in missed
    assert all(status == "denied" for region, _, status in missed if region == "eu-west-1")
    assert {s for r, s, _ in missed if r == "eu-west-1"} >= {"ec2", "vpc", "lambda"}
    names = {r.name for r in result.resources}
    assert {"web-1", "web-2", "web-alb", "thumbnailer", "cf-test-logs"} <= names
    assert "db-prod" not in names
    assert "analytics-vpc" not in names
    assert not result.complete


def test_progress_reports_every_unit(scan_ctx: ToolContext, estate: Estate) -> None:
    reports: list[ScanProgress] = []

    result = run_scan(scan_ctx, services=["ec2", "vpc", "iam"], progress=reports.append)

    # EC2 runs as five side-by-side parts (instances, volumes, snapshots, ENIs, addresses) per
    # region; the result still has one outcome per (account, region, service).
    assert [p.done for p in reports] == list(range(1, 14))
    assert reports[-1].total == 2 * 5 + 2 + 1
    assert len(result.outcomes) == 5
    assert {(o.region, o.service) for o in result.outcomes} == {
        ("us-east-1", "ec2"), ("eu-west-1", "ec2"), ("us-east-1", "vpc"), ("eu-west-1", "vpc"),
        ("global", "iam"),
    }  # fmt: skip
    ec2_east = next(o for o in result.outcomes if o.service == "ec2" and o.region == "us-east-1")
    assert ec2_east.resources == sum(
        1 for r in result.resources if r.service == "ec2" and r.region == "us-east-1"
    )
    assert reports[-1].resources == len(result.resources)
    assert result.api_calls > 0


def test_unknown_service_or_region_is_refused(scan_ctx: ToolContext) -> None:
    import pytest

    from tools.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Unknown service"):
        run_scan(scan_ctx, services=["ec3"])
    with pytest.raises(InvalidInput, match="not an AWS region"):
        run_scan(scan_ctx, regions=["us-east-9"])


def test_organization_member_accounts_are_entered_with_the_configured_role(
    ctx: ToolContext, aws: AwsClients
) -> None:
    org = aws.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    created = org.create_account(AccountName="prod", Email="prod@example.com")
    member = created["CreateAccountStatus"]["AccountId"]
    role = f"arn:aws:iam::{member}:role/OrgScanner"
    seeder = AwsClients(ctx.settings, sandbox=True)
    seeder.add_account(member, role)
    seeder.client("ec2", "us-east-1", member).create_vpc(
        CidrBlock="10.42.0.0/16",
        TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "member-vpc"}]}
        ],
    )
    ctx.settings.discovery_use_organizations = True
    ctx.settings.discovery_role_name = "OrgScanner"

    result = run_scan(ctx, services=["vpc"], record=False)

    assert member in result.accounts
    found = _by_name(result, "ec2:vpc", "member-vpc")
    assert found.account == member
    identity = aws.client("sts", "us-east-1", member).get_caller_identity()
    assert ":assumed-role/OrgScanner/" in identity["Arn"]


def test_every_enabled_region_is_scanned_when_asked(ctx: ToolContext, aws: AwsClients) -> None:
    aws.client("ec2", "ap-southeast-2").create_vpc(
        CidrBlock="10.43.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "far-vpc"}]}],
    )
    ctx.settings.discovery_all_regions = True

    result = run_scan(ctx, services=["vpc"], record=False)

    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(result.regions)
    assert len(result.regions) > 10
    assert _by_name(result, "ec2:vpc", "far-vpc").region == "ap-southeast-2"
    assert result.complete
