"""Overlaps that should not exist among pools and allocations, and compliance with the settings."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session

from core.settings import Settings
from tools.ipam import service
from tools.ipam.cidrs import Network
from tools.ipam.overlaps import find_overlaps


@dataclass(frozen=True)
class Holding:
    """A block held in IPAM: a pool's CIDR or an allocation/reservation.

    Attributes:
        network: the block.
        kind: pool, allocation or reservation.
        pool: name of the pool (the pool itself for kind ``pool``).
        environment: environment of that pool.
        label: purpose or pool name, for messages.
        ancestors: ids of the pools that may legitimately contain this block.
        pool_id: id of the pool the block is, or belongs to.
    """

    network: Network
    kind: str
    pool: str
    environment: str | None
    label: str
    pool_id: int
    ancestors: frozenset[int] = field(default_factory=frozenset)

    def describe(self) -> str:
        """``10.0.0.0/16 (pool prod)`` for messages."""
        if self.kind == "pool":
            return f"{self.network} (pool {self.pool})"
        return f"{self.network} ({self.kind} '{self.label}' in pool {self.pool})"


@dataclass(frozen=True)
class Finding:
    """A conflict or a compliance violation.

    Attributes:
        rule: short rule name (overlap, cross_environment, allowed_ranges, size).
        message: one sentence for the user.
        cidrs: blocks concerned.
    """

    rule: str
    message: str
    cidrs: tuple[str, ...]


def load_holdings(session: Session) -> list[Holding]:
    """Every live pool CIDR and active allocation, with the pools allowed to contain each.

    Args:
        session: open session.
    """
    pools = {p.id: p for p in service.live_pools(session)}

    def lineage(pool_id: int | None) -> frozenset[int]:
        chain: set[int] = set()
        while pool_id is not None and pool_id in pools and pool_id not in chain:
            chain.add(pool_id)
            pool_id = pools[pool_id].parent_id
        return frozenset(chain)

    held: list[Holding] = []
    for pool_id, pool in pools.items():
        for network in service.pool_networks(pool):
            held.append(
                Holding(
                    network,
                    "pool",
                    pool.name,
                    pool.environment,
                    pool.name,
                    pool_id or 0,
                    lineage(pool.parent_id),
                )
            )
    for row in service.active_allocations(session):
        holder = pools.get(row.pool_id)
        if holder is None:
            continue
        held.append(
            Holding(
                ipaddress.ip_network(row.cidr),
                row.kind,
                holder.name,
                holder.environment,
                row.purpose or row.kind,
                row.pool_id,
                lineage(row.pool_id),
            )
        )
    return held


def find_conflicts(held: Iterable[Holding]) -> list[Finding]:
    """Overlaps other than a block inside its own pool or a child pool inside its ancestors.

    Args:
        held: holdings to check (one sweep, O(n log n)).
    """
    findings = []
    for overlap in find_overlaps((h.network, h) for h in held):
        outer, inner = overlap.outer, overlap.inner
        expected = outer.kind == "pool" and outer.pool_id in inner.ancestors
        if expected:
            continue
        findings.append(
            Finding(
                "overlap",
                f"{outer.describe()} overlaps {inner.describe()}.",
                (str(outer.network), str(inner.network)),
            )
        )
    return findings


def compliance(held: list[Holding], settings: Settings) -> list[Finding]:
    """Violations of the IPAM rules in the settings.

    Args:
        held: holdings to check.
        settings: reads ``ipam_allowed_ranges``, ``ipam_min_prefix``, ``ipam_max_prefix`` and
            ``ipam_forbid_cross_env_overlap``.
    """
    allowed = [ipaddress.ip_network(r) for r in settings.ipam_allowed_ranges]
    findings = []
    for holding in held:
        ranges = [r for r in allowed if r.version == holding.network.version]
        if ranges and not any(holding.network.subnet_of(r) for r in ranges):  # type: ignore[arg-type]
            findings.append(
                Finding(
                    "allowed_ranges",
                    f"{holding.describe()} is outside the allowed ranges "
                    f"({', '.join(map(str, ranges))}).",
                    (str(holding.network),),
                )
            )
        if holding.kind != "pool" and holding.network.version == 4:
            findings.extend(_size_rule(holding, settings))
    if settings.ipam_forbid_cross_env_overlap:
        findings.extend(_cross_environment(held))
    return findings


def _size_rule(holding: Holding, settings: Settings) -> list[Finding]:
    prefix = holding.network.prefixlen
    if settings.ipam_min_prefix <= prefix <= settings.ipam_max_prefix:
        return []
    return [
        Finding(
            "size",
            f"{holding.describe()} is outside the allowed sizes "
            f"/{settings.ipam_min_prefix} to /{settings.ipam_max_prefix}.",
            (str(holding.network),),
        )
    ]


def _cross_environment(held: list[Holding]) -> list[Finding]:
    findings = []
    for overlap in find_overlaps((h.network, h) for h in held):
        outer, inner = overlap.outer, overlap.inner
        if outer.environment and inner.environment and outer.environment != inner.environment:
            findings.append(
                Finding(
                    "cross_environment",
                    f"{outer.describe()} [{outer.environment}] shares addresses with "
                    f"{inner.describe()} [{inner.environment}].",
                    (str(outer.network), str(inner.network)),
                )
            )
    return findings
