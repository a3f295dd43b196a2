"""Workflows and their runs in the SQL store: create, update, status, find, list, runs."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlmodel import col, select

from core.clock import Clock
from core.db import Database
from tools.errors import InvalidInput, NotFound
from tools.workflows.spec import WebhookTrigger, WorkflowSpec
from tools.workflows.store import WorkflowRow, WorkflowRun


@lru_cache(maxsize=4096)
def parse_spec(spec_json: str) -> WorkflowSpec:
    """The spec stored as ``spec_json``, parsed and validated once per distinct text.

    A spec is frozen, so every reader can share one; listing a thousand workflows then costs
    no validation after the first listing.

    Args:
        spec_json: a stored ``WorkflowSpec`` as JSON.
    """
    return WorkflowSpec.model_validate_json(spec_json)


class WorkflowStore:
    """Reads and writes workflows and runs."""

    def __init__(self, db: Database, clock: Clock) -> None:
        """Bind to the store.

        Args:
            db: the SQL store.
            clock: the one source of "now".
        """
        self.db = db
        self.clock = clock

    def create(
        self, spec: WorkflowSpec, approved_by: str | None, conversation_id: str | None = None
    ) -> WorkflowRow:
        """Store a new active workflow.

        Args:
            spec: the workflow (its name must be free).
            approved_by: who approved it.
            conversation_id: the thread it was asked in.

        Raises:
            InvalidInput: a workflow of that name exists (and is not deleted).
        """
        now = self.clock.now()
        stored = spec.model_copy(update={"approved_by": approved_by})
        with self.db.session() as session:
            old = session.exec(select(WorkflowRow).where(WorkflowRow.name == spec.name)).first()
            if old is not None and old.status != "deleted":
                raise InvalidInput(f"A workflow called {spec.name} already exists.")
            row = old or WorkflowRow(
                name=spec.name,
                spec_json="",
                version=1,
                status="active",
                created_by=spec.created_by,
                created_at=now,
                updated_at=now,
            )
            row.spec_json = stored.model_dump_json()
            row.version, row.status, row.created_by = spec.version, "active", spec.created_by
            row.approved_by, row.channel = approved_by, spec.channel
            row.conversation_id, row.created_at, row.updated_at = conversation_id, now, now
            row.webhook_token_sha256 = webhook_token_hash(spec)
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def get(self, name: str, deleted: bool = False) -> WorkflowRow:
        """The workflow called ``name``.

        Args:
            name: its name.
            deleted: also find a deleted one.

        Raises:
            NotFound: there is none (with the known names).
        """
        with self.db.session() as session:
            row = session.exec(select(WorkflowRow).where(WorkflowRow.name == name)).first()
        if row is None or (row.status == "deleted" and not deleted):
            known = ", ".join(r.name for r in self.all()) or "none yet"
            raise NotFound(f"There is no workflow called {name}. Workflows: {known}.")
        return row

    def by_id(self, workflow_id: int) -> WorkflowRow:
        """The workflow (even deleted) with the row id ``workflow_id``.

        Args:
            workflow_id: a run's ``workflow_id``.

        Raises:
            NotFound: there is none.
        """
        with self.db.session() as session:
            row = session.get(WorkflowRow, workflow_id)
        if row is None:
            raise NotFound(f"There is no workflow with id {workflow_id}.")
        return row

    def by_webhook_token(self, token: str) -> WorkflowRow | None:
        """The workflow (not deleted) whose webhook URL token is ``token``, if any.

        It is found by the token's SHA-256, so the lookup does not compare the token itself.

        Args:
            token: the token from the URL path.
        """
        digest = token_sha256(token)
        with self.db.session() as session:
            query = select(WorkflowRow).where(WorkflowRow.webhook_token_sha256 == digest)
            row = session.exec(query).first()
        return None if row is None or row.status == "deleted" else row

    def spec_of(self, name: str) -> WorkflowSpec:
        """The current spec of the workflow ``name``.

        Args:
            name: the workflow.
        """
        return self.spec(self.get(name))

    def spec(self, row: WorkflowRow) -> WorkflowSpec:
        """The spec stored in ``row``.

        Args:
            row: a workflow row.
        """
        return parse_spec(row.spec_json)

    def all(self, include_deleted: bool = False) -> list[WorkflowRow]:
        """Every workflow by name.

        Args:
            include_deleted: also deleted ones.
        """
        with self.db.session() as session:
            rows = session.exec(select(WorkflowRow).order_by(col(WorkflowRow.name))).all()
        return [r for r in rows if include_deleted or r.status != "deleted"]

    def update(self, name: str, spec: WorkflowSpec, approved_by: str | None) -> WorkflowRow:
        """Replace a workflow's spec with its next version.

        Args:
            name: the workflow.
            spec: the new spec (same name).
            approved_by: who approved the change.
        """
        return self._change(name, spec=spec, approved_by=approved_by)

    def set_status(self, name: str, status: str) -> WorkflowRow:
        """Pause, resume or delete a workflow.

        Args:
            name: the workflow.
            status: ``active``, ``paused`` or ``deleted``.
        """
        return self._change(name, status=status)

    def _change(self, name: str, **changes: Any) -> WorkflowRow:
        with self.db.session() as session:
            row = session.exec(select(WorkflowRow).where(WorkflowRow.name == name)).first()
            if row is None or row.status == "deleted":
                raise NotFound(f"There is no workflow called {name}.")
            spec = changes.get("spec")
            if spec is not None:
                version = row.version + 1
                stored = spec.model_copy(
                    update={"version": version, "approved_by": changes["approved_by"]}
                )
                row.spec_json, row.version, row.channel = (
                    stored.model_dump_json(),
                    version,
                    spec.channel,
                )
                row.approved_by = changes["approved_by"]
                row.webhook_token_sha256 = webhook_token_hash(spec)
            if "status" in changes:
                row.status = changes["status"]
            row.updated_at = self.clock.now()
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def add_run(
        self, row: WorkflowRow, fire_time: datetime, trigger: dict[str, Any] | None = None
    ) -> WorkflowRun:
        """A pending run of ``row`` for ``fire_time``.

        Args:
            row: the workflow.
            fire_time: when it was due.
            trigger: the event or request that started it.
        """
        assert row.id is not None
        run = WorkflowRun(
            workflow_id=row.id,
            spec_version=row.version,
            status="pending",
            fire_time=fire_time,
            trigger_json=json.dumps(trigger or {}, default=str),
        )
        return self.save_run(run)

    def save_run(self, run: WorkflowRun) -> WorkflowRun:
        """Write ``run`` back.

        Args:
            run: a run, changed.
        """
        with self.db.session() as session:
            session.add(run)
            session.commit()
            session.refresh(run)
            return run

    def set_line_ref(self, run_id: int, ref: str) -> None:
        """Remember where the run's status line was posted (only that column is written).

        Args:
            run_id: the run.
            ref: the message's reference on the surface (a Slack ts).
        """
        with self.db.session() as session:
            found = session.get(WorkflowRun, run_id)
            if found is not None:
                found.line_ref = ref
                session.add(found)
                session.commit()

    def run(self, run_id: int) -> WorkflowRun:
        """The run ``run_id``.

        Args:
            run_id: its id.
        """
        with self.db.session() as session:
            found = session.get(WorkflowRun, run_id)
        if found is None:
            raise NotFound(f"There is no workflow run {run_id}.")
        return found

    def recent_runs(
        self, workspace: str | None = None, limit: int = 10
    ) -> list[tuple[WorkflowRow, WorkflowRun]]:
        """The latest runs of every workflow, newest first, with their workflow.

        Args:
            workspace: only workflows made in a thread of this workspace (every one when None).
            limit: at most this many.
        """
        query = select(WorkflowRow, WorkflowRun).where(WorkflowRun.workflow_id == WorkflowRow.id)
        if workspace is not None:
            query = query.where(col(WorkflowRow.conversation_id).startswith(f"{workspace}:"))
        query = query.order_by(col(WorkflowRun.id).desc()).limit(limit)
        with self.db.session() as session:
            return [(row, run) for row, run in session.exec(query).all()]

    def runs(self, name: str, limit: int = 20) -> list[WorkflowRun]:
        """The latest runs of a workflow, newest first.

        Args:
            name: the workflow.
            limit: at most this many.
        """
        row = self.get(name, deleted=True)
        with self.db.session() as session:
            query = (
                select(WorkflowRun)
                .where(WorkflowRun.workflow_id == row.id)
                .order_by(col(WorkflowRun.id).desc())
                .limit(limit)
            )
            return list(session.exec(query).all())


def token_sha256(token: str) -> str:
    """The hex SHA-256 of a webhook URL token (what the store indexes).

    Args:
        token: the token.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def webhook_token_hash(spec: WorkflowSpec) -> str | None:
    """The stored hash of ``spec``'s webhook token; None for other triggers.

    Args:
        spec: a workflow.
    """
    trigger = spec.trigger
    if isinstance(trigger, WebhookTrigger) and trigger.token:
        return token_sha256(trigger.token)
    return None
