"""What the incident pieces of ``tools.alerts`` get from above: the members of a channel
(``conversations.members``) and who the approvers are, for the guard; the ``IncidentAccess``
the buttons and the ``alerts.*`` tools share; and the filer of an investigation's fix through
the approval gate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from agents.conversation import workspace_of
from approvals.audit import AuditLog
from approvals.errors import ApprovalRefused
from approvals.models import ApprovalRequest, ApprovalState
from approvals.policy import ApprovalPolicy
from approvals.service import ApprovalService
from core.settings import Settings
from tools.alerts.incident_access import IncidentAccess, IncidentGuard, StateChanges, no_members
from tools.alerts.incident_models import FiledFix, FileFix
from tools.alerts.incident_state import IncidentState
from tools.errors import ToolError
from tools.plan import ActionPlan

log = logging.getLogger(__name__)
ShowCard = Callable[[ApprovalRequest], object]


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


def incident_access(
    settings: Settings, policy: ApprovalPolicy, state: IncidentState, audit: AuditLog
) -> IncidentAccess:
    """The guard and audited changes of incidents, before any chat surface joins: until one
    gives the channel-membership lookup, only approvers may act.

    Args:
        settings: who the approver groups are.
        policy: resolves group members.
        state: the incident state service.
        audit: the audit log.
    """
    guard = IncidentGuard(no_members, lambda: approvers(settings, policy))
    return IncidentAccess(guard, StateChanges(state, audit))


def fix_filer(approvals: ApprovalService, show_card: Callable[[], ShowCard | None]) -> FileFix:
    """Files an incident's suggested fix through the approval gate and shows its card.

    Args:
        approvals: the approval service.
        show_card: the surface's card poster of the moment (None: the sweep posts it).
    """

    def file(plan: ActionPlan, requester: str, conversation: str | None, key: str) -> FiledFix:
        workspace = workspace_of(conversation or "")
        try:
            request = approvals.request(plan, requester, conversation, key, workspace)
        except ApprovalRefused as refusal:  # changes frozen, or denied by policy
            raise ToolError(str(refusal)) from refusal
        show = show_card()
        fresh = request.card_ts is None and request.lifecycle == ApprovalState.PENDING
        if show is not None and fresh:
            show(request)
        state = request.lifecycle.value.lower()
        return FiledFix(approval_id=request.id, state=state, summary=plan.summary)

    return file
