"""Conversations survive a restart, on the SQLite and the PostgreSQL checkpointer alike."""

from __future__ import annotations

import pytest

from bot.app import create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import small_estate, state_of

CONVO = "T1:C1:1700000000.000100"


@pytest.fixture(params=["sqlite", "postgres"])
def store_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        return settings.model_copy(update={"database_url": url})
    return settings


def test_pending_approval_resumes_after_a_restart(
    store_settings: Settings, aws: AwsClients
) -> None:
    ids = small_estate(aws)
    first = create_app(store_settings, aws=aws)
    reply = first.conversations.handle_message(CONVO, "alice", "stop batch-worker")
    assert len(reply.cards) == 1
    first.close()

    second = create_app(store_settings, aws=aws)  # a new process would look the same
    try:
        decided = second.conversations.decide(CONVO, "bob", True)
        assert "Approved by bob" in decided.text
        assert "Done — Stop batch-worker" in decided.text  # the resumed graph answered
        assert state_of(aws, ids["batch-worker"]) == "stopped"
        config = {"configurable": {"thread_id": CONVO}}
        state = second.conversations.graph.get_state(config)
        assert state.next == ()
        kinds = [m.type for m in state.values["messages"]]
        assert kinds == ["human", "ai", "tool", "ai"]
    finally:
        second.close()
