"""AWS public list prices, loaded lazily once per process into compact indexes.

Every figure is a ``Decimal`` built from the published decimal string, so prices match AWS's
feeds exactly; every answer carries the as-of date of the feed it came from. Unknown types or
regions raise ``InvalidInput`` naming the nearest valid choices, never a zero.
"""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from tools.errors import InvalidInput

ELB_AS_OF = "2026 (manual transcription, us-east-1 only)"
RDS_AS_OF = "2024-09-28"
ELASTICACHE_AS_OF = "2025-03-14"
ENGINES = {"postgres": "PostgreSQL", "postgresql": "PostgreSQL", "mysql": "MySQL"}


@dataclass(frozen=True)
class Price:
    """One list price.

    Attributes:
        service: short service name (``ec2``, ``ebs``...).
        item: what is priced (``m5.large``, ``gp3 storage``...).
        region: AWS region code.
        usd: price in USD per ``unit``, exact.
        unit: billing unit (``hour``, ``GB-month``, ``request``...).
        as_of: publication date of the AWS feed the figure comes from.
    """

    service: str
    item: str
    region: str
    usd: Decimal
    unit: str
    as_of: str


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


def nearest(word: str, choices: list[str] | set[str], count: int = 3) -> list[str]:
    """The closest valid spellings of ``word``.

    Args:
        word: what the user wrote.
        choices: valid values.
        count: how many to return at most.
    """
    ordered = sorted(choices)
    close = difflib.get_close_matches(word, ordered, n=count, cutoff=0.5)
    if close:
        return close
    prefix = [c for c in ordered if c.startswith(word.split(".")[0].split("-")[0])]
    return prefix[:count] or ordered[:count]


def _suggest(what: str, word: str, choices: list[str] | set[str]) -> InvalidInput:
    hint = ", ".join(nearest(word, choices))
    return InvalidInput(f"No {what} '{word}'. Nearest valid choices: {hint}.")


def _read(name: str) -> dict[str, Any]:
    text = resources.files("tools.cost").joinpath("data", name).read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


class PriceCatalog:
    """Indexes over the packaged price files; build with ``catalog()`` to share one per process."""

    def __init__(self) -> None:
        """Read the compact files and index them by (region, type)."""
        ec2 = _read("ec2.json")["regions"]
        self.ec2: dict[tuple[str, str], tuple[Decimal, str]] = {}
        self.ec2_specs: dict[tuple[str, str], InstanceSpec] = {}
        self.ec2_types: dict[str, list[str]] = {}
        for region, types in ec2.items():
            self.ec2_types[region] = list(types)
            for name, (usd, vcpu, memory, previous, as_of) in types.items():
                self.ec2[(region, name)] = (Decimal(usd), as_of)
                self.ec2_specs[(region, name)] = InstanceSpec(name, vcpu, memory, previous)
        self.rds: dict[str, dict[str, Any]] = _read("rds.json")["regions"]
        self.elasticache: dict[str, dict[str, dict[str, str]]] = _read("elasticache.json")[
            "regions"
        ]
        summary = _read("summary.json")
        self.summary: dict[str, dict[str, Any]] = summary["regions"]
        self.as_of: dict[str, str] = summary["_meta"]["as_of"]

    # ----- EC2 ---------------------------------------------------------------------------------

    def _region(self, region: str, known: set[str] | list[str], what: str) -> None:
        if region not in known:
            raise _suggest(f"{what} prices for region", region, set(known))

    def ec2_instance(self, instance_type: str, region: str) -> Price:
        """Linux on-demand price of one instance-hour.

        Args:
            instance_type: e.g. ``m5.large``.
            region: e.g. ``us-east-1``.
        """
        self._region(region, set(self.ec2_types), "EC2")
        found = self.ec2.get((region, instance_type))
        if found is None:
            raise _suggest(
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

    # ----- summary-backed services -----------------------------------------------------------

    def _section(self, section: str, region: str, what: str) -> dict[str, Any]:
        regions = {r for r, body in self.summary.items() if section in body}
        self._region(region, regions, what)
        body: dict[str, Any] = self.summary[region][section]
        return body

    def _figure(
        self, section: str, key: str, region: str, *, what: str, item: str, unit: str, as_of: str
    ) -> Price:
        body = self._section(section, region, what)
        if key not in body:
            raise InvalidInput(f"{what} has no published price for {item} in {region}.")
        return Price(section, item, region, Decimal(body[key]), unit, as_of)

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
            raise _suggest("EBS volume type", volume_type, set(keys))
        return self._figure(
            "ebs",
            keys[volume_type],
            region,
            what="EBS",
            item=f"{volume_type} storage",
            unit="GB-month",
            as_of=self.as_of["ebs"],
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
            raise _suggest("EBS volume type with provisioned IOPS", volume_type, set(keys))
        return self._figure(
            "ebs",
            keys[volume_type],
            region,
            what="EBS",
            item=f"{volume_type} IOPS",
            unit="IOPS-month",
            as_of=self.as_of["ebs"],
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
            what="EBS",
            item="gp3 throughput",
            unit="GiBps-month",
            as_of=self.as_of["ebs"],
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
            what="EBS snapshots",
            item="snapshot storage",
            unit="GB-month",
            as_of=self.as_of["ebs"],
        )

    S3_CLASSES = {
        "standard": "standard_usd_per_gb_month_first_50tb",
        "intelligent-tiering": "intelligent_tiering_frequent_usd_per_gb_month_first_50tb",
        "standard-ia": "standard_ia_usd_per_gb_month",
        "onezone-ia": "one_zone_ia_usd_per_gb_month",
        "glacier-ir": "glacier_instant_retrieval_usd_per_gb_month",
        "glacier": "glacier_flexible_retrieval_usd_per_gb_month",
    }
    S3_REQUESTS = {
        ("standard", "put"): "standard_put_copy_post_list_usd_per_request",
        ("standard", "get"): "standard_get_and_other_usd_per_request",
        ("standard-ia", "put"): "standard_ia_put_copy_post_list_usd_per_request",
        ("standard-ia", "get"): "standard_ia_get_and_other_usd_per_request",
    }

    def s3_storage(self, storage_class: str, region: str) -> Price:
        """S3 storage per GB-month (first 50 TB tier for Standard).

        Args:
            storage_class: standard, intelligent-tiering, standard-ia, onezone-ia, glacier-ir,
                glacier.
            region: AWS region.
        """
        key = storage_class.lower().replace("_", "-")
        if key not in self.S3_CLASSES:
            raise _suggest("S3 storage class", storage_class, set(self.S3_CLASSES))
        return self._figure(
            "s3",
            self.S3_CLASSES[key],
            region,
            what="S3",
            item=f"{key} storage",
            unit="GB-month",
            as_of=self.as_of["s3"],
        )

    def s3_request(self, storage_class: str, kind: str, region: str) -> Price:
        """S3 request price, per request.

        Args:
            storage_class: standard or standard-ia.
            kind: ``put`` (PUT/COPY/POST/LIST) or ``get`` (GET and others).
            region: AWS region.
        """
        key = (storage_class.lower(), kind.lower())
        if key not in self.S3_REQUESTS:
            choices = {f"{c} {k}" for c, k in self.S3_REQUESTS}
            raise _suggest("S3 request kind", f"{storage_class} {kind}", choices)
        return self._figure(
            "s3",
            self.S3_REQUESTS[key],
            region,
            what="S3",
            item=f"{key[0]} {key[1].upper()} requests",
            unit="request",
            as_of=self.as_of["s3"],
        )

    def lambda_requests(self, region: str, arch: str = "x86") -> Price:
        """Lambda price per request.

        Args:
            region: AWS region.
            arch: ``x86`` or ``arm``.
        """
        arch = _arch(arch)
        return self._figure(
            "lambda",
            f"requests_{arch}_usd_per_request",
            region,
            what="Lambda",
            item=f"{arch} requests",
            unit="request",
            as_of=self.as_of["lambda"],
        )

    def lambda_duration(self, region: str, arch: str = "x86") -> Price:
        """Lambda duration per GB-second (first tier, 6 billion GB-s a month).

        Args:
            region: AWS region.
            arch: ``x86`` or ``arm``.
        """
        arch = _arch(arch)
        return self._figure(
            "lambda",
            f"duration_{arch}_usd_per_gb_second_tier1",
            region,
            what="Lambda",
            item=f"{arch} duration",
            unit="GB-second",
            as_of=self.as_of["lambda"],
        )

    def nat_hour(self, region: str) -> Price:
        """NAT gateway price per hour.

        Args:
            region: AWS region.
        """
        return self._figure(
            "nat_gateway",
            "usd_per_hour",
            region,
            what="NAT gateway",
            item="NAT gateway hour",
            unit="hour",
            as_of=self.as_of["nat_gateway"],
        )

    def nat_gb(self, region: str) -> Price:
        """NAT gateway price per GB processed.

        Args:
            region: AWS region.
        """
        return self._figure(
            "nat_gateway",
            "usd_per_gb_processed",
            region,
            what="NAT gateway",
            item="NAT gateway data processed",
            unit="GB",
            as_of=self.as_of["nat_gateway"],
        )

    def public_ipv4(self, region: str) -> Price:
        """Public IPv4 address (in use or idle Elastic IP) per hour.

        Args:
            region: AWS region.
        """
        return self._figure(
            "vpc",
            "public_ipv4_in_use_usd_per_hour",
            region,
            what="Public IPv4",
            item="public IPv4 address",
            unit="hour",
            as_of=self.as_of["vpc"],
        )

    def elb_hour(self, kind: str, region: str) -> Price:
        """Load balancer hourly charge (capacity units are usage-based and extra).

        Args:
            kind: ``application``, ``network``, ``gateway`` or ``classic``.
            region: AWS region (only us-east-1 is published offline).
        """
        short = {"application": "alb", "network": "nlb", "gateway": "gwlb", "classic": "clb"}
        key = short.get(kind.lower(), kind.lower())
        if key not in short.values():
            raise _suggest("load balancer kind", kind, set(short))
        return self._figure(
            "elb_manual",
            f"{key}_usd_per_hour",
            region,
            what="Load balancer",
            item=f"{kind} load balancer hour",
            unit="hour",
            as_of=ELB_AS_OF,
        )

    def dynamodb(self, item: str, region: str) -> Price:
        """DynamoDB on-demand request units or storage.

        Args:
            item: ``read`` / ``write`` (per request unit) or ``storage`` (per GB-month).
            region: AWS region.
        """
        keys = {
            "read": ("on_demand_read_usd_per_request_unit", "read request unit"),
            "write": ("on_demand_write_usd_per_request_unit", "write request unit"),
            "storage": ("storage_usd_per_gb_month", "GB-month"),
        }
        if item not in keys:
            raise _suggest("DynamoDB price item", item, set(keys))
        key, unit = keys[item]
        return self._figure(
            "dynamodb",
            key,
            region,
            what="DynamoDB",
            item=f"on-demand {item}",
            unit=unit,
            as_of=self.as_of["dynamodb"],
        )

    def data_transfer_out(self, region: str) -> list[tuple[int | None, Price]]:
        """Internet egress tiers: (cumulative GB a month up to, price per GB), ``None`` = above.

        Args:
            region: AWS region.
        """
        regions = {r for r, body in self.summary.items() if "data_transfer_out_internet" in body}
        self._region(region, regions, "data transfer")
        as_of = self.as_of["data_transfer_out_internet"]
        return [
            (
                None if tier["up_to_gb_per_month"] is None else int(tier["up_to_gb_per_month"]),
                Price(
                    "data_transfer",
                    "internet egress",
                    region,
                    Decimal(tier["usd_per_gb"]),
                    "GB",
                    as_of,
                ),
            )
            for tier in self.summary[region]["data_transfer_out_internet"]
        ]

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
            raise _suggest(
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
            raise _suggest("RDS storage type", storage_type, {"gp2", "gp3", "io1", "standard"})
        body = self._section("rds_storage", region, "RDS storage")[engine_name]
        deployment = "multi_az" if multi_az else "single_az"
        key = f"{kind}_{deployment}_usd_per_gb_month"
        if key not in body:
            raise InvalidInput(f"RDS has no {kind} {deployment} storage price in {region}.")
        item = f"{kind} storage {engine_name} {'Multi-AZ' if multi_az else 'Single-AZ'}"
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
            raise _suggest("ElastiCache engine", engine, set(names))
        self._region(region, set(self.elasticache), "ElastiCache")
        row = self.elasticache[region].get(node_type, {})
        engine_name = names[engine.lower()]
        if engine_name not in row:
            raise _suggest(
                f"ElastiCache {engine_name} node type in {region} named",
                node_type,
                set(self.elasticache[region]),
            )
        item = f"{node_type} {engine_name}"
        return Price(
            "elasticache", item, region, Decimal(row[engine_name]), "hour", ELASTICACHE_AS_OF
        )


def _arch(arch: str) -> str:
    value = {"x86_64": "x86", "x86": "x86", "arm": "arm", "arm64": "arm", "graviton": "arm"}
    if arch.lower() not in value:
        raise _suggest("Lambda architecture", arch, {"x86", "arm"})
    return value[arch.lower()]


def _engine(engine: str) -> str:
    key = engine.lower()
    if key not in ENGINES:
        raise _suggest("RDS engine with offline prices", engine, {"postgres", "mysql"})
    return ENGINES[key]


_LOCK = threading.Lock()
_CATALOG: list[PriceCatalog] = []


def catalog() -> PriceCatalog:
    """The process-wide catalog, loaded on first use (never at import)."""
    with _LOCK:
        if not _CATALOG:
            _CATALOG.append(PriceCatalog())
        return _CATALOG[0]
