"""What a deployed stack is, as discovery sees it: the stack's resources found in the inventory,
priced at list price (so what was costed can be compared with what was deployed)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tools.architecture.stack import stack_resources
from tools.context import ToolContext
from tools.cost.estimate_models import CostResource
from tools.cost.estimator import estimate
from tools.discovery.scan import run_scan
from tools.discovery.store import InventoryStore, StoredResource

SERVICES = (
    "vpc",
    "ec2",
    "elbv2",
    "rds",
    "ecs",
    "s3",
    "lambda",
    "dynamodb",
    "elasticache",
    "iam",
)
DISCOVERY_TYPES = {
    "AWS::EC2::VPC": "ec2:vpc",
    "AWS::EC2::Subnet": "ec2:subnet",
    "AWS::EC2::SecurityGroup": "ec2:security-group",
    "AWS::EC2::NatGateway": "ec2:nat-gateway",
    "AWS::EC2::InternetGateway": "ec2:internet-gateway",
    "AWS::EC2::RouteTable": "ec2:route-table",
    "AWS::EC2::VPCEndpoint": "ec2:vpc-endpoint",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "elbv2:load-balancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "elbv2:target-group",
    "AWS::RDS::DBInstance": "rds:db-instance",
    "AWS::S3::Bucket": "s3:bucket",
    "AWS::Lambda::Function": "lambda:function",
    "AWS::DynamoDB::Table": "dynamodb:table",
    "AWS::ECS::Service": "ecs:service",
    "AWS::IAM::Role": "iam:role",
}
"""CloudFormation type -> discovery type, for the types discovery collects."""


@dataclass(frozen=True)
class Seen:
    """One billable resource of the stack that discovery found.

    Attributes:
        kind: cost kind (``ec2_instance``...).
        detail: type or size (matches the estimate's ``BillableResource.detail``).
        resource_id: its id.
        fixed_monthly: its list-price run-rate while it exists.
    """

    kind: str
    detail: str
    resource_id: str
    fixed_monthly: Decimal


def scan_region(ctx: ToolContext, region: str) -> None:
    """Refresh discovery's inventory of ``region`` (the services a stack can contain).

    Args:
        ctx: tool context.
        region: AWS region.
    """
    run_scan(ctx, regions=[region], services=SERVICES)


def inventory_by_id(ctx: ToolContext, region: str) -> dict[str, StoredResource]:
    """The inventory of ``region`` keyed by provider id (and ARN).

    Args:
        ctx: tool context.
        region: AWS region.
    """
    found: dict[str, StoredResource] = {}
    store = InventoryStore(ctx.db)
    for item in [*store.search(region=region), *store.search(type="iam")]:
        found[item.resource_id] = item
        found[item.arn] = item
    return found


def _fixed(resource: CostResource) -> Decimal:
    priced = estimate(resource)
    hourly = {"hour", "GB-month", "vCPU-hour", "GB-hour", "IOPS-month"}
    return sum((i.monthly_usd for i in priced.line_items if i.unit in hourly), Decimal(0))


def _instances(inventory: dict[str, StoredResource], group: str) -> list[StoredResource]:
    seen = {r.arn: r for r in inventory.values()}
    return [
        r
        for r in seen.values()
        if r.type == "ec2:instance"
        and r.tags.get("aws:autoscaling:groupName") == group
        and r.state == "running"
    ]


def billable(ctx: ToolContext, region: str, stack: str) -> tuple[list[Seen], list[str]]:
    """The stack's billable resources discovery found, and the stack resources it did not find.

    Args:
        ctx: tool context.
        region: the stack's region.
        stack: stack name or id.
    """
    cfn = ctx.aws.client("cloudformation", region)
    inventory = inventory_by_id(ctx, region)
    found: list[Seen] = []
    missing: list[str] = []
    for item in stack_resources(cfn, stack):
        physical, kind = item.get("PhysicalResourceId") or "", item["ResourceType"]
        seen = _priced(region, kind, physical, inventory)
        if seen is None and kind in DISCOVERY_TYPES and not _present(physical, inventory):
            missing.append(f"{item['LogicalResourceId']} ({kind} {physical})")
        found += seen or []
    return found, missing


def _present(physical: str, inventory: dict[str, StoredResource]) -> bool:
    return physical in inventory or any(
        physical and r.arn.endswith(physical) for r in inventory.values()
    )


def _priced(
    region: str, kind: str, physical: str, inventory: dict[str, StoredResource]
) -> list[Seen] | None:
    if kind == "AWS::AutoScaling::AutoScalingGroup":
        return [
            seen
            for instance in _instances(inventory, physical)
            for seen in _instance_costs(region, instance, inventory)
        ]
    if kind == "AWS::EC2::EIP":
        address = next(
            (
                r
                for r in inventory.values()
                if r.type == "ec2:elastic-ip" and r.config.get("public_ip") == physical
            ),
            None,
        )
        if address is None:
            return None
        ip = CostResource(kind="elastic_ip", region=region, resource_id=address.resource_id)
        return [Seen("elastic_ip", "elastic_ip", address.resource_id, _fixed(ip))]
    item = inventory.get(physical) or next(
        (r for r in inventory.values() if physical and r.arn.endswith(physical)), None
    )
    if item is None:
        return None
    resource = _cost_resource(region, item)
    if resource is None:
        return []
    return [
        Seen(
            resource.kind,
            str(resource.instance_type or resource.volume_type or resource.kind),
            item.resource_id,
            _fixed(resource),
        )
    ]


def _instance_costs(
    region: str, instance: StoredResource, inventory: dict[str, StoredResource]
) -> list[Seen]:
    config = instance.config
    machine = CostResource(
        kind="ec2_instance",
        region=region,
        instance_type=config["instance_type"],
        resource_id=instance.resource_id,
    )
    seen = [
        Seen("ec2_instance", str(config["instance_type"]), instance.resource_id, _fixed(machine))
    ]
    root = inventory.get(str(config.get("root_volume_id")))
    if root is not None:
        volume = CostResource(
            kind="ebs_volume",
            region=region,
            volume_type=root.config.get("volume_type"),
            size_gb=Decimal(root.config.get("size_gb") or 0),
            resource_id=root.resource_id,
        )
        seen.append(Seen("ebs_volume", str(volume.volume_type), root.resource_id, _fixed(volume)))
    return seen


def _cost_resource(region: str, item: StoredResource) -> CostResource | None:
    config: dict[str, Any] = item.config
    if item.type == "ec2:nat-gateway":
        return CostResource(kind="nat_gateway", region=region, resource_id=item.resource_id)
    if item.type == "elbv2:load-balancer":
        return CostResource(
            kind="load_balancer", region=region, volume_type=config.get("type") or "application"
        )
    if item.type == "rds:db-instance" and not config.get("cluster"):
        return CostResource(
            kind="rds_instance",
            region=region,
            instance_type=config.get("instance_class"),
            engine=config.get("engine"),
            multi_az=bool(config.get("multi_az")),
            volume_type=config.get("storage_type") or "gp2",
            size_gb=Decimal(config.get("allocated_storage_gb") or 0),
        )
    return None


def stray_volumes(ctx: ToolContext, region: str, instances: list[str]) -> list[StoredResource]:
    """Volumes attached to the stack's instances other than their root volume.

    Args:
        ctx: tool context.
        region: AWS region.
        instances: the stack's instance ids.
    """
    inventory = inventory_by_id(ctx, region)
    roots = {str(inventory[i].config.get("root_volume_id")) for i in instances if i in inventory}
    volumes = {r.arn: r for r in inventory.values() if r.type == "ec2:volume"}.values()
    return [
        v
        for v in volumes
        if set(v.config.get("attached_to") or []) & set(instances) and v.resource_id not in roots
    ]
