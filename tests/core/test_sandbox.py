"""The sandbox demo estate: what seeding creates and what CloudWatch and Cost Explorer say."""

from __future__ import annotations

import ipaddress
import json
import statistics
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from core.aws import AwsClients
from core.clock import Clock
from core.sandbox import (
    PRIMARY_ACCOUNT_ID,
    SECOND_ACCOUNT_ID,
    DemoEstate,
    Sandbox,
    seed_demo_estate,
)
from core.settings import Settings

pytestmark = pytest.mark.time_sensitive

EC2_COMPUTE = "Amazon Elastic Compute Cloud - Compute"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Seed through a moto HTTP server and record what clients then see.

    moto keeps one state per process, so this runs (and moto is reset) before the in-process
    sandbox of this module starts.
    """
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("served"),
        aws_mode="sandbox",
        aws_endpoint_url=endpoint,
    )
    try:
        aws = AwsClients(settings, sandbox=True)
        estate = seed_demo_estate(aws)
        second = aws.client("sts", "us-east-1", SECOND_ACCOUNT_ID).get_caller_identity()
        seen = {
            "estate": estate,
            "second_account": second["Account"],
            "instances": instances_by_name(aws, "us-east-1"),
            "costs": daily_cost_by_service(aws),
        }
    finally:
        reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=10).close()
        server.stop()
    print(f"demo estate seeded over HTTP in {estate.seed_seconds:.2f} s")
    return seen


@pytest.fixture(scope="module")
def sandbox(served: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """One seeded sandbox shared by the tests of this module."""
    box = Sandbox()
    box.start(
        Settings(
            _env_file=None,
            data_dir=tmp_path_factory.mktemp("sandbox"),
            aws_mode="sandbox",
        )
    )
    assert box.estate is not None
    print(f"demo estate seeded in {box.estate.seed_seconds:.2f} s")
    yield box
    box.stop()


@pytest.fixture
def demo(sandbox: Sandbox, settings: Settings) -> AwsClients:
    """Clients over the shared seeded sandbox."""
    return sandbox.start(settings)


@pytest.fixture
def estate(sandbox: Sandbox, demo: AwsClients) -> DemoEstate:
    """Ids of the shared seeded estate."""
    assert sandbox.estate is not None
    return sandbox.estate


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    """EC2-style tag list as a dict."""
    return {tag["Key"]: tag["Value"] for tag in resource.get("Tags", [])}


def instances_by_name(aws: AwsClients, region: str, account: str | None = None) -> dict:
    """Every instance in a region of an account, keyed by Name tag."""
    pages = aws.client("ec2", region, account).get_paginator("describe_instances").paginate()
    found = {}
    for page in pages:
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                found[tags_of(instance).get("Name")] = instance
    return found


def vpcs_by_name(aws: AwsClients, region: str, account: str | None = None) -> dict:
    """Every named VPC in a region of an account, keyed by Name tag."""
    vpcs = aws.client("ec2", region, account).describe_vpcs()["Vpcs"]
    return {tags_of(vpc)["Name"]: vpc for vpc in vpcs if "Name" in tags_of(vpc)}


def test_instances_have_the_specified_type_state_place_and_tags(
    demo: AwsClients, estate: DemoEstate
) -> None:
    expected = {
        ("us-east-1", None): {
            "web-1": ("t3.micro", "running", "prod-public-a"),
            "web-2": ("t3.micro", "running", "prod-public-b"),
            "batch-worker": ("m5.large", "running", "prod-private-a"),
            "legacy-app": ("m4.large", "stopped", "prod-private-b"),
        },
        ("eu-west-1", None): {"analytics-1": ("t3.small", "running", "analytics-a")},
        ("us-east-1", SECOND_ACCOUNT_ID): {
            "shared-tools": ("t3.medium", "running", "shared-a"),
        },
    }
    for (region, account), wanted in expected.items():
        found = instances_by_name(demo, region, account)
        assert set(wanted) <= set(found), f"missing in {region}/{account}"
        for name, (instance_type, state, subnet) in wanted.items():
            instance = found[name]
            assert instance["InstanceId"] == estate.instance_ids[name]
            assert instance["InstanceType"] == instance_type
            assert instance["State"]["Name"] == state
            assert instance["SubnetId"] == estate.subnet_ids[subnet]
            assert {"env", "team"} <= set(tags_of(instance))
    assert estate.instance_locations["analytics-1"].region == "eu-west-1"
    assert estate.instance_locations["shared-tools"].account_id == SECOND_ACCOUNT_ID


def test_web_servers_are_exposed_and_legacy_app_has_a_gp2_root(
    demo: AwsClients, estate: DemoEstate
) -> None:
    ec2 = demo.client("ec2", "us-east-1")
    instances = instances_by_name(demo, "us-east-1")
    assert instances["web-1"].get("PublicIpAddress")
    assert not instances["batch-worker"].get("PublicIpAddress")
    web_groups = {group["GroupId"] for group in instances["web-1"]["SecurityGroups"]}
    assert web_groups == {
        estate.security_group_ids["web-sg"],
        estate.security_group_ids["ssh-open"],
    }
    root = instances["legacy-app"]["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert ec2.describe_volumes(VolumeIds=[root])["Volumes"][0]["VolumeType"] == "gp2"
    groups = {
        group["GroupName"]: group
        for group in ec2.describe_security_groups(
            GroupIds=list(estate.security_group_ids.values())
        )["SecurityGroups"]
    }
    web_ports = {rule["FromPort"] for rule in groups["web-sg"]["IpPermissions"]}
    assert web_ports == {80, 443}
    ssh = groups["ssh-open"]["IpPermissions"][0]
    assert (ssh["FromPort"], ssh["IpRanges"][0]["CidrIp"]) == (22, "0.0.0.0/0")
    db_rule = groups["db-sg"]["IpPermissions"][0]
    assert db_rule["FromPort"] == 5432
    assert db_rule["UserIdGroupPairs"][0]["GroupId"] == estate.security_group_ids["web-sg"]


def test_prod_network_has_subnets_gateways_and_routes(demo: AwsClients, estate: DemoEstate) -> None:
    ec2 = demo.client("ec2", "us-east-1")
    vpc_id = estate.vpc_ids["prod-vpc"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_name = {tags_of(s)["Name"]: (s["CidrBlock"], s["AvailabilityZone"]) for s in subnets}
    assert by_name == {
        "prod-public-a": ("10.0.1.0/24", "us-east-1a"),
        "prod-public-b": ("10.0.2.0/24", "us-east-1b"),
        "prod-private-a": ("10.0.10.0/24", "us-east-1a"),
        "prod-private-b": ("10.0.11.0/24", "us-east-1b"),
    }
    nat = ec2.describe_nat_gateways(NatGatewayIds=[estate.nat_gateway_id])["NatGateways"][0]
    assert nat["SubnetId"] == estate.subnet_ids["prod-public-a"]
    assert nat["NatGatewayAddresses"][0]["AllocationId"] == estate.allocation_ids["prod-nat-ip"]
    igw = ec2.describe_internet_gateways(InternetGatewayIds=[estate.internet_gateway_id])
    assert igw["InternetGateways"][0]["Attachments"][0]["VpcId"] == vpc_id
    tables = ec2.describe_route_tables(RouteTableIds=list(estate.route_table_ids.values()))
    default_route = {}
    for table in tables["RouteTables"]:
        route = next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
        for association in table["Associations"]:
            default_route[association["SubnetId"]] = route.get("GatewayId") or route.get(
                "NatGatewayId"
            )
    assert default_route[estate.subnet_ids["prod-public-b"]] == estate.internet_gateway_id
    assert default_route[estate.subnet_ids["prod-private-a"]] == estate.nat_gateway_id


def test_vpcs_overlap_as_specified(demo: AwsClients, estate: DemoEstate) -> None:
    prod = vpcs_by_name(demo, "us-east-1")["prod-vpc"]
    analytics = vpcs_by_name(demo, "eu-west-1")["analytics-vpc"]
    shared = vpcs_by_name(demo, "us-east-1", SECOND_ACCOUNT_ID)["shared-vpc"]
    cidrs = {
        name: ipaddress.ip_network(vpc["CidrBlock"])
        for name, vpc in (("prod", prod), ("analytics", analytics), ("shared", shared))
    }
    assert cidrs["prod"] == ipaddress.ip_network("10.0.0.0/16")
    assert cidrs["analytics"] == ipaddress.ip_network("10.0.128.0/18")
    assert cidrs["shared"] == ipaddress.ip_network("172.20.0.0/16")
    assert cidrs["prod"].overlaps(cidrs["analytics"])
    assert not cidrs["shared"].overlaps(cidrs["prod"])
    assert tags_of(analytics)["env"] == "staging"
    assert tags_of(shared)["env"] == "shared"
    assert estate.vpc_ids == {
        "prod-vpc": prod["VpcId"],
        "analytics-vpc": analytics["VpcId"],
        "shared-vpc": shared["VpcId"],
    }


def test_second_account_is_a_different_account(demo: AwsClients) -> None:
    primary = demo.client("sts", "us-east-1").get_caller_identity()
    second = demo.client("sts", "us-east-1", SECOND_ACCOUNT_ID).get_caller_identity()
    assert primary["Account"] == PRIMARY_ACCOUNT_ID
    assert second["Account"] == SECOND_ACCOUNT_ID
    assert "CloudFabricAccess" in second["Arn"]
    assert "shared-vpc" not in vpcs_by_name(demo, "us-east-1")
    assert "prod-vpc" not in vpcs_by_name(demo, "us-east-1", SECOND_ACCOUNT_ID)
    assert "shared-tools" not in instances_by_name(demo, "us-east-1")
    role = demo.client("iam", "us-east-1", SECOND_ACCOUNT_ID).get_role(RoleName="CloudFabricAccess")
    assert PRIMARY_ACCOUNT_ID in str(role["Role"]["AssumeRolePolicyDocument"])
    assert demo.accounts() == [None, SECOND_ACCOUNT_ID]


def test_idle_volume_and_spare_ip_are_left_unattached(demo: AwsClients, estate: DemoEstate) -> None:
    ec2 = demo.client("ec2", "us-east-1")
    volume = ec2.describe_volumes(VolumeIds=[estate.volume_id])["Volumes"][0]
    assert (volume["State"], volume["VolumeType"], volume["Size"]) == ("available", "gp2", 100)
    assert tags_of(volume)["Name"] == "old-data"
    address = ec2.describe_addresses(AllocationIds=[estate.allocation_ids["spare-ip"]])
    spare = address["Addresses"][0]
    assert "AssociationId" not in spare
    assert tags_of(spare) == {"Name": "spare-ip", "env": "prod", "team": "platform"}


def test_web_alb_forwards_to_both_web_servers(demo: AwsClients, estate: DemoEstate) -> None:
    elbv2 = demo.client("elbv2", "us-east-1")
    alb = elbv2.describe_load_balancers(Names=["web-alb"])["LoadBalancers"][0]
    assert (alb["Scheme"], alb["Type"]) == ("internet-facing", "application")
    assert {zone["SubnetId"] for zone in alb["AvailabilityZones"]} == {
        estate.subnet_ids["prod-public-a"],
        estate.subnet_ids["prod-public-b"],
    }
    group = elbv2.describe_target_groups(Names=["web-tg"])["TargetGroups"][0]
    assert group["Port"] == 80
    health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
    targets = {target["Target"]["Id"] for target in health["TargetHealthDescriptions"]}
    assert targets == {estate.instance_ids["web-1"], estate.instance_ids["web-2"]}
    listener = elbv2.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"][0]
    assert (listener["Protocol"], listener["Port"]) == ("HTTP", 80)
    assert listener["DefaultActions"][0]["TargetGroupArn"] == group["TargetGroupArn"]
    tags = elbv2.describe_tags(ResourceArns=[alb["LoadBalancerArn"]])["TagDescriptions"][0]
    assert tags_of(tags)["team"] == "web"


def test_db_prod_is_multi_az_postgres_in_private_subnets(
    demo: AwsClients, estate: DemoEstate
) -> None:
    rds = demo.client("rds", "us-east-1")
    db = rds.describe_db_instances(DBInstanceIdentifier="db-prod")["DBInstances"][0]
    assert db["Engine"] == "postgres"
    assert db["DBInstanceClass"] == "db.m5.large"
    assert db["MultiAZ"] is True
    assert (db["AllocatedStorage"], db["StorageType"]) == (100, "gp2")
    assert db["VpcSecurityGroups"][0]["VpcSecurityGroupId"] == estate.security_group_ids["db-sg"]
    subnets = {subnet["SubnetIdentifier"] for subnet in db["DBSubnetGroup"]["Subnets"]}
    assert subnets == {estate.subnet_ids["prod-private-a"], estate.subnet_ids["prod-private-b"]}
    tags = rds.list_tags_for_resource(ResourceName=db["DBInstanceArn"])["TagList"]
    assert tags_of({"Tags": tags})["env"] == "prod"


def test_buckets_and_lambda_exist_with_tags(demo: AwsClients, estate: DemoEstate) -> None:
    s3 = demo.client("s3", "us-east-1")
    buckets = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert {"cf-demo-logs", "cf-demo-assets"} <= buckets
    for name in estate.bucket_names:
        tags = tags_of({"Tags": s3.get_bucket_tagging(Bucket=name)["TagSet"]})
        assert tags["Name"] == name and {"env", "team"} <= set(tags)
    function = demo.client("lambda", "us-east-1").get_function(FunctionName="thumbnailer")
    assert function["Configuration"]["Runtime"] == "python3.12"
    assert function["Configuration"]["Role"] == estate.lambda_role_arn
    assert function["Tags"]["team"] == "web"


def test_web_asg_launches_t3_micro_and_waits_at_zero(demo: AwsClients, estate: DemoEstate) -> None:
    autoscaling = demo.client("autoscaling", "us-east-1")
    [group] = autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=[estate.auto_scaling_group]
    )["AutoScalingGroups"]
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == (0, 0, 6)
    assert group["Instances"] == []  # the estate's instance list stays as the README says
    assert group["LaunchTemplate"]["LaunchTemplateName"] == "web-lt"
    assert {t["Key"]: t["Value"] for t in group["Tags"]}["team"] == "web"


EC2_NAMES = {
    ("us-east-1", None): {
        "prod-vpc", "prod-public-a", "prod-public-b", "prod-private-a", "prod-private-b",
        "prod-igw", "prod-nat", "prod-nat-ip", "prod-public-rt", "prod-private-rt",
        "web-sg", "ssh-open", "db-sg", "web-1", "web-2", "batch-worker", "legacy-app",
        "web-1-root", "web-2-root", "batch-worker-root", "legacy-app-root", "old-data",
        "old-data-backup", "spare-ip", "web-lt",
    },
    ("eu-west-1", None): {"analytics-vpc", "analytics-a", "analytics-1", "analytics-1-root"},
    ("us-east-1", SECOND_ACCOUNT_ID): {
        "shared-vpc", "shared-a", "shared-tools", "shared-tools-root",
    },
}  # fmt: skip


def test_every_ec2_resource_carries_name_env_and_team(demo: AwsClients) -> None:
    for (region, account), names in EC2_NAMES.items():
        tags: dict[str, dict[str, str]] = {}
        pages = demo.client("ec2", region, account).get_paginator("describe_tags").paginate()
        for page in pages:
            for tag in page["Tags"]:
                tags.setdefault(tag["ResourceId"], {})[tag["Key"]] = tag["Value"]
        assert {resource_tags.get("Name") for resource_tags in tags.values()} == names
        for resource_tags in tags.values():
            assert set(resource_tags) == {"Name", "env", "team"}, resource_tags
            assert resource_tags["env"] in {"prod", "staging", "shared"}


def average_cpu(aws: AwsClients, instance_id: str) -> float:
    """Average CPUUtilization over the last 14 days, as a user would ask CloudWatch."""
    now = Clock().now()
    stats = aws.client("cloudwatch", "us-east-1").get_metric_statistics(
        Namespace="AWS/EC2",
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "InstanceId", "Value": instance_id}],
        StartTime=now - timedelta(days=14),
        EndTime=now,
        Period=86400,
        Statistics=["Average"],
    )["Datapoints"]
    assert len(stats) >= 13
    return statistics.fmean(point["Average"] for point in stats)


def test_cloudwatch_shows_batch_worker_idle_and_web_busy(
    demo: AwsClients, estate: DemoEstate
) -> None:
    batch = average_cpu(demo, estate.instance_ids["batch-worker"])
    web = average_cpu(demo, estate.instance_ids["web-1"])
    assert batch < 5
    assert 35 <= web <= 60
    eu_points = demo.client("cloudwatch", "eu-west-1").get_metric_statistics(
        Namespace="AWS/EC2",
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "InstanceId", "Value": estate.instance_ids["analytics-1"]}],
        StartTime=Clock().now() - timedelta(days=14),
        EndTime=Clock().now(),
        Period=3600,
        Statistics=["Average"],
    )["Datapoints"]
    assert 15 <= statistics.fmean(p["Average"] for p in eu_points) <= 25


def daily_cost_by_service(aws: AwsClients, days: int = 30) -> dict[str, dict[str, float]]:
    """Ask Cost Explorer for daily unblended cost per service over the last ``days`` days."""
    today = Clock().now().date()
    answer = aws.client("ce", "us-east-1").get_cost_and_usage(
        TimePeriod={
            "Start": (today - timedelta(days=days)).isoformat(),
            "End": today.isoformat(),
        },
        Granularity="DAILY",
        Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
    )
    return {
        result["TimePeriod"]["Start"]: {
            group["Keys"][0]: float(group["Metrics"]["UnblendedCost"]["Amount"])
            for group in result["Groups"]
        }
        for result in answer["ResultsByTime"]
    }


def test_cost_explorer_shows_the_ec2_spike_three_days_ago(
    demo: AwsClients, estate: DemoEstate
) -> None:
    costs = daily_cost_by_service(demo)
    assert len(costs) == 30
    ec2 = {day: services[EC2_COMPUTE] for day, services in costs.items()}
    spike_day = max(ec2, key=ec2.__getitem__)
    assert spike_day == (Clock().now().date() - timedelta(days=3)).isoformat()
    assert spike_day == estate.cost_spike_day
    assert ec2[spike_day] > 2.5 * statistics.median(ec2.values())
    assert set(costs[spike_day]) == {
        EC2_COMPUTE,
        "Amazon Relational Database Service",
        "Amazon Simple Storage Service",
        "EC2 - Other",
        "AWS Lambda",
        "AmazonCloudWatch",
    }
    assert len(estate.cost_by_day) == 400  # over a year: any month named has data
    for day, services in costs.items():
        assert services == pytest.approx(estate.cost_by_day[day])


def test_cost_explorer_answers_repeated_and_different_queries(
    demo: AwsClients, estate: DemoEstate
) -> None:
    assert daily_cost_by_service(demo) == daily_cost_by_service(demo)
    assert len(daily_cost_by_service(demo, days=7)) == 7
    ce = demo.client("ce", "us-east-1")
    first = date.fromisoformat(min(estate.cost_by_day))
    end = date.fromisoformat(max(estate.cost_by_day)) + timedelta(days=1)
    total = ce.get_cost_and_usage(
        TimePeriod={"Start": first.isoformat(), "End": end.isoformat()},
        Granularity="MONTHLY",
        Metrics=["UnblendedCost"],
        Filter={"Dimensions": {"Key": "SERVICE", "Values": [EC2_COMPUTE]}},
    )["ResultsByTime"]
    seeded = sum(day[EC2_COMPUTE] for day in estate.cost_by_day.values())
    answered = sum(float(r["Total"]["UnblendedCost"]["Amount"]) for r in total)
    assert answered == pytest.approx(seeded)
    assert all(r["Groups"] == [] for r in total)


def test_seeding_through_a_moto_server_gives_the_same_estate(served: dict[str, Any]) -> None:
    estate = served["estate"]
    assert served["second_account"] == SECOND_ACCOUNT_ID
    web = served["instances"]["web-1"]
    assert (web["InstanceId"], web["InstanceType"]) == (estate.instance_ids["web-1"], "t3.micro")
    assert served["instances"]["legacy-app"]["State"]["Name"] == "stopped"
    ec2_cost = {day: costs[EC2_COMPUTE] for day, costs in served["costs"].items()}
    assert max(ec2_cost, key=ec2_cost.__getitem__) == estate.cost_spike_day


def test_start_is_idempotent(sandbox: Sandbox, demo: AwsClients, settings: Settings) -> None:
    estate = sandbox.estate
    assert sandbox.start(settings) is demo
    assert sandbox.estate is estate
    assert len(instances_by_name(demo, "us-east-1")) == 4


def test_cost_explorer_filters_and_groups_like_aws(demo: AwsClients, estate: DemoEstate) -> None:
    ce = demo.client("ce", "us-east-1")
    day = estate.cost_spike_day
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    period = {"Start": day, "End": next_day}
    not_ec2 = ce.get_cost_and_usage(
        TimePeriod=period,
        Granularity="DAILY",
        Metrics=["UnblendedCost", "UsageQuantity"],
        Filter={"Not": {"Dimensions": {"Key": "SERVICE", "Values": [EC2_COMPUTE]}}},
    )["ResultsByTime"][0]["Total"]
    expected = sum(cost for name, cost in estate.cost_by_day[day].items() if name != EC2_COMPUTE)
    assert float(not_ec2["UnblendedCost"]["Amount"]) == pytest.approx(expected)
    assert not_ec2["UsageQuantity"]["Amount"] == "0"
    by_account = ce.get_cost_and_usage(
        TimePeriod=period,
        Granularity="DAILY",
        Metrics=["AmortizedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
    )["ResultsByTime"][0]["Groups"]
    assert [group["Keys"] for group in by_account] == [[PRIMARY_ACCOUNT_ID]]
    amount = float(by_account[0]["Metrics"]["AmortizedCost"]["Amount"])
    assert amount == pytest.approx(sum(estate.cost_by_day[day].values()))
    before_history = ce.get_cost_and_usage(
        TimePeriod={"Start": "2020-01-01", "End": "2020-01-03"},
        Granularity="DAILY",
        Metrics=["UnblendedCost"],
    )["ResultsByTime"]
    assert [r["Total"]["UnblendedCost"]["Amount"] for r in before_history] == ["0.0000000000"] * 2


def test_stop_then_start_seeds_a_fresh_estate(sandbox: Sandbox, settings: Settings) -> None:
    before = sandbox.estate
    assert before is not None
    sandbox.stop()
    assert not sandbox.started and sandbox.estate is None
    aws = sandbox.start(settings)
    after = sandbox.estate
    assert after is not None and after.instance_ids != before.instance_ids
    running = instances_by_name(aws, "us-east-1")
    assert {name: i["InstanceId"] for name, i in running.items()} == {
        name: after.instance_ids[name] for name in ("web-1", "web-2", "batch-worker", "legacy-app")
    }


def test_live_clients_are_refused_without_creating_anything(settings: Settings) -> None:
    live = AwsClients(settings, sandbox=False)
    with pytest.raises(ValueError, match="only seeded into the sandbox"):
        seed_demo_estate(live)
    assert live.accounts() == [None]


def test_the_estate_has_a_past_relative_to_the_clock(demo: AwsClients, estate: DemoEstate) -> None:
    instances = instances_by_name(demo, "us-east-1")
    now = Clock().now()
    spike_day = (now - timedelta(days=3)).date()
    assert instances["batch-worker"]["LaunchTime"].date() == spike_day
    assert (now - instances["web-1"]["LaunchTime"]).days in (119, 120)
    assert (now - instances["legacy-app"]["LaunchTime"]).days in (699, 700)
    ec2 = demo.client("ec2", "us-east-1")
    [volume] = ec2.describe_volumes(VolumeIds=[estate.volume_id])["Volumes"]
    [snapshot] = ec2.describe_snapshots(SnapshotIds=[estate.snapshot_id])["Snapshots"]
    assert (now - volume["CreateTime"]).days in (499, 500)
    assert (now - snapshot["StartTime"]).days in (399, 400)
    assert tags_of(snapshot)["Name"] == "old-data-backup"


def test_cloudtrail_says_who_started_batch_worker(demo: AwsClients, estate: DemoEstate) -> None:
    trail = demo.client("cloudtrail", "us-east-1")
    now = Clock().now()
    pages = trail.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "StartInstances"}],
        StartTime=now - timedelta(days=7),
        EndTime=now,
    )
    [event] = [e for page in pages for e in page["Events"]]
    assert event["Username"] == "carol"
    assert event["Resources"] == [
        {"ResourceType": "AWS::EC2::Instance", "ResourceName": estate.instance_ids["batch-worker"]}
    ]
    assert event["EventTime"].date() == (now - timedelta(days=3)).date()
    record = json.loads(event["CloudTrailEvent"])
    assert record["userIdentity"]["userName"] == "carol"
    assert record["eventName"] == "StartInstances"


def test_cloudtrail_lookup_filters_and_pages_like_aws(demo: AwsClients) -> None:
    trail = demo.client("cloudtrail", "us-east-1")
    everything = trail.lookup_events()["Events"]
    assert [e["EventName"] for e in everything] == [
        "StartInstances",
        "StopInstances",
        "AuthorizeSecurityGroupIngress",
    ]  # newest first
    first = trail.lookup_events(MaxResults=2)
    second = trail.lookup_events(MaxResults=2, NextToken=first["NextToken"])
    assert [e["EventId"] for e in first["Events"] + second["Events"]] == [
        e["EventId"] for e in everything
    ]
    by_bob = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "bob"}]
    )["Events"]
    assert [e["EventName"] for e in by_bob] == ["StopInstances"]
    too_old = trail.lookup_events(EndTime=Clock().now() - timedelta(days=30))["Events"]
    assert too_old == []
    assert demo.client("cloudtrail", "ap-south-1").lookup_events()["Events"] == []
