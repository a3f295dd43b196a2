"""What a policy matches on, gathered from an action plan and its targets' tags."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field

from tools.plan import ActionPlan, ResourceChange

TagSource = Callable[[ResourceChange], dict[str, str]]
"""Reads one target's tags (an empty dict when it has none or they cannot be read)."""


class RequestFacts(BaseModel):
    """A request as the policy sees it."""

    tool: str = Field(description="Registered tool name, e.g. ec2.stop_instances.")
    risk: str = Field(description="The plan's risk level.")
    requester: str | None = Field(default=None, description="Who asks (never counts).")
    accounts: list[str] = Field(default_factory=list, description="Accounts of the targets.")
    regions: list[str] = Field(default_factory=list, description="Regions of the targets.")
    targets: list[dict[str, str]] = Field(
        default_factory=list, description="Each target's tags (one dict per target)."
    )
    cost_delta: float | None = Field(
        default=None, description="Monthly cost change in USD (negative = saving)."
    )
    environment_tag: str = Field(default="environment", description="Tag naming environment.")
    owner_tag: str = Field(default="owner", description="Tag naming the owner.")

    @property
    def domain(self) -> str:
        """The registry domain: the tool name's first part."""
        return self.tool.split(".", 1)[0]

    @property
    def environments(self) -> list[str]:
        """Distinct environment tag values of the targets."""
        return _distinct(t.get(self.environment_tag) for t in self.targets)

    @property
    def owners(self) -> list[str]:
        """Distinct owner tag values of the targets."""
        return _distinct(t.get(self.owner_tag) for t in self.targets)


def _distinct(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


def facts_from_plan(
    plan: ActionPlan,
    requester: str | None = None,
    tags: TagSource | None = None,
    environment_tag: str = "environment",
    owner_tag: str = "owner",
) -> RequestFacts:
    """The facts of ``plan``: its tool, risk, cost, and its targets' accounts, regions, tags.

    Args:
        plan: the resolved plan.
        requester: who asks.
        tags: reads a target's tags; no tags are known without it.
        environment_tag: tag key naming the environment.
        owner_tag: tag key naming the owner.
    """
    return RequestFacts(
        tool=plan.tool,
        risk=plan.risk,
        requester=requester,
        accounts=_distinct(c.account for c in plan.changes),
        regions=_distinct(c.region for c in plan.changes),
        targets=[tags(c) if tags else {} for c in plan.changes],
        cost_delta=plan.cost_delta_monthly,
        environment_tag=environment_tag,
        owner_tag=owner_tag,
    )
