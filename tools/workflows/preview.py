"""The plans of the mutating workflow tools: what the approver sees, and what then runs.

``workflow.create`` shows the trigger in words and as an expression, the next three fire
times in UTC and in the schedule's zone (from the context's clock), every step, the union of
IAM permissions of the steps' tools, and which steps change things (each approved per run).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.plan import ActionPlan, ResourceChange, Risk
from tools.registry import REGISTRY, Registry, load_builtin_tools
from tools.workflows.describe import fire_lines, step_words, trigger_expression, trigger_words
from tools.workflows.models import CreateArgs, NameArgs, UpdateArgs
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import ForEachStep, ToolStep, WorkflowSpec
from tools.workflows.templates import TEMPLATES
from tools.workflows.validate import SpecInvalid, validate_spec
from tools.workflows.words import ANY_KIND, Question, read_workflow

INVENTORY_KINDS = {
    "rds:db-instance": "database",
    "rds:db-cluster": "database",
    "ec2:instance": "instance",
    "ec2:volume": "volume",
    "s3:bucket": "bucket",
}
"""Discovery's resource types that workflow steps act on, by the kind the grammar uses."""


def registry() -> Registry:
    """The full tool registry (steps may call any tool)."""
    return load_builtin_tools(REGISTRY)


def known_names(ctx: ToolContext, linked: list[str]) -> dict[str, str]:
    """Names of real resources -> kind: the inventory's, and those chat already linked.

    Args:
        ctx: tool context.
        linked: names the model linked to real resources (kind unknown: ``*``).
    """
    from tools.discovery.store import InventoryStore

    known = {name.lower(): ANY_KIND for name in linked}
    for resource in InventoryStore(ctx.db).resources():
        kind = INVENTORY_KINDS.get(resource.type)
        if kind:
            known[(resource.name or resource.resource_id).lower()] = kind
    return known


def specs_for(ctx: ToolContext, args: CreateArgs) -> list[WorkflowSpec]:
    """The checked spec(s) a create request asks for.

    Args:
        ctx: tool context.
        args: the request.

    Raises:
        InvalidInput: something is missing (the question) or cannot run (what and why).
    """
    read = read_workflow(args.request, known_names(ctx, args.resources), ctx.actor, args.channel)
    if isinstance(read, Question):
        raise InvalidInput(read.text + _options(read))
    specs = list(read.specs)
    if args.name and len(specs) == 1:
        specs = [specs[0].model_copy(update={"name": args.name})]
    missing = TEMPLATES[read.template].needs
    if missing:
        raise InvalidInput(
            f"That is the “{TEMPLATES[read.template].title}” workflow, but CloudFabric has no "
            f"{', '.join(missing)} tool yet, so it cannot run. See `workflow.templates`."
        )
    for spec in specs:
        _check(spec)
    return specs


def _options(question: Question) -> str:
    return f" Known: {', '.join(question.options)}." if question.options else ""


def _check(spec: WorkflowSpec) -> list[str]:
    try:
        return validate_spec(spec, registry())
    except SpecInvalid as error:
        raise InvalidInput(str(error)) from error


def preview_create(ctx: ToolContext, args: CreateArgs) -> ActionPlan:
    """The plan of ``workflow.create``.

    Args:
        ctx: tool context (its clock gives the fire times).
        args: the request.
    """
    store = WorkflowStore(ctx.db, ctx.clock)
    taken = {row.name for row in store.all()}
    specs = specs_for(ctx, args)
    for spec in specs:
        if spec.name in taken:
            raise InvalidInput(
                f"A workflow called {spec.name} already exists; name it differently."
            )
    notes = [line for spec in specs for line in describe_spec(ctx, spec)]
    names = " and ".join(spec.name for spec in specs)
    return ActionPlan(
        tool="workflow.create",
        args={"specs": [spec.model_dump(mode="json") for spec in specs]},
        summary=f"Create workflow {names}: {trigger_words(specs[0].trigger)}.",
        risk=_risk(specs),
        changes=[_change(spec.name, "absent", "active") for spec in specs],
        reversible=True,
        reversal="Pause or delete the workflow.",
        notes=notes,
    )


def describe_spec(ctx: ToolContext, spec: WorkflowSpec) -> list[str]:
    """The approver's lines about one spec.

    Args:
        ctx: tool context.
        spec: the workflow.
    """
    tools = registry()
    changing = _check(spec)
    lines = [
        f"*{spec.name}* — trigger: {trigger_words(spec.trigger)}",
        f"Expression: `{trigger_expression(spec.trigger)}`",
        *(f"Next fire: {line}" for line in fire_lines(spec.trigger, ctx.clock.now())),
        *(f"Step {step_words(step, tools)}" for step in spec.steps),
        f"Reports to {spec.channel or 'no channel'}.",
        f"IAM permissions of its steps: {', '.join(permissions(spec, tools)) or 'none'}.",
    ]
    if changing:
        lines.append(
            f"Steps that change things ({', '.join(sorted(set(changing)))}) never run on their "
            f"own: every run files an approval request as {spec.created_by or 'its creator'}."
        )
    else:
        lines.append("No step changes anything; runs need no approval.")
    return lines


def permissions(spec: WorkflowSpec, tools: Registry) -> list[str]:
    """The union of the IAM actions of the tools a spec's steps call, sorted.

    Args:
        spec: the workflow.
        tools: the registry.
    """
    return sorted(
        {p for tool in _tools(spec) if tool in tools for p in tools.get(tool).permissions}
    )


def _tools(spec: WorkflowSpec) -> Iterator[str]:
    for step in spec.steps:
        if isinstance(step, ToolStep | ForEachStep):
            yield step.tool


def _risk(specs: list[WorkflowSpec]) -> Risk:
    tools = registry()
    changing = any(tools.get(t).mutating for spec in specs for t in _tools(spec) if t in tools)
    return "medium" if changing else "low"


def _change(name: str, before: str, after: str) -> ResourceChange:
    return ResourceChange(
        resource_id=name,
        name=name,
        resource_type="cloudfabric:workflow",
        region="global",
        before=before,
        after=after,
    )


STATUS_AFTER = {
    "workflow.pause": ("active", "paused", "Pause"),
    "workflow.resume": ("paused", "active", "Resume"),
    "workflow.delete": (None, "deleted", "Delete"),
}


def preview_status(tool: str) -> Any:
    """The plan builder of pause, resume or delete.

    Args:
        tool: ``workflow.pause``, ``workflow.resume`` or ``workflow.delete``.
    """
    before, after, verb = STATUS_AFTER[tool]

    def plan(ctx: ToolContext, args: NameArgs) -> ActionPlan:
        row = WorkflowStore(ctx.db, ctx.clock).get(args.name)
        if before is not None and row.status != before:
            raise InvalidInput(
                f"{row.name} is {row.status}, so there is nothing to {verb.lower()}."
            )
        return ActionPlan(
            tool=tool,
            args={"name": row.name},
            summary=f"{verb} workflow {row.name}.",
            risk="low",
            changes=[_change(row.name, row.status, after)],
            reversible=after != "deleted",
            reversal=None
            if after == "deleted"
            else f"Run workflow.{'resume' if after == 'paused' else 'pause'}.",
            notes=[f"Runs so far are kept. Created by {row.created_by}."],
        )

    return plan


def preview_run_now(ctx: ToolContext, args: NameArgs) -> ActionPlan:
    """The plan of ``workflow.run_now``.

    Args:
        ctx: tool context.
        args: which workflow.
    """
    store = WorkflowStore(ctx.db, ctx.clock)
    row = store.get(args.name)
    if row.status != "active":
        raise InvalidInput(f"{row.name} is {row.status}; resume it before running it.")
    spec = store.spec(row)
    return ActionPlan(
        tool="workflow.run_now",
        args={"name": row.name},
        summary=f"Run workflow {row.name} now ({len(spec.steps)} steps).",
        risk=_risk([spec]),
        changes=[_change(row.name, "active", "active, one run started")],
        notes=[f"Step {step_words(step, registry())}" for step in spec.steps],
    )


def preview_update(ctx: ToolContext, args: UpdateArgs) -> ActionPlan:
    """The plan of ``workflow.update``: the next version with the change applied.

    Args:
        ctx: tool context.
        args: which workflow and the change.
    """
    from tools.workflows.change import apply_change

    store = WorkflowStore(ctx.db, ctx.clock)
    row = store.get(args.name)
    old = store.spec(row)
    new = apply_change(old, args.change)
    _check(new)
    return ActionPlan(
        tool="workflow.update",
        args={"name": row.name, "spec": new.model_dump(mode="json")},
        summary=f"Update workflow {row.name} to version {row.version + 1}: {args.change.strip()}",
        risk=_risk([new]),
        changes=[_change(row.name, f"version {row.version}", f"version {row.version + 1}")],
        notes=[
            f"Was: {trigger_words(old.trigger)}, reports to {old.channel}.",
            *describe_spec(ctx, new),
        ],
    )
