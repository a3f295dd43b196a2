"""The IAM actions the playbooks read with, light to import (the registry declares them for
``alerts.investigate`` without loading the playbooks)."""

from __future__ import annotations

from tools.cost import actuals, changes
from tools.iam import needs

PERMISSIONS = needs(
    "cloudwatch:GetMetricData", "cloudtrail:LookupEvents", "ec2:DescribeInstances",
    "ec2:DescribeInstanceStatus", "ec2:DescribeSecurityGroups",
    "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeScalingActivities", "rds:DescribeDBInstances",
    "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
    "lambda:GetFunctionConfiguration", "lambda:GetFunctionConcurrency",
    actuals.PERMISSIONS, changes.PERMISSIONS,
)  # fmt: skip
"""IAM actions the playbooks read with (all read-only); a missing one shows as not checked."""
