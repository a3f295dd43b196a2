"""Every registered tool, run on the sandbox estate, makes only the AWS calls its declared IAM
permissions allow: a botocore ``before-call`` hook records each (service, operation) a tool's run
makes (assume-role calls included) and ``iam_action`` names the IAM action that allows it.

Each run starts cold, the way a tool runs first in a new process: fresh AWS clients (so entering
the second account is seen) and a fresh copy of the store (so inventory tools scan first).
Mutating tools run their preview and then the approved plan. Calls that only happen under a
setting or in live mode run in variants: Organizations and every-region scans, the Price List
API and Amazon VPC IPAM (the last two through botocore's Stubber: moto has neither).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from botocore.stub import Stubber
from moto import mock_aws

from approvals.audit import AuditLog
from core.aws import AwsClients
from core.clock import Clock
from core.db import Database
from core.sandbox import (
    PRIMARY_REGION,
    SECOND_ACCOUNT_ID,
    SECOND_ACCOUNT_ROLE_ARN,
    DemoEstate,
    seed_demo_estate,
)
from core.settings import Settings
from tests.tools.cost.test_live_pricing import price_list_item
from tests.tools.ipam.test_vpc_ipam_import import EU, TOP
from tools.alerts.grouping import GroupingRules
from tools.alerts.incident_access import (
    ACCESS_KEY,
    IncidentAccess,
    IncidentGuard,
    StateChanges,
    no_members,
)
from tools.alerts.incident_state import IncidentState
from tools.alerts.parsers.cloudwatch import from_sns_message
from tools.alerts.store import AlertStore
from tools.architecture.sandbox_pools import seed_sandbox_pools
from tools.context import ToolContext
from tools.errors import ToolError
from tools.iam import iam_action, iam_actions, policy_document
from tools.registry import ToolSpec, load_builtin_tools

REGISTRY = load_builtin_tools()
ARGS: dict[str, dict[str, Any]] = {
    "help": {},
    "policy.explain": {"request": "stop batch-worker"},
    "alerts.routes": {},
    "alerts.silence": {"resource": "batch-worker", "words": ["cpu"], "duration": "2 hours"},
    "alerts.unsilence": {"silence": 1},
    "discovery.scan": {},
    "inventory.search": {"region": "eu-west-1"},
    "inventory.describe": {"resource": "db-prod"},
    "inventory.changes": {},
    "inventory.orphans": {},
    "graph.dependencies": {"resource": "web-1"},
    "graph.blast_radius": {"resource": "db-prod"},
    "graph.migration_order": {"resource": "prod-vpc"},
    "graph.migration_risk": {"resource": "db-prod"},
    "graph.diagram": {"resource": "prod-vpc"},
    "security.risky_security_groups": {},
    "security.public_exposure": {},
    "ec2.list_instances": {"state": "running"},
    "ec2.describe_instance": {"target": "web-1"},
    "ec2.stop_instances": {"targets": ["batch-worker"]},
    "ec2.start_instances": {"targets": ["legacy-app"]},
    "ec2.reboot_instances": {"targets": ["web-2"]},
    "ec2.modify_instance_type": {"target": "shared-tools", "instance_type": "t3.large"},
    "ec2.release_address": {"targets": ["spare-ip"]},
    "ebs.modify_volume_type": {"targets": ["legacy-app-root"], "volume_type": "gp3"},
    "ebs.snapshot_and_delete_volume": {"targets": ["old-data"]},
    "ec2.create_snapshots": {"targets": ["web-1"], "retention_days": 7, "schedule": "web-1-backup"},
    "rds.create_db_snapshot": {"target": "db-prod", "retention_days": 7, "schedule": "nightly"},
    "rds.modify_allocated_storage": {"target": "db-prod", "size_gib": 150},
    "asg.set_desired_capacity": {"target": "web-asg", "desired": 2},
    "ec2.revoke_security_group_ingress": {"group": "ssh-open", "port": 22},
    "lambda.set_reserved_concurrency": {"target": "thumbnailer", "concurrency": 10},
    "lambda.set_timeout": {"target": "thumbnailer", "seconds": 60},
    "s3.put_lifecycle": {"bucket": "cf-demo-logs", "transition_days": 90},
    "cost.price": {"service": "ec2", "item": "m5.large", "region": "us-east-1"},
    "cost.estimate": {},
    "cost.top_resources": {},
    "cost.actuals": {"days": 30, "group_by": "service"},
    "cost.investigate_spike": {},
    "cost.recommendations": {},
    "cost.forecast": {},
    "cost.chart": {"days": 30},
    "ipam.pools": {"environment": "prod"},
    "ipam.show_pool": {"pool": "prod-eu"},
    "ipam.create_pool": {"name": "staging", "cidrs": ["10.2.0.0/16"], "parent": "prod"},
    "ipam.allocate": {"pool": "prod-eu", "prefix_length": 22, "purpose": "payments"},
    "ipam.release": {"cidr": "10.1.4.0/22"},
    "ipam.analyze": {"pool": "prod"},
    "ipam.apply_template": {"template": "flat", "cidr": "192.168.0.0/16"},
    "ipam.check_peering": {"first": "prod-vpc", "second": "analytics-vpc"},
    "ipam.export": {"format": "terraform"},
    "ipam.find_conflicts": {},
    "ipam.import": {"content": "kind,name,parent,cidr\npool,lab,,172.31.0.0/16\n"},
    "ipam.picture": {"pool": "prod"},
    "ipam.plan_subnets": {"cidr": "10.1.0.0/20", "az_count": 3},
    "ipam.reconcile": {},
    "ipam.adopt": {},
    "architecture.propose": {
        "request": "static marketing site behind a CDN in eu-central-1, 20 GB of assets"
    },
    "architecture.refine": {"name": "shop", "change": "add a redis cache"},
    "architecture.validate": {"name": "shop"},
    "architecture.estimate": {"name": "shop"},
    "architecture.diagram": {"name": "shop"},
    "architecture.export": {"name": "shop"},
    "architecture.list": {},
    "architecture.show": {"name": "shop"},
    "architecture.drift": {"name": "shop"},
    "architecture.deploy": {"name": "jobs"},
    "architecture.destroy": {"name": "shop"},
    "workflow.create": {"request": "every monday at 9 post last week's cost by service to #finops"},
    "workflow.update": {"name": "cost-report", "change": "every friday at 5pm"},
    "workflow.run_now": {"name": "cost-report"},
    "workflow.pause": {"name": "cost-report"},
    "workflow.resume": {"name": "cost-report"},
    "workflow.delete": {"name": "cost-report"},
    "workflow.list": {},
    "workflow.show": {"name": "cost-report"},
    "workflow.runs": {"name": "cost-report"},
    "workflow.templates": {},
    "alerts.list": {"status": "open"},
    "alerts.show": {"incident": "latest"},
    "alerts.investigate": {"incident": "batch-worker cpu"},
    "alerts.postmortem": {"incident": "latest"},
    "alerts.ack": {"incident": "latest"},
    "alerts.resolve": {"incident": "latest"},
}
"""What each tool is asked on the sandbox: a question it answers, or a change it can make."""


@dataclass
class Sandbox:
    """The seeded estate every run shares, and the store each run starts from a copy of."""

    settings: Settings
    estate: DemoEstate
    store: Path
    made: dict[str, set[str]] = field(default_factory=dict)
    """IAM action -> the tool runs that needed it (filled as the tests run)."""


@dataclass
class Run:
    """One recorded tool run.

    Attributes:
        calls: every (service, operation) the run made.
        needed: IAM action -> the calls that need it.
    """

    calls: set[tuple[str, str]]
    needed: dict[str, set[str]]


def _more_services(aws: AwsClients, estate: DemoEstate) -> None:
    """ECS, DynamoDB, ElastiCache and an API, so their readers make every call they can."""
    subnets = [estate.subnet_ids["prod-private-a"], estate.subnet_ids["prod-private-b"]]
    ecs = aws.client("ecs", PRIMARY_REGION)
    ecs.create_cluster(clusterName="apps")
    ecs.register_task_definition(
        family="orders",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "orders", "image": "nginx", "memory": 512}],
        cpu="256",
        memory="512",
    )
    ecs.create_service(
        cluster="apps",
        serviceName="orders",
        taskDefinition="orders",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": subnets,
                "securityGroups": [estate.security_group_ids["web-sg"]],
            }
        },
    )
    aws.client("dynamodb", PRIMARY_REGION).create_table(
        TableName="uploads",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    cache = aws.client("elasticache", PRIMARY_REGION)
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="cache", CacheSubnetGroupDescription="private", SubnetIds=subnets
    )
    cache.create_cache_cluster(
        CacheClusterId="sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        CacheSubnetGroupName="cache",
    )
    aws.client("apigateway", PRIMARY_REGION).create_rest_api(name="uploads-api")
    organizations = aws.client("organizations", PRIMARY_REGION)
    organizations.create_organization(FeatureSet="ALL")
    organizations.create_account(Email="lab@example.com", AccountName="lab")


def _seed_ipam(settings: Settings) -> None:
    """Pools the IPAM tools are asked about: prod, and prod-eu holding 10.1.4.0/22."""
    db = Database(settings.sql_url)
    db.migrate()
    ctx = ToolContext(settings, AwsClients(settings, sandbox=True), db, "alice")
    steps = [
        ("ipam.create_pool", {"name": "prod", "cidrs": ["10.0.0.0/8"], "environment": "prod"}),
        (
            "ipam.create_pool",
            {"name": "prod-eu", "cidrs": ["10.1.0.0/16"], "parent": "prod", "region": "eu-west-1"},
        ),
        ("ipam.allocate", {"pool": "prod-eu", "cidr": "10.1.4.0/22", "purpose": "payments"}),
    ]
    for name, args in steps:
        spec = REGISTRY.get(name)
        assert spec.preview is not None
        spec.handler(ctx, spec.preview(ctx, spec.args_model(**args)))
    db.dispose()


def _seed_incident(settings: Settings, estate: DemoEstate) -> None:
    """An open incident: batch-worker's CPU alarm, as SNS delivers it (investigated by
    ``alerts.investigate``: its metric, status checks, group membership, trail)."""
    instance_id = estate.instance_ids["batch-worker"]
    message = {
        "AlarmName": "batch-worker-cpu-high", "NewStateValue": "ALARM",
        "AWSAccountId": estate.primary_account_id, "StateChangeTime": Clock().now().isoformat(),
        "Trigger": {"MetricName": "CPUUtilization", "Namespace": "AWS/EC2",
                    "Dimensions": [{"name": "InstanceId", "value": instance_id}]},
    }  # fmt: skip
    alert = from_sns_message(message, PRIMARY_REGION, "m-1", {"Message": json.dumps(message)})
    db = Database(settings.sql_url)
    AlertStore(db, Clock(), GroupingRules.from_settings(settings)).accept([alert])
    db.dispose()


def _alert_extras(db: Database) -> dict[str, object]:
    """What the composition root gives the incident tools: the guard (alice approves) and
    the audited changes."""
    state = IncidentState(db, Clock())
    guard = IncidentGuard(no_members, lambda: {"alice"})
    return {ACCESS_KEY: IncidentAccess(guard, StateChanges(state, AuditLog(db, Clock())))}


def _seed_architectures(settings: Settings) -> None:
    """The sandbox's IPAM pool tree, ``shop`` proposed and deployed, ``jobs`` proposed only."""
    db = Database(settings.sql_url)
    ctx = ToolContext(settings, AwsClients(settings, sandbox=True), db, "alice")
    seed_sandbox_pools(db, ctx.clock)
    propose = REGISTRY.get("architecture.propose")
    shop = "web app with a postgres database in eu-west-1 for staging, 100 requests a second"
    jobs = "background workers draining a queue in us-east-1 for staging"
    for name, request in (("shop", shop), ("jobs", jobs)):
        propose.handler(ctx, propose.args_model(request=request, name=name))
    deploy = REGISTRY.get("architecture.deploy")
    assert deploy.preview is not None
    deploy.handler(ctx, deploy.preview(ctx, deploy.args_model(name="shop")))
    db.dispose()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """The demo estate plus a few more services, and a store holding only IPAM pools."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("permissions") / "cf",
        aws_mode="sandbox",
        model_provider="offline",
        architecture_poll_seconds=0.01,
    )
    with mock_aws():
        aws = AwsClients(settings, sandbox=True)
        estate = seed_demo_estate(aws)
        _more_services(aws, estate)
        _seed_ipam(settings)
        _seed_architectures(settings)
        _seed_incident(settings, estate)
        yield Sandbox(settings, estate, settings.data_dir / "cloudfabric.db")


def run_recorded(
    sandbox: Sandbox,
    spec: ToolSpec,
    args: dict[str, Any],
    tmp_path: Path,
    *,
    stubs: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] | None = None,
    **settings: Any,
) -> Run:
    """Run one tool cold and record every AWS call it makes.

    Args:
        sandbox: the shared estate.
        spec: the tool.
        args: its arguments.
        tmp_path: where this run's store and files live.
        stubs: (service, region) -> stubbed responses, for APIs moto does not have.
        settings: settings that differ from the sandbox's.
    """
    run_settings = sandbox.settings.model_copy(update={"data_dir": tmp_path / "cf", **settings})
    run_settings.data_dir.mkdir(parents=True)
    shutil.copy(sandbox.store, run_settings.data_dir / "cloudfabric.db")
    aws = AwsClients(run_settings, sandbox=True)
    aws.add_account(SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN)
    calls: set[tuple[str, str]] = set()
    needed: dict[str, set[str]] = {}

    def record(service: str, operation: str, params: Mapping[str, Any]) -> None:
        calls.add((service, operation))
        for action in iam_actions(service, operation, params):
            needed.setdefault(action, set()).add(f"{service}.{operation}")

    aws.on_call(record)
    stubbers = []
    for (service, region), responses in (stubs or {}).items():
        stubber = Stubber(aws.client(service, region))
        for operation, response in responses:
            stubber.add_response(operation, response, None)
        stubber.activate()
        stubbers.append(stubber)
    db = Database(run_settings.sql_url)
    try:
        ctx = ToolContext(run_settings, aws, db, "alice", extras=_alert_extras(db))
        model = spec.args_model(**args)
        try:
            if spec.preview is not None:
                spec.handler(ctx, spec.preview(ctx, model))
            else:
                spec.handler(ctx, model)
        except ToolError as refused:  # e.g. moto refusing to delete a VPC stack: the calls count
            print(f"{spec.name} answered with a refusal: {refused}")
    finally:
        db.dispose()
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
    for action in needed:
        sandbox.made.setdefault(action, set()).add(spec.name)
    return Run(calls, needed)


def _uncovered(spec: ToolSpec, run: Run) -> list[str]:
    return sorted(
        f"{', '.join(sorted(calls))} needs {action}"
        for action, calls in run.needed.items()
        if action not in spec.permissions
    )


def test_every_registered_tool_is_run() -> None:
    assert set(ARGS) == {spec.name for spec in REGISTRY.all()}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(ARGS))
def test_a_tool_makes_only_calls_its_permissions_allow(
    sandbox: Sandbox, name: str, tmp_path: Path
) -> None:
    spec = REGISTRY.get(name)
    run = run_recorded(sandbox, spec, ARGS[name], tmp_path)

    assert _uncovered(spec, run) == []
    if not spec.permissions:
        assert run.calls == set(), f"{name} declares no permissions, so it may call nothing"


@pytest.mark.slow
def test_scans_across_an_organization_and_every_region_are_covered(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    spec = REGISTRY.get("discovery.scan")
    run = run_recorded(
        sandbox,
        spec,
        {"services": ["dynamodb"]},
        tmp_path,
        discovery_use_organizations=True,
        discovery_all_regions=True,
    )

    assert {("organizations", "ListAccounts"), ("ec2", "DescribeRegions")} <= run.calls
    assert _uncovered(spec, run) == []


@pytest.mark.slow
def test_live_price_lookup_is_covered(sandbox: Sandbox, tmp_path: Path) -> None:
    spec = REGISTRY.get("cost.price")
    page = {"FormatVersion": "aws_v1", "PriceList": [price_list_item("0.0960000000")]}
    run = run_recorded(
        sandbox,
        spec,
        ARGS["cost.price"],
        tmp_path,
        stubs={("pricing", "us-east-1"): [("get_products", page)]},
        aws_mode="live",
    )

    assert run.calls == {("pricing", "GetProducts")}
    assert _uncovered(spec, run) == []


@pytest.mark.slow
def test_import_from_amazon_vpc_ipam_is_covered(sandbox: Sandbox, tmp_path: Path) -> None:
    spec = REGISTRY.get("ipam.import")
    cidr = {"Cidr": "10.8.0.0/16", "State": "provisioned"}
    allocation = {"Cidr": "10.8.1.0/24", "ResourceType": "vpc", "ResourceId": "vpc-1"}
    responses = [
        ("describe_ipam_pools", {"IpamPools": [EU, TOP]}),
        ("get_ipam_pool_cidrs", {"IpamPoolCidrs": [cidr]}),
        ("get_ipam_pool_allocations", {"IpamPoolAllocations": []}),
        ("get_ipam_pool_cidrs", {"IpamPoolCidrs": [{**cidr, "Cidr": "10.8.0.0/17"}]}),
        ("get_ipam_pool_allocations", {"IpamPoolAllocations": [allocation]}),
    ]
    run = run_recorded(
        sandbox,
        spec,
        {"format": "amazon-ipam"},
        tmp_path,
        stubs={("ec2", "us-east-1"): responses},
        aws_mode="live",
    )

    assert ("ec2", "DescribeIpamPools") in run.calls
    assert _uncovered(spec, run) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["rds.create_db_snapshot", "ec2.create_snapshots"])
def test_retention_deleting_expired_snapshots_is_covered(
    sandbox: Sandbox, name: str, tmp_path: Path
) -> None:
    spec = REGISTRY.get(name)
    args = {**ARGS[name], "schedule": "retention-check"}
    run_recorded(sandbox, spec, args, tmp_path / "first")
    with time_machine.travel(Clock().now() + timedelta(days=8), tick=False):
        run = run_recorded(sandbox, spec, args, tmp_path / "later")

    deleted = {"DeleteDBSnapshot", "DeleteSnapshot"} & {op for _, op in run.calls}
    assert len(deleted) == 1
    assert _uncovered(spec, run) == []


@pytest.mark.slow
def test_investigating_an_instance_of_an_auto_scaling_group_is_covered(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    aws = AwsClients(sandbox.settings, sandbox=True)
    autoscaling = aws.client("autoscaling", PRIMARY_REGION)
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="alarm-lc", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="alarm-asg", LaunchConfigurationName="alarm-lc",
        MinSize=0, MaxSize=3, DesiredCapacity=0, AvailabilityZones=[f"{PRIMARY_REGION}a"],
    )  # fmt: skip
    batch_worker = sandbox.estate.instance_ids["batch-worker"]
    autoscaling.attach_instances(InstanceIds=[batch_worker], AutoScalingGroupName="alarm-asg")
    spec = REGISTRY.get("alerts.investigate")
    run = run_recorded(sandbox, spec, ARGS["alerts.investigate"], tmp_path)

    assert ("autoscaling", "DescribeScalingActivities") in run.calls
    assert _uncovered(spec, run) == []


@pytest.mark.slow
def test_a_group_launched_from_a_launch_configuration_is_covered(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    aws = AwsClients(sandbox.settings, sandbox=True)
    autoscaling = aws.client("autoscaling", PRIMARY_REGION)
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="batch-lc", ImageId="ami-12c6146b", InstanceType="m5.large"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="batch-asg", LaunchConfigurationName="batch-lc",
        MinSize=0, MaxSize=3, DesiredCapacity=0, AvailabilityZones=[f"{PRIMARY_REGION}a"],
    )  # fmt: skip
    spec = REGISTRY.get("asg.set_desired_capacity")
    run = run_recorded(sandbox, spec, {"target": "batch-asg", "desired": 1}, tmp_path)

    assert ("autoscaling", "DescribeLaunchConfigurations") in run.calls
    assert _uncovered(spec, run) == []


NOT_REACHED_ON_MOTO = {
    "cloudformation:DeleteChangeSet": "a change set that differs from the approved plan",
    "cloudformation:GetTemplate": "a second deploy diffed against the deployed template",
    "cloudformation:RollbackStack": "a failed update (moto never fails one)",
    "dynamodb:CreateBackup": "destroy's final backup of a DynamoDB table",
    "elasticache:CreateSnapshot": "destroy's final snapshot of a Redis cluster",
    "rds:CreateDBClusterSnapshot": "destroy's final snapshot of an Aurora cluster",
    "rds:DescribeDBClusterSnapshots": "waiting for that Aurora snapshot",
    "iam:PassRole": "live deploys under the CloudFormation service role",
}
"""Shipped actions of architecture deploys no sandbox run reaches, with the path that needs them;
tests/tools/architecture/test_deploy_stubbed.py drives those paths on botocore Stubbers."""


@pytest.mark.slow
def test_every_action_of_the_shipped_policy_is_needed_by_some_run(sandbox: Sandbox) -> None:
    if len(sandbox.made) < 10:
        pytest.skip("needs the tool runs of this module (run the whole file)")
    shipped = {a for s in policy_document(REGISTRY)["Statement"] for a in s["Action"]}
    unneeded = sorted(shipped - set(sandbox.made) - set(NOT_REACHED_ON_MOTO))
    assert unneeded == [], ", ".join(unneeded)


def test_operation_names_map_to_iam_actions() -> None:
    assert iam_action("ec2", "DescribeInstances") == "ec2:DescribeInstances"
    assert iam_action("elbv2", "DescribeTargetHealth") == (
        "elasticloadbalancing:DescribeTargetHealth"
    )
    assert iam_action("s3", "ListBuckets") == "s3:ListAllMyBuckets"
    assert iam_action("s3", "GetBucketEncryption") == "s3:GetEncryptionConfiguration"
    assert iam_action("s3", "GetPublicAccessBlock") == "s3:GetBucketPublicAccessBlock"
    assert iam_action("s3", "GetBucketAcl") == "s3:GetBucketAcl"
    assert iam_action("apigateway", "GetRestApis") == "apigateway:GET"
    assert iam_action("apigateway", "CreateRestApi") == "apigateway:POST"
    assert iam_action("cloudwatch", "GetMetricStatistics") == "cloudwatch:GetMetricStatistics"
    tagged = {"VolumeId": "vol-1", "TagSpecifications": [{"ResourceType": "snapshot"}]}
    assert iam_actions("ec2", "CreateSnapshot", tagged) == ("ec2:CreateSnapshot", "ec2:CreateTags")
    assert iam_actions("ec2", "CreateSnapshot", {"VolumeId": "vol-1"}) == ("ec2:CreateSnapshot",)


def test_every_listed_exception_names_a_real_operation() -> None:
    import botocore.session

    from tools.iam import IAM_EXCEPTIONS, IAM_PREFIXES

    session = botocore.session.get_session()
    for service, operation in IAM_EXCEPTIONS:
        assert operation in session.get_service_model(service).operation_names, operation
    assert set(IAM_PREFIXES) <= set(session.get_available_services())
