"""A workspace's daily budget of hosted model calls: counted per UTC day, then offline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from botocore.stub import Stubber

from agents.budget import CallCounter, ModelBudget, RedisCallCounter, SqlCallCounter
from agents.providers import bedrock_model
from bot.app import create_app
from core.clock import Clock
from core.db import Database
from core.settings import Settings
from tests.fakes.converse import runtime_client, tool_use

SPENT = "today's model budget for this workspace is spent; answering offline"
LAST_MINUTES = datetime(2027, 3, 1, 23, 58, tzinfo=UTC)
NEXT_DAY = datetime(2027, 3, 2, 0, 0, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres", "redis"])
def counter(request: pytest.FixtureRequest, db: Database) -> Iterator[CallCounter]:
    if request.param == "sqlite":
        yield SqlCallCounter(db)
    elif request.param == "postgres":
        store = Database(request.getfixturevalue("postgres_url"))
        store.migrate()
        yield SqlCallCounter(store)
        store.dispose()
    else:
        yield RedisCallCounter(request.getfixturevalue("redis_url"))


def test_a_workspace_gets_its_limit_each_day(counter: CallCounter) -> None:
    monday, tuesday = date(2027, 3, 1), date(2027, 3, 2)
    spent = [counter.spend("T111", monday, 2) for _ in range(3)]
    assert spent == [True, True, False]
    assert counter.spend("T222", monday, 2)  # another workspace has its own
    assert counter.spend("T111", tuesday, 2)


class DownCounter:
    """A store that cannot be reached."""

    def spend(self, workspace: str, day: date, limit: int) -> bool:
        raise ConnectionError("redis is down")


def test_calls_go_ahead_uncounted_when_the_store_is_down() -> None:
    budget = ModelBudget(limit=1, counter=DownCounter(), clock=Clock())
    assert budget.spend("T111") and budget.spend("T111")


@pytest.fixture
def runtime() -> Iterator[tuple[Any, Stubber]]:
    client = runtime_client()
    with Stubber(client) as stubber:
        yield client, stubber


def _list(stubber: Stubber, region: str) -> None:
    stubber.add_response("converse", tool_use("ec2_list_instances", {"region": region}, "t1"))


def test_a_spent_workspace_is_answered_offline_until_the_next_utc_day(
    settings: Settings, runtime: tuple[Any, Stubber]
) -> None:
    client, stubber = runtime
    settings = settings.model_copy(
        update={"model_provider": "bedrock", "model_daily_calls_per_workspace": 2}
    )
    with time_machine.travel(LAST_MINUTES, tick=True) as traveller:
        app = create_app(settings, model=bedrock_model(settings, client=client))
        ask = app.conversations.handle_message
        try:
            for n in range(2):
                _list(stubber, "us-east-1")
                assert SPENT not in ask(f"T111:C1:{n}.1", "U1", "what runs in virginia?").text
            spent = ask("T111:C1:3.1", "U1", "list instances in eu-west-1")
            _list(stubber, "eu-west-1")
            elsewhere = ask("T222:C1:1.1", "U2", "what runs in ireland?")
            traveller.move_to(NEXT_DAY)
            _list(stubber, "eu-west-1")
            renewed = ask("T111:C1:4.1", "U1", "what runs in ireland?")
        finally:
            app.close()

    assert SPENT in spent.text and "analytics-1" in spent.text  # the offline router answered
    assert SPENT not in elsewhere.text and "analytics-1" in elsewhere.text
    assert SPENT not in renewed.text and "analytics-1" in renewed.text
    stubber.assert_no_pending_responses()  # every other turn was a Bedrock call
