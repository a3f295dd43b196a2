"""Who may act on an incident, and the Acknowledge / Silence 1 h / Resolve buttons.

Only people in the incident's channel (``conversations.members``) or approvers may use the
buttons. The three state buttons change CloudFabric's own incident state only, are written to
the audit log, and edit the thread root.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from approvals.audit import AuditLog
from approvals.policy import ApprovalPolicy
from core.settings import Settings
from tools.alerts.incident_state import IncidentState
from tools.alerts.models import IncidentRow
from tools.alerts.render import ACK_ACTION, RESOLVE_ACTION, SILENCE_ACTION

log = logging.getLogger(__name__)
STATE_ACTIONS: dict[str, str] = {
    ACK_ACTION: "alert_acknowledged",
    SILENCE_ACTION: "alert_silenced",
    RESOLVE_ACTION: "alert_resolved",
}
"""Button -> audit action of the state buttons."""


def approvers(settings: Settings, policy: ApprovalPolicy) -> set[str]:
    """Everyone in the approvers group and the configured approver groups.

    Args:
        settings: ``approvers_group`` and ``approver_groups``.
        policy: resolves group members (Slack user groups or the policy's own).
    """
    found: set[str] = set()
    for group in {settings.approvers_group or "", *settings.approver_groups}:
        if group:
            found |= policy.members(group)
    return found


def channel_members(client: WebClient, channel: str) -> set[str] | None:
    """Members of ``channel`` (every page), or None when Slack will not say.

    Args:
        client: the bot's Web API client.
        channel: channel id.
    """
    members: set[str] = set()
    cursor: str | None = None
    try:
        while True:
            page = client.conversations_members(channel=channel, limit=1000, cursor=cursor)
            members.update(str(member) for member in page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members
    except SlackApiError as error:
        log.warning("conversations.members of %s failed: %s", channel, error.response.get("error"))
        return None


class IncidentGuard:
    """Says whether a person may act on an incident, and why not.

    Args:
        members: the members of a channel (None when unknown).
        approver_ids: who the approvers are now.
    """

    def __init__(
        self, members: Callable[[str], set[str] | None], approver_ids: Callable[[], set[str]]
    ) -> None:
        """Keep the two lookups."""
        self.members = members
        self.approver_ids = approver_ids

    def may_act_in(self, user: str, channel: str | None) -> bool:
        """Whether ``user`` is an approver or a member of ``channel``.

        Args:
            user: Slack user id.
            channel: channel id (None: approvers only).
        """
        if user in self.approver_ids():
            return True
        members = self.members(channel) if channel else None
        return members is not None and user in members

    def refusal(self, user: str, incident: IncidentRow) -> str | None:
        """None when ``user`` may act on ``incident``, else the reason in words.

        Args:
            user: Slack user id.
            incident: the incident.
        """
        channel = incident.channel
        if self.may_act_in(user, channel):
            return None
        where = f"<#{channel}>" if channel else "the incident's channel"
        return f"Only members of {where} or approvers may act on alert incident #{incident.id}."


class StateButtons:
    """Acknowledge, silence and resolve an incident, audited.

    Args:
        state: the incident state service.
        audit: the audit log.
    """

    def __init__(self, state: IncidentState, audit: AuditLog) -> None:
        """Keep the state service and the audit log."""
        self.state = state
        self.audit = audit

    def apply(self, action_id: str, incident_id: int, user: str) -> IncidentRow:
        """Apply one state button and audit it.

        Args:
            action_id: ``alert_acknowledge``, ``alert_silence_1h`` or ``alert_resolve``.
            incident_id: the incident.
            user: who clicked.
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
