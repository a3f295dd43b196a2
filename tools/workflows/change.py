"""Changing a workflow in words: a new schedule, a new channel, or both."""

from __future__ import annotations

from tools.errors import InvalidInput
from tools.workflows.spec import WorkflowSpec
from tools.workflows.words import CHANNEL, read_schedules


def apply_change(spec: WorkflowSpec, change: str) -> WorkflowSpec:
    """``spec`` with the schedule and/or channel the words name.

    Args:
        spec: the current spec.
        change: e.g. "run it every day at 3am instead and post to #ops-db".

    Raises:
        InvalidInput: the words name neither a schedule nor a channel, or a bad schedule.
    """
    said = " ".join(change.lower().split())[:300]
    update: dict[str, object] = {}
    found = CHANNEL.search(" " + said)
    if found:
        update["channel"] = f"#{found.group(1)}"
    schedules = read_schedules(said)
    if not isinstance(schedules, list):
        raise InvalidInput(schedules.text)
    if schedules:
        update["trigger"] = schedules[0].trigger
    if not update:
        raise InvalidInput(
            'Say the new schedule ("every day at 3am") or channel ("#ops") for '
            f"{spec.name}; other changes are a new workflow."
        )
    return WorkflowSpec.model_validate({**spec.model_dump(), **update})
