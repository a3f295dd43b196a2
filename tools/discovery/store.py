"""The inventory: resources keyed by ARN, scan runs and change events, written in batches.

Public API (used by other domains): ``InventoryStore(db)`` with ``record_scan``, ``search``,
``count``, ``get``, ``changes``, ``resources`` and ``last_scan``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.db import Database
from tools.discovery.diff import changed_fields, comparable, fingerprint, only_new_keys
from tools.discovery.resource_models import GLOBAL_REGION, Resource, ScanResult
from tools.discovery.tables import ChangeRow, ResourceRow, ScanRow

BATCH = 1000


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass
class _Plan:
    """What one scan does to the table."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


class StoredResource(Resource):
    """A resource as the inventory knows it, with when it was first and last seen."""

    first_seen: datetime
    last_seen: datetime
    deleted_at: datetime | None = None


class InventoryStore:
    """Reads and writes the inventory tables of ``db``."""

    def __init__(self, db: Database) -> None:
        """Use ``db`` (already migrated).

        Args:
            db: the SQL store.
        """
        self.db = db

    # ---- writing -------------------------------------------------------------------------

    def record_scan(self, result: ScanResult) -> ScanResult:
        """Store a scan: upsert its resources, mark vanished ones deleted, log the changes.

        Deletion is only inferred inside (account, region, service) units that completed, so a
        denied region never makes its resources look deleted. Everything is written in one
        transaction with multi-row statements of up to ``BATCH`` rows.

        Args:
            result: the scan; its ``scan_id`` is filled in.
        """
        now = result.finished_at or result.started_at
        with self.db.session() as session:
            scan = ScanRow(
                started_at=result.started_at,
                finished_at=now,
                accounts=result.accounts,
                regions=result.regions,
                outcomes=[o.model_dump() for o in result.outcomes],
                resource_count=len(result.resources),
                api_calls=result.api_calls,
                complete=result.complete,
            )
            session.add(scan)
            session.flush()
            assert scan.id is not None
            plan = self._plan(session, result, scan.id, now)
            self._apply(session, plan, scan.id, now)
            counts = Counter(c["kind"] for c in plan.changes)
            scan.created, scan.changed, scan.deleted = (
                counts["created"],
                counts["changed"],
                counts["deleted"],
            )
            session.add(scan)
        result.scan_id = scan.id
        return result

    def _plan(self, session: Session, result: ScanResult, scan_id: int, now: datetime) -> _Plan:
        covered = {(o.account, o.region, o.service) for o in result.outcomes if o.status == "ok"}
        existing = {row.arn: row for row in self._rows_of(session, result.accounts)}
        plan = _Plan()
        seen: set[str] = set()
        for resource in result.resources:
            seen.add(resource.arn)
            self._plan_one(plan, resource, existing.get(resource.arn), scan_id, now)
        for arn, row in existing.items():
            if arn in seen or row.deleted_at is not None:
                continue
            scope_region = row.region if (row.account, row.region, row.service) in covered else None
            if scope_region is None and (row.account, GLOBAL_REGION, row.service) not in covered:
                continue
            plan.deleted.append(arn)
            plan.changes.append(_change(scan_id, now, row, "deleted", []))
        return plan

    def _plan_one(
        self,
        plan: _Plan,
        resource: Resource,
        row: ResourceRow | None,
        scan_id: int,
        now: datetime,
    ) -> None:
        data = comparable(resource)
        digest = fingerprint(data)
        values = _values(resource, digest, now, scan_id)
        if row is None or row.deleted_at is not None:
            if row is None:
                plan.inserts.append({**values, "first_seen": now})
            else:
                plan.updates.append({**values, "deleted_at": None})
            plan.changes.append(_change(scan_id, now, resource, "created", []))
        elif row.fingerprint != digest:
            plan.updates.append(values)
            stored = _row_comparable(row)
            if not only_new_keys(stored, data):
                fields = changed_fields(stored, data)
                plan.changes.append(_change(scan_id, now, resource, "changed", fields))
        else:
            plan.touched.append(resource.arn)

    def _apply(self, session: Session, plan: _Plan, scan_id: int, now: datetime) -> None:
        table = ResourceRow.__table__  # type: ignore[attr-defined]
        for chunk in _chunks(plan.inserts):
            session.execute(sa.insert(table), chunk)
        for chunk in _chunks(plan.updates):
            session.execute(sa.update(ResourceRow), chunk)
        for arns in _chunks(plan.touched):
            session.execute(
                sa.update(table)
                .where(table.c.arn.in_(arns))
                .values(last_seen=now, last_scan_id=scan_id)
            )
        for arns in _chunks(plan.deleted):
            session.execute(sa.update(table).where(table.c.arn.in_(arns)).values(deleted_at=now))
        for chunk in _chunks(plan.changes):
            session.execute(sa.insert(ChangeRow.__table__), chunk)  # type: ignore[attr-defined]

    def _rows_of(self, session: Session, accounts: list[str]) -> list[ResourceRow]:
        statement = select(ResourceRow).where(col(ResourceRow.account).in_(accounts))
        return list(session.exec(statement))

    # ---- reading -------------------------------------------------------------------------

    def get(self, arn: str) -> StoredResource | None:
        """The resource with this ARN (deleted ones included), or None.

        Args:
            arn: its ARN.
        """
        with self.db.session() as session:
            row = session.get(ResourceRow, arn)
            return _stored(row) if row else None

    def search(
        self,
        *,
        type: str | None = None,
        region: str | None = None,
        account: str | None = None,
        tags: dict[str, str] | None = None,
        name: str | None = None,
        state: str | None = None,
        include_deleted: bool = False,
        limit: int | None = None,
    ) -> list[StoredResource]:
        """Resources matching every given filter, sorted by type then name.

        Args:
            type: exact type (``ec2:instance``) or its service prefix (``ec2``).
            region: region name.
            account: account id.
            tags: tag key -> value ('*' = any value) that must all match.
            name: case-insensitive substring of the name or the provider id.
            state: exact lifecycle state.
            include_deleted: also return resources gone since an earlier scan.
            limit: at most this many.
        """
        conditions = _conditions(type, region, account, state, name, include_deleted)
        statement = (
            select(ResourceRow)
            .where(*conditions)
            .order_by(col(ResourceRow.type), col(ResourceRow.name))
        )
        found: list[StoredResource] = []
        with self.db.session() as session:
            for row in session.exec(statement):
                if tags and not _tags_match(row.tags, tags):
                    continue
                found.append(_stored(row))
                if limit is not None and len(found) >= limit:
                    break
        return found

    def count(self, group_by: str, **filters: Any) -> dict[str, int]:
        """How many matching resources per value of ``group_by``.

        Args:
            group_by: ``type``, ``region``, ``account``, ``state``, ``service`` or ``tag:<key>``.
            filters: the same filters as ``search``.
        """
        counts: Counter[str] = Counter()
        for resource in self.search(**filters):
            counts[_group_value(resource, group_by)] += 1
        return dict(counts.most_common())

    def resources(self, include_deleted: bool = False) -> Iterator[StoredResource]:
        """Every resource currently known (for building the graph).

        Args:
            include_deleted: also yield deleted ones.
        """
        yield from self.search(include_deleted=include_deleted)

    def changes(
        self, *, since: datetime | None = None, scan_id: int | None = None
    ) -> list[ChangeRow]:
        """Change events since a time, or of one scan (default: the latest scan).

        Args:
            since: every change at or after this time.
            scan_id: the changes recorded by this scan.
        """
        statement = select(ChangeRow)
        if since is not None:
            statement = statement.where(col(ChangeRow.at) >= since)
        else:
            latest = scan_id if scan_id is not None else self._latest_scan_id()
            if latest is None:
                return []
            statement = statement.where(col(ChangeRow.scan_id) == latest)
        statement = statement.order_by(col(ChangeRow.id))
        with self.db.session() as session:
            rows = list(session.exec(statement))
        for row in rows:
            row.at = _aware(row.at) or row.at
        return rows

    def last_scan(self) -> ScanRow | None:
        """The most recent scan run, or None before the first scan."""
        with self.db.session() as session:
            statement = select(ScanRow).order_by(col(ScanRow.id).desc()).limit(1)
            return session.exec(statement).first()

    def covered(self, services: set[str]) -> bool:
        """True when some scan looked at every one of ``services`` (a whole-estate scan).

        Scans scoped to a few services (a proposal looking only at VPCs, say) do not count, so
        a later question about anything else still starts with a full scan.

        Args:
            services: the collector names a full scan runs.
        """
        with self.db.session() as session:
            statement = select(ScanRow.outcomes).order_by(col(ScanRow.id).desc()).limit(50)
            for outcomes in session.exec(statement):
                if services <= {o.get("service") for o in outcomes or []}:
                    return True
        return False

    def _latest_scan_id(self) -> int | None:
        scan = self.last_scan()
        return scan.id if scan else None


def _conditions(
    rtype: str | None,
    region: str | None,
    account: str | None,
    state: str | None,
    name: str | None,
    include_deleted: bool,
) -> list[Any]:
    """The WHERE conditions of a search (see ``InventoryStore.search``)."""
    conditions: list[Any] = []
    if rtype:
        exact = ":" in rtype
        column = col(ResourceRow.type)
        conditions.append(column == rtype if exact else column.like(f"{rtype}:%"))
    if region:
        conditions.append(col(ResourceRow.region) == region)
    if account:
        conditions.append(col(ResourceRow.account) == account)
    if state:
        conditions.append(sa.func.lower(col(ResourceRow.state)) == state.lower())
    if name:
        pattern = f"%{name.lower()}%"
        conditions.append(
            sa.or_(
                sa.func.lower(col(ResourceRow.name)).like(pattern),
                sa.func.lower(col(ResourceRow.resource_id)).like(pattern),
            )
        )
    if not include_deleted:
        conditions.append(col(ResourceRow.deleted_at).is_(None))
    return conditions


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _values(resource: Resource, digest: str, now: datetime, scan_id: int) -> dict[str, Any]:
    data = resource.model_dump(mode="json")
    return {
        "arn": resource.arn,
        "account": resource.account,
        "region": resource.region,
        "type": resource.type,
        "service": resource.service,
        "resource_id": resource.resource_id,
        "name": resource.name,
        "state": resource.state,
        "tags": data["tags"],
        "config": data["config"],
        "relations": data["relations"],
        "fingerprint": digest,
        "last_seen": now,
        "last_scan_id": scan_id,
    }


def _change(
    scan_id: int, now: datetime, item: Resource | ResourceRow, kind: str, fields: list[str]
) -> dict[str, Any]:
    return {
        "scan_id": scan_id,
        "at": now,
        "arn": item.arn,
        "kind": kind,
        "resource_type": item.type,
        "name": item.name,
        "account": item.account,
        "region": item.region,
        "changed_fields": fields,
    }


def _row_comparable(row: ResourceRow) -> dict[str, Any]:
    return comparable(_stored(row))


def _stored(row: ResourceRow) -> StoredResource:
    return StoredResource(
        arn=row.arn,
        account=row.account,
        region=row.region,
        type=row.type,
        service=row.service,
        resource_id=row.resource_id,
        name=row.name,
        tags=row.tags or {},
        state=row.state,
        config=row.config or {},
        relations=row.relations or [],
        first_seen=_aware(row.first_seen) or row.first_seen,
        last_seen=_aware(row.last_seen) or row.last_seen,
        deleted_at=_aware(row.deleted_at),
    )


def _tags_match(have: dict[str, str], want: dict[str, str]) -> bool:
    lowered = {k.lower(): str(v).lower() for k, v in (have or {}).items()}
    for key, value in want.items():
        actual = lowered.get(key.lower())
        if actual is None or (value != "*" and actual != value.lower()):
            return False
    return True


def _group_value(resource: Resource, group_by: str) -> str:
    if group_by.startswith("tag:"):
        return resource.tags.get(group_by[4:], "(untagged)")
    value = getattr(resource, group_by, None)
    return str(value) if value is not None else "(none)"
