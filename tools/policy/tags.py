"""A target's tags, read where the policy needs them (environment, owner and tag rules).

EC2 resources (instances, volumes, Elastic IPs) carry their tags in EC2's ``DescribeTags``; a
target of another kind, or one whose tags cannot be read, has none, so rules on tags simply do
not match it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from core.aws_read import tag_dict
from tools.context import ToolContext
from tools.plan import ResourceChange
from tools.policy.facts import TagSource

log = logging.getLogger(__name__)
EC2_PREFIXES = ("i-", "vol-", "eipalloc-", "snap-", "sg-", "vpc-", "subnet-")


def target_tags(context_for: Callable[[str], ToolContext]) -> TagSource:
    """A tag reader acting as the policy (``system``).

    Args:
        context_for: builds a tool context for a user (its AWS clients are used).
    """

    def read(change: ResourceChange) -> dict[str, str]:
        if not change.resource_id.startswith(EC2_PREFIXES):
            return {}
        aws = context_for("system").aws
        account = change.account if change.account in aws.accounts() else None
        try:
            ec2 = aws.client("ec2", change.region, account)
            filters = [{"Name": "resource-id", "Values": [change.resource_id]}]
            found = ec2.describe_tags(Filters=filters).get("Tags", [])
        except (BotoCoreError, ClientError, KeyError, ValueError) as error:
            log.warning("tags of %s could not be read: %s", change.resource_id, error)
            return {}
        return tag_dict(found)

    return read
