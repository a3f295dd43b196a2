"""Find instances, EBS volumes and Elastic IPs by id, Name tag or address, across accounts and
regions, with discovery's readers (live, narrowed by EC2 filters)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Literal

from tools.context import ToolContext
from tools.discovery.collectors import ec2
from tools.discovery.read import account_key, permissions, read, regions_for
from tools.discovery.resource_models import Resource
from tools.ec2.models import Instance
from tools.errors import Ambiguous, InvalidInput, NotFound

INSTANCE_ID = re.compile(r"^i-[0-9a-f]{8,17}$")
LIVE_STATES = ["pending", "running", "stopping", "stopped"]
INSTANCE_PERMISSIONS = permissions(ec2.instances)
"""IAM actions of finding instances."""
VOLUME_PERMISSIONS = permissions(ec2.volumes)
"""IAM actions of finding EBS volumes."""
ADDRESS_PERMISSIONS = permissions(ec2.addresses)
"""IAM actions of finding Elastic IPs."""


def to_instance(resource: Resource, key: str | None = None) -> Instance:
    """The EC2 tools' view of an instance discovery read.

    Args:
        resource: an ``ec2:instance`` resource.
        key: how ``AwsClients`` reaches its account (None = primary).
    """
    config = resource.config
    return Instance(
        instance_id=resource.resource_id,
        name=resource.tags.get("Name"),
        state=str(resource.state),
        instance_type=str(config.get("instance_type")),
        region=resource.region,
        account=resource.account,
        availability_zone=config.get("availability_zone"),
        private_ip=config.get("private_ip"),
        public_ip=config.get("public_ip"),
        vpc_id=config.get("vpc_id"),
        subnet_id=config.get("subnet_id"),
        launch_time=config.get("launch_time"),
        security_groups=list(config.get("security_group_names") or []),
        volumes=list(config.get("volume_ids") or []),
        tags=resource.tags,
        account_key=key,
    )


def search(ctx: ToolContext, regions: list[str], filters: list[dict[str, Any]]) -> list[Instance]:
    """Instances matching EC2 ``filters`` in every account and the given regions.

    Args:
        ctx: tool context.
        regions: regions to search.
        filters: EC2 API filters.
    """
    found = read(ctx, [ec2.instances], regions=regions, filters=filters)
    instances = [to_instance(r, account_key(ctx, r.account)) for r in found]
    return sorted(instances, key=lambda i: (i.region, i.name or "", i.instance_id))


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
        matches = search(ctx, regions, [{"Name": "instance-id", "Values": [target]}])
    else:
        matches = search(ctx, regions, [*name_filter(target), _live_states()])
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
    return {"Name": "instance-state-name", "Values": LIVE_STATES}


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


@dataclass(frozen=True)
class Found:
    """One volume or Elastic IP found, with how to reach its account.

    Attributes:
        resource: the resource as discovery read it.
        account_key: how ``AwsClients`` reaches its account (None = primary).
    """

    resource: Resource
    account_key: str | None

    @property
    def region(self) -> str:
        """Its region."""
        return self.resource.region

    @property
    def name(self) -> str | None:
        """Its Name tag, if any."""
        return self.resource.tags.get("Name")

    @property
    def config(self) -> dict[str, Any]:
        """What discovery recorded about it."""
        return self.resource.config

    def label(self, resource_id: str) -> str:
        """``name (id)`` or the id alone.

        Args:
            resource_id: the id to show.
        """
        return f"{self.name} ({resource_id})" if self.name else resource_id


def _volume_filters(target: str) -> list[dict[str, Any]]:
    if target.startswith("vol-"):
        return [{"Name": "volume-id", "Values": [target]}]
    return name_filter(target)


def _address_filters(target: str) -> list[dict[str, Any]]:
    if target.startswith("eipalloc-"):
        return [{"Name": "allocation-id", "Values": [target]}]
    if target.replace(".", "").isdigit():
        return [{"Name": "public-ip", "Values": [target]}]
    return name_filter(target)


def find_one(
    ctx: ToolContext, kind: Literal["volume", "address"], target: str, region: str | None
) -> Found:
    """Exactly one volume (``kind="volume"``) or Elastic IP (``kind="address"``).

    Args:
        ctx: tool context.
        kind: ``volume`` or ``address``.
        target: id, Name tag (or public IP for addresses).
        region: restrict to this region.
    """
    reader, filters = (
        (ec2.volumes, _volume_filters(target))
        if kind == "volume"
        else (ec2.addresses, _address_filters(target))
    )
    regions = regions_for(ctx, region)
    found = [
        Found(r, account_key(ctx, r.account))
        for r in read(ctx, [reader], regions=regions, filters=filters)
    ]
    noun = "EBS volume" if kind == "volume" else "Elastic IP"
    if not found:
        where = f" in {region}" if region else ""
        raise NotFound(f"I couldn't find an {noun} called '{target}'{where}.")
    if len(found) > 1:
        places = ", ".join(f"{f.region}/{f.account_key or 'primary'}" for f in found)
        raise InvalidInput(f"{len(found)} {noun}s match '{target}' ({places}); use the id.")
    return found[0]
