"""The IAM policy CloudFabric needs, derived from the permissions its tools declare."""

from __future__ import annotations

from typing import Any

from tools.registry import Registry


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
