"""Import pools and allocations from CSV/JSON (validated, dry run first) and export them.

Every row is checked before anything is written; a report names each bad row by line number
(CSV: the file line, header = line 1; JSON: the item's 1-based position) with its reason.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from core.db import Database
from tools.errors import InvalidInput, ToolError
from tools.ipam import service
from tools.ipam.cidrs import Network, parse_cidrs
from tools.ipam.models import AllocateArgs
from tools.ipam.operations import insert_allocation
from tools.ipam.space import AddressSpace
from tools.ipam.store import IpamChange, IpamPool

COLUMNS = (
    "kind",
    "name",
    "parent",
    "cidr",
    "environment",
    "region",
    "owner",
    "tags",
    "description",
    "resource_arn",
)
MAX_ROWS = 50_000


@dataclass
class Row:
    """One import row, normalised.

    Attributes:
        line: line number in the file (or position in the JSON list).
        kind: pool, allocation or reservation.
        name: pool name, or purpose for an allocation.
        parent: parent pool (pools) or the pool allocated from (allocations).
        cidrs: blocks as given.
        fields: environment, region, owner, description.
        tags: tags.
        resource_arn: allocations only: the AWS resource the block belongs to.
    """

    line: int
    kind: str
    name: str
    parent: str | None
    cidrs: list[str]
    fields: dict[str, str | None]
    tags: dict[str, str] = field(default_factory=dict)
    resource_arn: str | None = None


@dataclass
class ImportReport:
    """What an import would do (or did).

    Attributes:
        total: rows read.
        valid: rows that passed every check.
        errors: (line, reason) for every bad row.
        pools: names of pools to create.
        allocations: blocks to allocate or reserve, as ``pool: cidr``.
        applied: True once written.
    """

    total: int = 0
    valid: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    pools: list[str] = field(default_factory=list)
    allocations: list[str] = field(default_factory=list)
    applied: bool = False


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p for p in str(value or "").replace(";", " ").replace(",", " ").split() if p]


def _tags(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = [p.split("=", 1) for p in str(value or "").split(";") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs}


def _row(line: int, record: dict[str, Any]) -> Row:
    clean = {k.strip().lower(): v for k, v in record.items() if k}
    text = {
        k: (str(v).strip() if v not in (None, "") else None)
        for k, v in clean.items()
        if k not in ("cidr", "cidrs", "tags")
    }
    return Row(
        line=line,
        kind=(text.get("kind") or "pool").lower(),
        name=text.get("name") or "",
        parent=text.get("parent") or text.get("pool"),
        cidrs=_split(clean.get("cidrs", clean.get("cidr"))),
        fields={k: text.get(k) for k in ("environment", "region", "owner", "description")},
        resource_arn=text.get("resource_arn"),
        tags=_tags(clean.get("tags")),
    )


def parse_rows(content: str, fmt: str) -> list[Row]:
    """Read CSV (header row first) or JSON (a list of objects).

    Args:
        content: the file's text.
        fmt: ``csv`` or ``json``.
    """
    if fmt == "json":
        try:
            items = json.loads(content)
        except json.JSONDecodeError as error:
            raise InvalidInput(
                f"The JSON is not valid: {error.msg} at line {error.lineno}."
            ) from None
        if isinstance(items, dict):
            items = items.get("pools", [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InvalidInput("The JSON must be a list of objects (one per pool or allocation).")
        rows = [_row(i + 1, item) for i, item in enumerate(items)]
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(content.strip()))
        if not reader.fieldnames or "cidr" not in [f.strip().lower() for f in reader.fieldnames]:
            raise InvalidInput(
                f"The CSV needs a header row with at least name and cidr "
                f"(columns: {', '.join(COLUMNS)})."
            )
        rows = [_row(reader.line_num, record) for record in reader]
    else:
        raise InvalidInput(f"Unknown import format '{fmt}'; use csv or json.")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"{len(rows):,} rows is more than the {MAX_ROWS:,} one import takes.")
    return rows


class _Plan:
    """Pools known (stored or from the file) and their address spaces, built on demand."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.stored = {p.name.lower(): p for p in service.live_pools(session)}
        self.new: dict[str, tuple[Row, list[Network]]] = {}
        self.spaces: dict[str, AddressSpace] = {}

    def space(self, name: str) -> AddressSpace | None:
        key = name.lower()
        if key not in self.spaces:
            if key in self.new:
                self.spaces[key] = AddressSpace(self.new[key][1])
            elif key in self.stored:
                self.spaces[key] = service.build_space(self.session, self.stored[key])
            else:
                return None
        return self.spaces[key]


def _order(rows: list[Row]) -> list[Row]:
    """Pools with parents after their parents (file order otherwise), then allocations."""
    pools = {r.name.lower(): r for r in rows if r.kind == "pool" and r.name}
    depth: dict[int, int] = {}

    def level(row: Row, seen: frozenset[int] = frozenset()) -> int:
        if row.line in depth:
            return depth[row.line]
        parent = pools.get((row.parent or "").lower())
        value = 0 if parent is None or parent.line in seen else 1 + level(parent, seen | {row.line})
        depth[row.line] = value
        return value

    pool_rows = sorted((r for r in rows if r.kind == "pool"), key=lambda r: (level(r), r.line))
    return pool_rows + [r for r in rows if r.kind != "pool"]


def _check(plan: _Plan, row: Row) -> None:
    """Validate one row against everything accepted so far (raises ``InvalidInput``)."""
    if row.kind not in ("pool", "allocation", "reservation"):
        raise InvalidInput(f"kind '{row.kind}' is not pool, allocation or reservation")
    networks = parse_cidrs(row.cidrs) if row.cidrs else []
    if not networks:
        raise InvalidInput("no CIDR given")
    if row.kind == "pool":
        if not row.name:
            raise InvalidInput("the pool has no name")
        if row.name.lower() in plan.stored:
            raise InvalidInput(f"pool '{row.name}' already exists (duplicate import)")
        if row.name.lower() in plan.new:
            raise InvalidInput(
                f"pool '{row.name}' appears twice in the file "
                f"(first at line {plan.new[row.name.lower()][0].line})"
            )
    holder = row.parent
    if row.kind != "pool" and not holder:
        raise InvalidInput("an allocation needs the pool it comes from in the parent column")
    if holder:
        space = plan.space(holder)
        if space is None:
            raise InvalidInput(f"pool '{holder}' does not exist in IPAM or in the file")
        taken: list[Network] = []
        try:
            for network in networks:
                if not space.contains(network) and network.version == space.version:
                    raise InvalidInput(f"{network} is not inside pool '{holder}'")
                space.occupy(network, row.kind, row.name)  # type: ignore[arg-type]
                taken.append(network)
        except ToolError:
            for network in taken:
                space.release(network)
            raise
    if row.kind == "pool":
        plan.new[row.name.lower()] = (row, networks)


def validate(session: Session, rows: list[Row]) -> tuple[ImportReport, list[Row]]:
    """Check every row; nothing is written.

    Args:
        session: open session.
        rows: parsed rows.

    Returns:
        The report and the valid rows in the order they must be written.
    """
    plan = _Plan(session)
    report = ImportReport(total=len(rows))
    good: list[Row] = []
    for row in _order(rows):
        try:
            _check(plan, row)
        except ToolError as error:
            report.errors.append((row.line, str(error).rstrip(".")))
            continue
        good.append(row)
        if row.kind == "pool":
            report.pools.append(row.name)
        else:
            report.allocations += [f"{row.parent}: {c}" for c in row.cidrs]
    report.errors.sort()
    report.valid = len(good)
    return report, good


def _levels(rows: list[Row]) -> list[list[Row]]:
    """Pool rows cut into batches whose parents are all in earlier batches (or stored)."""
    levels: list[list[Row]] = [[]]
    current: set[str] = set()
    for row in rows:
        if (row.parent or "").lower() in current:
            levels.append([])
            current = set()
        levels[-1].append(row)
        current.add(row.name.lower())
    return [level for level in levels if level]


def _pool_values(row: Row, parent_id: int | None, actor: str, now: datetime) -> dict[str, Any]:
    networks = parse_cidrs(row.cidrs)
    return {
        "name": row.name,
        "parent_id": parent_id,
        "ip_version": networks[0].version,
        "cidrs": ",".join(str(n) for n in networks),
        "tags_json": json.dumps(row.tags),
        "created_at": now,
        "updated_at": now,
        "created_by": actor,
        "deleted_at": None,
        **row.fields,
    }


def _pool_ids(session: Session) -> dict[str, int]:
    query = select(IpamPool.name, IpamPool.id).where(col(IpamPool.deleted_at).is_(None))
    return {name.lower(): int(pool_id or 0) for name, pool_id in session.exec(query)}


def write(session: Session, rows: list[Row], actor: str, now: datetime) -> None:
    """Insert validated rows: pools in bulk level by level, then allocations.

    Args:
        session: open session.
        rows: validated rows.
        actor: who imports.
        now: when (from the clock).
    """
    ids = _pool_ids(session)
    for level in _levels([r for r in rows if r.kind == "pool"]):
        values = [_pool_values(r, ids.get((r.parent or "").lower()), actor, now) for r in level]
        session.execute(insert(IpamPool), values)
        ids = _pool_ids(session)
        session.execute(
            insert(IpamChange),
            [
                {
                    "at": v["created_at"],
                    "actor": actor,
                    "action": "import",
                    "pool_id": ids[v["name"].lower()],
                    "cidr": v["cidrs"],
                    "address_delta": "0",
                    "detail_json": "{}",
                }
                for v in values
            ],
        )
    holders: dict[str, IpamPool] = {}
    for row in (r for r in rows if r.kind != "pool"):
        key = (row.parent or "").lower()
        if key not in holders:
            holders[key] = service.find_pool(session, key)
        holder = holders[key]
        for cidr in row.cidrs:
            request = AllocateArgs(
                pool=holder.name,
                cidr=cidr,
                purpose=row.name or None,
                owner=row.fields.get("owner"),
                kind=row.kind,
                resource_arn=row.resource_arn,
            )
            insert_allocation(session, holder, request, actor, now, action="import")


def import_rows(
    db: Database, content: str, fmt: str, actor: str, *, apply: bool, now: datetime
) -> ImportReport:
    """Validate an import and, when ``apply`` and every row is valid, write it in one transaction.

    Args:
        db: the store.
        content: file text.
        fmt: ``csv`` or ``json``.
        actor: who imports.
        apply: write (False = dry run).
        now: when (from the clock).
    """
    rows = parse_rows(content, fmt)
    with db.session() as session:
        report, good = validate(session, rows)
        if apply and not report.errors and good:
            write(session, good, actor, now)
            report.applied = True
    return report
