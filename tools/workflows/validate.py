"""Checks of a spec against the tool registry: every tool exists, every argument fits.

Arguments that are references (``{steps.find.output.ids}``) are known only when the run gets
there, so they are left out of the check; any other argument must validate against the tool's
``args_model`` now, and a required argument may be missing only when a reference fills it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from tools.registry import Registry
from tools.workflows.events import PatternError, check_pattern
from tools.workflows.refs import references
from tools.workflows.spec import EventTrigger, ForEachStep, ToolStep, WorkflowSpec

DOMAIN = "workflow"
"""Workflow tools may not be steps of a workflow (no workflow creates workflows)."""


class SpecInvalid(ValueError):
    """The spec cannot run as written; the message says what to change, for people."""


def validate_spec(spec: WorkflowSpec, registry: Registry) -> list[str]:
    """The tools a spec calls that change things, after checking the whole spec.

    Args:
        spec: the workflow.
        registry: the registered tools.

    Raises:
        SpecInvalid: a step calls an unknown tool or passes arguments its tool refuses, or
            the event pattern is malformed.
    """
    if isinstance(spec.trigger, EventTrigger):
        try:
            check_pattern(spec.trigger.pattern)
        except PatternError as error:
            raise SpecInvalid(f"The event pattern is not valid: {error}") from error
    mutating = []
    for step in spec.steps:
        if not isinstance(step, ToolStep | ForEachStep):
            continue
        if step.tool not in registry:
            raise SpecInvalid(
                f"Step '{step.id}' calls {step.tool}, which CloudFabric does not have."
            )
        tool = registry.get(step.tool)
        if tool.domain == DOMAIN:
            raise SpecInvalid(f"Step '{step.id}': a workflow cannot call {tool.name}.")
        check_args(step.id, tool.name, tool.args_model, step.args)
        if tool.mutating:
            mutating.append(tool.name)
    return mutating


def check_args(step_id: str, tool: str, model: type, args: dict[str, Any]) -> None:
    """Validate ``args`` against ``model``, references aside.

    Args:
        step_id: for the message.
        tool: for the message.
        model: the tool's pydantic arguments model.
        args: the step's arguments.

    Raises:
        SpecInvalid: an argument is wrong or a required one is missing.
    """
    referenced = {key for key, value in args.items() if list(references(value))}
    plain = {key: value for key, value in args.items() if key not in referenced}
    try:
        model.model_validate(plain)  # type: ignore[attr-defined]
    except ValidationError as error:
        problems = [
            e for e in error.errors() if not (e["type"] == "missing" and e["loc"][0] in referenced)
        ]
        if problems:
            first = problems[0]
            where = ".".join(str(p) for p in first["loc"]) or "arguments"
            raise SpecInvalid(f"Step '{step_id}' ({tool}): {where}: {first['msg']}.") from error
