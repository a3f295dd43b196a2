"""S3 buckets (global per account) with public-access block, encryption, ACL and tags."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from core.aws_read import paginate, tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader
from tools.discovery.resource_models import Resource

SERVICE = "s3"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
ABSENT = {
    "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchTagSet",
    "NoSuchBucketPolicy",
    "NotImplemented",
}


@reader(
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketTagging",
    "s3:GetBucketAcl",
    "s3:GetBucketPolicyStatus",
    is_global=True,
)
def collect(scope: Scope) -> list[Resource]:
    """Every bucket of the account, each placed in its own region.

    Args:
        scope: account (the region only picks the endpoint).
    """
    s3 = scope.client("s3")
    return [_bucket(scope, s3, b) for b in paginate(s3, "list_buckets", "Buckets")]


def _optional(call: Any, **params: Any) -> dict[str, Any] | None:
    """The response, or None when the bucket simply has no such configuration."""
    try:
        response: dict[str, Any] = call(**params)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ABSENT:
            return None
        raise
    return response


def _bucket(scope: Scope, s3: Any, item: dict[str, Any]) -> Resource:
    name = item["Name"]
    location = _optional(s3.get_bucket_location, Bucket=name) or {}
    region = location.get("LocationConstraint") or "us-east-1"
    block = (_optional(s3.get_public_access_block, Bucket=name) or {}).get(
        "PublicAccessBlockConfiguration", {}
    )
    encryption = _optional(s3.get_bucket_encryption, Bucket=name) or {}
    rules = (encryption.get("ServerSideEncryptionConfiguration") or {}).get("Rules", [])
    tags = tag_dict((_optional(s3.get_bucket_tagging, Bucket=name) or {}).get("TagSet"))
    acl = _optional(s3.get_bucket_acl, Bucket=name) or {}
    public_acl = any(
        (g.get("Grantee") or {}).get("URI") == ALL_USERS for g in acl.get("Grants", [])
    )
    policy = _optional(s3.get_bucket_policy_status, Bucket=name) or {}
    public_policy = bool((policy.get("PolicyStatus") or {}).get("IsPublic"))
    fully_blocked = bool(block) and all(block.values())
    config = {
        "created": item.get("CreationDate"),
        "public_access_block": block or None,
        "encryption": [
            (r.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") for r in rules
        ],
        "public_acl": public_acl,
        "public_policy": public_policy,
        "public": (public_acl or public_policy) and not fully_blocked,
    }
    return make(
        scope,
        SERVICE,
        "s3:bucket",
        f"arn:aws:s3:::{name}",
        name,
        name=name,
        region=region,
        tags=tags,
        state="active",
        config=config,
    )


SPEC = CollectorSpec.of(SERVICE, collect)
