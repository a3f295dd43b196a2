"""Who may act on an incident, and the audited state changes they may make.

One piece serves the thread's buttons and the ``alerts.*`` tools: only people in the
incident's channel or approvers may acknowledge, silence, resolve or investigate; each state
change is CloudFabric's own (never AWS) and is written to the audit log once. The composition
root builds an ``IncidentAccess`` and puts it in ``ToolContext.extras`` under ``ACCESS_KEY``;
the Slack surface gives it the channel-membership lookup and the thread-root refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tools.alerts.errors import NotAllowed
from tools.alerts.incident_state import IncidentState
from tools.alerts.models import IncidentRow
from tools.alerts.render import ACK_ACTION, RESOLVE_ACTION, SILENCE_ACTION, outsider_refusal

ACCESS_KEY = "alert_incident_access"
"""``ToolContext.extras`` key of the composition root's ``IncidentAccess``."""
STATE_ACTIONS: dict[str, str] = {
    ACK_ACTION: "alert_acknowledged",
    SILENCE_ACTION: "alert_silenced",
    RESOLVE_ACTION: "alert_resolved",
}
"""State change (its button's action id) -> audit action."""
Members = Callable[[str], "set[str] | None"]


class Audit(Protocol):
    """The audit log as this domain uses it (``approvals.audit.AuditLog`` fits)."""

    def append(
        self, actor: str, action: str, approval_id: str | None, detail: dict[str, Any]
    ) -> object:
        """Append one entry (who, what, which approval, details)."""


def no_members(channel: str) -> set[str] | None:
    """Membership unknown (no chat surface to ask): only approvers may act.

    Args:
        channel: channel id.
    """
    return None


class IncidentGuard:
    """Says whether a person may act on an incident, and why not.

    Args:
        members: the members of a channel (None when unknown).
        approver_ids: who the approvers are now.
    """

    def __init__(self, members: Members, approver_ids: Callable[[], set[str]]) -> None:
        """Keep the two lookups."""
        self.members = members
        self.approver_ids = approver_ids

    def refusal(self, user: str, incident: IncidentRow) -> str | None:
        """None when ``user`` may act on ``incident``, else the reason in words.

        Args:
            user: chat user id.
            incident: the incident.
        """
        return None if self.may_act_in(user, incident.channel) else outsider_refusal(incident)

    def may_act_in(self, user: str, channel: str | None) -> bool:
        """Whether ``user`` is an approver or a member of ``channel``.

        Args:
            user: chat user id.
            channel: channel id (None: approvers only).
        """
        if user in self.approver_ids():
            return True
        members = self.members(channel) if channel else None
        return members is not None and user in members


class StateChanges:
    """Acknowledge, silence and resolve an incident, audited once each.

    Args:
        state: the incident state service.
        audit: the audit log.
    """

    def __init__(self, state: IncidentState, audit: Audit) -> None:
        """Keep the state service and the audit log."""
        self.state = state
        self.audit = audit

    def apply(self, action_id: str, incident_id: int, user: str) -> IncidentRow:
        """Apply one state change and audit it.

        Args:
            action_id: ``alert_acknowledge``, ``alert_silence_1h`` or ``alert_resolve``.
            incident_id: the incident.
            user: who asked.
        """
        if action_id == ACK_ACTION:
            incident = self.state.acknowledge(incident_id, user)
        elif action_id == SILENCE_ACTION:
            incident = self.state.silence(incident_id, user)
        else:
            incident = self.state.resolve(incident_id, user)
        detail: dict[str, object] = {"incident": incident_id, "status": incident.status}
        if incident.silenced_until is not None and action_id == SILENCE_ACTION:
            detail["silenced_until"] = incident.silenced_until.isoformat()
        self.audit.append(user, STATE_ACTIONS[action_id], None, detail)
        return incident


def _nothing_shown(incident: IncidentRow) -> None:
    """No chat surface: there is no thread root to refresh."""


@dataclass
class IncidentAccess:
    """The guard and the audited changes, with the surface's hooks.

    Attributes:
        guard: who may act.
        changes: the audited state changes.
        show: refreshes an incident's thread root after a change (set by the chat surface).
    """

    guard: IncidentGuard
    changes: StateChanges
    show: Callable[[IncidentRow], None] = field(default=_nothing_shown)

    def change(self, action_id: str, incident: IncidentRow, user: str) -> IncidentRow:
        """Apply a state change when ``user`` may, and refresh the thread root.

        Args:
            action_id: the change (its button's action id).
            incident: the incident.
            user: who asked.

        Raises:
            NotAllowed: ``user`` is neither in the incident's channel nor an approver.
        """
        self.check(user, incident)
        assert incident.id is not None
        changed = self.changes.apply(action_id, incident.id, user)
        self.show(changed)
        return changed

    def check(self, user: str, incident: IncidentRow) -> None:
        """Raise ``NotAllowed`` unless ``user`` may act on ``incident``.

        Args:
            user: chat user id.
            incident: the incident.
        """
        refusal = self.guard.refusal(user, incident)
        if refusal is not None:
            raise NotAllowed(refusal)
