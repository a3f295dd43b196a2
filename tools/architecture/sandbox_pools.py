"""Seeding the sandbox's IPAM pool tree (``core.sandbox.ipam``) through the IPAM importer."""

from __future__ import annotations

from core.clock import Clock
from core.db import Database
from core.sandbox.ipam import IPAM_POOL_TREE_CSV
from tools.ipam import service as ipam
from tools.ipam.transfer import import_rows


def seed_sandbox_pools(db: Database, clock: Clock) -> bool:
    """Import the sandbox pool tree unless the store already has pools.

    Args:
        db: the SQL store.
        clock: the one source of "now".

    Returns:
        True when the tree was imported.
    """
    with db.session() as session:
        if ipam.live_pools(session):
            return False
    report = import_rows(db, IPAM_POOL_TREE_CSV, "csv", "sandbox", apply=True, now=clock.now())
    if report.errors:
        raise ValueError(f"the sandbox IPAM tree does not import: {report.errors}")
    return report.applied
