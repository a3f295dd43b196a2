"""Data the cost tools pass around: priced resources, line items, estimates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

HOURS_PER_MONTH = Decimal(730)

ResourceKind = Literal[
    "ec2_instance",
    "ebs_volume",
    "ebs_snapshot",
    "elastic_ip",
    "rds_instance",
    "nat_gateway",
    "load_balancer",
    "s3_bucket",
    "lambda_function",
    "dynamodb_table",
    "elasticache_node",
    "data_transfer",
    "fargate_task",
    "aurora_instance",
    "aurora_storage",
    "cloudfront_distribution",
    "api_gateway",
    "sqs_queue",
    "sns_topic",
]


class CostResource(BaseModel):
    """One billable resource with the facts its price depends on.

    Proposed resources (for architecture estimates) use the same shape with a made-up id.
    """

    kind: ResourceKind = Field(description="What sort of resource it is.")
    resource_id: str = Field(
        default="proposed", description="Provider id (or a label for a proposed resource)."
    )
    region: str = Field(description="AWS region code.")
    name: str | None = Field(default=None, description="Name tag, if any.")
    account: str | None = Field(default=None, description="AWS account id, when known.")
    account_key: str | None = Field(
        default=None, description="Key to reach the account with AwsClients (None = primary)."
    )
    state: str | None = Field(default=None, description="Lifecycle state (running, available...).")
    tags: dict[str, str] = Field(default_factory=dict, description="All tags.")
    created: datetime | None = Field(default=None, description="Launch or creation time.")
    instance_type: str | None = Field(
        default=None, description="EC2 type, RDS class or ElastiCache node type."
    )
    engine: str | None = Field(default=None, description="RDS or ElastiCache engine.")
    multi_az: bool = Field(default=False, description="RDS Multi-AZ deployment.")
    volume_type: str | None = Field(
        default=None, description="EBS/RDS storage type, S3 class or load balancer kind."
    )
    size_gb: Decimal = Field(default=Decimal(0), description="Storage size in GB.")
    iops: int | None = Field(default=None, description="Provisioned IOPS (gp3/io1/io2).")
    throughput_mibps: int | None = Field(default=None, description="gp3 throughput in MiB/s.")
    attached_to: str | None = Field(
        default=None, description="Instance or resource it is attached or associated to."
    )
    public_ip: str | None = Field(default=None, description="Public IPv4 address, if any.")
    arch: str | None = Field(default=None, description="Lambda architecture: x86 or arm.")
    memory_mb: int | None = Field(default=None, description="Lambda or Fargate memory in MB.")
    vcpu: Decimal | None = Field(default=None, description="Fargate task vCPU.")
    usage: dict[str, Decimal] = Field(
        default_factory=dict,
        description=(
            "Monthly usage inputs: hours, gb_processed, requests, get_requests, put_requests, "
            "avg_duration_ms, reads, writes, gb_out, tasks, lcu, io_requests."
        ),
    )

    @property
    def label(self) -> str:
        """``name (id)``, the id alone, or just the name when the id is a long ARN."""
        if self.name and self.resource_id.startswith("arn:"):
            return self.name
        return f"{self.name} ({self.resource_id})" if self.name else self.resource_id


class LineItem(BaseModel):
    """One priced quantity: quantity x unit price = monthly cost."""

    description: str = Field(description="What is charged, in words.")
    quantity: Decimal = Field(description="How many units a month.")
    unit: str = Field(description="Billing unit of the price.")
    unit_price: Decimal = Field(description="List price per unit in USD (exact).")
    monthly_usd: Decimal = Field(description="quantity x unit_price, exact.")
    as_of: str = Field(description="Publication date of the price.")


class ResourceEstimate(BaseModel):
    """The monthly run-rate of one resource."""

    resource: CostResource = Field(description="The resource priced.")
    line_items: list[LineItem] = Field(description="Every charge that makes up the total.")
    monthly_usd: Decimal = Field(description="Sum of the line items (exact).")
    assumptions: list[str] = Field(default_factory=list, description="What was assumed.")


class GroupTotal(BaseModel):
    """Run-rate of one group (an account, region, tag value or resource kind)."""

    key: str = Field(description="Group value, e.g. 'us-east-1' or 'env=prod'.")
    monthly_usd: Decimal = Field(description="Summed monthly run-rate.")
    resources: int = Field(description="How many resources are in the group.")


def money(value: Decimal) -> str:
    """Dollars with cents and thousands separators: ``$1,234.56``.

    Args:
        value: amount in USD.
    """
    return f"${value.quantize(Decimal('0.01')):,}"
