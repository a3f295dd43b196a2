"""What changed between two specs, in sentences, with the cost delta."""

from __future__ import annotations

from tools.architecture.diff_models import SpecDiff
from tools.architecture.estimate import estimate_spec
from tools.architecture.spec import ArchitectureSpec, Component

COMPARED = (
    "kind",
    "instance_type",
    "count",
    "max_count",
    "vcpu",
    "memory_mb",
    "engine",
    "storage_gb",
    "multi_az",
    "encrypted",
    "public",
    "port",
    "open_to_world",
)


def _label(c: Component) -> str:
    size = f" {c.instance_type}" if c.instance_type else ""
    count = f" x{c.count}" if c.count > 1 else ""
    return f"{c.name} ({c.kind}{size}{count})"


def _network_changes(before: ArchitectureSpec, after: ArchitectureSpec) -> list[str]:
    if not (before.network and after.network):
        return []
    changed = []
    if before.network.nat != after.network.nat:
        changed.append(f"network: NAT {before.network.nat} -> {after.network.nat}")
    if before.network.cidr != after.network.cidr:
        changed.append(f"network: VPC {before.network.cidr} -> {after.network.cidr}")
    if [s.cidr for s in before.network.subnets] != [s.cidr for s in after.network.subnets]:
        changed.append("network: subnets re-planned")
    return changed


def diff_specs(before: ArchitectureSpec, after: ArchitectureSpec) -> SpecDiff:
    """Compare two specs component by component, plus the network and environment.

    Args:
        before: the older version.
        after: the newer version.
    """
    old = {c.name: c for c in before.components}
    new = {c.name: c for c in after.components}
    result = SpecDiff(
        added=[_label(new[n]) for n in new if n not in old],
        removed=[_label(old[n]) for n in old if n not in new],
        monthly_before=estimate_spec(before).total_monthly,
        monthly_after=estimate_spec(after).total_monthly,
    )
    for name in (n for n in new if n in old):
        for field in COMPARED:
            was, now = getattr(old[name], field), getattr(new[name], field)
            if was != now:
                result.changed.append(f"{name}: {field.replace('_', ' ')} {was} -> {now}")
    if before.environment != after.environment:
        result.changed.append(f"environment: {before.environment} -> {after.environment}")
    result.changed += _network_changes(before, after)
    links_before = {(c.source, c.target, c.port, c.access) for c in before.connections}
    links_after = {(c.source, c.target, c.port, c.access) for c in after.connections}
    for source, target, port, access in sorted(links_after - links_before):
        result.changed.append(
            f"connection added: {source} -> {target} ({access}{f' {port}' if port else ''})"
        )
    for source, target, port, access in sorted(links_before - links_after):
        result.changed.append(
            f"connection removed: {source} -> {target} ({access}{f' {port}' if port else ''})"
        )
    return result
