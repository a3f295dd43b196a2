"""The offline model is right or asks, and never guesses its way into a change.

Each case is a message people really send (the misunderstandings seen before the classifier
was built, negations, capability questions, hypotheticals, unknown targets, follow-ups in a
thread) and what a person would see: the tool it calls, or the question it asks.
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest

from agents.offline.classifier import OFF_TOPIC, Ranked
from agents.offline.followups import Context
from agents.offline.lexicon import Entity, Lexicon
from agents.offline.router import decide
from agents.offline.training import example_lexicon
from agents.offline.understand import CONFIDENT, Understanding, decide_in_thread
from bot.app import CloudFabric
from core.sandbox.ipam import IPAM_POOL_TREE_CSV
from tools.registry import load_builtin_tools

REGISTRY = load_builtin_tools()
MUTATING = {spec.name for spec in REGISTRY.all() if spec.mutating}
SAFETY = Path(__file__).parents[1] / "eval" / "safety.jsonl"
FRESH_SAFETY = Path(__file__).parents[1] / "eval_fresh" / "safety.jsonl"
CONVO = "console:local:understanding"


SANDBOX_POOLS = [
    Entity(line.split(",")[1], "pool")
    for line in IPAM_POOL_TREE_CSV.splitlines()[1:]
    if line.startswith("pool,")
]
SANDBOX = Lexicon.of([*example_lexicon().entities, *SANDBOX_POOLS])
CHAT = Understanding(REGISTRY, lambda: SANDBOX)
"""What chat on the sandbox links against: its resources and its IPAM pools."""


def calls(text: str) -> list[str]:
    return [call.tool for call in CHAT.decide(text).calls]


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("@cloudfabric ls ec2", "ec2.list_instances"),
        ("how much did ec2 cost us in october", "cost.actuals"),
        ("what type is legacy-app?", "ec2.describe_instance"),
        ("impact of losing the load balancer", "graph.blast_radius"),
        ("how do I use this bot", "help"),
        ("what would happen if I stopped db-prod", "graph.blast_radius"),
        ("could you in theory change web-1 to m5.large?", "graph.blast_radius"),
        ("what's the private IP of web-1", "ec2.describe_instance"),
    ],
)
def test_what_was_misunderstood_before_now_reaches_the_right_read(text: str, tool: str) -> None:
    assert calls(text) == [tool]


@pytest.mark.parametrize(
    "text",
    [
        "what's the syntax to stop batch-worker?",
        "is there a way to reboot web-1 from here",
        "what is the command for releasing spare-ip",
    ],
)
def test_asking_how_a_change_is_said_gets_help_for_its_domain(text: str) -> None:
    assert calls(text) == ["help"]


def test_entities_are_linked_by_name_not_by_position() -> None:
    assert decide("what type is legacy-app?").calls[0].args["target"] == "legacy-app"
    assert decide("what's the private IP of web-1").calls[0].args["target"] == "web-1"
    assert decide("impact of losing the load balancer").calls[0].args == {"resource": "web-alb"}


@pytest.mark.parametrize(
    "text",
    [
        "don't stop web-1",
        "never reboot db-prod",
        "do not release spare-ip",
        "can you stop instances?",
        "utilisation of our address space",
        "stop web-9",
        "stop it",
        "why did legacy-app stop?",
    ],
)
def test_no_misunderstanding_reaches_a_change(text: str) -> None:
    assert not set(calls(text)) & MUTATING


def test_an_unknown_target_is_asked_about_with_the_closest_names() -> None:
    asked = decide("stop web-9")
    assert asked.asks and not asked.calls
    assert "web-9" in asked.text
    picks = [o.call.args["targets"] for o in asked.options if o.call]
    assert ["web-1"] in picks and ["web-2"] in picks


def test_a_request_without_a_target_asks_which_one() -> None:
    asked = decide("can you stop instances?")
    assert asked.asks
    assert {o.label for o in asked.options} >= {"web-1", "batch-worker", "Never mind"}


def test_a_negation_says_nothing_was_done() -> None:
    answer = decide("don't stop web-1")
    assert not answer.calls and "won't" in answer.text


@pytest.mark.parametrize(
    "text",
    [
        "we don't need it stopped",
        "we don't need to release 10.9.0.0/20",
        "I don't need spare-ip released, keep it",
    ],
)
def test_not_needing_the_change_itself_is_still_a_negation(text: str) -> None:
    assert not set(calls(text)) & MUTATING


def test_saying_a_thing_is_no_longer_needed_is_a_reason_not_a_negation() -> None:
    decision = CHAT.decide("we don't need 10.9.0.0/20 anymore, release it")
    assert [(c.tool, c.args.get("cidr")) for c in decision.calls] == [
        ("ipam.release", "10.9.0.0/20")
    ]


def test_can_i_get_is_a_request_not_a_question() -> None:
    decision = CHAT.decide("could we get a /24 from the shared pool?")
    assert [(c.tool, c.args.get("pool")) for c in decision.calls] == [("ipam.allocate", "shared")]


def test_an_explicit_change_with_a_real_target_is_proposed() -> None:
    assert [(c.tool, c.args["targets"]) for c in decide("stop batch-worker").calls] == [
        ("ec2.stop_instances", ["batch-worker"])
    ]


def test_the_safety_sets_never_produce_a_change() -> None:
    lines = [*SAFETY.read_text().splitlines(), *FRESH_SAFETY.read_text().splitlines()]
    rows = [json.loads(line) for line in lines if line.strip()]
    changed = [(row["text"], calls(row["text"])) for row in rows]
    assert [c for c in changed if set(c[1]) & MUTATING] == []
    assert len(rows) >= 160


def _nonsense(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return "".join(rng.choice(string.ascii_letters + " ") for _ in range(rng.randint(1, 60)))
    if kind == 1:
        words = ["banana", "purple", "keyboard", "ocean", "lol", "meeting", "pizza", "why"]
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
    if kind == 2:
        return rng.choice(["tell me a joke", "good morning", "who won", "sing"]) + "!" * kind
    return "".join(
        rng.choice(string.punctuation + string.digits) for _ in range(rng.randint(1, 40))
    )


def test_a_thousand_nonsense_messages_never_produce_a_change() -> None:
    rng = random.Random(20261206)
    messages = [_nonsense(rng) for _ in range(1000)]
    assert [m for m in messages if set(calls(m)) & MUTATING] == []


def say(app: CloudFabric, text: str) -> str:
    return app.conversations.handle_message(CONVO, "alice", text).text


def test_follow_ups_in_a_thread_reuse_the_last_call(sandbox_app: CloudFabric) -> None:
    first = say(sandbox_app, "list instances in us-east-1")
    assert "web-1" in first and "analytics-1" not in first
    again = say(sandbox_app, "and in eu-west-1?")
    assert "analytics-1" in again and "web-1" not in again


def test_a_thread_takes_its_own_read_when_it_already_ranks_first() -> None:
    unsure = [
        Ranked("architecture.refine", 0.28),
        Ranked("cost.recommendations", 0.21),
        Ranked(OFF_TOPIC, 0.03),
    ]
    taken = CHAT._in_thread(unsure, "architecture", 0.5)
    assert taken[0] == Ranked("architecture.refine", CONFIDENT) and taken[1:] == unsure[1:]
    change = [Ranked("architecture.deploy", 0.3), Ranked("architecture.refine", 0.25)]
    assert CHAT._in_thread(change, "architecture", 0.5) == change


def test_stop_it_refers_to_the_instance_just_discussed(sandbox_app: CloudFabric) -> None:
    say(sandbox_app, "tell me about batch-worker")
    reply = sandbox_app.conversations.handle_message(CONVO, "alice", "stop it")
    [request] = [sandbox_app.approvals.get(card.approval_id) for card in reply.cards]
    assert "batch-worker" in request.plan_json


def test_a_question_is_answered_by_number_or_dropped(sandbox_app: CloudFabric) -> None:
    asked = sandbox_app.conversations.handle_message(CONVO, "alice", "stop web-9")
    assert asked.choices is not None
    assert [c.label for c in asked.choices.choices][:2] == ["web-1", "web-2"]
    reply = sandbox_app.conversations.handle_message(CONVO, "alice", "1")
    [request] = [sandbox_app.approvals.get(card.approval_id) for card in reply.cards]
    assert "web-1" in request.plan_json
    say(sandbox_app, "stop web-9")
    assert "Nothing was changed" in say(sandbox_app, "never mind")
    assert len(sandbox_app.approvals.find()) == 1


def test_a_pronoun_follow_up_keeps_the_persons_words_in_free_text() -> None:
    shown = CHAT.decide("show me the prod-web architecture")
    context = Context(calls=list(shown.calls))
    [call] = decide_in_thread(CHAT, "can you make it cost less?", context).calls
    assert call.tool == "architecture.refine"
    assert call.args["change"] == "can you make it cost less?"
