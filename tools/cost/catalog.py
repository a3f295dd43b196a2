"""AWS public list prices, loaded lazily once per process into compact indexes: EC2, RDS and
ElastiCache here, the services of the summary file in ``catalog_summary``.

Every figure is a ``Decimal`` built from the published decimal string, so prices match AWS's
feeds exactly; every answer carries the as-of date of the feed it came from. Unknown types or
regions raise ``InvalidInput`` naming the nearest valid choices, never a zero.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tools.cost.catalog_summary import (
    Price,
    SummaryPrices,
    nearest,
    read_prices,
    suggest,
)
from tools.cost.service_prices import ServicePrices
from tools.errors import InvalidInput

__all__ = ["InstanceSpec", "Price", "PriceCatalog", "catalog", "nearest"]

RDS_AS_OF = "2024-09-28"
ELASTICACHE_AS_OF = "2025-03-14"
ENGINES = {"postgres": "PostgreSQL", "postgresql": "PostgreSQL", "mysql": "MySQL"}


@dataclass(frozen=True)
class InstanceSpec:
    """Size facts of an EC2 instance type.

    Attributes:
        instance_type: e.g. ``m5.large``.
        vcpu: virtual CPUs (None when the feed lacks it).
        memory_gib: memory in GiB (None when the feed lacks it).
        previous_generation: AWS flags the type as previous generation.
    """

    instance_type: str
    vcpu: int | None
    memory_gib: float | None
    previous_generation: bool


class PriceCatalog(SummaryPrices):
    """Indexes over the packaged price files; build with ``catalog()`` to share one per process."""

    def __init__(self) -> None:
        """Read the compact files and index them by (region, type)."""
        super().__init__()
        ec2 = read_prices("ec2.json")["regions"]
        self.ec2: dict[tuple[str, str], tuple[Decimal, str]] = {}
        self.ec2_specs: dict[tuple[str, str], InstanceSpec] = {}
        self.ec2_types: dict[str, list[str]] = {}
        for region, types in ec2.items():
            self.ec2_types[region] = list(types)
            for name, (usd, vcpu, memory, previous, as_of) in types.items():
                self.ec2[(region, name)] = (Decimal(usd), as_of)
                self.ec2_specs[(region, name)] = InstanceSpec(name, vcpu, memory, previous)
        self.rds: dict[str, dict[str, Any]] = read_prices("rds.json")["regions"]
        self.elasticache: dict[str, dict[str, dict[str, str]]] = read_prices("elasticache.json")[
            "regions"
        ]
        self.services = ServicePrices(read_prices("services.json"))

    # ----- EC2 ---------------------------------------------------------------------------------

    def ec2_instance(self, instance_type: str, region: str) -> Price:
        """Linux on-demand price of one instance-hour.

        Args:
            instance_type: e.g. ``m5.large``.
            region: e.g. ``us-east-1``.
        """
        self._region(region, set(self.ec2_types), "EC2")
        found = self.ec2.get((region, instance_type))
        if found is None:
            raise suggest(
                f"EC2 instance type in {region} named", instance_type, set(self.ec2_types[region])
            )
        usd, as_of = found
        return Price("ec2", instance_type, region, usd, "hour", as_of)

    def ec2_spec(self, instance_type: str, region: str) -> InstanceSpec:
        """vCPU, memory and generation of a type.

        Args:
            instance_type: e.g. ``m5.large``.
            region: region whose feed is read.
        """
        self.ec2_instance(instance_type, region)
        return self.ec2_specs[(region, instance_type)]

    # ----- EBS (figures of the summary file) ------------------------------------------------

    def ebs_storage(self, volume_type: str, region: str) -> Price:
        """EBS volume storage per GB-month.

        Args:
            volume_type: gp2, gp3, io1, io2, st1, sc1 or standard.
            region: AWS region.
        """
        keys = {
            "gp2": "gp2_usd_per_gb_month",
            "gp3": "gp3_usd_per_gb_month",
            "io1": "io1_usd_per_gb_month",
            "io2": "io2_usd_per_gb_month",
            "st1": "st1_usd_per_gb_month",
            "sc1": "sc1_usd_per_gb_month",
            "standard": "standard_magnetic_usd_per_gb_month",
        }
        if volume_type not in keys:
            raise suggest("EBS volume type", volume_type, set(keys))
        return self._figure(
            "ebs", keys[volume_type], region, "EBS", f"{volume_type} storage", "GB-month"
        )

    def ebs_iops(self, volume_type: str, region: str) -> Price:
        """Provisioned IOPS per IOPS-month (gp3 above 3000, io1, io2 first tier).

        Args:
            volume_type: gp3, io1 or io2.
            region: AWS region.
        """
        keys = {
            "gp3": "gp3_usd_per_provisioned_iops_month",
            "io1": "io1_usd_per_iops_month",
            "io2": "io2_usd_per_iops_month_tier1",
        }
        if volume_type not in keys:
            raise suggest("EBS volume type with provisioned IOPS", volume_type, set(keys))
        return self._figure(
            "ebs", keys[volume_type], region, "EBS", f"{volume_type} IOPS", "IOPS-month"
        )

    def ebs_gp3_throughput(self, region: str) -> Price:
        """gp3 throughput above 125 MiB/s, per MiB/s-month (published per GiB/s, / 1024).

        Args:
            region: AWS region.
        """
        gibps = self._figure(
            "ebs",
            "gp3_usd_per_provisioned_gibps_month",
            region,
            "EBS",
            "gp3 throughput",
            "GiBps-month",
        )
        return Price("ebs", "gp3 throughput", region, gibps.usd / 1024, "MiBps-month", gibps.as_of)

    def ebs_snapshot(self, region: str) -> Price:
        """EBS snapshot storage per GB-month (standard tier).

        Args:
            region: AWS region.
        """
        return self._figure(
            "ebs",
            "snapshot_usd_per_gb_month",
            region,
            "EBS snapshots",
            "snapshot storage",
            "GB-month",
        )

    def elb_hour(self, kind: str, region: str) -> Price:
        """Load balancer hourly charge (capacity units are usage-based and extra).

        Args:
            kind: ``application``, ``network``, ``gateway`` or ``classic``.
            region: AWS region.
        """
        return self.services.elb(kind, region, "Hours")

    # ----- RDS and ElastiCache -----------------------------------------------------------------

    def rds_instance(self, db_class: str, engine: str, multi_az: bool, region: str) -> Price:
        """RDS instance-hour for MySQL or PostgreSQL.

        Args:
            db_class: e.g. ``db.m5.large``.
            engine: ``postgres``/``postgresql`` or ``mysql``.
            multi_az: Multi-AZ (one standby) deployment.
            region: AWS region.
        """
        engine_name = _engine(engine)
        self._region(region, set(self.rds), "RDS")
        row = self.rds[region].get(db_class)
        if row is None or engine_name not in row:
            raise suggest(
                f"RDS {engine_name} class in {region} named", db_class, set(self.rds[region])
            )
        deployment = "Multi-AZ" if multi_az else "Single-AZ"
        usd = row[engine_name][deployment]
        item = f"{db_class} {engine_name} {deployment}"
        return Price("rds", item, region, Decimal(usd), "hour", RDS_AS_OF)

    def rds_storage(self, storage_type: str, engine: str, multi_az: bool, region: str) -> Price:
        """RDS storage per GB-month.

        Args:
            storage_type: gp2, gp3, io1 or magnetic (``standard``).
            engine: ``postgres`` or ``mysql``.
            multi_az: Multi-AZ deployment (doubles storage).
            region: AWS region.
        """
        engine_name = _engine(engine)
        kind = {"standard": "magnetic"}.get(storage_type, storage_type)
        if kind not in ("gp2", "gp3", "io1", "magnetic"):
            raise suggest("RDS storage type", storage_type, {"gp2", "gp3", "io1", "standard"})
        body = self._section("rds_storage", region, "RDS storage")[engine_name]
        deployment = "multi_az" if multi_az else "single_az"
        key = f"{kind}_{deployment}_usd_per_gb_month"
        if key not in body:
            raise InvalidInput(f"RDS has no {kind} {deployment} storage price in {region}.")
        item = f"{kind} storage {engine_name} {'Multi-AZ' if multi_az else 'Single-AZ'}"
        return Price("rds", item, region, Decimal(body[key]), "GB-month", self.as_of["rds_storage"])

    def rds_backup_storage(self, engine: str, region: str) -> Price:
        """RDS backup storage per GB-month (manual snapshots, and automated backups beyond the
        free allowance).

        Args:
            engine: ``postgres`` or ``mysql``.
            region: AWS region.
        """
        engine_name = _engine(engine)
        body = self._section("rds_storage", region, "RDS storage")[engine_name]
        key = "backup_storage_usd_per_gb_month"
        if key not in body:
            raise InvalidInput(f"RDS has no published backup storage price in {region}.")
        item = f"backup storage {engine_name}"
        return Price("rds", item, region, Decimal(body[key]), "GB-month", self.as_of["rds_storage"])

    def elasticache_node(self, node_type: str, engine: str, region: str) -> Price:
        """ElastiCache node-hour.

        Args:
            node_type: e.g. ``cache.m5.large``.
            engine: ``redis``, ``valkey`` or ``memcached``.
            region: AWS region.
        """
        names = {"redis": "Redis", "valkey": "Valkey", "memcached": "Memcached"}
        if engine.lower() not in names:
            raise suggest("ElastiCache engine", engine, set(names))
        self._region(region, set(self.elasticache), "ElastiCache")
        row = self.elasticache[region].get(node_type, {})
        engine_name = names[engine.lower()]
        if engine_name not in row:
            raise suggest(
                f"ElastiCache {engine_name} node type in {region} named",
                node_type,
                set(self.elasticache[region]),
            )
        item = f"{node_type} {engine_name}"
        return Price(
            "elasticache", item, region, Decimal(row[engine_name]), "hour", ELASTICACHE_AS_OF
        )


def _engine(engine: str) -> str:
    key = engine.lower()
    if key not in ENGINES:
        raise suggest("RDS engine with offline prices", engine, {"postgres", "mysql"})
    return ENGINES[key]


_LOCK = threading.Lock()
_CATALOG: list[PriceCatalog] = []


def catalog() -> PriceCatalog:
    """The process-wide catalog, loaded on first use (never at import)."""
    with _LOCK:
        if not _CATALOG:
            _CATALOG.append(PriceCatalog())
        return _CATALOG[0]
