"""The offline model carries an architecture conversation: a sentence becomes a proposal, and
follow-ups in the thread ("cheaper please", "draw it", "is it secure?") act on it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import CloudFabric
from tests.agents.slots import assert_slots

CONVO = "console:local:architecture"
ASK = "we need a web app with a postgres database in eu-west-1 for prod, about 2k requests/s"


def test_a_proposal_is_refined_drawn_and_checked_in_its_thread(sandbox_app: CloudFabric) -> None:
    def say(text: str) -> str:
        return sandbox_app.conversations.handle_message(CONVO, "alice", text).text

    assert "prod-web v1" in say(ASK)
    cheaper = say("cheaper please")
    assert "prod-web v2" in cheaper and "a month)" in cheaper and "Gave up:" in cheaper
    drawn = sandbox_app.conversations.handle_message(CONVO, "alice", "draw it")
    assert [f.suffix for f in drawn.files] == [".png"]
    assert "cfn-lint: no errors" in say("is it secure?")
    assert sandbox_app.approvals.find() == []


@pytest.mark.parametrize(
    ("text", "deployed_only"),
    [
        ("which designs are live right now?", True),
        ("list the architectures running in aws", True),
        ("show the proposals that were rolled out", True),
        ("list every architecture", False),
        ("what's deployed and what's only proposed?", False),
        ("list the designs with their deploy state", False),
    ],
)
def test_a_list_is_of_deployed_designs_only_when_that_is_asked(
    text: str, deployed_only: bool
) -> None:
    expected = {"deployed_only": True} if deployed_only else {"deployed_only": None}
    assert_slots(text, "architecture.list", expected)


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("export prod-web as terraform and cloudformation", {"format": "both"}),
        ("both formats for prod-web please", {"format": "both"}),
        ("the yaml for prod-web", {"format": "cloudformation", "name": "prod-web"}),
        ("hcl of prod-web v2", {"format": "terraform", "version": 2}),
        ("the stack template of prod-web", {"format": "cloudformation"}),
    ],
)
def test_an_export_reads_the_format_asked_for(text: str, args: dict[str, Any]) -> None:
    assert_slots(text, "architecture.export", args)


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        ("deploy the latest proposal to eu-west-1", "architecture.deploy", {"name": None}),
        ("is multi-az on in the design?", "architecture.validate", {"name": None}),
        ("is prod-web multi-az?", "architecture.validate", {"name": "prod-web"}),
    ],
)
def test_regions_and_design_words_are_not_taken_for_a_design_name(
    text: str, tool: str, args: dict[str, Any]
) -> None:
    assert_slots(text, tool, args)


@pytest.mark.parametrize(
    "text",
    ["deploy payments", "ship the payments architecture to aws", "destroy the payments stack"],
)
def test_a_change_to_a_design_nobody_made_asks_which_one(text: str) -> None:
    from agents.offline.router import decide

    asked = decide(text)
    assert asked.asks and not asked.calls
    assert "payments" in asked.text
    assert {o.label for o in asked.options} >= {"prod-web", "Never mind"}


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("ship the prod-web architecture to aws", {"name": "prod-web"}),
        ("deploy it", {}),
        ("deploy the proposal to eu-west-1", {}),
        ("tweak prod-web so it uses graviton instances", {"name": "prod-web"}),
    ],
)
def test_a_design_is_named_where_people_name_it(text: str, args: dict[str, Any]) -> None:
    from agents.offline.router import decide

    [call] = decide(text).calls
    assert {k: call.args[k] for k in args} == args and ("name" in call.args) == ("name" in args)
