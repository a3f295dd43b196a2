"""ArchitectureSpec: the typed, versioned description of a proposed architecture.

One spec is what the proposer builds from a sentence, what validation checks, what the cost
estimate, the diagram, CloudFormation and Terraform are generated from, and what is stored as a
version in SQL. Everything else derives from it; nothing derives the spec back from a template.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, model_validator

SPEC_SCHEMA_VERSION = 1
"""Bumped when the spec's shape changes; stored with every version."""

Pattern = Literal["three-tier-web", "serverless-api", "static-site", "queue-workers", "pipeline"]
Environment = Literal["prod", "staging", "dev"]
Tier = Literal["public", "app", "data"]
Access = Literal["network", "invoke", "read", "write", "consume", "publish", "notify"]
ComponentKind = Literal[
    "alb",
    "asg",
    "fargate",
    "lambda",
    "rds",
    "aurora",
    "dynamodb",
    "redis",
    "s3",
    "cloudfront",
    "sqs",
    "sns",
    "apigateway",
]
IN_VPC: frozenset[str] = frozenset({"alb", "asg", "fargate", "rds", "aurora", "redis"})
"""Kinds that live in the VPC's subnets and get a security group of their own."""
DATA_STORES: frozenset[str] = frozenset({"rds", "aurora", "dynamodb", "redis", "s3"})
"""Kinds holding data: encrypted at rest, never public, snapshotted before deletion."""
DATABASES: frozenset[str] = frozenset({"rds", "aurora", "redis"})
"""Kinds reached on a database port inside the VPC."""
ADMIN_PORTS: frozenset[int] = frozenset({22, 3389})
DATABASE_PORTS: frozenset[int] = frozenset({1433, 1521, 3306, 5432, 6379, 27017})
INTERNET = "internet"
"""Connection endpoint standing for anyone on the internet."""


class Subnet(BaseModel):
    """One subnet of the VPC plan: a tier in one availability zone."""

    tier: Tier = Field(description="public (load balancers, NAT), app (compute) or data.")
    zone: str = Field(description="Availability zone, e.g. 'eu-west-1a'.")
    cidr: str = Field(description="IPv4 block of the subnet.")
    hosts: int = Field(description="Addresses the tier needs in this zone (sizing input).")


class NetworkPlan(BaseModel):
    """The VPC: its block, tiered subnets per AZ, gateways and endpoints."""

    cidr: str = Field(description="IPv4 block of the VPC (from IPAM or free space).")
    cidr_source: str = Field(description="Where the block came from, in one sentence.")
    ipam_pool: str | None = Field(default=None, description="IPAM pool reserving the block.")
    nat: Literal["per-az", "single", "none"] = Field(
        description="NAT gateway per AZ (resilient), one shared NAT (cheaper), or none."
    )
    endpoints: list[Literal["s3", "dynamodb"]] = Field(
        default_factory=list, description="Gateway VPC endpoints (no charge, keep traffic off NAT)."
    )
    subnets: list[Subnet] = Field(default_factory=list, description="Every subnet, tier by AZ.")

    def tier(self, tier: Tier) -> list[Subnet]:
        """The subnets of one tier, AZ order.

        Args:
            tier: public, app or data.
        """
        return [s for s in self.subnets if s.tier == tier]


class Component(BaseModel):
    """One building block, with the sizing its cost and template depend on."""

    name: str = Field(pattern=r"^[a-z][a-z0-9]{0,23}$", description="Short logical name (web).")
    kind: ComponentKind = Field(description="What AWS service it is.")
    why: str = Field(description="Why it was chosen, for the card.")
    instance_type: str | None = Field(
        default=None, description="EC2 type, RDS/Aurora class or ElastiCache node type."
    )
    count: int = Field(default=1, ge=0, description="Instances, tasks, nodes or DB instances.")
    max_count: int | None = Field(default=None, description="Upper bound when it scales.")
    vcpu: Decimal | None = Field(default=None, description="Fargate task vCPU.")
    memory_mb: int | None = Field(default=None, description="Fargate task or Lambda memory.")
    engine: str | None = Field(default=None, description="postgres, mysql or redis.")
    storage_gb: int = Field(default=0, ge=0, description="Storage provisioned or expected.")
    multi_az: bool = Field(default=False, description="Standby / replicas in a second AZ.")
    encrypted: bool = Field(default=True, description="Encryption at rest.")
    public: bool = Field(
        default=False, description="Reachable from the internet (load balancer, CDN, API)."
    )
    port: int | None = Field(default=None, description="Port it listens on.")
    open_to_world: list[int] = Field(
        default_factory=list, description="Ports opened to 0.0.0.0/0 on its security group."
    )
    usage: dict[str, Decimal] = Field(
        default_factory=dict,
        description="Monthly usage assumptions: requests, gb_out, reads, writes, messages.",
    )

    @property
    def in_vpc(self) -> bool:
        """True for kinds that sit in the VPC's subnets."""
        return self.kind in IN_VPC


class Connection(BaseModel):
    """Who talks to whom on which port: the only source of security group rules."""

    source: str = Field(description="Component name, or 'internet'.")
    target: str = Field(description="Component name.")
    port: int = Field(ge=0, le=65535, description="TCP port on the target (0 = not a port).")
    access: Access = Field(
        default="network",
        description=(
            "network (a security group rule on the port), or an IAM grant: invoke, read, write, "
            "consume (a queue), publish (a topic), notify (a bucket sends events to a queue)."
        ),
    )
    why: str = Field(default="", description="What the traffic is.")


class ArchitectureSpec(BaseModel):
    """A whole proposed architecture."""

    schema_version: Literal[1] = Field(default=1, description="Shape version of this spec.")
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}$", description="Architecture name.")
    pattern: Pattern = Field(description="Which of the five patterns it follows.")
    environment: Environment = Field(description="prod, staging or dev.")
    region: str = Field(description="AWS region it deploys to.")
    az_count: int = Field(ge=1, le=3, description="Availability zones used.")
    network: NetworkPlan | None = Field(
        default=None, description="The VPC, when any part needs one."
    )
    components: list[Component] = Field(description="Every component.")
    connections: list[Connection] = Field(default_factory=list, description="Allowed traffic.")
    assumptions: list[str] = Field(default_factory=list, description="Sizing assumptions stated.")
    request: str = Field(default="", description="The sentence it was proposed from.")

    @model_validator(mode="after")
    def _names_resolve(self) -> ArchitectureSpec:
        names = [c.name for c in self.components]
        if len(set(names)) != len(names):
            raise ValueError(f"component names must be unique: {names}")
        for link in self.connections:
            for end in (link.source, link.target):
                if end != INTERNET and end not in names:
                    raise ValueError(f"connection names unknown component '{end}'")
        if any(c.in_vpc for c in self.components) and self.network is None:
            raise ValueError("components in a VPC need a network plan")
        return self

    def component(self, name: str) -> Component:
        """The component called ``name``.

        Args:
            name: component name.
        """
        for item in self.components:
            if item.name == name:
                return item
        raise KeyError(name)

    def of_kind(self, *kinds: str) -> list[Component]:
        """Components of the given kinds, in spec order.

        Args:
            *kinds: component kinds.
        """
        return [c for c in self.components if c.kind in kinds]

    def targets(self, source: str, access: str) -> list[str]:
        """Names of what ``source`` reaches with ``access`` (e.g. the function an API invokes).

        Args:
            source: component name.
            access: connection access kind.
        """
        return [c.target for c in self.connections if c.source == source and c.access == access]

    def zones(self) -> list[str]:
        """The availability zones used, in order (``<region>a``, ``b``, ``c``)."""
        return [f"{self.region}{letter}" for letter in "abc"[: self.az_count]]

    @property
    def stack_name(self) -> str:
        """CloudFormation stack name the spec deploys as."""
        return f"cf-{self.name}"
