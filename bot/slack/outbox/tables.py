"""The outbox's rows in the SQL store (migration branch ``outbox``); every time is the Clock's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from core.db import utc_column

PENDING, DELIVERED, DEAD, SUPERSEDED = "pending", "delivered", "dead", "superseded"


class OutboxEntry(SQLModel, table=True):
    """One Slack Web API write: a post, an update, a reaction or a file upload."""

    __tablename__ = "slack_outbox"

    id: int | None = Field(default=None, primary_key=True, description="Order of queueing.")
    method: str = Field(max_length=40, description="Web API method, e.g. chat.postMessage.")
    channel: str = Field(max_length=40, description="Channel (or user id for a DM) written to.")
    lane: str = Field(
        max_length=200,
        index=True,
        description="Entries of one lane (a thread, or one message's edits) go out in order.",
    )
    payload_json: str = Field(description="The call's arguments, as JSON.")
    file_bytes: bytes | None = Field(
        default=None,
        sa_column=Column(LargeBinary, nullable=True),
        description="The file of an upload (kept here so any replica can send it).",
    )
    after_id: int | None = Field(
        default=None,
        index=True,
        description="A post that must be delivered first (its ts is needed by this one).",
    )
    after_field: str | None = Field(
        default=None,
        max_length=20,
        description="The argument that gets that post's ts: ``ts`` or ``thread_ts``.",
    )
    purpose: str | None = Field(
        default=None,
        max_length=100,
        index=True,
        description="What the write is for, when delivery must be followed up (``card:<id>``).",
    )
    requester: str | None = Field(
        default=None, max_length=40, description="Who is told by DM if it can never be sent."
    )
    state: str = Field(
        default=PENDING,
        max_length=20,
        index=True,
        description="pending, delivered, dead or superseded (a newer edit replaced it).",
    )
    attempts: int = Field(default=0, description="Calls made so far.")
    errors: int = Field(default=0, description="Failures other than rate limits so far.")
    last_error: str | None = Field(
        default=None, max_length=200, description="Slack's latest error code, if any."
    )
    created_at: datetime = Field(
        sa_column=utc_column(nullable=False), description="When it was queued."
    )
    due_at: datetime = Field(
        sa_column=utc_column(nullable=False, index=True),
        description="Not tried before this instant (retry back-off, Retry-After).",
    )
    lease_until: datetime | None = Field(
        default=None,
        sa_column=utc_column(nullable=True),
        description="A replica is sending it until then (None: nobody is).",
    )
    claimed_by: str | None = Field(
        default=None, max_length=200, description="The replica that sent or is sending it."
    )
    finished_at: datetime | None = Field(
        default=None,
        sa_column=utc_column(nullable=True),
        description="When it was delivered, declared dead or superseded.",
    )
    result_channel: str | None = Field(
        default=None, max_length=40, description="The channel Slack put the message in."
    )
    result_ts: str | None = Field(
        default=None, max_length=40, index=True, description="The ts of the posted message."
    )
    origin: str | None = Field(
        default=None,
        max_length=200,
        unique=True,
        index=True,
        description=(
            "Names the write within the durable step that queued it (``<run id>:<n>``): the "
            "step re-run after a crash queues it again under the same name, and is given the "
            "entry queued the first time instead of a second one."
        ),
    )


class ChannelPace(SQLModel, table=True):
    """The pace of writes to one channel, shared by the replicas (a generic cell rate)."""

    __tablename__ = "slack_outbox_pace"

    channel: str = Field(primary_key=True, max_length=40, description="Channel id.")
    next_at: datetime = Field(
        sa_column=utc_column(nullable=False),
        description="Theoretical arrival time of the next write (bursts may run ahead of it).",
    )
