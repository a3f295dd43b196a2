"""A target's tags, read where the policy needs them (environment, owner and tag rules).

EC2 instances, volumes and Elastic IPs carry their tags in their own describe calls (the ones
their actions' previews already make, so no new permission is needed); a target of another
kind, or one whose tags cannot be read, has none, so rules on tags do not match it (the failure
is logged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from core.aws_read import tag_dict
from tools.context import ToolContext
from tools.plan import ResourceChange
from tools.policy.facts import TagSource

log = logging.getLogger(__name__)
PERMISSIONS = ("ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeAddresses")
"""What reading the tags of the targets of EC2 actions needs."""


def _instance(ec2: Any, resource_id: str) -> list[dict[str, str]]:
    found = ec2.describe_instances(InstanceIds=[resource_id])["Reservations"]
    return [tag for r in found for i in r["Instances"] for tag in i.get("Tags", [])]


def _volume(ec2: Any, resource_id: str) -> list[dict[str, str]]:
    found = ec2.describe_volumes(VolumeIds=[resource_id])["Volumes"]
    return [tag for v in found for tag in v.get("Tags", [])]


def _address(ec2: Any, resource_id: str) -> list[dict[str, str]]:
    found = ec2.describe_addresses(AllocationIds=[resource_id])["Addresses"]
    return [tag for a in found for tag in a.get("Tags", [])]


READERS = {"i-": _instance, "vol-": _volume, "eipalloc-": _address}


def target_tags(context_for: Callable[[str], ToolContext]) -> TagSource:
    """A tag reader acting as the policy (``system``).

    Args:
        context_for: builds a tool context for a user (its AWS clients are used).
    """

    def read(change: ResourceChange) -> dict[str, str]:
        from botocore.exceptions import BotoCoreError, ClientError  # not at tool registration

        reader = next((r for p, r in READERS.items() if change.resource_id.startswith(p)), None)
        if reader is None:
            return {}
        aws = context_for("system").aws
        account = change.account if change.account in aws.accounts() else None
        try:
            ec2 = aws.client("ec2", change.region, account)
            return tag_dict(reader(ec2, change.resource_id))
        except (BotoCoreError, ClientError, KeyError, ValueError) as error:
            log.warning("tags of %s could not be read: %s", change.resource_id, error)
            return {}

    return read
