"""Arguments of the architecture tools, read from the message.

The classifier decides which tool a message asks for; these only pull out the slots: the
request or change in the person's own words, an architecture's name, a version, a format.
"""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import Utterance
from core import patterns

VERSION = patterns.compile(r"\b(?:v|version\s*)(\d{1,4})\b")
NAME_SHAPE = patterns.compile(r"\b([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b")
TERRAFORM = patterns.compile(r"\b(terraform|hcl|tf|opentofu)\b")
CLOUDFORMATION = patterns.compile(r"\b(cloudformation|cfn|cloud formation|yaml template)\b")


def _name(u: Utterance) -> dict[str, Any]:
    """The architecture named (``prod-web``) and a version (``v2``), when the message has them."""
    args: dict[str, Any] = {}
    named = NAME_SHAPE.findall(u.lower, 5)
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


def _export(u: Utterance) -> dict[str, Any]:
    args = _name(u)
    terraform, cloudformation = TERRAFORM.search(u.lower), CLOUDFORMATION.search(u.lower)
    if terraform and not cloudformation:
        args["format"] = "terraform"
    elif cloudformation and not terraform:
        args["format"] = "cloudformation"
    return args


def _destroy(u: Utterance) -> dict[str, Any]:
    return {"name": _name(u).get("name", "")}


SLOTS: list[Slots] = [
    Slots("architecture.propose", _propose),
    Slots("architecture.refine", _refine),
    Slots("architecture.list", lambda u: {}),
    Slots("architecture.export", _export),
    Slots("architecture.destroy", _destroy),
    *(
        Slots(f"architecture.{verb}", _name)
        for verb in ("deploy", "diagram", "drift", "estimate", "show", "validate")
    ),
]

OPTIONAL_NAME = Target("name", ("architecture",), required=False)
TARGETS: dict[str, Target] = {
    "architecture.destroy": Target("name", ("architecture",)),
    **{
        f"architecture.{verb}": OPTIONAL_NAME
        for verb in ("deploy", "diagram", "drift", "estimate", "show", "validate", "export")
    },
}
