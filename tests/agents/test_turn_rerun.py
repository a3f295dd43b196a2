"""A turn asked for again under the same id (its durable run re-run after a crash) is not run
again: a finished turn gives back its answer, a turn cut off mid-graph goes on from its last
checkpoint, and an approval it filed is filed once."""

from __future__ import annotations

from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from bot.app import CloudFabric

CONVO = "console:local:rerun"


def _config(user: str = "alice") -> RunnableConfig:
    return RunnableConfig(configurable={"thread_id": CONVO, "user": user})


def _humans(app: CloudFabric) -> list[str]:
    state = app.conversations.graph.get_state(_config())
    return [m.id or "" for m in state.values["messages"] if m.type == "human"]


def test_a_finished_turn_asked_again_answers_the_same_and_files_nothing_more(
    sandbox_app: CloudFabric,
) -> None:
    service = sandbox_app.conversations
    first = service.handle_message(CONVO, "alice", "stop batch-worker", turn_id="turn-1")
    again = service.handle_message(CONVO, "alice", "stop batch-worker", turn_id="turn-1")

    assert [c.approval_id for c in again.cards] == [c.approval_id for c in first.cards]
    assert len(sandbox_app.approvals.find()) == 1
    assert _humans(sandbox_app) == ["turn-1"]


def test_a_turn_cut_off_after_the_model_goes_on_from_the_checkpoint(
    sandbox_app: CloudFabric,
) -> None:
    graph = sandbox_app.conversations.graph
    message = HumanMessage(content="what instances are running in us-east-1?", id="turn-2")
    graph.invoke({"messages": [message]}, _config(), interrupt_before=["tools"])  # cut off
    assert graph.get_state(_config()).next == ("tools",)

    reply = sandbox_app.conversations.handle_message(
        CONVO, "alice", "what instances are running in us-east-1?", turn_id="turn-2"
    )

    assert "web-1" in reply.text and "batch-worker" in reply.text
    assert _humans(sandbox_app) == ["turn-2"]
    assert graph.get_state(_config()).next == ()


def test_a_new_turn_after_an_earlier_one_runs(sandbox_app: CloudFabric) -> None:
    service = sandbox_app.conversations
    service.handle_message(CONVO, "alice", "what instances are running in us-east-1?", "t-a")
    reply = service.handle_message(CONVO, "alice", "tell me about web-1", turn_id="t-b")

    assert "t3.micro" in reply.text
    assert _humans(sandbox_app) == ["t-a", "t-b"]
