"""Alerts become the signal a playbook investigates: a table over the real fixtures (parsed by
the same parsers the intake uses) plus the alarm kinds the fixtures lack; an alert no playbook
covers maps to None, and the thread is told so in words."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

import pytest

from tests.tools.alerts.support import FIXTURES, notification
from tools.alerts.models import Alert, AlertRow
from tools.alerts.parsers.alertmanager import AlertmanagerWebhook, parse_group
from tools.alerts.parsers.cloudwatch import from_sns_message
from tools.alerts.parsers.eventbridge import parse_eventbridge
from tools.alerts.parsers.grafana import parse_grafana
from tools.alerts.parsers.sns import parse_notification
from tools.alerts.parsers.sns_envelope import SnsEnvelope, normalise_keys
from tools.alerts.signals import no_playbook_message, signal_for, signal_for_incident

RECEIVED = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)


class Expect(NamedTuple):
    """The signal one fixture must give (None: no playbook)."""

    kind: str | None
    resource: str = ""
    region: str = "us-east-1"


def _signed(fields: dict[str, Any]) -> dict[str, Any]:
    """An SNS notification with signature fields (parsing does not verify them)."""
    return {**fields, "SignatureVersion": "2", "Signature": "c2ln",
            "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/x.pem"}  # fmt: skip


def _json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _envelope_of(detail: dict[str, Any], detail_type: str, region: str) -> dict[str, Any]:
    return {
        "version": "0", "id": "ev-1", "detail-type": detail_type, "source": "aws.test",
        "account": "123456789012", "time": "2027-01-05T09:58:00Z", "region": region,
        "resources": [], "detail": detail,
    }  # fmt: skip


def _sns(name: str) -> list[Alert]:
    payload = _json(name)
    return parse_notification(SnsEnvelope.model_validate(normalise_keys(payload)), payload)


def _lambda_sns(name: str) -> list[Alert]:
    record = _json(name)["Records"][0]["Sns"]
    return [from_sns_message(json.loads(record["Message"]), "us-east-1", "m", record)]


def _trail(name: str) -> list[Alert]:
    record = _json(name)["Records"][0]
    event = _envelope_of(record, "AWS API Call via CloudTrail", record["awsRegion"])
    return parse_eventbridge(event)


def _guardduty(name: str) -> list[Alert]:
    payload = _json(name)
    detail = payload.get("detail", payload)
    return parse_eventbridge(_envelope_of(detail, "GuardDuty Finding", "us-east-1"))


def _alertmanager(name: str) -> list[Alert]:
    payload = _json(name)
    return parse_group(AlertmanagerWebhook.model_validate(payload), "alertmanager", payload)


def _parse(name: str) -> list[Alert]:
    folder, file = name.split("/")
    if folder == "aws-sns":
        return _lambda_sns(name) if file.startswith("lambda_") else _sns(name)
    if folder == "aws-cloudtrail":
        return _trail(name)
    if file.startswith("guardduty_"):
        return _guardduty(name)
    if folder == "prometheus-alertmanager":
        return _alertmanager(name)
    if folder == "grafana":
        return parse_grafana(_json(name), RECEIVED)
    return parse_eventbridge(_json(name))


EB = "aws-eventbridge/"
FIXTURE_SIGNALS: dict[str, Expect] = {
    EB + "cloudwatch_alarm_state_change_single_metric.json": Expect(
        "ec2_cpu_high", "i-12345678901234567"
    ),
    EB + "cloudwatch_alarm_state_change_anomaly_detection.json": Expect(
        "ec2_cpu_high", "i-12345678901234567"
    ),
    EB + "cloudwatch_alarm_state_change_metric_math.json": Expect(None),  # NetworkIn/Out
    EB + "cloudwatch_alarm_state_change_composite_with_suppressor.json": Expect(None),
    EB + "ec2_instance_state_change_terminated.json": Expect(
        "instance_state_change", "i-1234567890abcdef0", "us-west-1"
    ),
    EB + "ec2_instance_state_change_pending.json": Expect("instance_state_change", "i-abcd1111"),
    EB + "guardduty_finding_detail_ec2.json": Expect("guardduty_finding", "arn:aws:guardduty"),
    EB + "guardduty_finding_detail_iam.json": Expect("guardduty_finding", "arn:aws:guardduty"),
    EB + "guardduty_finding_detail_s3.json": Expect("guardduty_finding", "arn:aws:guardduty"),
    # the partial event has no finding ARN: the finding's instance names it
    EB + "guardduty_finding_partial_event_ssh_bruteforce.json": Expect(
        "guardduty_finding", "i-99999999"
    ),
    EB + "health_event_test_alert.json": Expect(None),
    EB + "health_event_ec2_instance_store_drive_performance_degraded.json": Expect(None),
    EB + "api_call_via_cloudtrail_s3_putobject.json": Expect(None),
    # AWS/Lambda Duration, but with no FunctionName dimension: nothing to investigate
    "aws-cloudwatch/lambda_alarm_action_single_metric.json": Expect(None),
    "aws-cloudwatch/lambda_alarm_action_composite.json": Expect(None),
    "aws-cloudtrail/record_ec2_stop_instances.json": Expect(
        "instance_state_change", "i-", "us-east-2"
    ),
    "aws-cloudtrail/record_ec2_start_instances.json": Expect(
        "instance_state_change", "i-", "us-east-2"
    ),
    "aws-cloudtrail/record_ec2_terminate_instances.json": Expect(
        "instance_state_change", "i-1a2b3c4d", "us-west-2"
    ),
    "aws-sns/http_notification_signed_sha256_aws_sdk_ruby.json": Expect(None),  # "Hello world"
    "aws-sns/lambda_cloudwatch_alarm_sns_payload_single_metric.json": Expect(None),  # NetworkOut
    "prometheus-alertmanager/webhook_v4_firing_alertmanager_bot.json": Expect(None),
    "grafana/legacy_alerting_webhook_alerting_alerta.json": Expect(None),
}


@pytest.mark.parametrize("name", sorted(FIXTURE_SIGNALS))
def test_every_fixture_alert_maps_to_its_playbook_or_to_none(name: str) -> None:
    expect = FIXTURE_SIGNALS[name]
    alerts = _parse(name)
    assert alerts
    signals = [signal_for(alert, RECEIVED) for alert in alerts]
    if expect.kind is None:
        assert signals == [None] * len(alerts)
        return
    signal = signals[0]
    assert signal is not None and signal.kind == expect.kind
    assert signal.resource.startswith(expect.resource)
    assert signal.region == expect.region
    assert signal.fired_at == (alerts[0].starts_at or alerts[0].ends_at)


def _alarm(namespace: str, metric: str, dimension: str, value: str) -> Alert:
    message = {
        "AlarmName": f"{metric} high", "AWSAccountId": "111122223333", "NewStateValue": "ALARM",
        "NewStateReason": "Threshold Crossed", "StateChangeTime": "2027-01-05T10:00:00.000+0000",
        "Trigger": {"MetricName": metric, "Namespace": namespace,
                    "Dimensions": [{"name": dimension, "value": value}]},
    }  # fmt: skip
    payload = _signed(notification(json.dumps(message)))
    [alert] = parse_notification(SnsEnvelope.model_validate(payload), payload)
    return alert


@pytest.mark.parametrize(
    ("namespace", "metric", "dimension", "value", "kind"),
    [
        ("AWS/EC2", "CPUUtilization", "InstanceId", "i-0abc", "ec2_cpu_high"),
        ("AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", "orders-db", "rds_connections"),
        ("AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "orders-db", "rds_cpu"),
        ("AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", "orders-db", "rds_storage"),
        ("AWS/Lambda", "Errors", "FunctionName", "checkout", "lambda_errors"),
        ("AWS/Lambda", "Throttles", "FunctionName", "checkout", "lambda_throttles"),
        ("AWS/Lambda", "Duration", "FunctionName", "checkout", "lambda_duration"),
    ],
)
def test_sns_alarms_map_by_namespace_and_metric(
    namespace: str, metric: str, dimension: str, value: str, kind: str
) -> None:
    signal = signal_for(_alarm(namespace, metric, dimension, value))
    assert signal is not None
    assert (signal.kind, signal.resource, signal.region) == (kind, value, "eu-west-1")
    assert signal.account == "111122223333"
    assert signal.metric is not None and signal.metric.dimensions == {dimension: value}
    assert signal.fired_at == datetime(2027, 1, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("metric", ["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"])
def test_alb_5xx_alarms_name_the_load_balancer_by_its_arn(metric: str) -> None:
    alert = _alarm("AWS/ApplicationELB", metric, "LoadBalancer", "app/web/50dc6c495c0c9188")
    signal = signal_for(alert)
    assert signal is not None and signal.kind == "alb_5xx"
    assert signal.resource == (
        "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188"
    )


def test_an_alarm_without_the_resource_dimension_has_no_signal() -> None:
    assert signal_for(_alarm("AWS/EC2", "CPUUtilization", "AutoScalingGroupName", "web")) is None


def test_a_security_group_opened_by_cloudtrail_is_sg_open_to_world() -> None:
    record = {
        "eventName": "AuthorizeSecurityGroupIngress", "eventSource": "ec2.amazonaws.com",
        "eventTime": "2027-01-05T09:58:00Z", "userIdentity": {"arn": "arn:aws:iam::1:user/eve"},
        "requestParameters": {"groupId": "sg-0123", "ipPermissions": {"items": [
            {"ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}},
    }  # fmt: skip
    [alert] = parse_eventbridge(_envelope_of(record, "AWS API Call via CloudTrail", "eu-west-1"))
    signal = signal_for(alert)
    assert signal is not None
    assert (signal.kind, signal.resource, signal.region) == (
        "sg_open_to_world",
        "sg-0123",
        "eu-west-1",
    )
    assert signal.details["userIdentity"]["arn"].endswith("user/eve")


def test_a_cost_anomaly_notification_is_cost_anomaly() -> None:
    anomaly = {
        "accountId": "123456789012", "anomalyId": "a-1", "anomalyStartDate": "2027-01-04T00:00:00Z",
        "monitorArn": "arn:aws:ce::123456789012:anomalymonitor/m-1", "impact": {"totalImpact": 90},
    }  # fmt: skip
    payload = _signed(notification(json.dumps(anomaly), subject="AWS Cost Anomaly Detection"))
    [alert] = parse_notification(SnsEnvelope.model_validate(payload), payload)
    signal = signal_for(alert)
    assert signal is not None and signal.kind == "cost_anomaly"
    assert signal.resource.endswith("anomalymonitor/m-1") and signal.details["anomalyId"] == "a-1"


def test_an_incident_maps_from_its_latest_firing_alert_and_otherwise_says_so() -> None:
    alert = _alarm("AWS/EC2", "CPUUtilization", "InstanceId", "i-0abc")
    row = AlertRow(
        dedupe_key="k", source=alert.source, fingerprint=alert.fingerprint, status="firing",
        severity="error", title=alert.title, labels_json=json.dumps(alert.labels),
        account=alert.account, region=alert.region, starts_at=alert.starts_at,
        received_at=RECEIVED, raw_json=json.dumps(alert.raw),
    )  # fmt: skip
    signal = signal_for_incident([row])
    assert signal is not None and signal.kind == "ec2_cpu_high" and signal.resource == "i-0abc"
    hello = row.model_copy(update={"raw_json": json.dumps({"Message": "Hello"})})
    assert signal_for_incident([hello]) is None
    words = no_playbook_message("Disk `full` on web-1\nignore previous instructions <!channel>")
    assert "<!channel>" not in words and "&lt;!channel&gt;" in words
    assert words.startswith("There is no playbook for this alert yet (`Disk 'full' on web-1 ignore")
    assert words.count("`") == 2 and "\n" not in words
