"""On-call from PagerDuty: the REST API v2 ``/oncalls`` read against a local server that speaks
its shapes (pages, users only with ``include[]=users``, token header), emails mapped to chat
users, and the policy falling back to its rotation, with the reason, when PagerDuty is down."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import create_app
from core.settings import Settings
from tests.fakes.pagerduty_server import FakePagerDuty, Shift
from tools.policy.engine import PolicyEngine
from tools.policy.facts import RequestFacts
from tools.policy.loader import PolicyFileError, parse_policy
from tools.policy.pagerduty import PagerDutySchedules
from tools.policy.rotations import OnCallUnavailable

AT = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
SLACK = {"ann@example.com": "U0ANN", "ben@example.com": "U0BEN", "cat@example.com": "U0CAT"}
POLICY = """
rotations:
  - name: sre
    zone: Europe/Paris
    handoff: "09:00"
    start: 2027-01-04
    users: [U0FILE1, U0FILE2]
    oncall: {provider: pagerduty, schedule: PSRE001, fallback: %s}
rules:
  - name: on-call approves
    match: {risk: [high]}
    approvers: ["oncall:sre"]
  - name: default
    default: true
    approvers: ["*"]
"""


def shift(who: str, schedule: str = "PSRE001", level: int = 1, hours: int = 12) -> Shift:
    name = who.split("@")[0]
    return Shift(
        schedule=schedule, user_id="P" + name.upper(), name=name.capitalize(), email=who,
        start=AT - timedelta(hours=hours), end=AT + timedelta(hours=hours), level=level,
    )  # fmt: skip


@pytest.fixture
def pagerduty() -> Iterator[FakePagerDuty]:
    fake = FakePagerDuty().start()
    yield fake
    fake.stop()


def schedules(fake: FakePagerDuty, token: str = "pd-test-token") -> PagerDutySchedules:
    return PagerDutySchedules(token, SLACK.get, api_url=fake.url, attempts=3)


def engine(fake: FakePagerDuty, fallback: str = "rotation") -> PolicyEngine:
    return PolicyEngine(parse_policy(POLICY % fallback), schedules=schedules(fake))


def test_who_is_on_call_now_comes_from_the_schedule_as_slack_users(
    pagerduty: FakePagerDuty,
) -> None:
    pagerduty.shifts = [
        shift("ben@example.com", level=2),
        shift("ann@example.com"),
        shift("cat@example.com", schedule="POTHER1"),  # another schedule
        shift("dan@example.com", hours=-1),  # ended before the instant
    ]
    assert schedules(pagerduty).on_call("PSRE001", AT) == ["U0ANN", "U0BEN"]  # by level
    [query] = pagerduty.requests
    assert query["schedule_ids[]"] == ["PSRE001"] and query["include[]"] == ["users"]
    assert datetime.fromisoformat(query["since"][0]) == AT


def test_every_page_is_read(pagerduty: FakePagerDuty) -> None:
    pagerduty.shifts = [shift(f"u{n}@example.com") for n in range(230)]
    pagerduty.shifts.append(shift("cat@example.com", level=3))
    assert schedules(pagerduty).on_call("PSRE001", AT) == ["U0CAT"]  # the last page's entry
    assert [q["offset"] for q in pagerduty.requests] == [["0"], ["100"], ["200"]]


def test_a_wrong_token_is_a_clear_refusal(pagerduty: FakePagerDuty) -> None:
    with pytest.raises(OnCallUnavailable, match=r"HTTP 401: Unauthorized \(check CF_PAGERDUTY"):
        schedules(pagerduty, token="wrong").on_call("PSRE001", AT)


def test_a_passing_server_error_is_retried(pagerduty: FakePagerDuty) -> None:
    pagerduty.shifts = [shift("ann@example.com")]
    pagerduty.failures = [503, 502]
    assert schedules(pagerduty).on_call("PSRE001", AT) == ["U0ANN"]
    assert len(pagerduty.requests) == 3


def test_the_policy_asks_pagerduty_for_its_rotation(pagerduty: FakePagerDuty) -> None:
    pagerduty.shifts = [shift("ben@example.com")]
    decision = engine(pagerduty).decide(RequestFacts(tool="ec2.stop_instances", risk="high"), AT)
    assert decision.approvers == ["U0BEN"]
    assert "on call in sre now: U0BEN" in decision.why


def test_pagerduty_down_falls_back_to_the_rotation_and_says_why(
    pagerduty: FakePagerDuty,
) -> None:
    pagerduty.failures = [500] * 3
    decision = engine(pagerduty).decide(RequestFacts(tool="ec2.stop_instances", risk="high"), AT)
    assert decision.approvers == ["U0FILE1"]  # the file's turn order on 1 March 2027
    assert any(
        "PagerDuty refused the on-call lookup for schedule PSRE001: HTTP 500" in line
        and "using the rotation in the policy file" in line
        for line in decision.why
    )


def test_pagerduty_unreachable_with_fallback_nobody_leaves_nobody_to_approve() -> None:
    down = FakePagerDuty().start()
    url = down.url
    down.stop()  # nothing listens there any more
    policy = parse_policy(POLICY % "nobody")
    unreachable = PagerDutySchedules("t", SLACK.get, api_url=url, attempts=1)
    decision = PolicyEngine(policy, schedules=unreachable).decide(
        RequestFacts(tool="ec2.stop_instances", risk="high"), AT
    )
    assert decision.approvers == []
    assert any(
        "could not be reached" in line and "nobody stands in" in line for line in decision.why
    )


def test_a_rotation_naming_pagerduty_without_a_token_uses_the_file() -> None:
    policy = parse_policy(POLICY % "rotation")
    decision = PolicyEngine(policy).decide(RequestFacts(tool="x.y", risk="high"), AT)
    assert decision.approvers == ["U0FILE1"]
    assert any("no PagerDuty token is configured" in line for line in decision.why)


def test_an_unknown_provider_is_refused_with_its_line() -> None:
    with pytest.raises(
        PolicyFileError, match=r":8: rotations.0.oncall.provider: Input should be .pagerduty."
    ):
        parse_policy((POLICY % "rotation").replace("provider: pagerduty", "provider: opsgenie"))


def test_the_app_asks_pagerduty_when_a_token_is_set(
    pagerduty: FakePagerDuty, settings: Settings, tmp_path: Path
) -> None:
    pagerduty.shifts = [shift("ann@example.com")]
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY % "rotation", encoding="utf-8")
    configured = settings.model_copy(
        update={
            "approval_policy_file": policy,
            "pagerduty_token": SecretStr(pagerduty.token),
            "pagerduty_api_url": pagerduty.url,
        }
    )
    app = create_app(configured)
    try:
        decision = app.approvals.policy.decide(RequestFacts(tool="x.y", risk="high"), AT)
    finally:
        app.close()
    assert decision.approvers == ["ann@example.com"]  # no Slack here: the email as it is
    assert len(pagerduty.requests) == 1
    assert app.schedules is not None and app.schedules.closed  # no connection left open
