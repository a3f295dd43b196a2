"""The recovery watch survives kill -9: a replica starts the watch after a fix and is killed
mid-watch; the replica restarted under the same executor id resumes it (waiting only what was
left of it), reads the alarm's threshold from DescribeAlarms (the EventBridge alarm
carries none) and the thread gets exactly one "Recovered", recorded once in the timeline.

Real processes (``tests.bot.recovery_child``, built like ``cloudfabric serve``), a moto server,
the fake Slack and a shared store."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.slack.transport import Thread
from core.aws import AwsClients
from core.clock import Clock
from core.db import Database
from core.settings import Settings
from tests.core.durable.support import Children
from tests.fakes.slack_server import Call, FakeSlack
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, slack
from tests.tools.alerts.support import FIXTURES
from tools.alerts.grouping import GroupingRules
from tools.alerts.parsers.eventbridge import parse_eventbridge
from tools.alerts.store import AlertStore
from tools.alerts.timeline import events

__all__ = ["slack"]
pytestmark = pytest.mark.slow

CHILD = "tests.bot.recovery_child"
CHANNEL, ROOT_TS = "C0ALERTS", "1800000000.000100"
INSTANCE = "i-12345678901234567"
WATCH = 25.0
"""The watch's length: long enough to kill the first replica well inside it."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Database]:
    """The replicas' shared SQL store, migrated."""
    database = Database(f"sqlite:///{(tmp_path / 'shared.db').as_posix()}")
    database.migrate()
    yield database
    database.dispose()


def _incident(store: Database) -> int:
    """The CloudWatch alarm on the instance's CPU, stored as an open incident."""
    event = json.loads(
        (FIXTURES / "aws-eventbridge" / "cloudwatch_alarm_state_change_single_metric.json")
        .read_text()
    )  # fmt: skip
    rules = GroupingRules.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    AlertStore(store, Clock(), rules).accept(parse_eventbridge(event))
    with store.session() as session:
        from tools.alerts.models import IncidentRow

        (incident,) = session.query(IncidentRow).all()
    assert incident.id is not None
    return incident.id


def _estate(moto_url: str, tmp_path: Path, fixed_at: object) -> None:
    """The alarm (threshold 50, only in DescribeAlarms) and the CPU back at 20% after the fix."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "seed", aws_endpoint_url=moto_url)  # type: ignore[call-arg]
    cloudwatch = AwsClients(settings, sandbox=True).client("cloudwatch", "us-east-1")
    cloudwatch.put_metric_alarm(
        AlarmName="ServerCpuTooHigh", MetricName="CPUUtilization", Namespace="AWS/EC2",
        Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=50.0,
        ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "InstanceId", "Value": INSTANCE}],
    )  # fmt: skip
    assert isinstance(fixed_at, type(Clock().now()))
    data = [
        {"MetricName": "CPUUtilization", "Value": 20.0,
         "Timestamp": fixed_at + timedelta(seconds=s),
         "Dimensions": [{"Name": "InstanceId", "Value": INSTANCE}]}
        for s in range(2, int(WATCH), 4)
    ]  # fmt: skip
    cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=data)


def _env(moto_url: str, slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    return {
        "CF_DURABLE_ENABLED": "1", "CF_AWS_MODE": "live", "CF_AWS_ENDPOINT_URL": moto_url,
        "CF_AWS_REGIONS": "us-east-1", "CF_AWS_MAX_ATTEMPTS": "2", "CF_MODEL_PROVIDER": "offline",
        "CF_SLACK_BOT_TOKEN": BOT_TOKEN, "CF_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "CF_SLACK_API_URL": slack.api_url, "CF_SLACK_OUTBOX_POLL_SECONDS": "0.1",
        "CF_ALERTS_RECOVERY_WATCH_SECONDS": str(WATCH), "CF_ALERTS_RECOVERY_POLL_SECONDS": "0.2",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }  # fmt: skip


def _verdicts(slack: FakeSlack) -> list[Call]:
    return [
        c for c in slack.calls_of("chat.postMessage")
        if c.params.get("thread_ts") == ROOT_TS and "ecovered" in str(c.params.get("text"))
    ]  # fmt: skip


def test_a_watch_killed_mid_way_is_resumed_and_reports_once(
    children: Children, store: Database, moto_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    incident_id = _incident(store)
    fixed, fixed_mono = Clock().now(), time.monotonic()
    _estate(moto_url, tmp_path, fixed)
    env = _env(moto_url, slack, tmp_path)
    conversation = Thread("T0TEAM", CHANNEL, ROOT_TS).conversation
    argv = ("start", str(incident_id), "approval-1", conversation, fixed.isoformat())
    first = children.spawn("first", "exec-r", *argv, module=CHILD, **env)
    first.wait_for(f"started alert-recovery-{incident_id}-approval-1", timeout=120)
    time.sleep(3.0)  # inside the watch: its end and first waits are checkpointed
    first.kill()
    assert _verdicts(slack) == []

    again = children.spawn("again", "exec-r", "resume", module=CHILD, **env)  # no start asked
    (said,) = slack.wait_for("chat.postMessage", lambda c: c in _verdicts(slack), timeout=120)
    assert time.monotonic() - fixed_mono >= WATCH - 0.5  # the watch kept its end
    text = str(said.params["text"])
    assert "Recovered" in text and "back below its alarm threshold 50" in text, text

    time.sleep(3.0)  # a replayed report would have posted by now
    assert len(_verdicts(slack)) == 1, again.log()
    kinds = [m.kind for m in events(store, incident_id)]
    assert kinds.count("recovered") == 1 and "not_recovered" not in kinds
