"""Routing: each alert of a table reaches the channel of the first rule it matches, by account,
environment (the inventory's tag before the alert's label), severity and service (CloudWatch
namespace, EventBridge source, service/job label, ARN service), else ``alerts_channel``; a bad
rule stops the settings with a message naming it."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import select

from core.clock import Clock
from core.db import Database
from core.settings import AlertRoute, Settings
from tests.tools.alerts.support import FIXTURES
from tools.alerts.grouping import GroupingRules
from tools.alerts.models import Alert, AlertRow, Severity
from tools.alerts.owners import tags_of
from tools.alerts.parsers.eventbridge import parse_eventbridge
from tools.alerts.routing import Router, facts_of
from tools.alerts.store import AlertStore
from tools.discovery.tables import ResourceRow

ACCOUNT = "123456789012"
OTHER = "210987654321"
ALARM = json.loads(
    (FIXTURES / "aws-eventbridge" / "cloudwatch_alarm_state_change_single_metric.json").read_text()
)
RULES = [
    AlertRoute(name="security", services=["guardduty"], channel="C-SEC"),
    AlertRoute(environments=["prod"], severities=["critical"], channel="C-PAGE"),
    AlertRoute(accounts=[ACCOUNT], services=["AWS/EC2"], channel="C-EC2"),
    AlertRoute(services=["payments-api", "rds"], channel="C-PAY"),
]


def _alert(
    name: str,
    *,
    severity: Severity = "warning",
    labels: dict[str, str] | None = None,
    resource: str = "",
    account: str | None = None,
    raw: dict[str, Any] | None = None,
) -> Alert:
    return Alert(
        source="alertmanager",
        fingerprint=name,
        status="firing",
        severity=severity,
        title=f"{name} fired",
        resource=resource,
        labels=labels or {},
        account=account,
        starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC),
        raw=raw or {},
    )


def _sns_alarm(namespace: str) -> dict[str, Any]:
    message = {"AlarmName": "x", "Trigger": {"Namespace": namespace, "MetricName": "CPU"}}
    return {"Type": "Notification", "Message": json.dumps(message)}


(EC2_ALARM,) = parse_eventbridge(copy.deepcopy(ALARM))
TABLE: list[tuple[str, Alert, str]] = [
    ("EventBridge alarm on AWS/EC2 in the account", EC2_ALARM, "C-EC2"),
    (
        "prod + critical wins over the service rule after it",
        _alert("a", severity="critical", labels={"env": "prod", "service": "payments-api"}),
        "C-PAGE",
    ),
    (
        "staging critical falls to the service rule",
        _alert("b", severity="critical", labels={"env": "staging", "service": "payments-api"}),
        "C-PAY",
    ),
    ("the job label is a service", _alert("c", labels={"job": "Payments-API"}), "C-PAY"),
    (
        "the inventory's Environment tag beats the alert's env label",
        _alert("d", severity="critical", labels={"env": "staging"}, resource="i-0prod"),
        "C-PAGE",
    ),
    (
        "an EventBridge source is a service",
        _alert("e", raw={"source": "aws.guardduty", "detail-type": "GuardDuty Finding"}),
        "C-SEC",
    ),
    ("a namespace inside an SNS Message", _alert("f", raw=_sns_alarm("AWS/RDS")), "C-PAY"),
    (
        "the service of the resource's ARN",
        _alert("g", resource="arn:aws:rds:us-east-1:123456789012:db:orders"),
        "C-PAY",
    ),
    (
        "EC2 in another account matches no rule",
        _alert("h", account=OTHER, raw=_sns_alarm("AWS/EC2")),
        "C-ALL",
    ),
    ("critical without an environment", _alert("i", severity="critical"), "C-ALL"),
]


@pytest.fixture
def rows(db: Database) -> dict[str, AlertRow]:
    now = Clock().now()
    with db.session() as session:
        session.add(
            ResourceRow(
                arn="arn:aws:ec2:us-east-1:123456789012:instance/i-0prod",
                account=ACCOUNT,
                region="us-east-1",
                type="ec2:instance",
                service="ec2",
                resource_id="i-0prod",
                name="web-1",
                tags={"Environment": "Prod"},
                fingerprint="x",
                first_seen=now,
                last_seen=now,
            )
        )
    rules = GroupingRules.from_settings(Settings())
    AlertStore(db, Clock(), rules).accept([alert for _, alert, _ in TABLE])
    with db.session() as session:
        stored = list(session.exec(select(AlertRow)))
    return {row.fingerprint: row for row in stored}


@pytest.mark.parametrize(("case", "alert", "channel"), TABLE, ids=[case for case, _, _ in TABLE])
def test_each_alert_goes_to_its_channel(
    db: Database, rows: dict[str, AlertRow], case: str, alert: Alert, channel: str
) -> None:
    router = Router(RULES, "C-ALL")
    facts = facts_of(rows[alert.fingerprint], lambda names: tags_of(db, names))
    assert router.channel_for(facts) == channel, case


def test_with_no_match_and_no_fallback_there_is_no_channel(
    db: Database, rows: dict[str, AlertRow]
) -> None:
    facts = facts_of(rows["i"], lambda names: tags_of(db, names))
    assert Router(RULES, None).channel_for(facts) is None
    assert Router(RULES, None).channels() == ["C-SEC", "C-PAGE", "C-EC2", "C-PAY"]


def test_routes_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [{"channel": "C-PAGE", "severities": "critical", "environments": ["prod"]}]
    monkeypatch.setenv("CF_ALERTS_ROUTES", json.dumps(rules))
    monkeypatch.setenv("CF_ALERTS_CHANNEL", "C-ALL")
    router = Router.from_settings(Settings())
    assert [rule.severities for rule in router.rules] == [["critical"]]
    assert router.fallback == "C-ALL"


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ({"channel": "C1", "severities": ["urgent"]}, "alerts_routes.1.severities.0"),
        ({"channel": "C1", "accounts": ["12345"]}, "'12345' is not a 12-digit AWS account id"),
        ({"channel": "C1", "sevrity": "critical"}, "alerts_routes.1.sevrity"),
        ({"severities": ["critical"]}, "alerts_routes.1.channel"),
    ],
)
def test_a_bad_rule_is_refused_with_where_and_why(
    monkeypatch: pytest.MonkeyPatch, rule: dict[str, Any], says: str
) -> None:
    good = {"channel": "C0", "services": ["ec2"]}
    monkeypatch.setenv("CF_ALERTS_ROUTES", json.dumps([good, rule]))
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert says in str(refused.value)
