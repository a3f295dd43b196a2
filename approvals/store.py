"""The approval requests' SQL, written once: reads, finders and the conditional transition.

Every change of state is one conditional ``UPDATE ... WHERE state = :expected ... RETURNING``,
so exactly one of any number of racing writers (threads or replicas) wins, and the winner gets
the row as it now is without reading it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select

from approvals.models import ApprovalRequest, ApprovalState
from core.db import Database

S = ApprovalState
Condition = ColumnElement[bool]


class ApprovalStore:
    """Reads and writes approval requests."""

    def __init__(self, db: Database) -> None:
        """Use ``db``.

        Args:
            db: the SQL store (migrated).
        """
        self.db = db

    def add(self, request: ApprovalRequest) -> ApprovalRequest:
        """Insert a new request.

        Args:
            request: the row to store.
        """
        with self.db.session() as session:
            session.add(request)
        return request

    def get(self, approval_id: str) -> ApprovalRequest | None:
        """The request with ``approval_id``, or None.

        Args:
            approval_id: its id.
        """
        with self.db.session() as session:
            return session.get(ApprovalRequest, approval_id)

    def by_origin(self, origin_key: str) -> ApprovalRequest | None:
        """The request filed with this idempotency key, or None.

        Args:
            origin_key: conversation + tool call id (or another asker's key).
        """
        with self.db.session() as session:
            query = select(ApprovalRequest).where(ApprovalRequest.origin_key == origin_key)
            return session.exec(query).first()

    def transition(
        self,
        approval_id: str,
        expected: S,
        target: S | None,
        where: Sequence[Condition] = (),
        **values: Any,
    ) -> ApprovalRequest | None:
        """Move a request from ``expected`` to ``target`` when it is still there (and ``where``).

        Args:
            approval_id: the request.
            expected: the state it must be in.
            target: the new state (None keeps the state and only sets ``values``).
            where: extra conditions the row must meet.
            **values: other columns to set.

        Returns:
            The row after the change, or None when the condition no longer held.
        """
        if target is not None:
            values["state"] = target
        statement = (
            update(ApprovalRequest)
            .where(col(ApprovalRequest.id) == approval_id)
            .where(col(ApprovalRequest.state) == expected, *where)
            .values(**values)
            .returning(ApprovalRequest)
        )
        with self.db.session() as session:
            return session.execute(statement).scalars().first()

    def set(self, approval_id: str, **values: Any) -> None:
        """Set columns that are not part of the lifecycle (where its card is posted).

        Args:
            approval_id: the request.
            **values: columns to set.
        """
        statement = (
            update(ApprovalRequest).where(col(ApprovalRequest.id) == approval_id).values(**values)
        )
        with self.db.session() as session:
            session.execute(statement)

    def find(
        self,
        state: str | None = None,
        conversation_id: str | None = None,
        limit: int = 50,
        workspace: str | None = None,
    ) -> list[ApprovalRequest]:
        """Newest requests first, optionally filtered.

        A filter given as ``''`` matches only that value: an empty conversation or workspace
        never means "any".

        Args:
            state: only this lifecycle state.
            conversation_id: only from this conversation.
            limit: at most this many.
            workspace: only from this workspace.
        """
        query = select(ApprovalRequest).order_by(col(ApprovalRequest.created_at).desc())
        if state:
            query = query.where(ApprovalRequest.state == state)
        if conversation_id is not None:
            query = query.where(ApprovalRequest.conversation_id == conversation_id)
        if workspace is not None:
            query = query.where(ApprovalRequest.workspace_id == workspace)
        with self.db.session() as session:
            return list(session.exec(query.limit(limit)).all())

    def overdue(self, now: datetime) -> list[str]:
        """Ids of pending requests whose time ran out.

        Args:
            now: the clock's time.
        """
        with self.db.session() as session:
            query = select(ApprovalRequest.id).where(
                ApprovalRequest.state == S.PENDING, col(ApprovalRequest.expires_at) <= now
            )
            return list(session.exec(query).all())

    def approved_before(self, moment: datetime) -> list[ApprovalRequest]:
        """Requests approved before ``moment`` that no executor has claimed.

        Args:
            moment: approved at or before this instant.
        """
        with self.db.session() as session:
            query = select(ApprovalRequest).where(
                ApprovalRequest.state == S.APPROVED, col(ApprovalRequest.decided_at) <= moment
            )
            return list(session.exec(query).all())

    def lease_expired(self, now: datetime) -> list[ApprovalRequest]:
        """Executing requests whose executor stopped renewing its claim.

        Args:
            now: the clock's time.
        """
        lease = col(ApprovalRequest.lease_expires_at)
        with self.db.session() as session:
            query = select(ApprovalRequest).where(
                ApprovalRequest.state == S.EXECUTING, (lease <= now) | lease.is_(None)
            )
            return list(session.exec(query).all())
