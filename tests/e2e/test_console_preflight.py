"""The pre-flight permission check as people see it in the console, on the sandbox: an allowed
stop's card says the check passed; a stop the action role may not make (a botocore Stubber on the
action role's EC2 client answers the DryRun with UnauthorizedOperation, as AWS does) says it
would fail before anyone approves, has no Approve button, and /approve is refused."""

from __future__ import annotations

import io
from typing import Any

from botocore.stub import Stubber

from bot.app import CloudFabric
from bot.console import ConsoleSession, run_console
from tests.e2e.test_console import transcript
from tests.estate import state_of

SCRIPT = ["/as alice", "stop batch-worker", "/as bob", "/approve"]


def converse(app: CloudFabric, script: list[str]) -> list[str]:
    out = io.StringIO()
    session = ConsoleSession(app.conversations, user="root", out=out)
    app.conversations.publish = session.publish
    run_console(session, script)
    return [output for _, output in transcript(out.getvalue())]


def test_an_allowed_stop_says_the_permission_check_passed(sandbox_app: CloudFabric) -> None:
    outputs = converse(sandbox_app, SCRIPT)

    assert "Permission check passed (EC2 dry run under the action role)" in outputs[1]
    assert "[Approve]  [Reject]" in outputs[1]
    batch = sandbox_app.sandbox.estate.instance_ids["batch-worker"]
    assert state_of(sandbox_app.aws, batch) in {"stopping", "stopped"}


def test_a_stop_the_action_role_may_not_make_would_fail_before_anyone_approves(
    sandbox_app: CloudFabric,
) -> None:
    aws = sandbox_app.aws
    batch = sandbox_app.sandbox.estate.instance_ids["batch-worker"]
    reading = aws.client("ec2", "us-east-1")

    def deny(service: str, region: str, account: str | None, client: Any) -> None:
        if service == "ec2" and region == "us-east-1" and client is not reading:
            stubber = Stubber(client)
            stubber.add_client_error(
                "stop_instances",
                service_error_code="UnauthorizedOperation",
                service_message="You are not authorized to perform this operation.",
                http_status_code=403,
                expected_params={"InstanceIds": [batch], "DryRun": True},
            )
            stubber.activate()

    aws.on_new_client(deny)
    outputs = converse(sandbox_app, SCRIPT)

    card = outputs[1]
    assert "Would fail: UnauthorizedOperation on ec2:StopInstances for role " in card
    assert "arn:aws:iam::123456789012:role/CloudFabricAction" in card
    assert "[Reject]" in card and "[Approve]" not in card
    assert "This would fail: UnauthorizedOperation on ec2:StopInstances" in outputs[3]
    assert state_of(aws, batch) == "running"
