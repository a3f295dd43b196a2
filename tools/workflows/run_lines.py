"""Each run's status line in the thread where its workflow was made: posted once, then edited.

The runner reports a run when it starts, waits for an approval, succeeds or fails; the line is
rendered here (``render.run_line``) and shown through ``ShowRun``, which the composition root
wires to the surface (Slack posts the first time and edits that message afterwards). Where the
line was posted is kept on the run row (``line_ref``), so a run resumed in another process, or
replayed after a crash, edits the same message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tools.workflows.render import run_line
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import WorkflowSpec
from tools.workflows.store import WorkflowRun

log = logging.getLogger(__name__)

ShowRun = Callable[[str, str | None, str], str | None]
"""``(conversation, ref, text)``: posts ``text`` in the conversation's thread when ``ref`` is
None, else edits the message ``ref``; returns the message's ref (None when nothing showed)."""


class RunLines:
    """Reports runs in their workflow's thread."""

    def __init__(self, store: WorkflowStore, show: ShowRun) -> None:
        """Wire the reporter.

        Args:
            store: workflows and runs.
            show: posts or edits a line in a conversation.
        """
        self.store, self.show = store, show

    def report(self, run: WorkflowRun, spec: WorkflowSpec) -> None:
        """Show where ``run`` stands in its workflow's thread (nothing when there is none).

        A surface that fails is logged and never fails the run.

        Args:
            run: the run as just saved.
            spec: its workflow.
        """
        conversation = self.store.by_id(run.workflow_id).conversation_id
        if not conversation or run.id is None:
            return
        text = run_line(spec.name, run)
        try:
            ref = self.show(conversation, run.line_ref, text)
        except Exception:  # the thread is told best effort; the run's record says it all
            log.exception("workflow %s: run %s line not shown", spec.name, run.id)
            return
        if ref and ref != run.line_ref:
            run.line_ref = ref
            self.store.set_line_ref(run.id, ref)
