"""Billable resources read straight from AWS with paginated describe calls.

This is the one place the cost tools learn what exists; it can later be swapped for the
discovery inventory without touching the estimator or the recommendations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from tools.context import ToolContext
from tools.cost.models import CostResource

Reader = Callable[[Any, str, str | None, str | None], Iterator[CostResource]]


def _tags(raw: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in raw or []}


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


def read_instances(
    aws: Any, region: str, account_key: str | None, account: str | None
) -> Iterator[CostResource]:
    """EC2 instances (not terminated).

    Args:
        aws: ``AwsClients``.
        region: region to read.
        account_key: account to reach (None = primary).
        account: account id for labels.
    """
    client = aws.client("ec2", region, account_key)
    for reservation in _pages(client, "describe_instances", "Reservations"):
        for raw in reservation["Instances"]:
            state = raw["State"]["Name"]
            if state in ("terminated", "shutting-down"):
                continue
            tags = _tags(raw.get("Tags"))
            yield CostResource(
                kind="ec2_instance",
                resource_id=raw["InstanceId"],
                region=region,
                name=tags.get("Name"),
                account=account,
                account_key=account_key,
                state=state,
                tags=tags,
                created=raw.get("LaunchTime"),
                instance_type=raw["InstanceType"],
                public_ip=raw.get("PublicIpAddress"),
            )


def read_volumes(
    aws: Any, region: str, account_key: str | None, account: str | None
) -> Iterator[CostResource]:
    """EBS volumes, with the instance they are attached to.

    Args:
        aws: ``AwsClients``.
        region: region to read.
        account_key: account to reach (None = primary).
        account: account id for labels.
    """
    client = aws.client("ec2", region, account_key)
    for raw in _pages(client, "describe_volumes", "Volumes"):
        tags = _tags(raw.get("Tags"))
        attachments = raw.get("Attachments") or []
        yield CostResource(
            kind="ebs_volume",
            resource_id=raw["VolumeId"],
            region=region,
            name=tags.get("Name"),
            account=account,
            account_key=account_key,
            state=raw.get("State"),
            tags=tags,
            created=raw.get("CreateTime"),
            volume_type=raw.get("VolumeType", "gp2"),
            size_gb=Decimal(raw.get("Size", 0)),
            iops=raw.get("Iops"),
            throughput_mibps=raw.get("Throughput"),
            attached_to=attachments[0]["InstanceId"] if attachments else None,
        )


def read_snapshots(
    aws: Any, region: str, account_key: str | None, account: str | None
) -> Iterator[CostResource]:
    """EBS snapshots owned by the account.

    Args:
        aws: ``AwsClients``.
        region: region to read.
        account_key: account to reach (None = primary).
        account: account id for labels.
    """
    client = aws.client("ec2", region, account_key)
    owner = {"Filters": [{"Name": "owner-id", "Values": [account]}]} if account else {}
    for raw in _pages(client, "describe_snapshots", "Snapshots", OwnerIds=["self"], **owner):
        if account and raw.get("OwnerId") not in (None, account):
            continue
        tags = _tags(raw.get("Tags"))
        yield CostResource(
            kind="ebs_snapshot",
            resource_id=raw["SnapshotId"],
            region=region,
            name=tags.get("Name"),
            account=account,
            account_key=account_key,
            state=raw.get("State"),
            tags=tags,
            created=raw.get("StartTime"),
            size_gb=Decimal(raw.get("VolumeSize", 0)),
            attached_to=raw.get("VolumeId"),
        )


def read_addresses(
    aws: Any, region: str, account_key: str | None, account: str | None
) -> Iterator[CostResource]:
    """Elastic IPs; ``attached_to`` is the association (instance, interface) or None.

    Args:
        aws: ``AwsClients``.
        region: region to read.
        account_key: account to reach (None = primary).
        account: account id for labels.
    """
    client = aws.client("ec2", region, account_key)
    for raw in client.describe_addresses().get("Addresses", []):
        tags = _tags(raw.get("Tags"))
        association = raw.get("AssociationId") and (
            raw.get("InstanceId") or raw.get("NetworkInterfaceId") or raw["AssociationId"]
        )
        yield CostResource(
            kind="elastic_ip",
            resource_id=raw.get("AllocationId") or raw["PublicIp"],
            region=region,
            name=tags.get("Name"),
            account=account,
            account_key=account_key,
            state="associated" if association else "unassociated",
            tags=tags,
            public_ip=raw.get("PublicIp"),
            attached_to=association or None,
        )


def read_databases(
    aws: Any, region: str, account_key: str | None, account: str | None
) -> Iterator[CostResource]:
    """RDS DB instances.

    Args:
        aws: ``AwsClients``.
        region: region to read.
        account_key: account to reach (None = primary).
        account: account id for labels.
    """
    client = aws.client("rds", region, account_key)
    for raw in _pages(client, "describe_db_instances", "DBInstances"):
        tags = _tags(raw.get("TagList"))
        yield CostResource(
            kind="rds_instance",
            resource_id=raw["DBInstanceIdentifier"],
            region=region,
            name=raw["DBInstanceIdentifier"],
            account=account,
            account_key=account_key,
            state=raw.get("DBInstanceStatus"),
            tags=tags,
            created=raw.get("InstanceCreateTime"),
            instance_type=raw["DBInstanceClass"],
            engine=raw.get("Engine", "postgres"),
            multi_az=bool(raw.get("MultiAZ")),
            volume_type=raw.get("StorageType", "gp2"),
            size_gb=Decimal(raw.get("AllocatedStorage", 0)),
            iops=raw.get("Iops"),
        )


def read_nat_gateways(
    aws: Any, region: str, account_key: str | None, account: str | None
) -> Iterator[CostResource]:
    """NAT gateways that are not deleted.

    Args:
        aws: ``AwsClients``.
        region: region to read.
        account_key: account to reach (None = primary).
        account: account id for labels.
    """
    client = aws.client("ec2", region, account_key)
    for raw in _pages(client, "describe_nat_gateways", "NatGateways"):
        if raw.get("State") in ("deleted", "deleting", "failed"):
            continue
        tags = _tags(raw.get("Tags"))
        yield CostResource(
            kind="nat_gateway",
            resource_id=raw["NatGatewayId"],
            region=region,
            name=tags.get("Name"),
            account=account,
            account_key=account_key,
            state=raw.get("State"),
            tags=tags,
            created=raw.get("CreateTime"),
            attached_to=raw.get("VpcId"),
        )


def read_load_balancers(
    aws: Any, region: str, account_key: str | None, account: str | None
) -> Iterator[CostResource]:
    """Application, network and gateway load balancers.

    Args:
        aws: ``AwsClients``.
        region: region to read.
        account_key: account to reach (None = primary).
        account: account id for labels.
    """
    client = aws.client("elbv2", region, account_key)
    balancers = list(_pages(client, "describe_load_balancers", "LoadBalancers"))
    tags = _balancer_tags(client, [b["LoadBalancerArn"] for b in balancers])
    for raw in balancers:
        yield CostResource(
            tags=tags.get(raw["LoadBalancerArn"], {}),
            kind="load_balancer",
            resource_id=raw["LoadBalancerArn"],
            region=region,
            name=raw.get("LoadBalancerName"),
            account=account,
            account_key=account_key,
            state=(raw.get("State") or {}).get("Code"),
            created=raw.get("CreatedTime"),
            volume_type=raw.get("Type", "application"),
            attached_to=raw.get("VpcId"),
        )


def _balancer_tags(client: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for i in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
        for entry in client.describe_tags(ResourceArns=arns[i : i + 20])["TagDescriptions"]:
            found[entry["ResourceArn"]] = _tags(entry.get("Tags"))
    return found


READERS: tuple[Reader, ...] = (
    read_instances,
    read_volumes,
    read_snapshots,
    read_addresses,
    read_databases,
    read_nat_gateways,
    read_load_balancers,
)


def account_id(ctx: ToolContext, account_key: str | None) -> str | None:
    """The 12-digit id of an account (None when STS cannot say).

    Args:
        ctx: tool context.
        account_key: account to reach (None = primary).
    """
    if account_key is not None:
        return account_key
    try:
        identity = ctx.aws.client("sts", ctx.aws.regions()[0], None).get_caller_identity()
    except Exception:  # identity is a label only; the resources still count
        return None
    return str(identity["Account"])


def collect(
    ctx: ToolContext, regions: list[str] | None = None, readers: tuple[Reader, ...] = READERS
) -> list[CostResource]:
    """Every billable resource in every account and region, read in parallel.

    Args:
        ctx: tool context.
        regions: regions to read (default: the configured ones).
        readers: which resource kinds to read.
    """
    ids = {key: account_id(ctx, key) for key in ctx.aws.accounts()}
    jobs = [
        (reader, region, key, ids[key])
        for key in ids
        for region in (regions or ctx.aws.regions())
        for reader in readers
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        batches = pool.map(lambda job: list(job[0](ctx.aws, job[1], job[2], job[3])), jobs)
        return [resource for batch in batches for resource in batch]
