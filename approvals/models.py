"""Tables of the approvals domain: approval requests and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.db import utc_column


class ApprovalState(StrEnum):
    """Lifecycle: PENDING -> APPROVED -> EXECUTING -> SUCCEEDED|FAILED|INTERRUPTED, or a refusal.

    INTERRUPTED: the executor that claimed the request died mid-action (its lease ran out); the
    action is never run again blindly, and the targets' state as read afterwards is recorded.
    """

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    EXECUTING = "EXECUTING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    INTERRUPTED = "INTERRUPTED"

    @property
    def is_final(self) -> bool:
        """True when nothing can happen to the request any more."""
        return self not in (ApprovalState.PENDING, ApprovalState.APPROVED, ApprovalState.EXECUTING)


class ApprovalRequest(SQLModel, table=True):
    """A mutating action waiting for, or past, a human decision."""

    __tablename__ = "approval_request"

    id: str = Field(primary_key=True, description="Opaque id carried by the Approve button.")
    origin_key: str | None = Field(
        default=None, description="Idempotency key of the asker (conversation + tool call id)."
    )
    tool: str = Field(description="Registered name of the mutating tool.")
    plan_json: str = Field(description="Canonical JSON of the ActionPlan the approver sees.")
    plan_hash: str = Field(description="SHA-256 of plan_json.")
    risk: str = Field(description="Risk level of the plan.")
    summary: str = Field(description="One-sentence summary of the plan.")
    requester: str = Field(description="User who asked for the action.")
    conversation_id: str | None = Field(default=None, description="Conversation that asked.")
    workspace_id: str | None = Field(
        default=None,
        description=(
            "Workspace the request was made in: the Slack team, or the enterprise of an org-wide "
            "install ('console' for the console); decisions are honoured only from there."
        ),
    )
    state: str = Field(default=ApprovalState.PENDING, description="Lifecycle state.")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    decided_by: str | None = Field(default=None, description="Who approved or rejected.")
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    reason: str | None = Field(default=None, description="Rejection or cancellation reason.")
    executed_plan_hash: str | None = Field(
        default=None, description="Hash of the plan the executor actually ran."
    )
    result_json: str | None = Field(default=None, description="Tool result as JSON.")
    error: str | None = Field(default=None, description="Failure message, if it failed.")
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    owner: str | None = Field(
        default=None, description="Executor (replica) that claimed the request for execution."
    )
    lease_expires_at: datetime | None = Field(
        default=None,
        sa_column=utc_column(nullable=True),
        description="Until when the executing claim holds; renewed while the action runs.",
    )
    observed: str | None = Field(
        default=None, description="What AWS showed of the targets when an execution was cut off."
    )
    card_channel: str | None = Field(default=None, description="Slack channel of the card.")
    card_ts: str | None = Field(default=None, description="Slack ts of the card message.")

    @property
    def lifecycle(self) -> ApprovalState:
        """The state as an enum."""
        return ApprovalState(self.state)


class AuditEntry(SQLModel, table=True):
    """One append-only audit record, chained to the previous one by hash."""

    __tablename__ = "audit_entry"

    seq: int | None = Field(default=None, primary_key=True, description="Order of appending.")
    at: datetime = Field(sa_column=utc_column(nullable=False))
    actor: str = Field(description="Who did it.")
    action: str = Field(description="What happened: requested, approved, refused, executed...")
    approval_id: str | None = Field(default=None, description="Approval the entry is about.")
    detail_json: str = Field(description="Canonical JSON details (plan hash, reason, result).")
    prev_hash: str = Field(description="Hash of the previous entry (unique: one successor each).")
    hash: str = Field(description="SHA-256 over prev_hash and this entry's content.")
