"""The Investigate button of an incident's thread: run the playbook, post the investigation in
the thread, and file its suggested fix through the approval gate as the person who clicked.

The fix is only ever filed: the approval executor runs it once someone else approves (the
normal two-person rule). The incident's timeline follows the request: proposed, approved by
whom, executed or failed, then whether the metric recovered. Everything from the alert is
quoted as data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlmodel import col, select

from agents.reply import Reply
from approvals.models import ApprovalRequest, ApprovalState
from bot.alert_recovery import RecoveryWatch
from bot.app import CloudFabric
from bot.slack.transport import Thread
from bot.slack.writes import SlackWrites
from tools.alerts import timeline
from tools.alerts.models import AlertRow, IncidentRow
from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import Investigation
from tools.alerts.playbooks.render import render_investigation
from tools.alerts.playbooks.service import investigate
from tools.alerts.signals import no_playbook_message, signal_for_incident
from tools.blocks import text
from tools.errors import AlreadyDone, ToolError

log = logging.getLogger(__name__)
ORIGIN_PREFIX = "alert-incident:"
"""Origin key prefix of fixes filed from an incident: ``alert-incident:<id>:<plan digest>``."""
ShowCard = Callable[[ApprovalRequest], object]


def incident_of(request: ApprovalRequest) -> int | None:
    """The incident a request was filed for, or None for any other request.

    Args:
        request: an approval request.
    """
    key = request.origin_key or ""
    if not key.startswith(ORIGIN_PREFIX):
        return None
    number = key.removeprefix(ORIGIN_PREFIX).split(":", 1)[0]
    return int(number) if number.isdigit() else None


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
        self.show_card = show_card
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
        incident, rows = self._load(incident_id)
        signal = signal_for_incident(rows)
        if signal is None:
            self._say(thread, no_playbook_message(incident.title))
            return None
        result = investigate(self.cf.context_for(user), signal)
        blocks = render_investigation(result)
        self.writes.post(thread.channel, blocks, result.title[:300], thread_ts=thread.ts)
        found = f"{result.title}; {len(result.findings)} finding(s)"
        timeline.record(self.cf.db, incident_id, "investigated", result.investigated_at,
                        actor=user, detail=found)  # fmt: skip
        if result.suggested_fix is not None:
            self._file(incident_id, result.suggested_fix, user, thread)
        return result

    def _load(self, incident_id: int) -> tuple[IncidentRow, list[AlertRow]]:
        query = select(AlertRow).where(AlertRow.incident_id == incident_id)
        with self.cf.db.session() as session:
            incident = session.get(IncidentRow, incident_id)
            rows = list(session.exec(query.order_by(col(AlertRow.id))))
        if incident is None:
            raise ToolError(f"There is no alert incident #{incident_id}.")
        return incident, rows

    def _file(self, incident_id: int, fix: SuggestedFix, user: str, thread: Thread) -> None:
        """Preview the fix with its tool and file the plan; the card shows in the thread."""
        name, args = fix.call()
        tool = self.cf.registry.get(name)
        ctx = self.cf.context_for(user)
        if tool.preview is None:
            self._say(thread, f"The suggested fix `{name}` has no preview; it was not filed.")
            return
        try:
            plan = tool.preview(ctx, tool.args_model.model_validate(args))
        except AlreadyDone as done:
            self._say(thread, f"The suggested fix is in place already: {done}")
            return
        except ToolError as error:
            self._say(thread, f"The suggested fix could not be prepared: {error}")
            return
        note = f"Suggested by the investigation of alert incident #{incident_id}: {fix.why}"
        plan = plan.model_copy(update={"notes": [*plan.notes, note]})
        key = f"{ORIGIN_PREFIX}{incident_id}:{plan.digest()[:24]}"
        request = self.cf.approvals.request(plan, user, thread.conversation, key, thread.team)
        if request.card_ts is None and request.lifecycle == ApprovalState.PENDING:
            self.show_card(request)
        summary = f"{plan.summary} (approval {request.id})"
        timeline.record(self.cf.db, incident_id, "proposed", self.cf.clock.now(),
                        actor=user, detail=summary)  # fmt: skip

    def _say(self, thread: Thread, words: str) -> None:
        reply = Reply(blocks=[text(words)])
        self.writes.post(thread.channel, reply.blocks, reply.text, thread_ts=thread.ts)

    def _approved(self, request: ApprovalRequest) -> None:
        incident_id = incident_of(request)
        if incident_id is None:
            return
        who = ", ".join(request.approvers_so_far) or request.decided_by or "someone"
        at = request.decided_at or self.cf.clock.now()
        timeline.record(self.cf.db, incident_id, "approved", at, actor=who, detail=request.summary)

    def _finished(self, request: ApprovalRequest) -> None:
        incident_id = incident_of(request)
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
