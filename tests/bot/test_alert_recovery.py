"""A recovery verdict is said once per watch: a report replayed after a crash (the durable step
ran, the process died before its checkpoint) finds its outbox entry and timeline moment and
adds neither again; another fix's watch of the same incident still reports."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.alert_recovery import RecoveryWatch, run_id_of
from bot.slack.transport import Thread
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import Stack, running_stack, sandbox_aws, slack, slack_settings
from tests.tools.alerts.support import FIXTURES
from tools.alerts.grouping import GroupingRules
from tools.alerts.models import IncidentRow
from tools.alerts.parsers.eventbridge import parse_eventbridge
from tools.alerts.store import AlertStore
from tools.alerts.timeline import events

__all__ = ["sandbox_aws", "slack"]
ROOT = Thread("T0TEAM", "C0ALERTS", "1800000000.000100")


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    settings = slack_settings(tmp_path / "cf", slack, slack_outbox_poll_seconds=0.05,
                              slack_outbox_channel_interval_seconds=0.0)  # fmt: skip
    yield from running_stack(settings, sandbox_aws, slack)


def test_a_replayed_report_posts_and_records_nothing_more(stack: Stack, slack: FakeSlack) -> None:
    cf = stack.runtime.cloudfabric
    event = json.loads(
        (FIXTURES / "aws-eventbridge" / "cloudwatch_alarm_state_change_single_metric.json")
        .read_text()
    )  # fmt: skip
    AlertStore(cf.db, cf.clock, GroupingRules.from_settings(cf.settings)).accept(
        parse_eventbridge(event)
    )
    with cf.db.session() as session:
        (incident,) = session.query(IncidentRow).all()
    assert incident.id is not None
    watch = RecoveryWatch(cf, stack.runtime.surface.transport)
    verdict = {"kind": "recovered", "line": ":white_check_mark: Recovered: back", "detail": "back"}
    first = run_id_of(incident.id, "approval-1")
    for _ in range(2):
        watch.report(first, incident.id, ROOT.conversation, verdict)
    watch.report(run_id_of(incident.id, "approval-2"), incident.id, ROOT.conversation,
                 {**verdict, "detail": "back again"})  # fmt: skip

    said = slack.wait_for("chat.postMessage", lambda c: "Recovered" in str(c.params["text"]), 2)
    time.sleep(0.5)  # the outbox polls every 0.05 s: a third post would be sent by now
    posted = [c for c in slack.calls_of("chat.postMessage") if "Recovered" in str(c.params)]
    assert len(posted) == len(said) == 2 and {c.params["thread_ts"] for c in said} == {ROOT.ts}
    details = [m.detail for m in events(cf.db, incident.id) if m.kind == "recovered"]
    assert details == ["back", "back again"]
