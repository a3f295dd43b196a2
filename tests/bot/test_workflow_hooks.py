"""Webhook triggers over HTTP: a signed delivery starts one run (its body is the run's event),
the same delivery again starts none, and a forged, oversized, unknown or paused one is refused.
A webhook workflow made in Slack tells its creator alone the URL and secret that are stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from approvals.render import APPROVE_ACTION
from core.aws import AwsClients
from core.durable import list_runs, wait_for_run
from tests.bot.workflow_stack import (
    ALICE,
    BOB,
    START,
    WorkflowStack,
    create_approved,
    thread_of,
    workflow_stack,
)
from tests.slack.harness import button_click, eventually, mention, sandbox_aws
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import NotifyStep, WebhookTrigger, WorkflowSpec
from tools.workflows.webhook import MAX_BODY, new_webhook, sign

__all__ = ["sandbox_aws"]
BODY = json.dumps({"service": "payments", "version": "1.4.2"}).encode()


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, sandbox_aws: AwsClients
) -> Iterator[WorkflowStack]:
    yield from workflow_stack(tmp_path_factory.mktemp("hooks"), sandbox_aws, "hooks-test")


def _hooked(stack: WorkflowStack, name: str) -> WebhookTrigger:
    """A webhook workflow ``name`` that posts the delivery's fields to #ops; its trigger."""
    stack.clock.instant = START
    spec = WorkflowSpec(
        name=name,
        trigger=new_webhook(),
        channel="C0OPS",
        created_by=ALICE,
        steps=[NotifyStep(id="tell", template="{event.service} {event.version} is deployed")],
    )
    create_approved(stack, spec, thread_of("C0HK", f"{len(name)}.5"))
    trigger = WorkflowStore(stack.app.db, stack.app.clock).spec_of(name).trigger
    assert isinstance(trigger, WebhookTrigger)
    return trigger


def _deliver(
    stack: WorkflowStack, token: str, body: bytes, signature: str | None, **headers: str
) -> Any:
    sent = {"Content-Type": "application/json", **headers}
    if signature is not None:
        sent["X-CloudFabric-Signature"] = signature
    return stack.http.post(f"/workflows/hooks/{token}", content=body, headers=sent)


def _runs(name: str) -> list[str]:
    return [run.run_id for run in list_runs(prefix=f"wf-{name}-hook-")]


def test_a_signed_delivery_starts_one_run_whose_event_is_the_body(stack: WorkflowStack) -> None:
    hook = _hooked(stack, "deployed")

    first = _deliver(
        stack, hook.token, BODY, sign(hook.secret, BODY), **{"X-CloudFabric-Delivery": "d-1"}
    )

    assert first.status_code == 202
    run_id = first.json()["run_id"]
    assert _runs("deployed") == [run_id]  # recorded before the answer
    assert wait_for_run(run_id, 20).state == "SUCCESS"
    [notice] = stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C0OPS")
    assert notice.params["text"] == "payments 1.4.2 is deployed"

    again = _deliver(
        stack, hook.token, BODY, sign(hook.secret, BODY), **{"X-CloudFabric-Delivery": "d-1"}
    )
    assert (again.status_code, again.json()["run_id"]) == (200, run_id)
    other = _deliver(
        stack, hook.token, BODY, sign(hook.secret, BODY), **{"X-CloudFabric-Delivery": "d-2"}
    )
    assert other.status_code == 202 and other.json()["run_id"] != run_id
    assert wait_for_run(other.json()["run_id"], 20).state == "SUCCESS"
    assert len(_runs("deployed")) == 2


def test_without_a_delivery_id_the_same_body_is_the_same_delivery(stack: WorkflowStack) -> None:
    hook = _hooked(stack, "body-keyed")
    answers = [_deliver(stack, hook.token, BODY, sign(hook.secret, BODY)) for _ in range(2)]

    assert [a.status_code for a in answers] == [202, 200]
    assert answers[0].json()["run_id"] == answers[1].json()["run_id"]
    assert len(_runs("body-keyed")) == 1
    wait_for_run(answers[0].json()["run_id"], 20)


def test_forged_oversized_unknown_and_paused_deliveries_start_nothing(
    stack: WorkflowStack,
) -> None:
    hook = _hooked(stack, "guarded")
    other = new_webhook()

    forged = _deliver(stack, hook.token, BODY, sign(other.secret, BODY))
    unsigned = _deliver(stack, hook.token, BODY, None)
    big = b"{" + b" " * MAX_BODY + b"}"
    too_big = _deliver(stack, hook.token, big, sign(hook.secret, big))
    unknown = _deliver(stack, other.token, BODY, sign(other.secret, BODY))

    assert (forged.status_code, unsigned.status_code) == (401, 401)
    assert "X-CloudFabric-Signature" in forged.json()["error"]
    assert too_big.status_code == 413
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "No webhook is listening at this URL."}
    WorkflowStore(stack.app.db, stack.app.clock).set_status("guarded", "paused")
    paused = _deliver(stack, hook.token, BODY, sign(hook.secret, BODY))
    assert paused.status_code == 409
    assert "guarded is paused; resume it" in paused.json()["error"]
    assert _runs("guarded") == []


def test_a_webhook_made_in_slack_tells_its_creator_alone_the_stored_url_and_secret(
    stack: WorkflowStack,
) -> None:
    stack.clock.instant = START
    ask = "new workflow on a webhook: run the security group audit and post to #ops"
    stack.post_signed(mention(ask, event_id="EvHook1", channel="C0MK", ts="500.1", user=ALICE))
    [card] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == "500.1" and "actions" in json.dumps(c.params),
    )
    approval_id = next(
        e["value"]
        for b in card.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == APPROVE_ACTION
    )
    eventually(lambda: stack.app.approvals.get(approval_id).card_ts)
    click = button_click(APPROVE_ACTION, approval_id, user=BOB, channel="C0MK")
    assert stack.post_signed(click, interaction=True).status_code == 200

    store = WorkflowStore(stack.app.db, stack.app.clock)
    [row] = eventually(
        lambda: [r for r in store.all() if r.conversation_id == thread_of("C0MK", "500.1")]
    )
    [told] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: c.params["channel"] == ALICE and f"*{row.name}*" in c.params.get("text", ""),
    )
    assert row.approved_by == BOB
    trigger = store.spec(row).trigger
    assert isinstance(trigger, WebhookTrigger)
    assert f"/workflows/hooks/{trigger.token}`" in told.params["text"]
    assert f"Secret: `{trigger.secret}`" in told.params["text"]
    elsewhere = [c for c in stack.slack.calls if c.params.get("channel") != ALICE]
    assert not [c for c in elsewhere if trigger.secret in json.dumps(c.params)]
    plan = stack.app.approvals.get(approval_id).plan_json
    assert trigger.secret not in plan and trigger.token not in plan

    shown = told.params["text"].split("Secret: `")[1].split("`")[0]
    answer = _deliver(stack, trigger.token, b"{}", sign(shown, b"{}"))
    assert answer.status_code == 202
    wait_for_run(answer.json()["run_id"], 30)
