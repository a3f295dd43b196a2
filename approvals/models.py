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
    VOIDED: approved, but the re-check right before execution found its targets, dependents
    or cost changed materially; nothing ran, and a fresh request for the current plan is filed.
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
    VOIDED = "VOIDED"

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
    policy_rule: str | None = Field(default=None, description="Policy rule that decided it.")
    decision_json: str | None = Field(
        default=None,
        description="The policy's decision when requested: approvers, count, escalation, why.",
    )
    facts_json: str | None = Field(
        default=None, description="What the policy matched on (re-checked for freezes at a click)."
    )
    required_approvals: int = Field(default=1, description="Distinct approvals needed.")
    approvals: int = Field(default=0, description="Distinct approvals given so far.")
    approved_by: str | None = Field(
        default=None, description="Who approved so far, comma-separated, in order."
    )
    break_glass: str | None = Field(
        default=None,
        description="The justification given when it ran under break-glass (None otherwise).",
    )
    replaced_by: str | None = Field(
        default=None,
        description="The fresh request filed for the current plan when this one was voided.",
    )
    preflight: str | None = Field(
        default=None,
        description=(
            "Permission check when filed: 'passed', 'would_fail' (no approval is accepted) or "
            "'unchecked'; None when the tool calls no AWS API."
        ),
    )
    preflight_detail: str | None = Field(
        default=None, description="What the permission check found, or why it would fail."
    )
    escalation_level: int = Field(
        default=0,
        description=(
            "Escalation levels already mentioned in the request's thread (0: none yet); moved "
            "on by one conditional UPDATE, so each level is told once across replicas."
        ),
    )

    @property
    def lifecycle(self) -> ApprovalState:
        """The state as an enum."""
        return ApprovalState(self.state)

    @property
    def approvers_so_far(self) -> list[str]:
        """Who approved so far, in order (a partial N-of-M approval has fewer than needed)."""
        return [who for who in (self.approved_by or "").split(",") if who]


class ApprovalVote(SQLModel, table=True):
    """One person's approval of a request that needs several: one row per person, ever."""

    __tablename__ = "approval_vote"

    approval_id: str = Field(primary_key=True, description="The request approved.")
    user: str = Field(primary_key=True, description="Who approved (distinct per request).")
    at: datetime = Field(sa_column=utc_column(nullable=False))


class ChangeFreeze(SQLModel, table=True):
    """The kill switch: while a row is active, no new change is planned or approved."""

    __tablename__ = "change_freeze"

    scope: str = Field(primary_key=True, description="What is frozen ('all' for every change).")
    active: bool = Field(description="True while frozen.")
    reason: str | None = Field(default=None, description="Why, shown to refused users.")
    set_by: str = Field(description="Who switched it last.")
    set_at: datetime = Field(sa_column=utc_column(nullable=False))


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


class AuditCheckpoint(SQLModel, table=True):
    """A signed record of a pruned prefix of the audit log: the chain resumes from its hash."""

    __tablename__ = "audit_checkpoint"

    seq: int = Field(primary_key=True, description="Sequence number of the last pruned entry.")
    hash: str = Field(description="Hash of the last pruned entry (the next entry's prev_hash).")
    pruned: int = Field(description="Entries pruned by this checkpoint.")
    total_pruned: int = Field(description="Entries pruned by this and every earlier checkpoint.")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    signature: str = Field(description="HMAC-SHA256 over seq, hash, counts and creation time.")
