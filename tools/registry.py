"""The one tool registry: typed capabilities with the metadata the agent, approvals and tests need.

Tools register themselves with the ``tool`` decorator in their domain's ``tools.py`` (or its
``tools_<part>.py`` modules);
``load_builtin_tools`` imports every such module so the registry is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from slack_sdk.models.blocks import Block

from core.modules import import_submodules
from tools.context import ToolContext
from tools.plan import ActionPlan, Risk

Handler = Callable[[ToolContext, Any], BaseModel]
Preview = Callable[[ToolContext, Any], ActionPlan]
Renderer = Callable[[Any], list[Block]]
Observer = Callable[[ToolContext, ActionPlan], str]
Rechecker = Callable[[ToolContext, ActionPlan], ActionPlan]
DryRunner = Callable[[ToolContext, ActionPlan], None]
F = TypeVar("F", bound=Callable[..., BaseModel])


@dataclass(frozen=True)
class ToolSpec:
    """Everything known about one tool.

    Attributes:
        name: dotted name, ``<domain>.<verb>`` (e.g. ``ec2.stop_instances``).
        domain: the package it belongs to.
        description: one line saying what it does.
        example: a sentence a user might type to reach it.
        examples: more sentences people type to reach it, worded as differently as people do:
            what the offline model's classifier learns this tool from (at least 15).
        args_model: pydantic model of its arguments.
        result_model: pydantic model of what it returns.
        mutating: True when it changes anything; such tools only run through approvals.
        risk: default risk level (a plan may raise it).
        permissions: IAM actions the tool needs.
        handler: read-only tools get ``(ctx, args)``; mutating tools get ``(ctx, plan)``.
        render: Block Kit builder for its result.
        preview: mutating tools only: ``(ctx, args) -> ActionPlan``.
        observe: mutating tools only, optional: ``(ctx, plan) -> str``, the targets' state now,
            in words; read when an execution was cut off, to say what AWS shows.
        recheck: mutating tools only, optional: ``(ctx, plan) -> ActionPlan``, the approved
            plan built again for the same targets as they are now (raises ``ToolError`` when it
            can no longer be built); the executor compares the two right before it runs.
        dry_run: mutating tools only, optional: ``(ctx, plan) -> None``, the plan's calls sent
            with ``DryRun=True`` under the action role (``tools.preflight.dry_run``), raising
            ``WouldFail`` when AWS would refuse one; tools without it are checked with the IAM
            policy simulator when live.
    """

    name: str
    domain: str
    description: str
    example: str
    args_model: type[BaseModel]
    result_model: type[BaseModel]
    mutating: bool
    risk: Risk
    permissions: tuple[str, ...]
    handler: Handler
    render: Renderer
    preview: Preview | None = None
    observe: Observer | None = None
    examples: tuple[str, ...] = ()
    recheck: Rechecker | None = None
    dry_run: DryRunner | None = None
    offered: bool = True

    @property
    def function_name(self) -> str:
        """Name safe for model tool-calling APIs (no dots): ``ec2_stop_instances``."""
        return self.name.replace(".", "_")


class DuplicateTool(ValueError):
    """Two tools were registered under one name."""


class Registry:
    """Holds the registered tools by name."""

    def __init__(self) -> None:
        """Start empty."""
        self._specs: dict[str, ToolSpec] = {}

    def add(self, spec: ToolSpec) -> None:
        """Register ``spec``.

        Args:
            spec: the tool to add; its name must be new.
        """
        if spec.name in self._specs:
            raise DuplicateTool(f"tool {spec.name!r} is registered twice")
        self._specs[spec.name] = spec

    def tool(
        self,
        *,
        name: str,
        description: str,
        example: str,
        args: type[BaseModel],
        result: type[BaseModel],
        render: Renderer,
        permissions: Iterable[str],
        risk: Risk = "low",
        mutating: bool = False,
        preview: Preview | None = None,
        observe: Observer | None = None,
        examples: Iterable[str] = (),
        recheck: Rechecker | None = None,
        dry_run: DryRunner | None = None,
        offered: bool = True,
    ) -> Callable[[F], F]:
        """Decorator registering a handler as a tool.

        Args:
            name: ``<domain>.<verb>``.
            description: one line.
            example: an utterance that should reach the tool.
            args: pydantic arguments model.
            result: pydantic result model.
            render: Block Kit renderer of the result.
            permissions: IAM actions needed.
            risk: default risk level.
            mutating: whether the tool changes anything.
            preview: plan builder, required when ``mutating``.
            observe: reads the targets' state back (see ``ToolSpec.observe``).
            examples: utterances the classifier learns this tool from (see ``ToolSpec``).
            recheck: builds the plan again from its targets now (see ``ToolSpec.recheck``).
            dry_run: checks the plan's calls with ``DryRun=True`` (see ``ToolSpec.dry_run``).
            offered: False for a tool only the product files plans of (see ``ToolSpec``).
        """

        def register(handler: F) -> F:
            self.add(
                ToolSpec(
                    name=name,
                    domain=name.split(".", 1)[0],
                    description=description,
                    example=example,
                    args_model=args,
                    result_model=result,
                    mutating=mutating,
                    risk=risk,
                    permissions=tuple(permissions),
                    handler=handler,
                    render=render,
                    preview=preview,
                    observe=observe,
                    examples=tuple(examples),
                    recheck=recheck,
                    dry_run=dry_run,
                    offered=offered,
                )
            )
            return handler

        return register

    def get(self, name: str) -> ToolSpec:
        """The tool called ``name`` (dotted or function form).

        Args:
            name: ``ec2.stop_instances`` or ``ec2_stop_instances``.
        """
        spec = self._specs.get(name)
        if spec is None:
            spec = next((s for s in self._specs.values() if s.function_name == name), None)
        if spec is None:
            raise KeyError(f"no tool named {name!r}")
        return spec

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._specs

    def all(self) -> list[ToolSpec]:
        """Every tool people and models may ask for, sorted by name (``get`` finds the rest)."""
        offered = (spec for spec in self._specs.values() if spec.offered)
        return sorted(offered, key=lambda spec: spec.name)


REGISTRY = Registry()
"""The process-wide registry that the ``tool`` decorator fills (static metadata only)."""

tool = REGISTRY.tool


def load_builtin_tools(registry: Registry = REGISTRY) -> Registry:
    """Import every ``tools/<domain>/tools.py`` and ``tools/<domain>/tools_<part>.py`` so all
    built-in tools are registered.

    Args:
        registry: returned as-is, for chaining.
    """
    import_submodules("tools", leaf="tools")
    return registry
