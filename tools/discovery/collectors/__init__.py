"""One collector module per AWS service; ``COLLECTORS`` lists them in scan order, the ones that
usually have the most to read first (a scan starts them first)."""

from __future__ import annotations

from tools.discovery.collectors import (
    apigateway,
    awslambda,
    dynamodb,
    ec2,
    ecs,
    elasticache,
    elbv2,
    iam,
    rds,
    s3,
    vpc,
)
from tools.discovery.collectors.base import CollectorSpec, Scope

COLLECTORS: dict[str, CollectorSpec] = {
    spec.name: spec
    for spec in (
        ec2.SPEC,
        vpc.SPEC,
        elbv2.SPEC,
        rds.SPEC,
        s3.SPEC,
        awslambda.SPEC,
        iam.SPEC,
        ecs.SPEC,
        dynamodb.SPEC,
        elasticache.SPEC,
        apigateway.SPEC,
    )
}
"""Every collector by name."""

__all__ = ["COLLECTORS", "CollectorSpec", "Scope"]
