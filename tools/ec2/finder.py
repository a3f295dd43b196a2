"""Find instances by id, Name tag or filters across accounts and regions, in parallel."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from core.aws import check_region
from tools.context import ToolContext
from tools.ec2.models import Instance
from tools.errors import Ambiguous, InvalidInput, NotFound

INSTANCE_ID = re.compile(r"^i-[0-9a-f]{8,17}$")


def _tags(raw: Iterable[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in raw or []}


def to_instance(
    raw: dict[str, Any], region: str, account: str | None, account_key: str | None = None
) -> Instance:
    """Normalise one ``describe_instances`` item.

    Args:
        raw: the instance dict from EC2.
        region: where it was found.
        account: the account id it belongs to.
        account_key: how ``AwsClients`` reaches that account (None = primary).
    """
    tags = _tags(raw.get("Tags"))
    mappings = raw.get("BlockDeviceMappings", [])
    return Instance(
        instance_id=raw["InstanceId"],
        name=tags.get("Name"),
        state=raw["State"]["Name"],
        instance_type=raw["InstanceType"],
        region=region,
        account=account,
        availability_zone=raw.get("Placement", {}).get("AvailabilityZone"),
        private_ip=raw.get("PrivateIpAddress"),
        public_ip=raw.get("PublicIpAddress"),
        vpc_id=raw.get("VpcId"),
        subnet_id=raw.get("SubnetId"),
        launch_time=raw.get("LaunchTime"),
        security_groups=[g["GroupName"] for g in raw.get("SecurityGroups", [])],
        volumes=[m["Ebs"]["VolumeId"] for m in mappings if "Ebs" in m],
        tags=tags,
        account_key=account_key,
    )


def _describe(
    ctx: ToolContext, region: str, account: str | None, filters: list[dict[str, Any]]
) -> list[Instance]:
    client = ctx.aws.client("ec2", region, account)
    owner = account
    found: list[Instance] = []
    for page in client.get_paginator("describe_instances").paginate(Filters=filters):
        for reservation in page["Reservations"]:
            owner = reservation.get("OwnerId", owner)
            found.extend(
                to_instance(raw, region, owner, account) for raw in reservation["Instances"]
            )
    return found


def search(ctx: ToolContext, regions: list[str], filters: list[dict[str, Any]]) -> list[Instance]:
    """Instances matching EC2 ``filters`` in every account and the given regions.

    Args:
        ctx: tool context.
        regions: regions to search.
        filters: EC2 API filters.
    """
    jobs = [(region, account) for account in ctx.aws.accounts() for region in regions]
    with ThreadPoolExecutor(max_workers=min(8, len(jobs) or 1)) as pool:
        futures = [pool.submit(_describe, ctx, r, a, filters) for r, a in jobs]
        found = [instance for future in futures for instance in future.result()]
    return sorted(found, key=lambda i: (i.region, i.name or "", i.instance_id))


def regions_for(ctx: ToolContext, region: str | None) -> list[str]:
    """The region asked for (validated), or every configured region.

    Args:
        ctx: tool context.
        region: a region name or ``None``.
    """
    if region:
        try:
            return [check_region(region)]
        except ValueError as error:
            raise InvalidInput(str(error)) from error
    return ctx.aws.regions()


def name_filter(name: str) -> list[dict[str, Any]]:
    """EC2 filter for a Name tag; ``*`` wildcards are passed through.

    Args:
        name: exact name or pattern.
    """
    return [{"Name": "tag:Name", "Values": [name]}]


def resolve(ctx: ToolContext, target: str, region: str | None) -> Instance:
    """Exactly one live instance for ``target`` (an id or a Name tag).

    Args:
        ctx: tool context.
        target: instance id or Name tag.
        region: restrict to this region.
    """
    regions = regions_for(ctx, region)
    if INSTANCE_ID.match(target):
        matches = _by_id(ctx, target, regions)
    else:
        filters = [*name_filter(target), _live_states()]
        matches = search(ctx, regions, filters)
        if not matches:
            matches = _case_insensitive(ctx, target, regions)
    where = f" in {region}" if region else ""
    if not matches:
        raise NotFound(f"I couldn't find an instance called '{target}'{where}.")
    if len(matches) > 1:
        choices = [f"{m.label} in {m.region} ({m.state})" for m in matches]
        raise Ambiguous(
            f"{len(matches)} instances match '{target}'{where}. Which one did you mean?", choices
        )
    return matches[0]


def _live_states() -> dict[str, Any]:
    live = ["pending", "running", "stopping", "stopped"]
    return {"Name": "instance-state-name", "Values": live}


def _by_id(ctx: ToolContext, instance_id: str, regions: list[str]) -> list[Instance]:
    try:
        return search(ctx, regions, [{"Name": "instance-id", "Values": [instance_id]}])
    except ClientError as error:
        if "InvalidInstanceID" in str(error):
            return []
        raise


def _case_insensitive(ctx: ToolContext, target: str, regions: list[str]) -> list[Instance]:
    everything = search(ctx, regions, [_live_states()])
    lowered = target.lower()
    return [i for i in everything if (i.name or "").lower() == lowered] or [
        i for i in everything if fnmatch.fnmatch((i.name or "").lower(), lowered)
    ]


def resolve_all(ctx: ToolContext, targets: list[str], region: str | None) -> list[Instance]:
    """Resolve each target; duplicates (same instance named twice) are dropped.

    Args:
        ctx: tool context.
        targets: ids or names.
        region: restrict to this region.
    """
    found: dict[str, Instance] = {}
    for target in targets:
        instance = resolve(ctx, target, region)
        found.setdefault(instance.instance_id, instance)
    return list(found.values())
