"""The buttons of an incident's thread root (action ids ``alert_*``), acknowledged at once and
handled on the worker pool: Investigate runs the playbook and files its fix as the clicker;
Acknowledge, Silence 1 h and Resolve change CloudFabric's own incident state (audited) and edit
the root. Only members of the incident's channel or approvers may use them; anyone else, and a
button naming no incident, is told why (only they see it) and nothing changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from agents.reply import Reply
from bot.alert_actions import channel_members
from bot.alert_investigation import IncidentInvestigator
from bot.alert_threads import AlertThreads
from bot.slack.actions import clicked_in, thread_of
from bot.slack.outbox.service import entry_of
from bot.slack.transport import Thread, workspace_of
from tools.alerts.errors import AlertRefused, NotAllowed
from tools.alerts.incident_access import ACCESS_KEY, STATE_ACTIONS, IncidentAccess
from tools.alerts.incident_state import IncidentState, incident_id_of
from tools.alerts.models import IncidentRow
from tools.alerts.render import (
    ACK_ACTION,
    INVESTIGATE_ACTION,
    RESOLVE_ACTION,
    SILENCE_ACTION,
    not_yet,
)
from tools.alerts.silencing import SILENCER_KEY, Silencer
from tools.blocks import text

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface


def _incident_thread(
    incident: IncidentRow, body: dict[str, Any], context: BoltContext
) -> Thread | None:
    """The incident's thread: its stored root when Slack gave its ts, else the clicked one."""
    team = workspace_of(context)
    ts = incident.message_ts
    if team and incident.channel and ts and entry_of(ts) is None:
        return Thread(team, incident.channel, ts)
    return thread_of(body, context)


def _joined(surface: SlackSurface) -> IncidentAccess:
    """The incident guard and chat silences, given what only Slack knows: channel members, and
    how to re-render a thread root after a change."""
    cf = surface.cloudfabric
    access = cf.extras[ACCESS_KEY]
    assert isinstance(access, IncidentAccess)
    access.guard.members = lambda channel: channel_members(surface.client, channel)
    access.show = lambda incident: AlertThreads(
        surface.transport, cf.db, incident.channel or ""
    ).show_now([incident.id or 0])
    silencer = cf.extras.get(SILENCER_KEY)
    if isinstance(silencer, Silencer):  # chat silences re-render the roots they silence
        silencer.show = AlertThreads(surface.transport, cf.db, "").show_now
    return access


def register(surface: SlackSurface) -> None:
    """Register the listener of every ``alert_`` button.

    Args:
        surface: the Slack surface.
    """
    cf = surface.cloudfabric
    state = IncidentState(cf.db, cf.clock)
    access = _joined(surface)
    investigator = IncidentInvestigator(cf, surface.transport, surface.transport.post_new_card)

    def tell(body: dict[str, Any], user: str, words: str) -> None:
        reply = Reply(blocks=[text(words)], ephemeral=True)
        surface.transport.ephemeral(clicked_in(body), user, reply)

    def clicked(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        user = body.get("user") if isinstance(body.get("user"), dict) else {}
        user_id = str((user or {}).get("id") or "")
        if not user_id:
            return
        action_id = str(action.get("action_id") or "")
        try:
            incident = state.get(incident_id_of(action.get("value")))
        except AlertRefused as refused:
            tell(body, user_id, str(refused))
            return
        assert incident.id is not None
        try:
            if action_id in STATE_ACTIONS:  # checked, changed, audited, root refreshed
                access.change(action_id, incident, user_id)
                return
            access.check(user_id, incident)
        except NotAllowed as refusal:
            tell(body, user_id, str(refusal))
            return
        if action_id == INVESTIGATE_ACTION:
            thread = _incident_thread(incident, body, context)
            if thread is None:
                tell(body, user_id, "The incident's thread is not known yet; try again shortly.")
                return
            investigator.run(incident.id, user_id, thread)
        else:
            tell(body, user_id, not_yet(action_id))

    for action_id in (INVESTIGATE_ACTION, ACK_ACTION, SILENCE_ACTION, RESOLVE_ACTION):
        surface.bolt.action(action_id)(surface.handoff(clicked))
