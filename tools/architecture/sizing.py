"""Sizing rules: from stated load and data to instance types, counts and usage, with the
assumption behind every number written down for the card."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from tools.architecture.request import Request, instances_for
from tools.architecture.spec import Component, Environment
from tools.cost.catalog import catalog

SECONDS_PER_MONTH = Decimal(730 * 3600)
DEFAULT_PEAK_RPS: dict[Environment, Decimal] = {
    "prod": Decimal(100),
    "staging": Decimal(20),
    "dev": Decimal(10),
}
WEB_TYPES: dict[Environment, tuple[tuple[str, ...], int]] = {
    "prod": (("m5.large", "m6i.large", "m7i.large"), 400),
    "staging": (("m5.large", "m6i.large", "m7i.large"), 400),
    "dev": (("t3.small", "t3a.small", "m7i.large"), 100),
}
"""EC2 types for web/app servers (first one the region has) and the requests/s one serves."""
DB_CLASSES = ((100, "db.t3.medium"), (1000, "db.m5.large"), (4000, "db.m5.xlarge"))
AURORA_CLASSES = ((4000, "db.r6g.large"),)
CACHE_TYPES: dict[Environment, str] = {
    "prod": "cache.m5.large",
    "staging": "cache.t3.medium",
    "dev": "cache.t3.micro",
}
FARGATE_TASK: dict[Environment, tuple[Decimal, int, int]] = {
    "prod": (Decimal(1), 2048, 250),
    "staging": (Decimal(1), 2048, 250),
    "dev": (Decimal("0.5"), 1024, 100),
}
"""Fargate task vCPU, memory (MB) and the requests per second one serves."""


@dataclass
class Load:
    """The load a pattern is sized for, with the assumptions that produced it.

    Attributes:
        peak_rps: peak requests (or messages) per second.
        average_rps: average over the month.
        data_gb: data kept.
        spiky: traffic comes in bursts.
        assumptions: sentences for the card.
    """

    peak_rps: Decimal
    average_rps: Decimal
    data_gb: Decimal
    spiky: bool
    assumptions: list[str] = field(default_factory=list)

    @property
    def monthly_requests(self) -> Decimal:
        """Requests a month at the average rate."""
        return (self.average_rps * SECONDS_PER_MONTH).quantize(Decimal(1))


def load_of(
    request: Request,
    environment: Environment,
    default_gb: int,
    what: str,
    default_peak: Decimal | None = None,
) -> Load:
    """The load to size for: what the request says, else stated defaults.

    Args:
        request: the parsed request.
        environment: prod, staging or dev.
        default_gb: data size assumed when none is given.
        what: ``requests``, ``messages`` or ``objects``, for the sentences.
        default_peak: peak per second assumed when none is given (else by environment).
    """
    notes = []
    if request.peak_rps is None:
        peak = default_peak if default_peak is not None else DEFAULT_PEAK_RPS[environment]
        notes.append(f"No load given: sized for {peak:,} {what}/s at peak ({environment}).")
    else:
        peak = request.peak_rps
        notes.append(f"Sized for {peak.normalize():,f} {what}/s at peak, as asked.")
    share = Decimal("0.2") if request.spiky else Decimal("0.5")
    reason = "spiky traffic" if request.spiky else "steady traffic"
    notes.append(f"Average load is {share:.0%} of the peak ({reason}).")
    if request.data_gb is None:
        data = Decimal(default_gb)
        notes.append(f"No data size given: {default_gb} GB assumed.")
    else:
        data = request.data_gb
        notes.append(f"{data.normalize():,f} GB of data, as asked.")
    return Load(peak, peak * share, data, request.spiky, notes)


def web_servers(load: Load, environment: Environment, zones: int, region: str) -> Component:
    """An Auto Scaling group of web/app servers for ``load``.

    Args:
        load: what to carry.
        environment: prod, staging or dev.
        zones: availability zones the group spreads over.
        region: where (the first preferred type the region offers is used).
    """
    choices, per_instance = WEB_TYPES[environment]
    offered = set(catalog().ec2_types.get(region, []))
    instance_type = next((t for t in choices if t in offered), choices[0])
    spread = 1 if environment == "dev" else zones
    desired = instances_for(load.peak_rps, per_instance, spread, least=spread)
    headroom = 3 if load.spiky else 2
    load.assumptions.append(
        f"One {instance_type} serves about {per_instance} requests/s: {desired} at peak, "
        f"scaling to {desired * headroom} ({'spiky' if load.spiky else 'steady'} traffic); "
        "each has a 20 GB gp3 root volume."
    )
    return Component(
        name="app",
        kind="asg",
        why="Auto Scaling group of EC2 web servers across the AZs, behind the load balancer.",
        instance_type=instance_type,
        count=desired,
        max_count=desired * headroom,
        storage_gb=20,
        port=80,
    )


def containers(load: Load, environment: Environment, zones: int, name: str, why: str) -> Component:
    """An ECS Fargate service for ``load``.

    Args:
        load: what to carry.
        environment: prod, staging or dev.
        zones: availability zones the tasks spread over.
        name: component name.
        why: why it was chosen.
    """
    vcpu, memory, per_task = FARGATE_TASK[environment]
    spread = 1 if environment == "dev" else zones
    desired = instances_for(load.peak_rps, per_task, spread, least=spread)
    load.assumptions.append(
        f"One Fargate task ({vcpu} vCPU, {memory // 1024} GB) handles about {per_task}/s: "
        f"{desired} tasks, scaling to {desired * (3 if load.spiky else 2)}."
    )
    return Component(
        name=name,
        kind="fargate",
        why=why,
        count=desired,
        max_count=desired * (3 if load.spiky else 2),
        vcpu=vcpu,
        memory_mb=memory,
        port=80,
    )


def database(load: Load, environment: Environment, engine: str) -> Component:
    """The relational database (RDS PostgreSQL/MySQL or Aurora) for ``load``.

    Args:
        load: what to carry.
        environment: prod, staging or dev.
        engine: ``postgres``, ``mysql`` or ``aurora`` (Aurora PostgreSQL).
    """
    storage = max(20, math.ceil(load.data_gb * Decimal("1.25") / 10) * 10)
    multi_az = environment == "prod"
    if engine == "aurora":
        db_class = (
            "db.t4g.medium"
            if environment == "dev"
            else _by_load(AURORA_CLASSES, load, "db.r6g.xlarge")
        )
        count = 2 if multi_az else 1
        load.assumptions.append(
            f"Aurora PostgreSQL {db_class} x{count} "
            f"(writer{' + reader in another AZ' if count > 1 else ''}); "
            f"storage grows with data, {storage} GB assumed."
        )
        return Component(
            name="db",
            kind="aurora",
            why="Aurora PostgreSQL cluster: managed, storage replicated across 3 AZs.",
            instance_type=db_class,
            count=count,
            engine="postgres",
            storage_gb=storage,
            multi_az=multi_az,
            port=5432,
        )
    db_class = (
        "db.t3.micro" if environment == "dev" else _by_load(DB_CLASSES, load, "db.m5.2xlarge")
    )
    port = 5432 if engine == "postgres" else 3306
    label = "PostgreSQL" if engine == "postgres" else "MySQL"
    load.assumptions.append(
        f"RDS {label} {db_class}{' Multi-AZ' if multi_az else ''}, {storage} GB gp3 "
        "(data x 1.25, at least 20 GB)."
    )
    return Component(
        name="db",
        kind="rds",
        why=f"RDS {label}: managed backups, patching and failover.",
        instance_type=db_class,
        engine=engine,
        storage_gb=storage,
        multi_az=multi_az,
        port=port,
    )


def _by_load(table: tuple[tuple[int, str], ...], load: Load, largest: str) -> str:
    for limit, name in table:
        if load.peak_rps <= limit:
            return name
    return largest


def cache(environment: Environment) -> Component:
    """An ElastiCache Redis replication group.

    Args:
        environment: prod gets a replica in a second AZ.
    """
    prod = environment == "prod"
    return Component(
        name="cache",
        kind="redis",
        why="ElastiCache Redis in front of the database for hot reads and sessions.",
        instance_type=CACHE_TYPES[environment],
        count=2 if prod else 1,
        engine="redis",
        multi_az=prod,
        port=6379,
    )
