"""The lexicon chat links names against: what discovery's inventory holds, the sandbox's seeded
estate, IPAM pools and architectures, read from the store and kept for a short while.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlmodel import col, select

from agents.offline.lexicon import Entity, Lexicon
from agents.offline.training import example_lexicon
from core.db import Database
from core.sandbox.model import DemoEstate

KIND_OF_TYPE: dict[str, str] = {
    "ec2:instance": "instance",
    "ec2:volume": "volume",
    "ec2:snapshot": "snapshot",
    "ec2:vpc": "vpc",
    "ec2:subnet": "subnet",
    "ec2:security-group": "security_group",
    "ec2:elastic-ip": "address",
    "ec2:nat-gateway": "nat_gateway",
    "ec2:internet-gateway": "internet_gateway",
    "ec2:route-table": "route_table",
    "elbv2:load-balancer": "load_balancer",
    "elbv2:target-group": "target_group",
    "rds:db-instance": "database",
    "rds:db-cluster": "database",
    "s3:bucket": "bucket",
    "lambda:function": "function",
    "iam:role": "role",
    "dynamodb:table": "table",
    "ecs:cluster": "cluster",
}
"""Discovery's resource types -> lexicon kinds."""
REFRESH_SECONDS = 30.0
"""How long a built lexicon is reused before the store is read again."""


def inventory_entities(db: Database) -> Iterator[Entity]:
    """Named resources of discovery's inventory.

    Args:
        db: the SQL store.
    """
    from tools.discovery.store import InventoryStore

    for resource in InventoryStore(db).resources():
        kind = KIND_OF_TYPE.get(resource.type)
        if kind:
            yield Entity(resource.name or resource.resource_id, kind, resource.resource_id)


def sandbox_entities(estate: DemoEstate) -> Iterator[Entity]:
    """Everything the sandbox seeded, by name.

    Args:
        estate: ids of the seeded resources.
    """
    named: tuple[tuple[str, dict[str, str]], ...] = (
        ("instance", estate.instance_ids),
        ("vpc", estate.vpc_ids),
        ("subnet", estate.subnet_ids),
        ("security_group", estate.security_group_ids),
        ("address", estate.allocation_ids),
        ("route_table", estate.route_table_ids),
    )
    for kind, ids in named:
        yield from (Entity(name, kind, ident) for name, ident in ids.items())
    yield Entity("old-data", "volume", estate.volume_id)
    yield from (Entity(f"{name}-root", "volume") for name in estate.instance_ids)
    yield Entity("old-data-backup", "snapshot", estate.snapshot_id)
    yield Entity(estate.db_identifier or "db-prod", "database")
    yield Entity("web-alb", "load_balancer")
    yield Entity("web-tg", "target_group")
    yield Entity("prod-nat", "nat_gateway", estate.nat_gateway_id)
    yield Entity("prod-igw", "internet_gateway", estate.internet_gateway_id)
    yield from (Entity(bucket, "bucket") for bucket in estate.bucket_names)
    yield Entity(estate.lambda_function_name or "thumbnailer", "function")
    yield Entity(estate.auto_scaling_group or "web-asg", "auto_scaling_group")


def stored_entities(db: Database) -> Iterator[Entity]:
    """IPAM pools, architectures and workflows, which live in CloudFabric's own store.

    Args:
        db: the SQL store.
    """
    from tools.architecture.store import ArchitectureRow
    from tools.ipam.tables import IpamPool
    from tools.workflows.store import WorkflowRow

    with db.session() as session:
        pools = session.exec(select(IpamPool.name)).all()
        architectures = session.exec(
            select(ArchitectureRow.name).order_by(col(ArchitectureRow.id))
        ).all()
        workflows = session.exec(
            select(WorkflowRow.name).where(WorkflowRow.status != "deleted")
        ).all()
    yield from (Entity(name, "pool") for name in pools)
    yield from (Entity(name, "architecture") for name in architectures)
    yield from (Entity(name, "workflow") for name in workflows)


@dataclass
class EstateLexicon:
    """A lexicon source for chat: rebuilt from the store at most every ``REFRESH_SECONDS``.

    Attributes:
        db: the SQL store.
        estate: the sandbox's seeded estate, when running on the sandbox.
        sandbox: running on the sandbox (its names are known even when the estate was seeded
            elsewhere, as in tests that pass their own clients).
    """

    db: Database
    estate: DemoEstate | None = None
    sandbox: bool = False
    _built: Lexicon | None = field(default=None, repr=False)
    _at: float = field(default=0.0, repr=False)
    refresh_seconds: float = REFRESH_SECONDS

    def __call__(self) -> Lexicon:
        """What exists now (as of at most ``refresh_seconds`` ago)."""
        now = time.monotonic()
        if self._built is None or now - self._at >= self.refresh_seconds:
            self._built, self._at = self._build(), now
        return self._built

    def _build(self) -> Lexicon:
        sources: list[Callable[[], Iterator[Entity]]] = [
            lambda: inventory_entities(self.db),
            lambda: stored_entities(self.db),
        ]
        if self.estate is not None:
            seeded = self.estate
            sources.insert(0, lambda: sandbox_entities(seeded))
        elif self.sandbox:
            sources.insert(0, lambda: iter(example_lexicon().entities))
        return Lexicon.of(entity for source in sources for entity in source())
