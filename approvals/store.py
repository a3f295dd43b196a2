"""The approval requests' SQL, written once: reads, finders and the conditional transition.

Every change of state is one conditional ``UPDATE ... WHERE state = :expected ... RETURNING``,
so exactly one of any number of racing writers (threads or replicas) wins, and the winner gets
the row as it now is without reading it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from approvals.errors import AlreadyApprovedByYou
from approvals.models import ApprovalRequest, ApprovalState, ApprovalVote
from core.db import Database

S = ApprovalState
_DECIDED_AT = ApprovalRequest.__table__.c.decided_at.type  # type: ignore[attr-defined]
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

    def vote(
        self,
        approval_id: str,
        user: str,
        at: datetime,
        where: Sequence[Condition] = (),
        complete: Callable[[list[str]], bool] | None = None,
    ) -> ApprovalRequest | None:
        """Count ``user``'s approval once; the one that completes the quorum approves the request.

        The vote row (one per person) and the conditional ``UPDATE`` of the count share one
        transaction: when the request is no longer pending (or ``where`` fails) the vote is
        rolled back, so votes never outnumber what the request counted.

        Args:
            approval_id: a pending request.
            user: who approves.
            at: the clock's time.
            where: extra conditions the row must meet (expiry, origin).
            complete: whether the approvers so far (this vote included) make the quorum, for
                quorums a count cannot say (one per owner); the count decides without it. The
                counting ``UPDATE`` locks the row, so racing votes are judged one at a time.

        Returns:
            The row after the change (APPROVED when this vote completed it, else PENDING), or
            None when the condition no longer held.

        Raises:
            AlreadyApprovedByYou: ``user`` already approved this request.
        """
        if complete is not None:
            return self._vote_judged(approval_id, user, at, where, complete)
        row = ApprovalRequest
        counted = col(row.approvals) + 1 >= col(row.required_approvals)
        so_far = func.coalesce(col(row.approved_by) + literal(","), literal(""))
        statement = (
            update(row)
            .where(col(row.id) == approval_id, col(row.state) == S.PENDING, *where)
            .values(
                approvals=col(row.approvals) + 1,
                approved_by=so_far + literal(user),
                state=case((counted, literal(S.APPROVED.value)), else_=literal(S.PENDING.value)),
                decided_by=case((counted, literal(user)), else_=None),
                decided_at=case((counted, literal(at, type_=_DECIDED_AT)), else_=None),
            )
            .returning(row)
        )
        try:
            with self.db.session() as session:
                session.add(ApprovalVote(approval_id=approval_id, user=user, at=at))
                session.flush()
                found = session.execute(statement).scalars().first()
                if found is None:
                    raise _Unchanged
                return found
        except IntegrityError:
            raise _twice(user) from None
        except _Unchanged:
            return None

    def _vote_judged(
        self,
        approval_id: str,
        user: str,
        at: datetime,
        where: Sequence[Condition],
        complete: Callable[[list[str]], bool],
    ) -> ApprovalRequest | None:
        """Count the vote, then approve in the same transaction when ``complete`` says so."""
        row = ApprovalRequest
        so_far = func.coalesce(col(row.approved_by) + literal(","), literal(""))
        count = (
            update(row)
            .where(col(row.id) == approval_id, col(row.state) == S.PENDING, *where)
            .values(approvals=col(row.approvals) + 1, approved_by=so_far + literal(user))
            .returning(row)
        )
        try:
            with self.db.session() as session:
                session.add(ApprovalVote(approval_id=approval_id, user=user, at=at))
                session.flush()
                found = session.execute(count).scalars().first()
                if found is None:
                    raise _Unchanged
                if not complete(found.approvers_so_far):
                    return found
                approve = (
                    update(row)
                    .where(col(row.id) == approval_id, col(row.state) == S.PENDING)
                    .values(state=S.APPROVED, decided_by=user, decided_at=at)
                    .returning(row)
                )
                return session.execute(approve).scalars().first()
        except IntegrityError:
            raise _twice(user) from None
        except _Unchanged:
            return None

    def votes(self, approval_id: str) -> list[ApprovalVote]:
        """The approvals counted for a request, in order.

        Args:
            approval_id: the request.
        """
        with self.db.session() as session:
            query = (
                select(ApprovalVote)
                .where(ApprovalVote.approval_id == approval_id)
                .order_by(col(ApprovalVote.at))
            )
            return list(session.exec(query).all())

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

    def pending(self, now: datetime) -> list[ApprovalRequest]:
        """Pending requests whose time has not run out, oldest first.

        Args:
            now: the clock's time.
        """
        with self.db.session() as session:
            query = (
                select(ApprovalRequest)
                .where(ApprovalRequest.state == S.PENDING, col(ApprovalRequest.expires_at) > now)
                .order_by(col(ApprovalRequest.created_at))
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


def _twice(user: str) -> AlreadyApprovedByYou:
    return AlreadyApprovedByYou(
        f"{user}, you have already approved this request; each person counts once. "
        "It needs an approval from someone else."
    )


class _Unchanged(Exception):
    """The conditional update matched no row: roll the vote back."""
