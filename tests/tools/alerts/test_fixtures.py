"""Every real payload in ../shared/fixtures (SNS, EventBridge, CloudWatch, CloudTrail,
Alertmanager, Grafana) goes through its HTTP endpoint and is accepted (and stored) or refused
for the right reason; detail-only samples are also accepted once put in their documented
envelope. A table lists what each file must give."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from fastapi.testclient import TestClient

from core.db import Database
from core.settings import Settings
from tests.tools.alerts.support import (
    AUTH,
    FIXTURES,
    Fetcher,
    MovableClock,
    alert_settings,
    intake_client,
    make_intake,
)
from tools.alerts.intake import AlertIntake
from tools.alerts.parsers import cloudwatch

AWS_PEM = (FIXTURES / "aws-sns" / "sns_signing_cert_aws_sdk_ruby.pem").read_bytes()
# The topics of the docs and community samples are allowed, so what refuses them is their
# signature (docs signatures are truncated "EXAMPLE..."; the community ones had the account
# id redacted after signing).
SAMPLE_TOPICS = [
    "arn:aws:sns:us-west-2:123456789012:MyTopic",
    "arn:aws:sns:eu-west-1:1234567890:alerta-test",
]
NOT_SIGNED = (401, "signature does not verify")
NOT_JSON = (400, "not JSON")


class Case(NamedTuple):
    """What one fixture file must give."""

    endpoint: str
    status: int
    expect: str  # a phrase of the refusal, "ignored:<phrase>", or "firing"/"resolved"


CASES: dict[str, Case] = {
    # SNS over HTTP: the AWS-signed samples verify with the AWS certificate they came with.
    "aws-sns/http_notification_signed_sha1_aws_sdk_ruby.json": Case("sns", 200, "firing"),
    "aws-sns/http_notification_signed_sha256_aws_sdk_ruby.json": Case("sns", 200, "firing"),
    "aws-sns/http_notification_signed_sha1_lambda_key_casing_aws_sdk_ruby.json": Case(
        "sns", 200, "firing"
    ),
    "aws-sns/http_notification_docs.json": Case("sns", *NOT_SIGNED),
    "aws-sns/http_subscription_confirmation_docs.json": Case("sns", *NOT_SIGNED),
    "aws-sns/http_unsubscribe_confirmation_docs.json": Case("sns", *NOT_SIGNED),
    "aws-sns/http_subscription_confirmation_alerta.json": Case("sns", *NOT_SIGNED),
    "aws-sns/http_notification_cloudwatch_alarm_alerta.json": Case("sns", *NOT_SIGNED),
    "aws-sns/http_notification_cloudwatch_insufficient_data_alerta.json": Case("sns", *NOT_SIGNED),
    # Lambda SNS events (Records[]) are not HTTP deliveries; their alarm Message is parsed below.
    "aws-sns/lambda_cloudwatch_alarm_sns_payload_single_metric.json": Case("sns", 422, "Type"),
    "aws-sns/lambda_cloudwatch_alarm_sns_payload_multiple_metrics.json": Case("sns", 422, "Type"),
    "aws-sns/lambda_sns_event.json": Case("sns", 422, "Type"),
    # EventBridge
    "aws-eventbridge/cloudwatch_alarm_state_change_single_metric.json": Case(
        "eventbridge", 200, "firing"
    ),
    "aws-eventbridge/cloudwatch_alarm_state_change_metric_math.json": Case(
        "eventbridge", 200, "firing"
    ),
    "aws-eventbridge/cloudwatch_alarm_state_change_anomaly_detection.json": Case(
        "eventbridge", 200, "firing"
    ),
    "aws-eventbridge/cloudwatch_alarm_state_change_composite_with_suppressor.json": Case(
        "eventbridge", 200, "firing"
    ),
    "aws-eventbridge/ec2_instance_state_change_terminated.json": Case("eventbridge", 200, "firing"),
    "aws-eventbridge/ec2_instance_state_change_pending.json": Case("eventbridge", 200, "resolved"),
    "aws-eventbridge/api_call_via_cloudtrail_s3_putobject.json": Case("eventbridge", 200, "firing"),
    "aws-eventbridge/health_event_test_alert.json": Case("eventbridge", 200, "firing"),
    "aws-eventbridge/health_event_ec2_instance_store_drive_performance_degraded.json": Case(
        "eventbridge", 200, "firing"
    ),
    "aws-eventbridge/guardduty_finding_detail_ec2.json": Case("eventbridge", 422, "detail-type"),
    "aws-eventbridge/guardduty_finding_detail_iam.json": Case("eventbridge", 422, "detail-type"),
    "aws-eventbridge/guardduty_finding_detail_s3.json": Case("eventbridge", 422, "detail-type"),
    "aws-eventbridge/guardduty_finding_partial_event_ssh_bruteforce.json": Case(
        "eventbridge", 422, "detail-type"
    ),
    "aws-eventbridge/guardduty_finding_event_envelope_format_from_docs.txt": Case(
        "eventbridge", *NOT_JSON
    ),
    # CloudWatch alarm actions (alarmData) and CloudTrail log records
    "aws-cloudwatch/lambda_alarm_action_single_metric.json": Case("eventbridge", 200, "firing"),
    "aws-cloudwatch/lambda_alarm_action_composite.json": Case("eventbridge", 200, "firing"),
    "aws-cloudtrail/record_ec2_terminate_instances.json": Case("eventbridge", 422, "detail-type"),
    "aws-cloudtrail/record_ec2_start_instances.json": Case("eventbridge", 422, "detail-type"),
    "aws-cloudtrail/record_ec2_stop_instances.json": Case("eventbridge", 422, "detail-type"),
    # Alertmanager v4
    "prometheus-alertmanager/webhook_v4_firing_alerta.json": Case("alertmanager", 200, "firing"),
    "prometheus-alertmanager/webhook_v4_firing_alertmanager_bot.json": Case(
        "alertmanager", 200, "firing"
    ),
    "prometheus-alertmanager/webhook_v4_firing_prometheus_msteams.json": Case(
        "alertmanager", 200, "firing"
    ),
    "prometheus-alertmanager/webhook_v4_resolved_alertmanager_bot.json": Case(
        "alertmanager", 200, "resolved"
    ),
    "prometheus-alertmanager/webhook_v4_format_from_docs.txt": Case("alertmanager", *NOT_JSON),
    # Grafana (legacy samples)
    "grafana/legacy_alerting_webhook_alerting_alerta.json": Case("grafana", 200, "firing"),
    "grafana/legacy_alerting_webhook_ok_alerta.json": Case("grafana", 200, "resolved"),
}
for _config_change in (
    "composite_created",
    "composite_with_suppressor_created",
    "composite_with_suppressor_deleted",
    "composite_with_suppressor_updated",
    "metric_alarm_updated",
    "metric_math_deleted",
):
    CASES[f"aws-eventbridge/cloudwatch_alarm_config_change_{_config_change}.json"] = Case(
        "eventbridge", 200, "ignored:configuration change"
    )
# Files that are not payloads: the certificate (used by the signed cases) and the header blocks
# SNS sends with the docs samples (used with them in test_docs_samples_with_their_headers).
NOT_PAYLOADS = {
    "aws-sns/sns_signing_cert_aws_sdk_ruby.pem",
    "aws-sns/http_notification_docs_headers.txt",
    "aws-sns/http_subscription_confirmation_docs_headers.txt",
    "aws-sns/http_unsubscribe_confirmation_docs_headers.txt",
}
FOLDERS = (
    "aws-sns",
    "aws-eventbridge",
    "aws-cloudwatch",
    "aws-cloudtrail",
    "prometheus-alertmanager",
    "grafana",
)


@pytest.fixture
def intake(settings: Settings, db: Database) -> AlertIntake:
    configured = alert_settings(
        settings,
        alerts_sns_topic_arns=[*alert_settings(settings).alerts_sns_topic_arns, *SAMPLE_TOPICS],
    )
    return make_intake(configured, db, MovableClock(), Fetcher({"https://sns.": AWS_PEM}))


@pytest.fixture
def client(intake: AlertIntake) -> Iterator[TestClient]:
    with intake_client(intake) as test_client:
        yield test_client


def test_the_table_names_every_fixture_file() -> None:
    on_disk = {
        path.relative_to(FIXTURES).as_posix()
        for folder in FOLDERS
        for path in (FIXTURES / folder).iterdir()
    }
    assert on_disk == set(CASES) | NOT_PAYLOADS


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_fixture_is_accepted_or_refused_for_its_reason(
    name: str, client: TestClient, intake: AlertIntake
) -> None:
    case = CASES[name]
    answer = client.post(
        f"/alerts/{case.endpoint}",
        content=(FIXTURES / name).read_bytes(),
        headers=AUTH[case.endpoint],
    )
    assert answer.status_code == case.status, answer.text
    stored = intake.store.alerts()
    if case.status != 200:
        assert case.expect.lower() in answer.json()["error"].lower()
        assert stored == []
    elif case.expect.startswith("ignored:"):
        assert case.expect.removeprefix("ignored:") in answer.json()["ignored"]
        assert stored == []
    else:
        assert answer.json()["accepted"] >= 1
        assert stored and {row.status for row in stored} == {case.expect}
        assert all(row.title and row.fingerprint for row in stored)


def _envelope(detail: dict[str, Any], region: str = "us-east-1") -> dict[str, Any]:
    """The documented GuardDuty envelope (the docs' format block) around a finding."""
    template = (
        FIXTURES / "aws-eventbridge" / "guardduty_finding_event_envelope_format_from_docs.txt"
    ).read_text()
    event: dict[str, Any] = json.loads(template.replace("{GUARDDUTY_FINDING_JSON_OBJECT}", "{}"))
    return {**event, "region": region, "detail": detail}


@pytest.mark.parametrize(
    "name",
    [
        "guardduty_finding_detail_ec2.json",
        "guardduty_finding_detail_iam.json",
        "guardduty_finding_detail_s3.json",
    ],
)
def test_guardduty_findings_in_their_documented_envelope_are_accepted(
    name: str, client: TestClient, intake: AlertIntake
) -> None:
    finding = json.loads((FIXTURES / "aws-eventbridge" / name).read_text())
    answer = client.post(
        "/alerts/eventbridge", json=_envelope(finding), headers=AUTH["eventbridge"]
    )
    assert answer.status_code == 200, answer.text
    (row,) = intake.store.alerts()
    assert row.title.startswith(f"GuardDuty {finding['type']}")
    assert row.severity == "error"  # severity 5: medium


def test_the_partial_ssh_bruteforce_event_in_its_envelope_names_the_instance(
    client: TestClient, intake: AlertIntake
) -> None:
    partial = json.loads(
        (
            FIXTURES / "aws-eventbridge" / "guardduty_finding_partial_event_ssh_bruteforce.json"
        ).read_text()
    )
    event = _envelope(partial["detail"], partial["region"])
    answer = client.post("/alerts/eventbridge", json=event, headers=AUTH["eventbridge"])
    assert answer.status_code == 200, answer.text
    assert intake.store.alerts()[0].resource == "i-99999999"


@pytest.mark.parametrize(
    "name",
    [
        "record_ec2_terminate_instances.json",
        "record_ec2_start_instances.json",
        "record_ec2_stop_instances.json",
    ],
)
def test_cloudtrail_records_as_eventbridge_api_calls_are_accepted(
    name: str, client: TestClient, intake: AlertIntake
) -> None:
    record = json.loads((FIXTURES / "aws-cloudtrail" / name).read_text())["Records"][0]
    event = {
        "version": "0",
        "id": f"ct-{name}",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ec2",
        "account": "123456789012",
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record,
    }
    answer = client.post("/alerts/eventbridge", json=event, headers=AUTH["eventbridge"])
    assert answer.status_code == 200, answer.text
    (row,) = intake.store.alerts()
    assert record["eventName"] in row.title and row.severity == "info"


@pytest.mark.parametrize(
    ("name", "resource", "dimension"),
    [
        ("lambda_cloudwatch_alarm_sns_payload_single_metric.json", "TestInstance", "InstanceId"),
        ("lambda_cloudwatch_alarm_sns_payload_multiple_metrics.json", "TestInstance", "InstanceId"),
    ],
)
def test_the_alarm_message_inside_lambda_sns_events_parses(
    name: str, resource: str, dimension: str
) -> None:
    record = json.loads((FIXTURES / "aws-sns" / name).read_text())["Records"][0]["Sns"]
    message = json.loads(record["Message"])
    alert = cloudwatch.from_sns_message(message, "us-east-1", record["MessageId"], record)
    assert alert.status == "firing"
    assert alert.labels[dimension] == resource == alert.resource


def test_docs_samples_with_their_headers_are_refused_for_their_signature(
    client: TestClient,
) -> None:
    for kind in ("notification", "subscription_confirmation", "unsubscribe_confirmation"):
        lines = (FIXTURES / "aws-sns" / f"http_{kind}_docs_headers.txt").read_text().splitlines()
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        headers.pop("Content-Length", None)
        body = (FIXTURES / "aws-sns" / f"http_{kind}_docs.json").read_bytes()
        answer = client.post("/alerts/sns", content=body, headers=headers)
        assert answer.status_code == 401 and "signature" in answer.json()["error"]


def test_the_aws_signed_samples_fetch_their_certificate_once(
    client: TestClient, intake: AlertIntake
) -> None:
    for name in ("sha1", "sha256"):
        body = (
            FIXTURES / "aws-sns" / f"http_notification_signed_{name}_aws_sdk_ruby.json"
        ).read_bytes()
        assert client.post("/alerts/sns", content=body).status_code == 200
    assert isinstance(intake.fetch, Fetcher)
    assert len(intake.fetch.fetched) == 1  # same certificate URL: cached
