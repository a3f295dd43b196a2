"""The Investigate button of an incident's thread: run the playbook, post the investigation in
the thread, and file its suggested fix through the approval gate as the person who clicked.

The fix is only ever filed: the approval executor runs it once someone else approves (the
normal two-person rule). The incident's timeline follows the request: proposed, approved by
whom, executed or failed, then whether the metric recovered. Everything from the alert is
quoted as data.
"""

from __future__ import annotations

import logging

from agents.reply import Reply
from approvals.models import ApprovalRequest, ApprovalState
from bot.alert_actions import ShowCard, fix_filer
from bot.alert_recovery import RecoveryWatch
from bot.app import CloudFabric
from bot.slack.transport import Thread
from bot.slack.writes import SlackWrites
from tools.alerts import timeline
from tools.alerts.incident_investigation import (
    file_fix,
    incident_of,
    load,
    run_playbook,
)
from tools.alerts.playbooks.models import Investigation
from tools.alerts.playbooks.render import render_investigation
from tools.alerts.signals import no_playbook_message
from tools.blocks import text

log = logging.getLogger(__name__)


class IncidentInvestigator:
    """Runs an incident's playbook and files its fix, as the clicker, in the incident's thread.

    Args:
        cloudfabric: the services (registry, approvals, clock, store).
        writes: the Slack writes (posts go through the outbox).
        show_card: posts a fresh request's card in its thread.
    """

    def __init__(self, cloudfabric: CloudFabric, writes: SlackWrites, show_card: ShowCard):
        """Keep the services and follow the outcome of the fixes filed from incidents."""
        self.cf = cloudfabric
        self.writes = writes
        self.file = fix_filer(cloudfabric.approvals, lambda: show_card)
        self.recovery = RecoveryWatch(cloudfabric, writes)
        cloudfabric.approvals.on_approved(self._approved)
        cloudfabric.approvals.subscribe(self._finished)

    def run(self, incident_id: int, user: str, thread: Thread) -> Investigation | None:
        """Investigate the incident and post the result (and a fix card) in ``thread``.

        Args:
            incident_id: the incident.
            user: who clicked Investigate (the fix's requester).
            thread: the incident's thread.
        """
        ctx = self.cf.context_for(user)
        result = run_playbook(ctx, incident_id)
        if result is None:
            incident, _ = load(ctx, incident_id)
            self._say(thread, no_playbook_message(incident.title))
            return None
        blocks = render_investigation(result)
        self.writes.post(thread.channel, blocks, result.title[:300], thread_ts=thread.ts)
        if result.suggested_fix is not None:
            fix = result.suggested_fix
            filing = file_fix(ctx, self.cf.registry, incident_id, fix, thread.conversation,
                              self.file)  # fmt: skip
            if filing.not_filed:
                self._say(thread, filing.not_filed)
        return result

    def _say(self, thread: Thread, words: str) -> None:
        reply = Reply(blocks=[text(words)])
        self.writes.post(thread.channel, reply.blocks, reply.text, thread_ts=thread.ts)

    def _approved(self, request: ApprovalRequest) -> None:
        incident_id = incident_of(request.origin_key)
        if incident_id is None:
            return
        who = ", ".join(request.approvers_so_far) or request.decided_by or "someone"
        at = request.decided_at or self.cf.clock.now()
        timeline.record(self.cf.db, incident_id, "approved", at, actor=who, detail=request.summary)

    def _finished(self, request: ApprovalRequest) -> None:
        incident_id = incident_of(request.origin_key)
        kinds = {ApprovalState.SUCCEEDED: "executed", ApprovalState.FAILED: "failed",
                 ApprovalState.REJECTED: "rejected"}  # fmt: skip
        kind = kinds.get(request.lifecycle)
        if incident_id is None or kind is None:
            return
        actor = request.decided_by if kind == "rejected" else None
        detail = request.error or request.reason or request.summary
        at = request.finished_at or request.decided_at or self.cf.clock.now()
        timeline.record(self.cf.db, incident_id, kind, at, actor=actor, detail=detail or "")
        thread = Thread.of(request.conversation_id or "")
        if kind == "executed" and thread is not None:
            self.recovery.start(incident_id, thread, at, request.id)
