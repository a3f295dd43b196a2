"""Find EBS volumes and Elastic IPs by id, Name tag or address, across accounts and regions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from core.aws import check_region
from tools.context import ToolContext
from tools.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Found:
    """One resource found, with where it lives.

    Attributes:
        raw: the item as EC2 described it.
        region: its region.
        account_key: how ``AwsClients`` reaches its account (None = primary).
        name: its Name tag, if any.
    """

    raw: dict[str, Any]
    region: str
    account_key: str | None
    name: str | None

    def label(self, resource_id: str) -> str:
        """``name (id)`` or the id alone.

        Args:
            resource_id: the id to show.
        """
        return f"{self.name} ({resource_id})" if self.name else resource_id


def search_regions(ctx: ToolContext, region: str | None) -> list[str]:
    """The region asked for (validated) or every configured region.

    Args:
        ctx: tool context.
        region: a region name or None.
    """
    if region is None:
        return ctx.aws.regions()
    try:
        return [check_region(region)]
    except ValueError as error:
        raise InvalidInput(str(error)) from error


def _name(raw: dict[str, Any]) -> str | None:
    return next((t["Value"] for t in raw.get("Tags") or [] if t["Key"] == "Name"), None)


def _volumes(client: Any, target: str) -> list[dict[str, Any]]:
    if target.startswith("vol-"):
        try:
            pages = client.get_paginator("describe_volumes").paginate(VolumeIds=[target])
            return [v for page in pages for v in page["Volumes"]]
        except ClientError as error:
            if "NotFound" in str(error):
                return []
            raise
    filters = [{"Name": "tag:Name", "Values": [target]}]
    pages = client.get_paginator("describe_volumes").paginate(Filters=filters)
    return [v for page in pages for v in page["Volumes"]]


def _addresses(client: Any, target: str) -> list[dict[str, Any]]:
    if target.startswith("eipalloc-"):
        filters = [{"Name": "allocation-id", "Values": [target]}]
    elif target.replace(".", "").isdigit():
        filters = [{"Name": "public-ip", "Values": [target]}]
    else:
        filters = [{"Name": "tag:Name", "Values": [target]}]
    addresses: list[dict[str, Any]] = client.describe_addresses(Filters=filters)["Addresses"]
    return addresses


def find_one(ctx: ToolContext, kind: str, target: str, region: str | None) -> Found:
    """Exactly one volume (``kind="volume"``) or Elastic IP (``kind="address"``).

    Args:
        ctx: tool context.
        kind: ``volume`` or ``address``.
        target: id, Name tag (or public IP for addresses).
        region: restrict to this region.
    """
    lookup = _volumes if kind == "volume" else _addresses
    found = [
        Found(raw, r, key, _name(raw))
        for key in ctx.aws.accounts()
        for r in search_regions(ctx, region)
        for raw in lookup(ctx.aws.client("ec2", r, key), target)
    ]
    noun = "EBS volume" if kind == "volume" else "Elastic IP"
    if not found:
        where = f" in {region}" if region else ""
        raise NotFound(f"I couldn't find an {noun} called '{target}'{where}.")
    if len(found) > 1:
        places = ", ".join(f"{f.region}/{f.account_key or 'primary'}" for f in found)
        raise InvalidInput(f"{len(found)} {noun}s match '{target}' ({places}); use the id.")
    return found[0]
