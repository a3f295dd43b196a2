"""The ids Slack requests are recorded under: one per delivery, the same for Slack's retry."""

from __future__ import annotations

from approvals.render import APPROVE_ACTION
from bot.slack.intake import intake_id, turn_id
from bot.slack.transport import Thread
from tests.slack.harness import button_click, mention, slash_command, view_submission


def test_an_event_is_recorded_by_its_team_and_event_id() -> None:
    body = mention("help", event_id="EvI1", channel="C1", ts="1.1")

    assert intake_id(body, body["event"]) == "slack-event:T111:EvI1"


def test_a_click_is_recorded_by_trigger_action_and_message() -> None:
    body = button_click(APPROVE_ACTION, "req-1", user="U1", channel="C1")
    action = body["actions"][0]
    message_ts = body["message"]["ts"]

    recorded = intake_id(body, action)

    assert recorded == f"slack-action:{body['trigger_id']}:{APPROVE_ACTION}:{message_ts}"
    other = {**body, "trigger_id": "another-click"}
    assert intake_id(other, action) != recorded


def test_a_command_and_a_modal_are_recorded_by_their_trigger() -> None:
    command = slash_command("help", user="U1", channel="C1")
    view = view_submission("reject", "{}", {}, user="U1")

    assert intake_id(command, command) == f"slack-command:{command['trigger_id']}"
    assert intake_id(view, view["view"]).startswith(f"slack-view:{view['trigger_id']}:")


def test_a_turn_is_named_by_its_message_or_its_key() -> None:
    thread = Thread("T1", "C1", "1.1")

    assert turn_id(thread, "1.2", None) == "slack-turn:T1:C1:1.2"
    assert turn_id(thread, None, "choice:T1:C1:1.3") == "slack-turn:choice:T1:C1:1.3"
