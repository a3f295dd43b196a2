"""Arguments of the architecture tools, read from the message.

The classifier decides which tool a message asks for; these only pull out the slots: the
request or change in the person's own words, an architecture's name, a version, a format.
"""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import STOPWORDS, Utterance
from core import patterns

VERSION = patterns.compile(r"\b(?:v|version\s*)(\d{1,4})\b")
NAME_SHAPE = patterns.compile(r"\b([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b")
TERRAFORM = patterns.compile(r"\b(terraform|hcl|tf|opentofu|tofu)\b")
CLOUDFORMATION = patterns.compile(r"\b(cloudformation|cfn|cloud formation|ya?ml|stack template)\b")
BOTH = patterns.compile(r"\b(both|either format|all formats|each format)\b")
DEPLOYED = patterns.compile(
    r"\b(deployed|live|running|rolled out|shipped|provisioned|in aws|in production now)\b"
)
EVERY_STATE = patterns.compile(
    r"\b(proposed|drafted|undeployed|not (yet )?deployed|(deploy(ment)?|their|its) (state|status)|"
    r"and what|or not)\b"
)
"""A list that is also about what is only proposed: every architecture, with its state."""
_NOT_NAMES_TEXT = """multi-az single-az cross-az cfn-lint well-architected production-grade
    production-ready high-availability run-rate click-ops over-provisioned under-provisioned
    right-size right-sized auto-scaling real-time event-driven three-tier two-tier"""
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
"""Hyphenated words about designs, never a design's name."""


CALLED = patterns.compile(
    r"\b([a-z][a-z0-9_-]{1,40}) (?:architecture|arch|stack|design|deployment)s?\b|"
    r"\b(?:architecture|arch|stack|design) (?:called |named )?([a-z][a-z0-9_-]{1,40})\b|"
    r"^\W*(?:@\w+ )?(?:please |pls |can you |could you |let'?s )?"
    r"(?:deploy|launch|ship|destroy|tear down|take down|decommission|nuke|wipe|delete|remove) "
    r"(?:the |our |my )?([a-z][a-z0-9_-]{1,40})\b"
)
"""Where a design's name sits when it is a plain word: "the billing architecture",
"architecture billing", "deploy billing"."""
_NOT_CALLED_TEXT = """it this that these those them one latest last current new newest proposal
    proposed whole entire same existing cloudformation terraform template templates iac aws
    everything all version now again today tonight deployed live design architecture stack
    web app api database network vpc infrastructure infra prod production staging dev test"""
NOT_CALLED = STOPWORDS | frozenset(_NOT_CALLED_TEXT.split()) | NOT_NAMES


def said_name(u: Utterance) -> str | None:
    """A plain word that stands where a design's name goes ("ship the billing architecture"),
    for a change to ask about when it names nothing known rather than act on the latest."""
    for match in CALLED.finditer(u.lower):
        word = next((g for g in match.groups() if g), None)
        if word and word not in NOT_CALLED and word not in u.regions:
            return word
    return None


def _name(u: Utterance) -> dict[str, Any]:
    """The architecture named (``prod-web``) and a version (``v2``), when the message has them."""
    args: dict[str, Any] = {}
    regions = set(u.regions)
    named = [n for n in NAME_SHAPE.findall(u.lower, 8) if n not in regions and n not in NOT_NAMES]
    if named:
        args["name"] = named[0]
    version = VERSION.search(u.lower)
    if version:
        args["version"] = min(int(version.group(1)), 9999)
    return args


def _propose(u: Utterance) -> dict[str, Any]:
    return {"request": u.text.strip()}


def _refine(u: Utterance) -> dict[str, Any]:
    return {"change": u.text.strip()}


def _list(u: Utterance) -> dict[str, Any]:
    """Only deployed architectures when the message asks for what runs ("which are live?"),
    not when it asks for everything with its state ("what's proposed and what's deployed")."""
    if DEPLOYED.search(u.lower) and not EVERY_STATE.search(u.lower):
        return {"deployed_only": True}
    return {}


def _export(u: Utterance) -> dict[str, Any]:
    args = _name(u)
    terraform, cloudformation = TERRAFORM.search(u.lower), CLOUDFORMATION.search(u.lower)
    if (terraform and cloudformation) or BOTH.search(u.lower):
        args["format"] = "both"
    elif terraform:
        args["format"] = "terraform"
    elif cloudformation:
        args["format"] = "cloudformation"
    return args


def _destroy(u: Utterance) -> dict[str, Any]:
    return {"name": _name(u).get("name") or said_name(u) or ""}


def _deploy(u: Utterance) -> dict[str, Any]:
    args = _name(u)
    called = said_name(u)
    if "name" not in args and called:
        args["name"] = called
    return args


SLOTS: list[Slots] = [
    Slots("architecture.propose", _propose),
    Slots("architecture.refine", _refine),
    Slots("architecture.list", _list),
    Slots("architecture.export", _export),
    Slots("architecture.destroy", _destroy),
    Slots("architecture.deploy", _deploy),
    *(
        Slots(f"architecture.{verb}", _name)
        for verb in ("diagram", "drift", "estimate", "show", "validate")
    ),
]

OPTIONAL_NAME = Target("name", ("architecture",), required=False)
TARGETS: dict[str, Target] = {
    "architecture.destroy": Target("name", ("architecture",)),
    **{
        f"architecture.{verb}": OPTIONAL_NAME
        for verb in (
            "deploy",
            "diagram",
            "drift",
            "estimate",
            "show",
            "validate",
            "export",
            "refine",
        )
    },
}
