"""Arguments of the workflow tools, read from the message.

``workflow.create`` keeps the request in the person's own words (``tools.workflows.words``
reads the schedule, the action and the channel from it) and carries the resources the message
names, linked against the lexicon like every other target: ``resources`` holds the real names
(``db-prod``), so the grammar never guesses what a word refers to. The other tools name one
workflow, linked against the workflows in the store.
"""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import Utterance
from core import patterns

NAME_SHAPE = patterns.compile(r"\b([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b")
CHANNEL = patterns.compile(r"(?:^|\s)(#[a-z0-9][a-z0-9_-]{0,79})")
RESOURCE_KINDS = ("database", "instance", "volume", "bucket")
"""What a workflow's steps act on by name."""


def _create(u: Utterance) -> dict[str, Any]:
    return {"request": u.text.strip()[:500]}


def _name(u: Utterance) -> dict[str, Any]:
    named = NAME_SHAPE.findall(u.lower, 5)
    return {"name": named[0] if named else ""}


def _update(u: Utterance) -> dict[str, Any]:
    return {**_name(u), "change": u.text.strip()[:300]}


SLOTS: list[Slots] = [
    Slots("workflow.create", _create),
    Slots("workflow.update", _update),
    Slots("workflow.list", lambda u: {}),
    Slots("workflow.templates", lambda u: {}),
    *(
        Slots(f"workflow.{verb}", _name)
        for verb in ("run_now", "pause", "resume", "delete", "show", "runs")
    ),
]

WORKFLOW = Target("name", ("workflow",))
TARGETS: dict[str, Target] = {
    "workflow.create": Target("resources", RESOURCE_KINDS, many=True, required=False),
    **{
        f"workflow.{verb}": WORKFLOW
        for verb in ("update", "run_now", "pause", "resume", "delete", "show", "runs")
    },
}
