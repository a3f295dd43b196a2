"""Deploys through change sets on moto, each created resource checked through its own service
API; second deploys, voided change sets, destroy with final snapshots, drift, and what
discovery finds compared with what was estimated."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import boto3
import pytest
import yaml

from tests.tools.architecture.conftest import call, execute, preview
from tools import progress
from tools.architecture.deployed import billable, scan_region, stray_volumes
from tools.architecture.models import DeployResult, DriftResult, ProposalResult
from tools.architecture.service import ArchitectureStore
from tools.context import ToolContext
from tools.errors import ToolError

PROD_WEB = "We need a web app with a Postgres database in eu-west-1 for prod, about 2k requests/s."
REGION = "eu-west-1"


def _deploy(ctx: ToolContext, name: str) -> tuple[DeployResult, list[str]]:
    lines: list[str] = []
    plan = preview(ctx, "architecture.deploy", name=name)
    with progress.reporting(lines.append):
        result = execute(ctx, plan)
    assert isinstance(result, DeployResult)
    return result, lines


@pytest.fixture
def prod_web(arch_ctx: ToolContext) -> ProposalResult:
    """The issue's example, proposed."""
    result = call(arch_ctx, "architecture.propose", request=PROD_WEB)
    assert isinstance(result, ProposalResult)
    return result


def test_deploy_creates_every_resource_visible_through_its_service_api(
    arch_ctx: ToolContext, prod_web: ProposalResult
) -> None:
    spec = prod_web.spec
    assert spec.network is not None

    result, lines = _deploy(arch_ctx, spec.name)

    assert result.status == "CREATE_COMPLETE" and len(result.created) == 41
    assert any(line.startswith("CREATE_COMPLETE") for line in lines)
    assert result.notes == ["The stack reported no outputs."], "moto: change-set stacks have none"
    ec2 = boto3.client("ec2", REGION)
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": [spec.network.cidr]}])["Vpcs"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnets = ec2.describe_subnets(Filters=in_vpc)["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == sorted(s.cidr for s in spec.network.subnets)
    assert len(ec2.describe_nat_gateways(Filter=in_vpc)["NatGateways"]) == 2
    igws = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}]
    )
    assert len(igws["InternetGateways"]) == 1
    endpoints = ec2.describe_vpc_endpoints(Filters=in_vpc)["VpcEndpoints"]
    assert [e["ServiceName"] for e in endpoints] == [f"com.amazonaws.{REGION}.s3"]
    groups = {
        g["GroupName"]: g for g in ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]
    }
    web = next(g for name, g in groups.items() if "WebSecurityGroup" in name)
    assert [(p["FromPort"], p["IpRanges"][0]["CidrIp"]) for p in web["IpPermissions"]] == [
        (80, "0.0.0.0/0")
    ]
    elb = boto3.client("elbv2", REGION)
    [lb] = elb.describe_load_balancers()["LoadBalancers"]
    assert (lb["Scheme"], lb["Type"], lb["VpcId"]) == (
        "internet-facing",
        "application",
        vpc["VpcId"],
    )
    [listener] = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    assert (listener["Port"], listener["Protocol"]) == (80, "HTTP")
    [group] = boto3.client("autoscaling", REGION).describe_auto_scaling_groups()[
        "AutoScalingGroups"
    ]
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == (6, 6, 12)
    instances = [
        i for r in ec2.describe_instances(Filters=in_vpc)["Reservations"] for i in r["Instances"]
    ]
    assert Counter(i["InstanceType"] for i in instances) == Counter({"m5.large": 6})
    app_subnets = {
        s["SubnetId"]
        for s in subnets
        if s["CidrBlock"] in {x.cidr for x in spec.network.tier("app")}
    }
    assert {i["SubnetId"] for i in instances} <= app_subnets
    [db] = boto3.client("rds", REGION).describe_db_instances()["DBInstances"]
    assert (db["DBInstanceClass"], db["Engine"], db["MultiAZ"]) == (
        "db.m5.xlarge",
        "postgres",
        True,
    )
    assert (db["PubliclyAccessible"], db["StorageEncrypted"], db["AllocatedStorage"]) == (
        False,
        True,
        30,
    )
    role = boto3.client("iam").get_role(
        RoleName=next(r.split(": ")[1] for r in result.created if r.startswith("AppRole:"))
    )
    assert role["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }
    [template] = ec2.describe_launch_templates()["LaunchTemplates"]
    assert template["LaunchTemplateId"] in " ".join(result.created)
    row = ArchitectureStore(arch_ctx).get(spec.name).row
    assert (row.deployed_version, row.stack_id) == (1, result.stack_id)


def test_second_deploy_changes_only_the_differences(
    arch_ctx: ToolContext, prod_web: ProposalResult
) -> None:
    _deploy(arch_ctx, prod_web.name)
    vpc_before = boto3.client("ec2", REGION).describe_vpcs(
        Filters=[{"Name": "tag:cloudfabric:architecture", "Values": [prod_web.name]}]
    )
    call(arch_ctx, "architecture.refine", change="cheaper please")

    plan = preview(arch_ctx, "architecture.deploy", name=prod_web.name)

    changed = {(c.resource_id, c.after) for c in plan.changes}
    assert changed == {
        ("NatIpB", "deleted"),
        ("NatGatewayB", "deleted"),
        ("AppRouteTableB", "deleted"),
        ("AppDefaultRouteB", "deleted"),
        ("AppSubnetBRoutes", "modified"),
        ("S3Endpoint", "modified"),
        ("DbDatabase", "modified"),
        ("AppLaunchTemplate", "modified"),
    }
    assert plan.args["change_set_type"] == "UPDATE" and plan.args["reservation"] is None
    assert plan.cost_delta_monthly is not None and plan.cost_delta_monthly < 0
    result = execute(arch_ctx, plan)
    assert isinstance(result, DeployResult) and result.status == "UPDATE_COMPLETE"
    ec2 = boto3.client("ec2", REGION)
    cfn = boto3.client("cloudformation", REGION)
    summaries = cfn.list_stack_resources(StackName=result.stack_id)["StackResourceSummaries"]
    kept = {r["LogicalResourceId"] for r in summaries}
    assert "NatGatewayB" not in kept and "NatGatewayA" in kept
    # moto has no CloudFormation delete for AWS::EC2::NatGateway: EC2 still lists NAT B there.
    deployed = yaml.safe_load(cfn.get_template(StackName=result.stack_id)["TemplateBody"])
    assert deployed["Resources"]["DbDatabase"]["Properties"]["DBInstanceClass"] == "db.m5.large"
    # moto applies no CloudFormation update to an AWS::RDS::DBInstance (no update handler).
    vpc_after = ec2.describe_vpcs(
        Filters=[{"Name": "tag:cloudfabric:architecture", "Values": [prod_web.name]}]
    )
    assert [v["VpcId"] for v in vpc_after["Vpcs"]] == [v["VpcId"] for v in vpc_before["Vpcs"]]
    with pytest.raises(ToolError, match="Nothing to deploy"):
        preview(arch_ctx, "architecture.deploy", name=prod_web.name)


def test_a_change_set_other_than_the_approved_one_voids_the_plan(
    arch_ctx: ToolContext, prod_web: ProposalResult
) -> None:
    _deploy(arch_ctx, prod_web.name)
    call(arch_ctx, "architecture.refine", change="cheaper please")
    cheaper = preview(arch_ctx, "architecture.deploy", name=prod_web.name)
    call(arch_ctx, "architecture.refine", change="scale the app to 8 instances")
    scaled = preview(arch_ctx, "architecture.deploy", name=prod_web.name)
    execute(arch_ctx, cheaper)  # the stack moved on after `scaled` was approved
    cfn = boto3.client("cloudformation", REGION)
    template_before = cfn.get_template(StackName=prod_web.spec.stack_name)["TemplateBody"]

    with pytest.raises(ToolError) as voided:
        execute(arch_ctx, scaled)

    message = str(voided.value)
    assert message.startswith("Voided: the change set does not match the approved plan")
    assert "approved but absent: Modify AppLaunchTemplate" in message
    assert "Remove NatGatewayB" in message
    assert "Nothing was changed in AWS" in message
    assert cfn.get_template(StackName=prod_web.spec.stack_name)["TemplateBody"] == template_before
    left = cfn.list_change_sets(StackName=prod_web.spec.stack_name)["Summaries"]
    assert [c for c in left if c["ExecutionStatus"] != "EXECUTE_COMPLETE"] == [], (
        "voided one deleted"
    )


def test_destroy_takes_final_snapshots_then_deletes_the_stack(arch_ctx: ToolContext) -> None:
    api = call(
        arch_ctx, "architecture.propose", request="serverless api in eu-west-1 with 10 GB of data"
    )
    result, _ = _deploy(arch_ctx, api.name)

    plan = preview(arch_ctx, "architecture.destroy", name=api.name)

    assert (plan.risk, plan.reversible) == ("high", False)
    assert {c.after for c in plan.changes} == {"deleted"} and len(plan.changes) == 10
    assert plan.cost_delta_monthly is not None and plan.cost_delta_monthly < 0
    assert any("Final snapshot of TableTable" in note for note in plan.notes)
    done = execute(arch_ctx, plan)
    assert isinstance(done, DeployResult) and done.status == "DELETE_COMPLETE"
    [backup] = boto3.client("dynamodb", REGION).list_backups()["BackupSummaries"]
    assert backup["BackupName"].endswith(arch_ctx.clock.now().strftime("%Y%m%d%H%M"))
    assert done.snapshots == [f"TableTable: {backup['BackupArn']}"]
    cfn = boto3.client("cloudformation", REGION)
    assert (
        cfn.describe_stacks(StackName=result.stack_id)["Stacks"][0]["StackStatus"]
        == "DELETE_COMPLETE"
    )
    assert ArchitectureStore(arch_ctx).get(api.name).row.deployed_version is None


def test_destroy_snapshots_the_database_first_and_says_why_moto_refuses_the_vpc(
    arch_ctx: ToolContext, prod_web: ProposalResult
) -> None:
    _deploy(arch_ctx, prod_web.name)
    plan = preview(arch_ctx, "architecture.destroy", name=prod_web.name)

    with pytest.raises(ToolError) as refused:
        execute(arch_ctx, plan)

    [snapshot] = boto3.client("rds", REGION).describe_db_snapshots()["DBSnapshots"]
    assert snapshot["DBSnapshotIdentifier"].startswith("cf-prod-web-dbdatabase")
    assert "DependencyViolation" in str(refused.value), "moto leaves ENIs of terminated instances"
    assert snapshot["DBSnapshotIdentifier"] in str(refused.value)


def test_drift_finds_rules_and_instances_added_outside_the_stack(
    arch_ctx: ToolContext, prod_web: ProposalResult
) -> None:
    result, _ = _deploy(arch_ctx, prod_web.name)
    clean = call(arch_ctx, "architecture.drift", name=prod_web.name)
    assert isinstance(clean, DriftResult) and clean.items == [] and clean.checked == 41
    ec2 = boto3.client("ec2", REGION)
    group = next(r.split(": ")[1] for r in result.created if r.startswith("AppSecurityGroup:"))
    subnet = next(r.split(": ")[1] for r in result.created if r.startswith("AppSubnetA:"))
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    stray = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]

    drifted = call(arch_ctx, "architecture.drift", name=prod_web.name)

    details = {(i.kind, i.resource, i.detail) for i in drifted.items}
    assert (
        "changed",
        "AppSecurityGroup",
        "ingress tcp 22 from 0.0.0.0/0 is not in the template",
    ) in details
    assert any(kind == "unmanaged" and stray["InstanceId"] in what for kind, what, _ in details)


def test_discovery_finds_exactly_what_was_estimated_and_its_run_rate_matches(
    arch_ctx: ToolContext, prod_web: ProposalResult
) -> None:
    result, _ = _deploy(arch_ctx, prod_web.name)
    scan_region(arch_ctx, REGION)

    seen, missing = billable(arch_ctx, REGION, result.stack_id)

    assert missing == []
    estimated = Counter((r.kind, r.detail) for r in prod_web.estimate.resources)
    assert Counter((s.kind, s.detail) for s in seen) == estimated
    run_rate = sum((s.fixed_monthly for s in seen), Decimal(0))
    expected = prod_web.estimate.fixed_monthly
    assert abs(run_rate - expected) / expected <= Decimal("0.10")
    instances = [s.resource_id for s in seen if s.kind == "ec2_instance"]
    extra = stray_volumes(arch_ctx, REGION, instances)
    volumes = boto3.client("ec2", REGION).describe_volumes(
        VolumeIds=[v.resource_id for v in extra]
    )["Volumes"]
    assert {(v["Size"], v["VolumeType"], v["Attachments"][0]["Device"]) for v in volumes} == {
        (8, "gp2", "/dev/sda1")
    }, "only moto's default root volume, which AWS does not add (the AMI root /dev/xvda is mapped)"
