"""The console conversation of the README, scripted, on the sandbox — and the real CLI; a question
answered by typing its number."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from bot.app import CloudFabric
from bot.console import ConsoleSession, run_console
from tests.conftest import child_env
from tests.e2e.questions import EU, humans, question_reply
from tests.estate import state_of

SCRIPT = [
    "/as alice",
    "what instances are running in us-east-1?",
    "stop batch-worker",
    "/approve",
    "/as bob",
    "/approve",
    "/approve",
]


def transcript(text: str) -> list[tuple[str, str]]:
    """(typed line, output) pairs of a scripted console transcript, in order."""
    pairs = []
    for chunk in text.split("] > ")[1:]:
        line, _, output = chunk.partition("\n")
        pairs.append((line, output))
    return pairs


def test_readme_conversation(sandbox_app: CloudFabric) -> None:
    out = io.StringIO()
    session = ConsoleSession(sandbox_app.conversations, user="root", out=out)
    sandbox_app.conversations.publish = session.publish
    run_console(session, SCRIPT)
    turns = transcript(out.getvalue())
    assert [line for line, _ in turns] == SCRIPT
    outputs = [output for _, output in turns]
    batch_id = sandbox_app.sandbox.estate.instance_ids["batch-worker"]

    for name in ("web-1", "web-2", "batch-worker"):
        assert name in outputs[1]
    assert "legacy-app" not in outputs[1]  # stopped, so not among the running ones

    card = outputs[2]
    assert "Approval needed: Stop batch-worker" in card
    assert "Risk: ● medium" in card
    assert "Who may approve: anyone except the requester" in card
    assert "Cost change: -$70.08/month" in card  # m5.large us-east-1 list price x 730 h
    assert "[Approve]  [Reject]" in card

    assert "you cannot approve it yourself" in outputs[3]
    assert "(you are now bob)" in outputs[4]

    assert "Approved by bob" in outputs[5]
    assert "batch-worker" in outputs[5] and "stopping now" in outputs[5]
    assert "[Approve]" not in outputs[5]
    assert state_of(sandbox_app.aws, batch_id) == "stopped"

    assert "already approved by bob and has run; nothing was run again" in outputs[6]
    actions = [e.action for e in sandbox_app.audit.entries()]
    assert actions == ["requested", "refused", "approved", "succeeded", "refused"]
    assert sandbox_app.audit.verify() is None


def test_cloudfabric_demo_command_runs_the_script(tmp_path: Path) -> None:
    env = child_env(CF_DATA_DIR=str(tmp_path / "cf"))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="\n".join(SCRIPT) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Approved and done: Stop batch-worker" in result.stdout
    assert "nothing was run again" in result.stdout
    verify = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert verify.returncode == 0
    assert "5 entries verified" in verify.stdout


def test_approve_with_no_id_decides_only_in_its_own_conversation(sandbox_app: CloudFabric) -> None:
    asker = ConsoleSession(sandbox_app.conversations, user="alice", out=io.StringIO())
    other = ConsoleSession(sandbox_app.conversations, user="bob", out=io.StringIO())
    asker.handle("stop web-2")
    [pending] = sandbox_app.approvals.find()

    other.handle("/approve")

    assert "There is no approval request in this conversation" in other.out.getvalue()
    assert sandbox_app.approvals.get(pending.id).state == "PENDING"
    assert state_of(sandbox_app.aws, sandbox_app.sandbox.estate.instance_ids["web-2"]) == "running"


def test_a_slack_request_cannot_be_decided_from_the_console(sandbox_app: CloudFabric) -> None:
    slack_thread = "T111:C5:1000.1"
    sandbox_app.conversations.handle_message(slack_thread, "U0ALICE", "stop web-2")
    [pending] = sandbox_app.approvals.find()
    console = ConsoleSession(sandbox_app.conversations, user="bob", out=io.StringIO())

    console.handle(f"/approve {pending.id}")

    assert "another workspace" in console.out.getvalue()
    assert sandbox_app.approvals.get(pending.id).state == "PENDING"


def test_console_numbers_the_choices_and_typing_one_answers(sandbox_app: CloudFabric) -> None:
    out = io.StringIO()
    session = ConsoleSession(sandbox_app.conversations, user="alice", out=out)

    session.show(question_reply())

    shown = out.getvalue()
    assert "Which region do you mean?\n  1. us-east-1\n  2. eu-west-1\n" in shown
    session.handle("2")
    assert "(you chose: eu-west-1)" in out.getvalue()
    assert "analytics-1" in out.getvalue()[len(shown) :]
    assert humans(sandbox_app, session.conversation) == [EU]

    session.handle("2")  # the question was answered: now it is just a message
    assert humans(sandbox_app, session.conversation) == [EU, "2"]
