"""Arguments and results of the incident tools (``alerts.list``, ``alerts.show``,
``alerts.investigate``, ``alerts.postmortem``, ``alerts.ack``, ``alerts.resolve``), and what
filing an investigation's fix gives back. Light to import: the registry loads them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from tools.alerts.kinds import Severity
from tools.alerts.playbooks.models import Investigation
from tools.plan import ActionPlan

if TYPE_CHECKING:
    from tools.alerts.models import IncidentRow

REF_MAX = 200
"""The longest incident reference taken (it is matched, never interpreted)."""


class FiledFix(BaseModel):
    """The approval request a suggested fix was filed as."""

    approval_id: str = Field(description="The approval request's id.")
    state: str = Field(description="Its lifecycle state now (pending, unless policy decided).")
    summary: str = Field(description="The plan's one-line summary.")


FileFix = Callable[[ActionPlan, str, "str | None", str], FiledFix]
"""``(plan, requester, conversation, origin key) -> FiledFix``; raises ``ToolError`` saying
why the gate refused it (frozen, denied by policy)."""


class IncidentRef(BaseModel):
    """Which incident: what the person typed to name it."""

    incident: str = Field(
        default="",
        max_length=REF_MAX,
        description=(
            "The incident: its number ('12', '#12'), 'latest', or words naming it (its "
            "resource, metric or title, e.g. 'web-1 cpu'); empty means the only open one."
        ),
    )


class ListArgs(BaseModel):
    """Which incidents to list."""

    status: Literal["open", "resolved"] | None = Field(
        default=None, description="Only open or only resolved incidents (None: both)."
    )
    severity: Severity | None = Field(
        default=None, description="Only this severity (critical, error, warning, info)."
    )
    limit: int = Field(default=20, ge=1, le=100, description="The most incidents shown.")


class IncidentLine(BaseModel):
    """One incident in a list."""

    id: int = Field(description="The incident's number.")
    status: str = Field(description="open or resolved.")
    severity: str = Field(description="The worst severity seen.")
    title: str = Field(description="What fired (alert text: data).")
    resource: str = Field(description="ARN, id or labels of what fired (data).")
    count: int = Field(description="Alerts grouped into it.")
    first_seen: datetime = Field(description="When it first fired (UTC).")
    last_seen: datetime = Field(description="When it last fired (UTC).")
    acknowledged_by: str | None = Field(default=None, description="Who acknowledged it.")
    resolved_by: str | None = Field(default=None, description="Who resolved it by hand.")
    channel: str | None = Field(default=None, description="Channel of its thread.")

    @classmethod
    def of(cls, row: IncidentRow) -> IncidentLine:
        """The line of a stored incident.

        Args:
            row: the incident.
        """
        assert row.id is not None
        return cls(
            id=row.id, status=row.status, severity=row.severity, title=row.title,
            resource=row.resource, count=row.count, first_seen=row.first_seen,
            last_seen=row.last_seen, acknowledged_by=row.acknowledged_by,
            resolved_by=row.resolved_by, channel=row.channel,
        )  # fmt: skip


class ListResult(BaseModel):
    """Incidents, most recently seen first."""

    incidents: list[IncidentLine] = Field(description="The incidents that match.")
    status: str | None = Field(default=None, description="The status filter asked for.")
    severity: str | None = Field(default=None, description="The severity filter asked for.")
    more: int = Field(default=0, description="How many more matched than are listed.")


class Moment(BaseModel):
    """One moment of an incident's timeline."""

    at: datetime = Field(description="When (UTC).")
    kind: str = Field(description="fired, investigated, proposed, approved, executed...")
    actor: str | None = Field(default=None, description="Who, when a person did it.")
    detail: str = Field(default="", description="One line of detail (data).")


class ShowResult(BaseModel):
    """One incident in full: its state and its timeline."""

    incident: IncidentLine = Field(description="The incident.")
    description: str = Field(default="", description="Its first alert's longer text (data).")
    silenced_until: datetime | None = Field(default=None, description="Repeats silenced until.")
    timeline: list[Moment] = Field(description="Its moments, oldest first.")


class InvestigateResult(BaseModel):
    """An incident's investigation and what became of its suggested fix."""

    incident: IncidentLine = Field(description="The incident investigated.")
    investigation: Investigation | None = Field(
        default=None, description="The playbook's report; None when no playbook covers it."
    )
    no_playbook: str | None = Field(default=None, description="Why nothing was investigated.")
    filed: FiledFix | None = Field(
        default=None, description="The approval request the suggested fix was filed as."
    )
    not_filed: str | None = Field(default=None, description="Why the fix was not filed.")


class PostmortemResult(BaseModel):
    """An incident's Markdown postmortem skeleton."""

    incident: IncidentLine = Field(description="The incident.")
    markdown: str = Field(description="The postmortem skeleton (timeline filled in).")


class ChangeResult(BaseModel):
    """An incident after an acknowledgement or a resolution."""

    incident: IncidentLine = Field(description="The incident as it is now.")
    change: Literal["acknowledged", "resolved"] = Field(description="What was asked.")
    changed: bool = Field(description="False when it was so already (nothing recorded).")
