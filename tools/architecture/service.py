"""Architectures and their versions in the SQL store: create, add a version, find, list."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tools.architecture.estimate import estimate_spec
from tools.architecture.spec import ArchitectureSpec
from tools.architecture.store import ArchitectureRow, ArchitectureVersion
from tools.context import ToolContext
from tools.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Stored:
    """One version of an architecture as stored.

    Attributes:
        row: the architecture row.
        version: the version number.
        spec: the spec of that version.
        note: what made that version.
        created_by: who asked for that version.
        created_at: when.
    """

    row: ArchitectureRow
    version: int
    spec: ArchitectureSpec
    note: str
    created_by: str
    created_at: datetime


class ArchitectureStore:
    """Reads and writes architectures for one tool context (its actor and clock)."""

    def __init__(self, ctx: ToolContext) -> None:
        """Bind to the context.

        Args:
            ctx: tool context.
        """
        self.ctx = ctx

    def create(self, spec: ArchitectureSpec, note: str) -> Stored:
        """Store a new architecture as version 1 (renamed ``<name>-2``... when the name is taken).

        Args:
            spec: the proposed spec.
            note: the request it came from.
        """
        with self.ctx.db.session() as session:
            taken = {r.name for r in session.exec(select(ArchitectureRow))}
            name = spec.name
            suffix = 2
            while name in taken:
                name = f"{spec.name[:27]}-{suffix}"
                suffix += 1
            spec = spec.model_copy(update={"name": name})
            row = ArchitectureRow(
                name=name,
                created_by=self.ctx.actor,
                created_at=self.ctx.clock.now(),
                latest_version=0,
            )
            session.add(row)
            session.flush()
            return self._append(session, row, spec, note)

    def add_version(self, name: str, spec: ArchitectureSpec, note: str) -> Stored:
        """Store ``spec`` as the next version of ``name``.

        Args:
            name: the architecture.
            spec: the new spec (its name must stay ``name``).
            note: the refinement that made it.
        """
        with self.ctx.db.session() as session:
            row = self._row(session, name)
            return self._append(session, row, spec.model_copy(update={"name": row.name}), note)

    def _append(
        self, session: Session, row: ArchitectureRow, spec: ArchitectureSpec, note: str
    ) -> Stored:
        now = self.ctx.clock.now()
        row.latest_version += 1
        session.add(row)
        total = estimate_spec(spec).total_monthly
        session.add(
            ArchitectureVersion(
                architecture_id=row.id or 0,
                version=row.latest_version,
                schema_version=spec.schema_version,
                spec_json=spec.model_dump_json(),
                note=note[:2000],
                created_by=self.ctx.actor,
                created_at=now,
                monthly_usd=str(total),
            )
        )
        session.flush()
        session.refresh(row)
        return Stored(row, row.latest_version, spec, note, self.ctx.actor, now)

    def _row(self, session: Session, name: str) -> ArchitectureRow:
        rows = list(session.exec(select(ArchitectureRow)))
        for row in rows:
            if row.name == name.strip().lower():
                return row
        near = difflib.get_close_matches(name, [r.name for r in rows], n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise NotFound(f"There is no architecture named '{name}'.{hint}")

    def get(self, name: str | None, version: int | None = None) -> Stored:
        """A version of an architecture (the latest by default).

        Args:
            name: the architecture; None = the actor's most recent one.
            version: version number; None = latest.
        """
        with self.ctx.db.session() as session:
            row = self._row(session, name) if name else self._latest_of_actor(session)
            number = version or row.latest_version
            query = select(ArchitectureVersion).where(
                ArchitectureVersion.architecture_id == row.id, ArchitectureVersion.version == number
            )
            stored = session.exec(query).first()
            if stored is None:
                raise NotFound(f"{row.name} has versions 1 to {row.latest_version}, not {number}.")
            spec = ArchitectureSpec.model_validate_json(stored.spec_json)
            return Stored(row, number, spec, stored.note, stored.created_by, stored.created_at)

    def _latest_of_actor(self, session: Session) -> ArchitectureRow:
        query = select(ArchitectureRow).order_by(
            col(ArchitectureRow.created_at).desc(), col(ArchitectureRow.id).desc()
        )
        rows = list(session.exec(query))
        mine = [r for r in rows if r.created_by == self.ctx.actor] or rows
        if not mine:
            raise InvalidInput("There is no architecture yet: describe what you need first.")
        return mine[0]

    def versions(self, name: str) -> list[ArchitectureVersion]:
        """Every version of ``name``, oldest first.

        Args:
            name: the architecture.
        """
        with self.ctx.db.session() as session:
            row = self._row(session, name)
            query = select(ArchitectureVersion).where(ArchitectureVersion.architecture_id == row.id)
            return sorted(session.exec(query), key=lambda v: v.version)

    def all(self) -> list[ArchitectureRow]:
        """Every architecture, newest first."""
        with self.ctx.db.session() as session:
            query = select(ArchitectureRow).order_by(col(ArchitectureRow.created_at).desc())
            return list(session.exec(query))

    def mark_deployed(self, name: str, version: int, stack_id: str) -> None:
        """Record that ``version`` of ``name`` is what the stack now runs.

        Args:
            name: the architecture.
            version: the deployed version.
            stack_id: the CloudFormation stack id.
        """
        with self.ctx.db.session() as session:
            row = self._row(session, name)
            row.deployed_version, row.stack_id = version, stack_id
            row.deployed_at, row.deployed_by, row.destroyed_at = (
                self.ctx.clock.now(),
                self.ctx.actor,
                None,
            )
            session.add(row)

    def mark_destroyed(self, name: str) -> None:
        """Record that the stack of ``name`` was deleted.

        Args:
            name: the architecture.
        """
        with self.ctx.db.session() as session:
            row = self._row(session, name)
            row.deployed_version, row.destroyed_at = None, self.ctx.clock.now()
            session.add(row)
