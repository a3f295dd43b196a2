"""IAM: the actions a tool needs, derived from what it runs, and the policy CloudFabric ships.

Readers (``tools.discovery.collectors``) and actions declare the IAM actions of the calls they
make, next to the calls; a tool's ``permissions`` is built from the pieces it runs with ``needs``.
``iam_action`` is the one mapping from an API operation to the IAM action that allows it: the
permissions test records every call each tool makes on moto and checks it through this mapping.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tools.registry import Registry

IAM_PREFIXES: dict[str, str] = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
}
"""boto3 service names whose IAM prefix differs from the name."""

IAM_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
}
"""Operations whose IAM action is not ``<prefix>:<operation>``."""

HTTP_VERB_SERVICES = frozenset({"apigateway"})
"""Services authorised by HTTP verb (``apigateway:GET``), not by operation."""

PARAMETER_ACTIONS: dict[tuple[str, str], str] = {
    ("ec2", "TagSpecifications"): "ec2:CreateTags",
    ("rds", "Tags"): "rds:AddTagsToResource",
}
"""Parameters that need an IAM action of their own: EC2 and RDS tag what they create (tag on
create) only with ``ec2:CreateTags`` / ``rds:AddTagsToResource`` as well."""


class Declares(Protocol):
    """Anything that declares the IAM actions of its calls (a reader, a collector)."""

    @property
    def permissions(self) -> tuple[str, ...]:
        """IAM actions of its calls."""
        ...


def iam_actions(
    service: str, operation: str, params: Mapping[str, Any] | None = None
) -> tuple[str, ...]:
    """Every IAM action one API call needs: its own, and those its parameters add.

    Args:
        service: boto3 service name (``ec2``, ``elbv2``, ``s3``...).
        operation: API operation name as botocore names it (``CreateSnapshot``).
        params: the call's parameters (``TagSpecifications=...`` adds ``ec2:CreateTags``).
    """
    added = [
        a for (s, name), a in PARAMETER_ACTIONS.items() if s == service and name in (params or {})
    ]
    return (iam_action(service, operation), *added)


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows one API call.

    Args:
        service: boto3 service name (``ec2``, ``elbv2``, ``s3``...).
        operation: API operation name as botocore names it (``DescribeInstances``).
    """
    if service in HTTP_VERB_SERVICES:
        return f"{service}:{_http_method(service, operation)}"
    exception = IAM_EXCEPTIONS.get((service, operation))
    if exception is not None:
        return exception
    return f"{IAM_PREFIXES.get(service, service)}:{operation}"


@functools.cache
def _http_method(service: str, operation: str) -> str:
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    return str(model.operation_model(operation).http["method"]).upper()


def needs(*sources: str | Declares | Iterable[str]) -> tuple[str, ...]:
    """The IAM actions of everything a tool runs, once each, in the order given.

    Args:
        sources: IAM actions, collections of them, or anything with ``permissions``.
    """
    actions: list[str] = []
    for source in sources:
        if isinstance(source, str):
            actions.append(source)
        elif hasattr(source, "permissions"):
            actions.extend(source.permissions)
        else:
            actions.extend(source)
    return tuple(dict.fromkeys(actions))


def policy_document(registry: Registry) -> dict[str, Any]:
    """An IAM policy with one statement for read-only tools and one for approved actions.

    Args:
        registry: the tools whose permissions are collected.
    """
    read: set[str] = set()
    write: set[str] = set()
    for spec in registry.all():
        (write if spec.mutating else read).update(spec.permissions)
    write -= read
    statements = [
        {"Sid": "CloudFabricReadOnly", "Effect": "Allow", "Action": sorted(read), "Resource": "*"}
    ]
    if write:
        statements.append(
            {
                "Sid": "CloudFabricApprovedActions",
                "Effect": "Allow",
                "Action": sorted(write),
                "Resource": "*",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


CLOUDFABRIC_PRINCIPAL = "arn:aws:iam::<cloudfabric-account-id>:role/<cloudfabric-role>"
"""Placeholder for the principal CloudFabric runs as (its base credentials), in shipped files."""
ACTION_ROLE_PATTERN = "arn:aws:iam::*:role/CloudFabricAction"
"""The action roles CloudFabric's principal may enter (one per account, by convention)."""
NOT_THE_ACTION_ROLES = frozenset({"sts:AssumeRole", "sts:GetCallerIdentity"})
"""Actions of mutating tools the action role itself does not need: accounts are entered from
CloudFabric's own credentials, and AWS answers GetCallerIdentity to anyone."""


def action_role_permissions(permissions: Iterable[str]) -> tuple[str, ...]:
    """The IAM actions the action role needs of a mutating tool's ``permissions``.

    Args:
        permissions: the tool's declared IAM actions.
    """
    return tuple(a for a in dict.fromkeys(permissions) if a not in NOT_THE_ACTION_ROLES)


def action_role_trust_policy(principal: str = CLOUDFABRIC_PRINCIPAL) -> dict[str, Any]:
    """Who may enter the action role: CloudFabric's principal, naming a source identity.

    ``sts:SetSourceIdentity`` lets the executor set the approver as ``SourceIdentity`` (CloudTrail
    shows it on every call of the session, and it cannot be changed afterwards);
    ``sts:TagSession`` lets it tag the session with every approver. The condition refuses an
    AssumeRole that names nobody.

    Args:
        principal: ARN of the role or user CloudFabric's base credentials belong to.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudFabricActsForItsApprover",
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
                "Condition": {"Null": {"sts:SourceIdentity": "false"}},
            }
        ],
    }


def action_role_documents(registry: Registry) -> dict[str, Any]:
    """The action role (its trust policy and the approved actions), and what CloudFabric's own
    principal needs to enter it and to ask the policy simulator about it (pre-flight).

    Args:
        registry: the mutating tools whose permissions the role is given.
    """
    actions = sorted(
        {
            a
            for spec in registry.all()
            if spec.mutating
            for a in action_role_permissions(spec.permissions)
        }
    )
    entry = ["iam:SimulatePrincipalPolicy", "sts:AssumeRole", "sts:SetSourceIdentity"]
    return {
        "AssumeRolePolicyDocument": action_role_trust_policy(),
        "Policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudFabricApprovedActions",
                    "Effect": "Allow",
                    "Action": actions,
                    "Resource": "*",
                }
            ],
        },
        "CallerPolicy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudFabricEntersActionRoles",
                    "Effect": "Allow",
                    "Action": [*entry, "sts:TagSession"],
                    "Resource": ACTION_ROLE_PATTERN,
                }
            ],
        },
    }
