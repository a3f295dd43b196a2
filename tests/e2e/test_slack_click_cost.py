"""What one Approve click costs: statements on the approval row and card renders.

The click goes through the real signed-request HTTP path; the statements are counted on the
engine (``before_cursor_execute``) and the renders by wrapping ``approvals.render.render_card``
(only as a counter: the real function runs).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from sqlalchemy import event

from approvals import render
from approvals.models import ApprovalRequest, ApprovalState
from approvals.render import APPROVE_ACTION
from tests.slack.harness import (
    Stack,
    button_click,
    eventually,
    mention,
    sandbox_aws,
    slack,
    stack,
)

__all__ = ["sandbox_aws", "slack", "stack"]
TABLE = ApprovalRequest.__tablename__


def _card_of(stack: Stack, thread_ts: str) -> str:
    [card] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == thread_ts and "actions" in json.dumps(c.params),
    )
    approval_id = next(
        b["elements"][0]["value"] for b in card.params["blocks"] if b["type"] == "actions"
    )
    eventually(lambda: stack.runtime.cloudfabric.approvals.get(approval_id).card_ts)
    return str(approval_id)


def test_an_approve_click_makes_four_statements_and_one_render(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack.post_event(
        mention("stop batch-worker", event_id="EvQ1", channel="C70", ts="7000.1", user="U0ANN")
    )
    approval_id = _card_of(stack, "7000.1")
    card_ts = stack.runtime.cloudfabric.approvals.get(approval_id).card_ts
    statements: list[str] = []
    lock = threading.Lock()

    def on_statement(*args: Any) -> None:
        statement = str(args[2])
        if TABLE in statement:
            with lock:
                statements.append(statement)

    renders: list[str] = []
    real = render.render_card

    def counted(request: ApprovalRequest, *args: Any) -> render.Card:
        renders.append(request.state)
        return real(request, *args)

    monkeypatch.setattr(render, "render_card", counted)
    engine = stack.runtime.cloudfabric.db.engine
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        click = button_click(APPROVE_ACTION, approval_id, user="U0BEN", channel="C70")
        assert stack.post_interaction(click).status_code == 200
        [update] = stack.slack.wait_for("chat.update", lambda c: c.params.get("ts") == card_ts)
        stack.slack.wait_for("chat.postMessage", lambda c: "Done" in str(c.params.get("text")))
        stack.runtime.surface.work.shutdown(wait=True)  # everything the click started is over
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)

    assert "Approved by U0BEN" in json.dumps(update.params["blocks"])
    assert stack.runtime.cloudfabric.approvals.get(approval_id).state == ApprovalState.SUCCEEDED
    # the row is read once to check the clicker against the policy decision it recorded, then
    # the decision, the executor's claim and its finish
    assert len(statements) <= 4, "\n".join(statements)
    assert renders == [ApprovalState.SUCCEEDED]
