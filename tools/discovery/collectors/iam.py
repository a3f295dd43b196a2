"""IAM (global per account): roles and the instance profiles that hand them to instances."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader, rel
from tools.discovery.resource_models import GLOBAL_REGION, Resource

SERVICE = "iam"


@reader("iam:ListRoles", "iam:ListRoleTags", "iam:ListInstanceProfiles", is_global=True)
def collect(scope: Scope) -> list[Resource]:
    """Every role and instance profile of the account.

    Args:
        scope: account (IAM is global).
    """
    iam = scope.client("iam")
    resources = [_role(scope, iam, r) for r in paginate(iam, "list_roles", "Roles")]
    profiles = paginate(iam, "list_instance_profiles", "InstanceProfiles")
    resources += [_profile(scope, p) for p in profiles]
    return resources


def _role(scope: Scope, iam: Any, item: dict[str, Any]) -> Resource:
    document = item.get("AssumeRolePolicyDocument") or {}
    principals = []
    for statement in document.get("Statement", []) if isinstance(document, dict) else []:
        principal = statement.get("Principal", {})
        if isinstance(principal, dict):
            for value in principal.values():
                principals.extend(value if isinstance(value, list) else [value])
    config = {
        "path": item.get("Path"),
        "created": item.get("CreateDate"),
        "trusted_principals": sorted(str(p) for p in principals),
        "description": item.get("Description"),
    }
    # ListRoles does not return tags; ListRoleTags is one call per role (50 tags at most).
    tags = tag_dict(list(paginate(iam, "list_role_tags", "Tags", RoleName=item["RoleName"])))
    return make(
        scope,
        SERVICE,
        "iam:role",
        item["Arn"],
        item["RoleName"],
        name=item["RoleName"],
        tags=tags,
        region=GLOBAL_REGION,
        state="active",
        config=config,
    )


def _profile(scope: Scope, item: dict[str, Any]) -> Resource:
    arn = item["Arn"]
    roles = item.get("Roles", [])
    return make(
        scope,
        SERVICE,
        "iam:instance-profile",
        arn,
        item["InstanceProfileName"],
        name=item["InstanceProfileName"],
        region=GLOBAL_REGION,
        state="active",
        config={"roles": [r["RoleName"] for r in roles]},
        relations=[rel(arn, "ASSUMES", r["Arn"]) for r in roles],
    )


SPEC = CollectorSpec.of(SERVICE, collect)
