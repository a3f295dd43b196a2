"""The offline router understands natural phrasings of every spine tool, with the right args."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from agents.explain import explain_calls
from agents.providers import ChatProvider
from bot.cli import app as cli
from core.settings import Settings
from tools.registry import load_builtin_tools

REGISTRY = load_builtin_tools()
PROVIDER = ChatProvider.build(Settings(_env_file=None), REGISTRY)  # type: ignore[call-arg]

CASES: list[tuple[str, str, dict[str, Any]]] = [
    # ec2.list_instances
    (
        "what instances are running in us-east-1?",
        "ec2.list_instances",
        {"region": "us-east-1", "state": "running"},
    ),
    ("list all instances", "ec2.list_instances", {}),
    ("show me the servers in Ireland", "ec2.list_instances", {"region": "eu-west-1"}),
    (
        "which machines are stopped in eu-west-1",
        "ec2.list_instances",
        {"region": "eu-west-1", "state": "stopped"},
    ),
    ("list instances tagged env=prod", "ec2.list_instances", {"tags": {"env": "prod"}}),
    (
        "any VMs up in frankfurt?",
        "ec2.list_instances",
        {"region": "eu-central-1", "state": "running"},
    ),
    ("how many ec2 instances do we have", "ec2.list_instances", {}),
    ("give me the running boxes", "ec2.list_instances", {"state": "running"}),
    ("list servers that are turned off", "ec2.list_instances", {"state": "stopped"}),
    (
        "show instances named 'web-*' in virginia",
        "ec2.list_instances",
        {"region": "us-east-1", "name": "web-*"},
    ),
    (
        "what's running in eu-west-1",
        "ec2.list_instances",
        {"region": "eu-west-1", "state": "running"},
    ),
    ("show hosts with team:payments", "ec2.list_instances", {"tags": {"team": "payments"}}),
    # ec2.describe_instance
    ("tell me about web-1", "ec2.describe_instance", {"target": "web-1"}),
    ("describe i-0123456789abcdef0", "ec2.describe_instance", {"target": "i-0123456789abcdef0"}),
    ("show me details for batch-worker", "ec2.describe_instance", {"target": "batch-worker"}),
    ("what is the status of legacy-app?", "ec2.describe_instance", {"target": "legacy-app"}),
    (
        "info on web-2 in us-east-1",
        "ec2.describe_instance",
        {"target": "web-2", "region": "us-east-1"},
    ),
    (
        "give me information about the analytics-1 instance",
        "ec2.describe_instance",
        {"target": "analytics-1"},
    ),
    ("inspect web-1", "ec2.describe_instance", {"target": "web-1"}),
    ("look up i-0abc12345678", "ec2.describe_instance", {"target": "i-0abc12345678"}),
    ("what's the state of batch-worker", "ec2.describe_instance", {"target": "batch-worker"}),
    ("details of the server called db-proxy", "ec2.describe_instance", {"target": "db-proxy"}),
    # ec2.stop_instances
    ("stop batch-worker", "ec2.stop_instances", {"targets": ["batch-worker"]}),
    (
        "please shut down web-1 and web-2 in virginia",
        "ec2.stop_instances",
        {"targets": ["web-1", "web-2"], "region": "us-east-1"},
    ),
    ("can you turn web-1 off please", "ec2.stop_instances", {"targets": ["web-1"]}),
    ("halt i-0123456789abcdef0", "ec2.stop_instances", {"targets": ["i-0123456789abcdef0"]}),
    ("power off the batch-worker instance", "ec2.stop_instances", {"targets": ["batch-worker"]}),
    (
        "could you stop the server named legacy-app",
        "ec2.stop_instances",
        {"targets": ["legacy-app"]},
    ),
    (
        "shutdown analytics-1 in eu-west-1",
        "ec2.stop_instances",
        {"targets": ["analytics-1"], "region": "eu-west-1"},
    ),
    ("kill batch-worker now", "ec2.stop_instances", {"targets": ["batch-worker"]}),
    ("Stop web-2.", "ec2.stop_instances", {"targets": ["web-2"]}),
    ("pls stop 'batch-worker'", "ec2.stop_instances", {"targets": ["batch-worker"]}),
    # ec2.start_instances
    ("start legacy-app", "ec2.start_instances", {"targets": ["legacy-app"]}),
    ("boot up batch-worker", "ec2.start_instances", {"targets": ["batch-worker"]}),
    ("please turn on web-1", "ec2.start_instances", {"targets": ["web-1"]}),
    ("bring legacy-app back up", "ec2.start_instances", {"targets": ["legacy-app"]}),
    ("power on i-0123456789abcdef0", "ec2.start_instances", {"targets": ["i-0123456789abcdef0"]}),
    (
        "spin up web-2 in us-east-1",
        "ec2.start_instances",
        {"targets": ["web-2"], "region": "us-east-1"},
    ),
    (
        "can you start the instance called legacy-app",
        "ec2.start_instances",
        {"targets": ["legacy-app"]},
    ),
    ("wake batch-worker", "ec2.start_instances", {"targets": ["batch-worker"]}),
    ("fire up web-1 and web-2", "ec2.start_instances", {"targets": ["web-1", "web-2"]}),
    (
        "Start analytics-1 in Ireland",
        "ec2.start_instances",
        {"targets": ["analytics-1"], "region": "eu-west-1"},
    ),
    # ec2.reboot_instances
    ("reboot web-2", "ec2.reboot_instances", {"targets": ["web-2"]}),
    ("restart web-1 please", "ec2.reboot_instances", {"targets": ["web-1"]}),
    ("bounce batch-worker", "ec2.reboot_instances", {"targets": ["batch-worker"]}),
    (
        "power-cycle i-0123456789abcdef0",
        "ec2.reboot_instances",
        {"targets": ["i-0123456789abcdef0"]},
    ),
    ("could you reboot the box called web-1", "ec2.reboot_instances", {"targets": ["web-1"]}),
    (
        "restart web-1 and web-2 in us-east-1",
        "ec2.reboot_instances",
        {"targets": ["web-1", "web-2"], "region": "us-east-1"},
    ),
    ("please reboot analytics-1", "ec2.reboot_instances", {"targets": ["analytics-1"]}),
    ("give legacy-app a restart", "ec2.reboot_instances", {"targets": ["legacy-app"]}),
    ("cycle web-2", "ec2.reboot_instances", {"targets": ["web-2"]}),
    ("Reboot 'batch-worker' now", "ec2.reboot_instances", {"targets": ["batch-worker"]}),
    # help
    ("help", "help", {}),
    ("what can you do?", "help", {}),
    ("HELP!", "help", {}),
    ("hi, what can you do for me", "help", {}),
    ("what are your capabilities", "help", {}),
    ("how do I use you", "help", {}),
    ("I need help", "help", {}),
    ("what commands are there", "help", {}),
    ("what do you support?", "help", {}),
    ("help me please", "help", {}),
]


@pytest.mark.parametrize(("text", "tool", "args"), CASES, ids=[c[0] for c in CASES])
def test_phrasing_routes_to_tool_with_args(text: str, tool: str, args: dict[str, Any]) -> None:
    assert explain_calls(PROVIDER, REGISTRY, text) == [{"name": tool, "args": args}]


def test_every_spine_tool_has_at_least_ten_phrasings() -> None:
    counts: dict[str, int] = {}
    for _, tool, _ in CASES:
        counts[tool] = counts.get(tool, 0) + 1
    spine = [
        "ec2.list_instances",
        "ec2.describe_instance",
        "ec2.stop_instances",
        "ec2.start_instances",
        "ec2.reboot_instances",
        "help",
    ]
    assert all(counts.get(name, 0) >= 10 for name in spine), counts


HELP_TOPICS = [
    ("help costs", "cost"),
    ("what can you do with costs", "cost"),
    ("what can I ask about the graph", "graph"),
    ("help me with ipam", "ipam"),
    ("what can you do about the inventory?", "inventory"),
    ("help with volumes", "ebs"),
    ("what can I ask you about instances", "ec2"),
    ("help me understand billing", "cost"),
    ("help with scans", "discovery"),
    ("what can you do for architecture", "architecture"),
    ("show me the ipam commands", "ipam"),
    ("which cost questions can you answer?", "cost"),
    ("what graph stuff can you do", "graph"),
]


@pytest.mark.parametrize(("text", "topic"), HELP_TOPICS)
def test_help_topic_is_the_domain_asked_about(text: str, topic: str) -> None:
    assert explain_calls(PROVIDER, REGISTRY, text) == [{"name": "help", "args": {"topic": topic}}]


@pytest.mark.parametrize("text", ["help", "help me please", "what can you do for me", "help with?"])
def test_help_without_a_topic_lists_everything(text: str) -> None:
    assert explain_calls(PROVIDER, REGISTRY, text) == [{"name": "help", "args": {}}]


def test_every_help_topic_is_a_registry_domain() -> None:
    domains = {spec.domain for spec in REGISTRY.all()}
    assert {topic for _, topic in HELP_TOPICS} <= domains


def test_gibberish_makes_no_tool_call() -> None:
    assert explain_calls(PROVIDER, REGISTRY, "the quick brown fox") == []


def test_explain_cli_reads_stdin_one_json_line_per_message() -> None:
    result = CliRunner().invoke(cli, ["explain"], input="stop batch-worker\nhelp\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines == [
        {"tool_calls": [{"name": "ec2.stop_instances", "args": {"targets": ["batch-worker"]}}]},
        {"tool_calls": [{"name": "help", "args": {}}]},
    ]


def test_explain_cli_json_for_one_message() -> None:
    result = CliRunner().invoke(cli, ["explain", "reboot web-2", "--json"])
    assert json.loads(result.output) == {
        "tool_calls": [{"name": "ec2.reboot_instances", "args": {"targets": ["web-2"]}}]
    }
