"""Pool and allocation bookkeeping over the SQL store: lookups, validation, writes, change log."""

from __future__ import annotations

import difflib
import ipaddress
import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from tools.errors import InvalidInput, NotFound
from tools.ipam.cidrs import Network, parse_cidr, parse_cidrs
from tools.ipam.space import AddressSpace, Kind
from tools.ipam.store import IpamAllocation, IpamChange, IpamPool


def live_pools(session: Session) -> list[IpamPool]:
    """Every pool not soft-deleted, by name."""
    query = select(IpamPool).where(col(IpamPool.deleted_at).is_(None)).order_by(IpamPool.name)
    return list(session.exec(query))


def find_pool(session: Session, name: str) -> IpamPool:
    """The live pool called ``name`` (case-insensitive).

    Args:
        session: open session.
        name: pool name.

    Raises:
        NotFound: naming close matches when there are some.
    """
    pools = live_pools(session)
    for pool in pools:
        if pool.name.lower() == name.strip().lower():
            return pool
    near = difflib.get_close_matches(name, [p.name for p in pools], n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise NotFound(f"There is no IPAM pool named '{name}'.{hint}")


def pool_by_id(session: Session, pool_id: int) -> IpamPool:
    """The pool with ``pool_id`` (deleted or not).

    Args:
        session: open session.
        pool_id: primary key.
    """
    pool = session.get(IpamPool, pool_id)
    if pool is None:
        raise NotFound(f"IPAM pool #{pool_id} does not exist.")
    return pool


def child_pools(session: Session, pool_id: int) -> list[IpamPool]:
    """Live pools whose parent is ``pool_id``.

    Args:
        session: open session.
        pool_id: the parent.
    """
    query = select(IpamPool).where(
        IpamPool.parent_id == pool_id, col(IpamPool.deleted_at).is_(None)
    )
    return list(session.exec(query))


def active_allocations(session: Session, pool_id: int | None = None) -> list[IpamAllocation]:
    """Allocations and reservations not released, optionally of one pool.

    Args:
        session: open session.
        pool_id: restrict to this pool.
    """
    query = select(IpamAllocation).where(col(IpamAllocation.released_at).is_(None))
    if pool_id is not None:
        query = query.where(IpamAllocation.pool_id == pool_id)
    return list(session.exec(query.order_by(col(IpamAllocation.id))))


def pool_networks(pool: IpamPool) -> list[Network]:
    """The pool's CIDR blocks as networks.

    Args:
        pool: the pool row.
    """
    return [ipaddress.ip_network(c) for c in pool.cidr_list]


def build_space(session: Session, pool: IpamPool) -> AddressSpace:
    """The pool's address space with its allocations, reservations and child pools occupied.

    Args:
        session: open session.
        pool: the pool.
    """
    space = AddressSpace(pool_networks(pool))
    for allocation in active_allocations(session, pool.id):
        kind: Kind = "reservation" if allocation.kind == "reservation" else "allocation"
        space.occupy(ipaddress.ip_network(allocation.cidr), kind, allocation.purpose or "")
    for child in child_pools(session, pool.id or 0):
        for network in pool_networks(child):
            space.occupy(network, "pool", child.name)
    return space


def validate_pool_cidrs(
    session: Session, cidrs: list[str], parent: IpamPool | None
) -> list[Network]:
    """Parse a new pool's CIDRs and check they fit, free, inside the parent.

    Args:
        session: open session.
        cidrs: the new pool's blocks.
        parent: the parent pool, if any.
    """
    networks = parse_cidrs(cidrs)
    if parent is None:
        return networks
    space = build_space(session, parent)
    for network in networks:
        if network.version != parent.ip_version:
            raise InvalidInput(
                f"{network} is IPv{network.version} but parent pool '{parent.name}' "
                f"is IPv{parent.ip_version}."
            )
        if not space.contains(network):
            raise InvalidInput(
                f"{network} is not inside parent pool '{parent.name}' ({parent.cidrs})."
            )
        clash = space.overlapping(network)
        if clash:
            raise InvalidInput(
                f"{network} overlaps {clash[0].network} ({clash[0].kind} "
                f"'{clash[0].label}') in parent pool '{parent.name}'."
            )
        space.occupy(network, "pool")
    return networks


def check_new_pool_name(session: Session, name: str) -> str:
    """Refuse an empty name or one a live pool already has.

    Args:
        session: open session.
        name: proposed name.
    """
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput("A pool needs a name.")
    if any(p.name.lower() == cleaned.lower() for p in live_pools(session)):
        raise InvalidInput(f"A pool named '{cleaned}' already exists.")
    return cleaned


def lock_pool(session: Session, pool: IpamPool, now: datetime) -> None:
    """Serialise writers on ``pool``: the row update takes a write lock until commit.

    Args:
        session: open session.
        pool: the pool about to change.
        now: the clock's time, recorded as the pool's last update.
    """
    pool.updated_at = now
    session.add(pool)
    session.flush()


def record_change(
    session: Session,
    actor: str,
    action: str,
    pool: IpamPool | None,
    cidr: str | None = None,
    delta: int = 0,
    *,
    at: datetime,
    **detail: Any,
) -> None:
    """Append one entry to the change log.

    Args:
        session: open session.
        actor: who made the change.
        action: what kind of change.
        pool: pool concerned.
        cidr: block concerned.
        delta: addresses allocated (+) or released (-).
        at: when (from the clock).
        **detail: extra facts.
    """
    session.add(
        IpamChange(
            at=at,
            actor=actor,
            action=action,
            pool_id=pool.id if pool else None,
            cidr=cidr,
            address_delta=str(delta),
            detail_json=json.dumps(detail, sort_keys=True, default=str),
        )
    )


def pool_changes(session: Session, pool_id: int) -> list[IpamChange]:
    """The change log of one pool, oldest first.

    Args:
        session: open session.
        pool_id: the pool.
    """
    query = select(IpamChange).where(IpamChange.pool_id == pool_id).order_by(col(IpamChange.id))
    return list(session.exec(query))


def find_allocation(session: Session, pool: IpamPool, cidr: str) -> IpamAllocation | None:
    """The active allocation or reservation that is exactly ``cidr`` in ``pool``.

    Args:
        session: open session.
        pool: the pool.
        cidr: the block.
    """
    wanted = str(parse_cidr(cidr))
    for allocation in active_allocations(session, pool.id):
        if allocation.cidr == wanted:
            return allocation
    return None
