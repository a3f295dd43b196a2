"""Refinements in words: "make the database Aurora", "add a Redis cache", "cheaper please",
"apply the fixes", "use Fargate", "make it prod", "scale the app to 8 instances".

Each refinement returns the new spec and what it gave up (for the card); unknown requests get a
clear list of what can be asked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal

from tools.architecture import sizing
from tools.architecture.network import BlockChoice, layout
from tools.architecture.request import MAX_REQUEST_CHARS
from tools.architecture.spec import ArchitectureSpec, Component, Connection
from tools.architecture.validate import corrected
from tools.errors import InvalidInput

CHEAPER_TYPES = {
    "m5.large": "t3.large",
    "m5.xlarge": "m5.large",
    "m5.2xlarge": "m5.xlarge",
    "t3.small": "t3.micro",
    "db.m5.2xlarge": "db.m5.xlarge",
    "db.m5.xlarge": "db.m5.large",
    "db.m5.large": "db.t3.large",
    "db.t3.medium": "db.t3.small",
    "db.r6g.xlarge": "db.r6g.large",
    "db.r6g.large": "db.t4g.medium",
    "cache.m5.large": "cache.t3.medium",
    "cache.t3.medium": "cache.t3.small",
}
"""One step down in size or to burstable, per type."""
Change = Callable[[ArchitectureSpec, re.Match[str]], list[str]]


def _first(spec: ArchitectureSpec, *kinds: str) -> Component:
    found = spec.of_kind(*kinds)
    if not found:
        raise InvalidInput(f"{spec.name} has no {' or '.join(kinds)} to change.")
    return found[0]


def _to_aurora(spec: ArchitectureSpec, _: re.Match[str]) -> list[str]:
    db = _first(spec, "rds", "aurora")
    load = sizing.Load(Decimal(0), Decimal(0), Decimal(db.storage_gb), False)
    aurora = sizing.database(load, spec.environment, "aurora")
    db.kind, db.instance_type, db.count, db.engine, db.port = (
        "aurora",
        aurora.instance_type,
        aurora.count,
        "postgres",
        5432,
    )
    db.why, db.multi_az = aurora.why, aurora.multi_az
    _retarget_port(spec, db.name, 5432)
    return ["RDS single-instance pricing (Aurora bills each instance and storage I/O)."]


def _to_engine(spec: ArchitectureSpec, found: re.Match[str]) -> list[str]:
    engine = "mysql" if "mysql" in found.group(0) else "postgres"
    db = _first(spec, "rds", "aurora")
    load = sizing.Load(Decimal(0), Decimal(0), Decimal(db.storage_gb), False)
    rds = sizing.database(load, spec.environment, engine)
    db.kind, db.engine, db.port, db.count, db.why = "rds", engine, rds.port, 1, rds.why
    db.instance_type = (
        db.instance_type
        if db.instance_type and not db.instance_type.startswith("db.r6g")
        else rds.instance_type
    )
    _retarget_port(spec, db.name, int(rds.port or 5432))
    return []


def _retarget_port(spec: ArchitectureSpec, target: str, port: int) -> None:
    for link in spec.connections:
        if link.target == target and link.access == "network":
            link.port = port


def _add_cache(spec: ArchitectureSpec, _: re.Match[str]) -> list[str]:
    if spec.of_kind("redis"):
        raise InvalidInput(f"{spec.name} already has a Redis cache.")
    app = _first(spec, "asg", "fargate")
    spec.components.append(sizing.cache(spec.environment))
    spec.connections.append(
        Connection(source=app.name, target="cache", port=6379, why="cache reads")
    )
    return []


def _remove_cache(spec: ArchitectureSpec, _: re.Match[str]) -> list[str]:
    cache = _first(spec, "redis")
    spec.components.remove(cache)
    spec.connections = [c for c in spec.connections if cache.name not in (c.source, c.target)]
    return ["the cache in front of the database"]


def _cheaper(spec: ArchitectureSpec, _: re.Match[str]) -> list[str]:
    gave_up = []
    network = spec.network
    if network is not None and network.nat == "per-az":
        network.nat = "single"
        gave_up.append(
            "NAT per AZ: one shared NAT gateway means an AZ outage cuts outbound access."
        )
    for c in spec.components:
        smaller = CHEAPER_TYPES.get(c.instance_type or "")
        if smaller:
            gave_up.append(
                f"{c.name}: {c.instance_type} -> {smaller} (less or burstable capacity)."
            )
            c.instance_type = smaller
        if c.kind == "fargate" and (c.vcpu or 1) > Decimal("0.5"):
            gave_up.append(f"{c.name}: tasks {c.vcpu} vCPU -> {Decimal(c.vcpu or 1) / 2} vCPU.")
            c.vcpu, c.memory_mb = Decimal(c.vcpu or 1) / 2, max(1024, (c.memory_mb or 2048) // 2)
    if not gave_up:
        raise InvalidInput(f"{spec.name} is already at its smallest sizes.")
    return gave_up


def _fargate(spec: ArchitectureSpec, _: re.Match[str]) -> list[str]:
    app = _first(spec, "asg")
    load = sizing.Load(Decimal(app.count * 200), Decimal(0), Decimal(0), False)
    fargate = sizing.containers(
        load, spec.environment, spec.az_count, app.name, "ECS Fargate service: no servers to patch."
    )
    index = spec.components.index(app)
    spec.components[index] = fargate.model_copy(update={"open_to_world": app.open_to_world})
    return ["EC2 instances you can log in to (Fargate has no hosts)."]


def _prod(spec: ArchitectureSpec, _: re.Match[str]) -> list[str]:
    if spec.environment == "prod":
        raise InvalidInput(f"{spec.name} is already prod.")
    spec.environment = "prod"
    if spec.network is not None:
        spec.network.nat = "per-az"
    resilient = corrected(spec)
    spec.components, spec.network = resilient.components, resilient.network
    return []


def _scale(spec: ArchitectureSpec, found: re.Match[str]) -> list[str]:
    count = int(found.group(1))
    if not 1 <= count <= 200:
        raise InvalidInput("Scale to between 1 and 200 instances.")
    app = _first(spec, "asg", "fargate")
    app.count = count
    app.max_count = max(app.max_count or 0, count * 2)
    network = spec.network
    if network is not None:
        hosts = {s.tier: s.hosts for s in network.subnets}
        hosts["app"] = max(1, math.ceil((app.max_count or count) / spec.az_count))
        block = BlockChoice(network.cidr, network.cidr_source, network.ipam_pool)
        spec.network = layout(block, spec.zones(), hosts, network.nat, list(network.endpoints))
    return []


def _fixes(spec: ArchitectureSpec, _: re.Match[str]) -> list[str]:
    fixed = corrected(spec)
    spec.components, spec.connections, spec.network = (
        fixed.components,
        fixed.connections,
        fixed.network,
    )
    return []


REFINEMENTS: tuple[tuple[str, Change, str], ...] = (
    (
        r"apply (?:the |all )?fix|fix (?:it|them|the findings|everything)|make it secure|corrected",
        _fixes,
        "apply the fixes",
    ),
    (r"aurora", _to_aurora, "make the database Aurora"),
    (r"\b(?:postgres(?:ql)?|mysql)\b", _to_engine, "use MySQL / PostgreSQL"),
    (
        r"(?:remove|drop|no) (?:the )?(?:redis |elasticache )?cach",
        _remove_cache,
        "remove the cache",
    ),
    (r"redis|cach", _add_cache, "add a Redis cache"),
    (
        r"cheap|cost less|save money|budget|(?:reduce|cut|lower) (?:the )?cost",
        _cheaper,
        "cheaper please",
    ),
    (r"fargate|containers?|\becs\b", _fargate, "use Fargate"),
    (r"\b(?:make it |for |to )prod(?:uction)?\b|multi-?az|highly available", _prod, "make it prod"),
    (
        r"(?:scale|grow|resize)\D{0,30}?(\d{1,3})"
        r"|(\d{1,3}) (?:instances|servers|tasks)",
        _scale,
        "scale the app to 8 instances",
    ),
)


def refine_spec(spec: ArchitectureSpec, text: str) -> tuple[ArchitectureSpec, list[str]]:
    """Apply the refinement ``text`` asks for to a copy of ``spec``.

    Args:
        spec: the current version.
        text: what the user asked (e.g. "make the database Aurora").

    Returns:
        The new spec and what the change gave up (empty when nothing).
    """
    lower = " ".join(text.lower().split())[:MAX_REQUEST_CHARS]
    for pattern, change, _ in REFINEMENTS:
        found = re.search(pattern, lower)
        if found is None:
            continue
        if change is _scale and found.group(1) is None:
            found = re.search(r"(\d{1,3})", found.group(0)) or found
        new = spec.model_copy(deep=True)
        gave_up = change(new, found)
        return ArchitectureSpec.model_validate(new.model_dump()), gave_up
    examples = ", ".join(f"'{example}'" for _, _, example in REFINEMENTS)
    raise InvalidInput(f"I don't know how to change {spec.name} that way. Try {examples}.")
